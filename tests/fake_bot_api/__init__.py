"""A fake Telegram Bot API for tests and the benchmark: in-process, no network.

`FakeBotApi` plays Telegram's servers. It hands python-telegram-bot a `BaseRequest`
(`api.request()`), serves the updates a test injects (`api.send_text(...)`,
`api.send_photo(...)`, `api.press_button(...)`), answers the methods the bot calls as
Telegram does (forum topics, copyMessage, replies, edits, command menus per scope), and
records every call so a test can read what a chat or a forum topic received.

It misbehaves on demand, per method and optionally per chat, for some calls or until
healed: HTTP errors (`fail`), flood control (`rate_limit`, `fail(status=429)`), a blocked
or removed bot (`block`, `kick`), hangs past the read timeout (`hang`), dropped
connections (`drop`), answers lost after Telegram delivered the message
(`delivered=True`), and calls held unanswered until the test lets go (`hold`). Every call
records what happened to it (`ApiCall.outcome`, `.reached`, `.fault`).

    api = FakeBotApi()
    bot = Bot("123:TEST", request=api.request())            # or ApplicationBuilder().request(...)
    api.send_text(user_id=7, text="hello")                   # queued for getUpdates
    update = Update.de_json(api.text_update(7, "hello"), bot)  # or processed directly
    api.fail("sendMessage", status=502, times=1)             # the next send gets 502

    with api.serve_http() as base_url:                        # for a bot in another process:
        ...                                                   # TELEGRAM_API_BASE_URL=base_url
    with api.serve_http(http_version="2") as base_url:        # the same over HTTP/2 (h2c)
        ...
"""

from .api import FakeBotApi
from .faults import (
    BLOCKED,
    CANT_PARSE_ENTITIES,
    CHAT_NOT_FOUND,
    KICKED_FROM_GROUP,
    KICKED_FROM_SUPERGROUP,
    Fault,
    FaultKind,
    Hold,
)
from .inprocess import FakeRequest
from .over_http import HttpVersion
from .records import BOT_ID, BOT_USERNAME, ApiCall, Copy, Json, Outcome
from .state import LONG_POLL_CAP_SECONDS
from .updates import MEDIA_KINDS

__all__ = [
    "BLOCKED",
    "BOT_ID",
    "BOT_USERNAME",
    "CANT_PARSE_ENTITIES",
    "CHAT_NOT_FOUND",
    "KICKED_FROM_GROUP",
    "KICKED_FROM_SUPERGROUP",
    "LONG_POLL_CAP_SECONDS",
    "MEDIA_KINDS",
    "ApiCall",
    "Copy",
    "FakeBotApi",
    "FakeRequest",
    "Fault",
    "FaultKind",
    "Hold",
    "HttpVersion",
    "Json",
    "Outcome",
]
