"""A fake Telegram Bot API for tests and the benchmark: in-process, no network.

`FakeBotApi` plays Telegram's servers. It hands python-telegram-bot a `BaseRequest`
(`api.request()`), serves the updates a test injects (`api.send_text(...)`,
`api.press_button(...)`), answers the methods the bot calls, and records every call so a
test can read what a patient was sent. It can also behave like a patient who blocked the
bot (403 Forbidden) or like Telegram's flood control (429 with `retry_after`).

    api = FakeBotApi()
    bot = Bot("123:TEST", request=api.request())            # or ApplicationBuilder().request(...)
    api.send_text(user_id=7, text="hello")                   # queued for getUpdates
    update = Update.de_json(api.text_update(7, "hello"), bot)  # or processed directly

    with api.serve_http() as base_url:                        # for a bot in another process:
        ...                                                   # TELEGRAM_API_BASE_URL=base_url
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

BOT_ID = 999_000
BOT_USERNAME = "aftercare_test_bot"
LONG_POLL_CAP_SECONDS = 0.2
"""getUpdates waits at most this long for a new update, so a stopping bot is never kept
waiting on the fake's long poll."""

Json = dict[str, Any]


@dataclass
class ApiCall:
    """One Bot API request the bot made: the method, its JSON parameters, the full URL,
    the HTTP status the fake answered with, and when (`time.perf_counter()`)."""

    method: str
    params: Json
    url: str
    status: int = 200
    at: float = field(default_factory=time.perf_counter)


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None = None
    times: int | None = None  # None: every time


@dataclass
class _Chat:
    id: int
    type: str = "private"
    title: str | None = None
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


