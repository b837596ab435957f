"""Telegram's side as data: the chats and what they hold, the updates waiting for the bot,
the bot's command menus and every call the bot made. The people (`updates.py`) and the
Bot API methods (`methods.py`) act on it; the readers here are what a test asserts on."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time

from .records import (
    BOT_ID,
    BOT_NAME,
    BOT_USERNAME,
    ApiCall,
    Chat,
    Copy,
    Json,
    Posted,
    int_or_none,
    user_json,
)

LONG_POLL_CAP_SECONDS = 0.2
"""getUpdates waits at most this long for a new update, so a stopping bot is never kept
waiting on the fake's long poll."""
DEFAULT_SCOPE: Json = {"type": "default"}
CONTENT_KEYS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "photo",
    "sticker",
    "voice",
    "video",
    "document",
    "location",
    "contact",
)
"""What a message carries, as opposed to who sent it, where and when: what a copy keeps."""


class TelegramState:
    """The shared state; one lock guards it, since the HTTP server answers from threads."""

    def __init__(self, bot_id: int = BOT_ID, bot_username: str = BOT_USERNAME) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.calls: list[ApiCall] = []
        self.delivered_at: dict[int, list[float]] = {}
        """When each message to a chat was delivered (`time.perf_counter()`), by chat id."""
        self._menus: dict[tuple[str, str], list[Json]] = {}
        self._pending: list[Json] = []
        self._last_update_id = 0
        self._highest_queued_id = 0
        self._chats: dict[int, Chat] = {}
        self._files: dict[str, Json] = {}
        self._file_numbers = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._open_queries: set[str] = set()
        self._lock = threading.RLock()
        self._queued = threading.Condition(self._lock)
        """Notified when an update is queued: a waiting getUpdates answers at once."""

    # --- what the test declares ---------------------------------------------------------

    def chat(
        self,
        chat_id: int,
        chat_type: str = "private",
        title: str | None = None,
        *,
        is_forum: bool = False,
    ) -> None:
        """Declare a chat: its type (private unless said otherwise, e.g. "supergroup" for a
        staff group), title, and whether it is a forum (topics). Until declared, a group
        id is a chat Telegram does not know."""
        if is_forum and chat_type != "supergroup":
            raise ValueError("only a supergroup can be a forum")
        with self._lock:
            chat = self._chat(chat_id)
            chat.type, chat.title, chat.is_forum = chat_type, title, is_forum

    # --- what the test reads ------------------------------------------------------------

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def faulted_calls(self) -> list[ApiCall]:
        """Every call an injected fault shaped, oldest first."""
        return [call for call in self.calls if call.fault is not None]

    def sent(self, chat_id: int | None = None, thread_id: int | None = None) -> list[Json]:
        """Every message delivered with sendMessage (to `chat_id` and forum topic
        `thread_id`, if given), oldest first: the sendMessage parameters plus the
        `message_id` the fake gave it. Refused sends are left out; a send delivered whose
        answer was lost is in."""
        return [
            call.params
            for call in self.calls_to("sendMessage")
            if call.reached
            and (chat_id is None or call.chat_id == chat_id)
            and thread_id in (None, int_or_none(call.params.get("message_thread_id")))
        ]

    def texts(self, chat_id: int | None = None, thread_id: int | None = None) -> list[str]:
        """The text of every message the bot sent (to `chat_id` and `thread_id`, if given)."""
        return [str(params["text"]) for params in self.sent(chat_id, thread_id)]

    def messages(self, chat_id: int, thread_id: int | None = None) -> list[Json]:
        """What the bot put in a chat (or one forum topic of it), sent or copied, as the
        chat shows it now: edits applied, deleted messages gone."""
        with self._lock:
            chat = self._chats.get(chat_id)
            posted = list(chat.messages.values()) if chat else []
        return [
            p.json
            for p in posted
            if p.by_bot
            and (thread_id is None or p.json.get("message_thread_id") == thread_id)
            and "forum_topic_created" not in p.json
        ]

    def copies(self, chat_id: int | None = None) -> list[Copy]:
        """Every message the bot copied (into `chat_id`, if given), oldest first."""
        found: list[Copy] = []
        with self._lock:
            chats = [c for c in self._chats.values() if chat_id in (None, c.id)]
            for chat in chats:
                for posted in chat.messages.values():
                    if posted.copied_from is not None:
                        found.append(_copy(chat.id, posted.json, posted.copied_from))
        return sorted(found, key=lambda copy: copy.message_id)

    def last_message_with_buttons(self, chat_id: int, thread_id: int | None = None) -> Json | None:
        """The newest message sent to `chat_id` (and `thread_id`) with buttons, if any, as
        sent (a later edit that removed the buttons does not hide it)."""
        with_buttons = [sent for sent in self.sent(chat_id, thread_id) if "reply_markup" in sent]
        return with_buttons[-1] if with_buttons else None

    def topics(self, chat_id: int) -> dict[int, str]:
        """The forum topics of a chat: thread id to name."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return dict(chat.topics) if chat else {}

    @property
    def commands(self) -> list[Json]:
        """The command menu for everyone (the default scope, no language)."""
        return self.commands_for()

    def commands_for(self, scope: Json | None = None, language_code: str = "") -> list[Json]:
        """The command menu set for `scope` (e.g. {"type": "chat", "chat_id": -100}) and
        language, as setMyCommands left it."""
        return list(self._menus.get(menu_key(scope, language_code), []))

    @property
    def pending_updates(self) -> int:
        """How many updates the bot has not confirmed yet."""
        return len(self._pending)

    def pending_update_ids(self) -> list[int]:
        with self._lock:
            return [update["update_id"] for update in self._pending]

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 5.0) -> list[str]:
        """Wait until the bot has sent `count` messages to `chat_id`; return their texts."""
        deadline = time.monotonic() + timeout
        while len(self.texts(chat_id)) < count:
            self._give_up_after(deadline, chat_id, count)
            await asyncio.sleep(0.005)
        return self.texts(chat_id)

    def wait_for_messages_sync(self, chat_id: int, count: int, timeout: float = 5.0) -> list[str]:
        """`wait_for_messages` for a test without an event loop (a bot in a subprocess)."""
        deadline = time.monotonic() + timeout
        while len(self.texts(chat_id)) < count:
            self._give_up_after(deadline, chat_id, count)
            time.sleep(0.005)
        return self.texts(chat_id)

    def _give_up_after(self, deadline: float, chat_id: int, count: int) -> None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"chat {chat_id} got {len(self.texts(chat_id))} of {count}")

    def take_updates(self, offset: int | None, limit: int = 100) -> list[Json]:
        """The updates not yet confirmed, oldest first. An `offset` confirms every update
        below it, which Telegram then never sends again (its rule for getUpdates)."""
        with self._lock:
            if offset is not None:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
            return self._pending[:limit]

    def wait_for_updates(self, seconds: float) -> bool:
        """Wait up to `seconds` for an update not yet confirmed; True if there is one."""
        with self._queued:
            return self._queued.wait_for(lambda: bool(self._pending), seconds)

    # --- building blocks ----------------------------------------------------------------

    def _chat(self, chat_id: int) -> Chat:
        if chat_id not in self._chats:
            self._chats[chat_id] = Chat(chat_id)
        return self._chats[chat_id]

    def _bot_user(self) -> Json:
        return user_json(self.bot_id, BOT_NAME, self.bot_username, is_bot=True)

    def _new_message(self, chat: Chat, sender: Json, thread_id: int | None = None) -> Json:
        """A message's frame: id, date, chat, sender and forum topic; no content yet."""
        message: Json = {
            "message_id": next(chat.message_ids),
            "date": int(time.time()),
            "chat": chat.json(),
            "from": sender,
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        return message

    def _post(
        self,
        chat: Chat,
        message: Json,
        by_bot: bool,
        copied_from: tuple[int, int] | None = None,
    ) -> Json:
        chat.messages[message["message_id"]] = Posted(message, by_bot, copied_from)
        if by_bot:
            self.delivered_at.setdefault(chat.id, []).append(time.perf_counter())
        return message

    def _link_reply(self, chat: Chat, message: Json, replied: Posted | None) -> None:
        """Make `message` a reply as Telegram does: to `replied`, or, in a forum topic, to
        the message that created the topic (Telegram's way of saying which topic). A reply
        in a forum lands in the replied message's topic."""
        thread_id = message.get("message_thread_id")
        if replied is not None:
            message["reply_to_message"] = quoted(replied.json)
            if chat.is_forum and thread_id is None and "message_thread_id" in replied.json:
                message["message_thread_id"] = replied.json["message_thread_id"]
                message["is_topic_message"] = True
        elif thread_id is not None:
            message["reply_to_message"] = quoted(chat.messages[thread_id].json)

    def _stored(self, chat_id: int, message_id: int) -> Posted | None:
        chat = self._chats.get(chat_id)
        return chat.messages.get(message_id) if chat else None

    def _next_update_id(self) -> int:
        self._last_update_id += 1
        return self._last_update_id

    def _next_file_number(self) -> int:
        return next(self._file_numbers)

    def _next_callback_id(self) -> int:
        return next(self._callback_ids)


def long_poll_seconds(params: Json) -> float:
    """How long a getUpdates waits for an update: its `timeout`, capped."""
    return min(float(params.get("timeout", 0) or 0), LONG_POLL_CAP_SECONDS)


def quoted(message: Json) -> Json:
    """A message as another message's `reply_to_message` carries it: Telegram does not
    nest a reply's own reply."""
    return {key: value for key, value in message.items() if key != "reply_to_message"}


def menu_key(scope: Json | None, language_code: str) -> tuple[str, str]:
    return json.dumps(scope or DEFAULT_SCOPE, sort_keys=True), language_code or ""


def _copy(chat_id: int, message: Json, source: tuple[int, int]) -> Copy:
    return Copy(
        chat_id=chat_id,
        message_id=message["message_id"],
        thread_id=message.get("message_thread_id"),
        from_chat_id=source[0],
        from_message_id=source[1],
        content={key: value for key, value in message.items() if key in CONTENT_KEYS},
    )
