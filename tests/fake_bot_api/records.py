"""What the fake records and how Telegram shapes its objects: one Bot API call and what
became of it, the messages a chat holds, and the JSON of users and chats."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .faults import Fault

Json = dict[str, Any]
BOT_ID = 999_000
BOT_USERNAME = "aftercare_test_bot"
BOT_NAME = "Aftercare"


class Outcome(StrEnum):
    """What the bot saw of one call."""

    PENDING = "pending"
    """Not answered yet: hung or held."""
    ANSWERED = "answered"
    """An HTTP answer came back (`ApiCall.status` says which)."""
    TIMED_OUT = "timed out"
    """No answer within the request's read timeout (python-telegram-bot's `TimedOut`)."""
    DROPPED = "dropped"
    """The connection closed without an answer (python-telegram-bot's `NetworkError`)."""
    CLIENT_GONE = "client gone"
    """Over HTTP: the bot hung up (timed out, stopped or was killed) while it waited."""


@dataclass
class ApiCall:
    """One Bot API request the bot made and what became of it.

    `reached` says whether Telegram acted on it (a sent message is in the chat), whatever
    the bot heard back; `status` is the HTTP status the bot got, None when it got none;
    `fault` is the injected fault that shaped the answer, if any; `at` is when the call
    arrived (`time.perf_counter()`).
    """

    method: str
    params: Json
    url: str
    status: int | None = None
    at: float = field(default_factory=time.perf_counter)
    outcome: Outcome = Outcome.PENDING
    reached: bool = False
    fault: Fault | None = None

    @property
    def chat_id(self) -> int | None:
        return int_or_none(self.params.get("chat_id"))


@dataclass
class Posted:
    """A message as a chat holds it now (`json`, edits applied), and where it came from."""

    json: Json
    by_bot: bool
    copied_from: tuple[int, int] | None = None
    """(chat id, message id) of the message `copyMessage` copied."""


@dataclass(frozen=True)
class Copy:
    """A message the bot copied with `copyMessage`: no file was downloaded to do it."""

    chat_id: int
    message_id: int
    thread_id: int | None
    from_chat_id: int
    from_message_id: int
    content: Json
    """The copied content as the receiving chat shows it (`photo`, `caption`, `text`...)."""


@dataclass
class Chat:
    """One chat the fake knows: a patient's private chat, a group or a (forum) supergroup."""

    id: int
    type: str = "private"
    title: str | None = None
    is_forum: bool = False
    first_name: str | None = None
    username: str | None = None
    messages: dict[int, Posted] = field(default_factory=dict)
    topics: dict[int, str] = field(default_factory=dict)
    """Forum topics: thread id (the id of the message that created it) to name."""
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def json(self) -> Json:
        found: Json = {"id": self.id, "type": self.type}
        if self.type == "private" and self.first_name:
            found["first_name"] = self.first_name
            if self.username:
                found["username"] = self.username
        if self.title:
            found["title"] = self.title
        if self.is_forum:
            found["is_forum"] = True
        return found


def user_json(user_id: int, first_name: str, username: str | None, is_bot: bool = False) -> Json:
    user: Json = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        user["username"] = username
    return user


def int_or_none(value: object) -> int | None:
    """A chat or message id as python-telegram-bot sends it (int, or str over HTTP)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None