class FakeBotApi:
    """Telegram's side of the conversation, recorded."""

    def __init__(self, bot_id: int = BOT_ID, bot_username: str = BOT_USERNAME) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.calls: list[ApiCall] = []
        self.commands: list[Json] = []
        self.delivered_at: dict[int, list[float]] = {}
        """When each message to a chat was delivered (`time.perf_counter()`), by chat id."""
        self._pending: list[Json] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._chats: dict[int, _Chat] = {}
        self._failures: dict[int, _Failure] = {}
        # The HTTP server answers from its own threads.
        self._lock = threading.RLock()

    def request(self) -> FakeRequest:
        """A `BaseRequest` for python-telegram-bot that talks to this fake."""
        return FakeRequest(self)

    @contextmanager
    def serve_http(self) -> Iterator[str]:
        """Serve this fake on a loopback port, for a bot running in another process.

        Yields the base URL to give as TELEGRAM_API_BASE_URL (the token is appended).
        """
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="fake-bot-api", daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/bot"
        finally:
            server.shutdown()
            server.server_close()

    # --- what the test does: patients writing -------------------------------------------

    def chat(self, chat_id: int, chat_type: str = "private", title: str | None = None) -> None:
        """Declare a chat's type (private unless said otherwise), e.g. a staff group."""
        self._chats[chat_id] = _Chat(chat_id, chat_type, title)

    def text_update(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Anna",
        username: str | None = None,
        chat_id: int | None = None,
        edited: bool = False,
    ) -> Json:
        """An update with a text message (commands get their `bot_command` entity)."""
        message = self._message(user_id, first_name, username, chat_id)
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if edited:
            message["edit_date"] = int(time.time())
            return self._update(edited_message=message)
        return self._update(message=message)

    def media_update(
        self,
        user_id: int,
        kind: str,
        *,
        caption: str | None = None,
        first_name: str = "Anna",
        username: str | None = None,
    ) -> Json:
        """An update with a photo, sticker, voice, document, location, ... message."""
        message = self._message(user_id, first_name, username, None)
        message.update(_MEDIA[kind])
        if caption is not None:
            message["caption"] = caption
        return self._update(message=message)

    def button_update(
        self,
        user_id: int,
        data: str,
        *,
        message_id: int | None = None,
        first_name: str = "Anna",
        username: str | None = None,
    ) -> Json:
        """An update for a press on an inline button (`data` is its callback data)."""
        chat = self._chat(user_id)
        sender = _user(user_id, first_name, username)
        pressed = self.last_message_with_buttons(user_id)
        message = {
            "message_id": message_id or (pressed["message_id"] if pressed else 1),
            "date": int(time.time()),
            "chat": _chat_json(chat),
            "from": _user(self.bot_id, "Aftercare", self.bot_username, is_bot=True),
            "text": pressed["text"] if pressed else "",
        }
        query = {
            "id": str(next(self._callback_ids)),
            "from": sender,
            "chat_instance": str(user_id),
            "message": message,
            "data": data,
        }
        return self._update(callback_query=query)

    def send_text(self, user_id: int, text: str, **kwargs: Any) -> Json:
        """Queue a text message for the bot's next getUpdates."""
        return self._queue(self.text_update(user_id, text, **kwargs))

    def send_media(self, user_id: int, kind: str, **kwargs: Any) -> Json:
        """Queue a non-text message (see `media_update`)."""
        return self._queue(self.media_update(user_id, kind, **kwargs))

    def press_button(self, user_id: int, data: str, **kwargs: Any) -> Json:
        """Queue a button press (see `button_update`)."""
        return self._queue(self.button_update(user_id, data, **kwargs))

    # --- what the test does: Telegram misbehaving ----------------------------------------

    def block(self, chat_id: int) -> None:
        """From now on, sending to `chat_id` fails as if the patient blocked the bot."""
        self._failures[chat_id] = _Failure(403, "Forbidden: bot was blocked by the user")

    def rate_limit(self, chat_id: int, retry_after: int = 1, times: int | None = 1) -> None:
        """The next `times` sends to `chat_id` get 429 Too Many Requests (None: all of them)."""
        self._failures[chat_id] = _Failure(
            429, f"Too Many Requests: retry after {retry_after}", retry_after, times
        )

    def heal(self, chat_id: int) -> None:
        """Sending to `chat_id` works again."""
        self._failures.pop(chat_id, None)

    # --- what the test reads ------------------------------------------------------------

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    async def deliver(
        self, application: Application[Any, Any, Any, Any, Any, Any], update: Json
    ) -> list[str]:
        """Have `application` process `update`; the texts it sent because of it, to anyone."""
        before = len(self.sent())
        await application.process_update(Update.de_json(update, application.bot))
        return [str(sent["text"]) for sent in self.sent()[before:]]

    def sent(self, chat_id: int | None = None) -> list[Json]:
        """Every message delivered (to `chat_id`, if given), oldest first: the sendMessage
        parameters, plus the `message_id` the fake gave it. Refused sends are left out."""
        return [
            call.params
            for call in self.calls_to("sendMessage")
            if call.status == 200 and (chat_id is None or int(call.params["chat_id"]) == chat_id)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """The text of every message the bot sent (to `chat_id`, if given)."""
        return [str(params["text"]) for params in self.sent(chat_id)]

    def last_message_with_buttons(self, chat_id: int) -> Json | None:
        """The newest delivered message to `chat_id` that has buttons, if any."""
        with_buttons = [sent for sent in self.sent(chat_id) if "reply_markup" in sent]
        return with_buttons[-1] if with_buttons else None

    @property
    def pending_updates(self) -> int:
        return len(self._pending)

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 5.0) -> list[str]:
        """Wait until the bot has sent `count` messages to `chat_id`; return their texts."""
        deadline = time.monotonic() + timeout
        while len(self.texts(chat_id)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"chat {chat_id} got {len(self.texts(chat_id))} of {count}")
            await asyncio.sleep(0.005)
        return self.texts(chat_id)

    # --- the Bot API itself -------------------------------------------------------------

    def handle(self, url: str, params: Json) -> tuple[int, Json]:
        """Answer one Bot API call: (HTTP status, JSON body)."""
        with self._lock:
            return self._handle(url, params)

    def _handle(self, url: str, params: Json) -> tuple[int, Json]:
        method = url.rsplit("/", 1)[-1]
        call = ApiCall(method, params, url)
        self.calls.append(call)
        chat_id = _int_or_none(params.get("chat_id"))
        if chat_id is not None and method.startswith(("send", "edit")):
            failure = self._failures.get(chat_id)
            if failure is not None:
                call.status = failure.status
                return self._fail(chat_id, failure)
        answer = getattr(self, "_api_" + method, None)
        if answer is None:
            call.status = 404
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        return 200, {"ok": True, "result": answer(params)}

    def _fail(self, chat_id: int, failure: _Failure) -> tuple[int, Json]:
        if failure.times is not None:
            failure.times -= 1
            if failure.times <= 0:
                self._failures.pop(chat_id, None)
        body: Json = {"ok": False, "error_code": failure.status, "description": failure.description}
        if failure.retry_after is not None:
            body["parameters"] = {"retry_after": failure.retry_after}
        return failure.status, body

    def take_updates(self, offset: int | None, limit: int = 100) -> list[Json]:
        """The updates not yet confirmed: those at or after `offset` (Telegram's rule)."""
        with self._lock:
            if offset is not None:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
            return self._pending[:limit]

    def _api_getMe(self, params: Json) -> Json:
        return {
            **_user(self.bot_id, "Aftercare", self.bot_username, is_bot=True),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_sendMessage(self, params: Json) -> Json:
        chat = self._chat(int(params["chat_id"]))
        message_id = next(chat.message_ids)
        params["message_id"] = message_id
        self.delivered_at.setdefault(chat.id, []).append(time.perf_counter())
        message: Json = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": _chat_json(chat),
            "from": _user(self.bot_id, "Aftercare", self.bot_username, is_bot=True),
            "text": params["text"],
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    def _api_editMessageReplyMarkup(self, params: Json) -> Json | bool:
        return self._edited(params)

    def _api_editMessageText(self, params: Json) -> Json | bool:
        return self._edited(params)

    def _edited(self, params: Json) -> Json | bool:
        if "chat_id" not in params:
            return True
        chat = self._chat(int(params["chat_id"]))
        return {
            "message_id": int(params["message_id"]),
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": _chat_json(chat),
            "text": params.get("text", ""),
        }

    def _api_answerCallbackQuery(self, params: Json) -> bool:
        return True

    def _api_setMyCommands(self, params: Json) -> bool:
        self.commands = list(params.get("commands", []))
        return True

    def _api_getMyCommands(self, params: Json) -> list[Json]:
        return self.commands

    def _api_deleteMyCommands(self, params: Json) -> bool:
        self.commands = []
        return True

    def _api_deleteWebhook(self, params: Json) -> bool:
        if params.get("drop_pending_updates"):
            self._pending = []
        return True

    def _api_getWebhookInfo(self, params: Json) -> Json:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _api_close(self, params: Json) -> bool:
        return True

    def _api_logOut(self, params: Json) -> bool:
        return True

    def _api_sendChatAction(self, params: Json) -> bool:
        return True

    # --- building blocks ----------------------------------------------------------------

    def _queue(self, update: Json) -> Json:
        with self._lock:
            self._pending.append(update)
        return update

    def _update(self, **content: Json) -> Json:
        return {"update_id": next(self._update_ids), **content}

    def _chat(self, chat_id: int) -> _Chat:
        if chat_id not in self._chats:
            self._chats[chat_id] = _Chat(chat_id)
        return self._chats[chat_id]

    def _message(
        self, user_id: int, first_name: str, username: str | None, chat_id: int | None
    ) -> Json:
        chat = self._chat(chat_id if chat_id is not None else user_id)
        return {
            "message_id": next(chat.message_ids),
            "date": int(time.time()),
            "chat": _chat_json(chat, first_name, username),
            "from": _user(user_id, first_name, username),
        }


class FakeRequest(BaseRequest):
    """python-telegram-bot's door to `FakeBotApi`: every request is answered in-process."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        params: Json = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        if url.endswith("/getUpdates"):
            return await self._long_poll(url, params)
        status, body = self.api.handle(url, params)
        await asyncio.sleep(0)  # a real request yields to the event loop; so does this one
        return status, json.dumps(body).encode()

    async def _long_poll(self, url: str, params: Json) -> tuple[int, bytes]:
        self.api.calls.append(ApiCall("getUpdates", params, url))
        deadline = time.monotonic() + _poll_wait(params)
        updates = self.api.take_updates(_int_or_none(params.get("offset")), _limit(params))
        while not updates and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
            updates = self.api.take_updates(_int_or_none(params.get("offset")), _limit(params))
        return 200, json.dumps({"ok": True, "result": updates}).encode()


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class BotApiHandler(BaseHTTPRequestHandler):
        """The fake over HTTP, as python-telegram-bot's HTTPXRequest posts to it."""

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            params = {key: _form_value(key, value) for key, value in parse_qsl(body)}
            if self.path.endswith("/getUpdates"):
                with api._lock:
                    api.calls.append(ApiCall("getUpdates", params, self.path))
                deadline = time.monotonic() + _poll_wait(params)
                updates = api.take_updates(_int_or_none(params.get("offset")), _limit(params))
                while not updates and time.monotonic() < deadline:
                    time.sleep(0.005)
                    updates = api.take_updates(_int_or_none(params.get("offset")), _limit(params))
                status, answer = 200, {"ok": True, "result": updates}
            else:
                status, answer = api.handle(self.path, params)
            payload = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the bot stopped while its long poll was open

        def log_message(self, format: str, *args: Any) -> None:
            return None  # the test's output stays readable

    return BotApiHandler


def _form_value(key: str, value: str) -> Any:
    # python-telegram-bot form-encodes JSON values but sends strings as they are.
    if key in ("text", "caption"):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _poll_wait(params: Json) -> float:
    return min(float(params.get("timeout", 0) or 0), LONG_POLL_CAP_SECONDS)


def _limit(params: Json) -> int:
    return int(params.get("limit", 100))


def _user(user_id: int, first_name: str, username: str | None, is_bot: bool = False) -> Json:
    user: Json = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        user["username"] = username
    return user


def _chat_json(chat: _Chat, first_name: str | None = None, username: str | None = None) -> Json:
    found: Json = {"id": chat.id, "type": chat.type}
    if chat.type == "private" and first_name:
        found["first_name"] = first_name
        if username:
            found["username"] = username
    if chat.title:
        found["title"] = chat.title
    return found


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


_FILE = {"file_id": "file-1", "file_unique_id": "unique-1"}
_MEDIA: Mapping[str, Json] = {
    "photo": {"photo": [{**_FILE, "width": 90, "height": 90}]},
    "sticker": {
        "sticker": {
            **_FILE,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    },
    "voice": {"voice": {**_FILE, "duration": 3}},
    "video": {"video": {**_FILE, "width": 90, "height": 90, "duration": 3}},
    "document": {"document": {**_FILE, "file_name": "notes.pdf"}},
    "location": {"location": {"latitude": 51.5, "longitude": -0.12}},
    "contact": {"contact": {"phone_number": "+440000", "first_name": "Anna"}},
}
MEDIA_KINDS: Sequence[str] = tuple(_MEDIA)
