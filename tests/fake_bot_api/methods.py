"""The Bot API methods the bot calls, answered as Telegram answers them: the result on
success, and Telegram's own 400 errors for what Telegram refuses (a chat it does not know,
a reply to a missing message, an edit that changes nothing, a topic in a chat that is not a
forum). `perform` runs one method; injected faults are decided before it (see `api.py`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .faults import CHAT_NOT_FOUND
from .records import Chat, Json, Posted, int_or_none
from .state import CONTENT_KEYS, TelegramState, menu_key

TOPIC_COLOR = 7322096
"""Telegram's default forum topic icon colour."""
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
OLD_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    """Telegram refusing a call: an HTTP status and its description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class BotMethods(TelegramState):
    """Telegram's answers to the bot."""

    def perform(self, method: str, params: Json) -> tuple[int, Json]:
        """Run one Bot API method: (HTTP status, JSON body)."""
        answer: Callable[[Json], Any] | None = getattr(self, "_api_" + method, None)
        if answer is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        with self._lock:
            try:
                result = answer(params)
            except ApiError as error:
                body = {"ok": False, "error_code": error.status, "description": error.description}
                return error.status, body
        return 200, {"ok": True, "result": result}

    # --- the bot and its updates --------------------------------------------------------

    def _api_getMe(self, params: Json) -> Json:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_getUpdates(self, params: Json) -> list[Json]:
        return self.take_updates(int_or_none(params.get("offset")), int(params.get("limit", 100)))

    def _api_deleteWebhook(self, params: Json) -> bool:
        if params.get("drop_pending_updates"):
            self._pending = []
        return True

    def _api_getWebhookInfo(self, params: Json) -> Json:
        pending = len(self._pending)
        return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}

    def _api_close(self, params: Json) -> bool:
        return True

    def _api_logOut(self, params: Json) -> bool:
        return True

    def _api_setMyCommands(self, params: Json) -> bool:
        key = menu_key(params.get("scope"), params.get("language_code", ""))
        self._menus[key] = list(params.get("commands", []))
        return True

    def _api_getMyCommands(self, params: Json) -> list[Json]:
        return self.commands_for(params.get("scope"), params.get("language_code", ""))

    def _api_deleteMyCommands(self, params: Json) -> bool:
        self._menus.pop(menu_key(params.get("scope"), params.get("language_code", "")), None)
        return True

    # --- chats and topics ---------------------------------------------------------------

    def _api_getChat(self, params: Json) -> Json:
        chat = self._known_chat(params)
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **chat.json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {kind: False for kind in (*gifts, "gifts_from_channels")},
        }

    def _api_createForumTopic(self, params: Json) -> Json:
        chat = self._known_chat(params)
        if not chat.is_forum:
            raise ApiError(400, "Bad Request: the chat is not a forum")
        name = str(params.get("name", ""))
        if not 1 <= len(name) <= 128:
            raise ApiError(400, "Bad Request: TOPIC_NAME_INVALID")
        color = int(params.get("icon_color", TOPIC_COLOR))
        created = self._new_message(chat, self._bot_user())
        thread_id = created["message_id"]
        created.update(
            message_thread_id=thread_id,
            is_topic_message=True,
            forum_topic_created={"name": name, "icon_color": color},
        )
        chat.messages[thread_id] = Posted(created, by_bot=True)
        chat.topics[thread_id] = name
        return {"message_thread_id": thread_id, "name": name, "icon_color": color}

    def _api_sendChatAction(self, params: Json) -> bool:
        self._known_chat(params)
        return True

    # --- messages -----------------------------------------------------------------------

    def _api_sendMessage(self, params: Json) -> Json:
        chat = self._known_chat(params)
        if not str(params.get("text", "")).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        message = self._bot_message(chat, params)
        message["text"] = params["text"]
        params["message_id"] = message["message_id"]
        return self._post(chat, message, by_bot=True)

    def _api_copyMessage(self, params: Json) -> Json:
        chat = self._known_chat(params)
        source_chat = int_or_none(params.get("from_chat_id"))
        source_id = int_or_none(params.get("message_id"))
        source = self._find(source_chat, source_id)
        if source is None or source_chat is None or source_id is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        if "forum_topic_created" in source.json:
            raise ApiError(400, "Bad Request: message can't be copied")
        message = self._bot_message(chat, params)
        message.update({k: v for k, v in source.json.items() if k in CONTENT_KEYS})
        if "caption" in params:
            message.pop("caption_entities", None)
            message["caption"] = params["caption"]
        self._post(chat, message, by_bot=True, copied_from=(source_chat, source_id))
        return {"message_id": message["message_id"]}

    def _api_editMessageText(self, params: Json) -> Json | bool:
        return self._edit(params, {"text": params.get("text", "")}, drop=("entities",))

    def _api_editMessageCaption(self, params: Json) -> Json | bool:
        return self._edit(params, {"caption": params.get("caption", "")}, drop=())

    def _api_editMessageReplyMarkup(self, params: Json) -> Json | bool:
        return self._edit(params, {}, drop=())

    def _api_deleteMessage(self, params: Json) -> bool:
        chat = self._known_chat(params)
        if chat.messages.pop(int_or_none(params.get("message_id")) or 0, None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _api_answerCallbackQuery(self, params: Json) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_queries:
            raise ApiError(400, OLD_QUERY)
        self._open_queries.discard(query_id)
        return True

    def _api_getFile(self, params: Json) -> Json:
        found = self._files.get(str(params.get("file_id")))
        if found is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {**found, "file_size": 54_321, "file_path": f"photos/{found['file_id']}.jpg"}

    # --- building blocks ----------------------------------------------------------------

    def _known_chat(self, params: Json) -> Chat:
        """The chat a call names. A person's private chat is known from their id; a group
        only once the test declared it."""
        chat_id = int_or_none(params.get("chat_id"))
        if chat_id is None or (chat_id < 0 and chat_id not in self._chats):
            raise ApiError(400, CHAT_NOT_FOUND)
        return self._chat(chat_id)

    def _find(self, chat_id: int | None, message_id: int | None) -> Posted | None:
        if chat_id is None or message_id is None:
            return None
        return self._stored(chat_id, message_id)

    def _bot_message(self, chat: Chat, params: Json) -> Json:
        """A new message from the bot in `chat`: its topic, reply and buttons from the
        call's parameters, checked as Telegram checks them."""
        thread_id = int_or_none(params.get("message_thread_id"))
        if thread_id is not None and thread_id not in chat.topics:
            raise ApiError(400, "Bad Request: message thread not found")
        message = self._new_message(chat, self._bot_user(), thread_id)
        reply = params.get("reply_parameters") or {}
        reply_to = int_or_none(reply.get("message_id", params.get("reply_to_message_id")))
        replied = self._find(chat.id, reply_to)
        lenient = reply.get("allow_sending_without_reply")
        if reply_to is not None and replied is None and not lenient:
            raise ApiError(400, "Bad Request: message to be replied not found")
        self._link_reply(chat, message, replied)
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    def _edit(self, params: Json, changes: Json, drop: tuple[str, ...]) -> Json | bool:
        if "inline_message_id" in params:
            return True
        chat = self._known_chat(params)
        posted = self._find(chat.id, int_or_none(params.get("message_id")))
        if posted is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not posted.by_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        # An edit that leaves out the buttons removes them, as on Telegram.
        edited = {k: v for k, v in posted.json.items() if k not in (*drop, "reply_markup")}
        edited.update(changes)
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            edited["reply_markup"] = markup
        if _content(edited) == _content(posted.json):
            raise ApiError(400, NOT_MODIFIED)
        edited["edit_date"] = int(time.time())
        posted.json = edited
        return edited


def _content(message: Json) -> Json:
    return {k: v for k, v in message.items() if k != "edit_date"}
