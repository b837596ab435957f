"""Faults a test injects into the fake Bot API, and the book that decides which call gets
which. A fault matches calls by method (shell-style patterns: "sendMessage", "send*", "*")
and optionally by chat; it lasts for a number of calls or until healed. Faults are tried
in the order they were added, so `fail(..., times=1)` then `drop(..., times=1)` means
"the first call fails, the second is dropped"."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fnmatch import fnmatchcase

import httpx

from .records import ApiCall, Json

BLOCKED = "Forbidden: bot was blocked by the user"
KICKED_FROM_GROUP = "Forbidden: bot was kicked from the group chat"
KICKED_FROM_SUPERGROUP = "Forbidden: bot was kicked from the supergroup chat"
CANT_PARSE_ENTITIES = (
    'Bad Request: can\'t parse entities: Unsupported start tag "3" at byte offset 10'
)
CHAT_NOT_FOUND = "Bad Request: chat not found"
SENDING = ("send*", "edit*", "copyMessage", "forwardMessage")
"""The methods that put something in a chat: those a blocked or kicked bot is refused."""

_STATUS_WORDS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}
_DROP_MESSAGES: dict[type[httpx.HTTPError], str] = {
    httpx.RemoteProtocolError: "Server disconnected without sending a response.",
    httpx.ReadError: "[Errno 104] Connection reset by peer",
    httpx.ConnectError: "[Errno 111] Connection refused",
}


class FaultKind(StrEnum):
    STATUS = "status"
    """An HTTP error answer; Telegram did nothing."""
    HANG = "hang"
    """The answer comes `seconds` late (after the client's read timeout, it never comes)."""
    DROP = "drop"
    """The connection closes without an answer."""
    HOLD = "hold"
    """No answer until the test releases it."""


@dataclass(frozen=True)
class Fault:
    """One injected fault. `delivered` (hang, drop, hold): Telegram acted on the call
    before the answer was lost or held (a message is in the chat), as opposed to the
    call never reaching it."""

    kind: FaultKind
    methods: tuple[str, ...]
    chat_id: int | None = None
    status: int = 200
    description: str = ""
    retry_after: int | None = None
    seconds: float = 0.0
    error: type[httpx.HTTPError] = httpx.RemoteProtocolError
    delivered: bool = False
    hold: Hold | None = field(default=None, compare=False)

    def matches(self, method: str, chat_id: int | None) -> bool:
        return matches(self.methods, self.chat_id, method, chat_id)

    def error_body(self) -> Json:
        body: Json = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body

    def network_error(self) -> httpx.HTTPError:
        """The httpx error python-telegram-bot's HTTPXRequest would have caught."""
        return self.error(_DROP_MESSAGES.get(self.error, ""))

    def __str__(self) -> str:
        where = f" to {self.chat_id}" if self.chat_id is not None else ""
        reached = " (delivered)" if self.delivered else ""
        if self.kind is FaultKind.STATUS:
            return f"{self.status} {self.description}{where}"
        if self.kind is FaultKind.HANG:
            return f"hang {self.seconds:g}s{where}{reached}"
        if self.kind is FaultKind.DROP:
            return f"drop ({self.error.__name__}){where}{reached}"
        return f"hold{where}{reached}"


def status_fault(
    methods: str | Sequence[str],
    status: int,
    description: str | None,
    retry_after: int | None,
    chat_id: int | None,
) -> Fault:
    if description is None:
        description = _STATUS_WORDS.get(status, f"Error {status}")
        if status == 429:
            description = f"Too Many Requests: retry after {retry_after or 1}"
    if status == 429 and retry_after is None:
        retry_after = 1
    return Fault(
        FaultKind.STATUS,
        patterns(methods),
        chat_id,
        status=status,
        description=description,
        retry_after=retry_after,
    )


def matches(
    methods: tuple[str, ...], wanted_chat: int | None, method: str, chat_id: int | None
) -> bool:
    """Whether a call to `method` about `chat_id` is one that `methods` (patterns) and
    `wanted_chat` (None: any chat) pick out."""
    if wanted_chat is not None and chat_id != wanted_chat:
        return False
    return any(fnmatchcase(method, pattern) for pattern in methods)


def patterns(methods: str | Sequence[str]) -> tuple[str, ...]:
    return (methods,) if isinstance(methods, str) else tuple(methods)


class Hold:
    """Calls Telegram has received and keeps unanswered until `release()`.

    `wait()` (in a test's event loop) or `wait_sync()` (in a plain test, e.g. one that runs
    the bot in a subprocess) returns the first held call once it has arrived.
    """

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self._arrived = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        """Answer every held call, and hold no more."""
        self._released.set()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    def arrive(self, call: ApiCall) -> None:
        self.calls.append(call)
        self._arrived.set()

    async def wait(self, timeout: float = 5.0) -> ApiCall:
        deadline = time.monotonic() + timeout
        while not self._arrived.is_set():
            if time.monotonic() > deadline:
                raise TimeoutError(f"no call was held within {timeout}s")
            await asyncio.sleep(0.002)
        return self.calls[0]

    def wait_sync(self, timeout: float = 5.0) -> ApiCall:
        if not self._arrived.wait(timeout):
            raise TimeoutError(f"no call was held within {timeout}s")
        return self.calls[0]


@dataclass
class _Entry:
    fault: Fault
    remaining: int | None


class FaultBook:
    """The faults in force, oldest first, each with the calls it has left (None: until
    healed)."""

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault, times: int | None) -> Fault:
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for until healed")
        with self._lock:
            self._entries.append(_Entry(fault, times))
        return fault

    def take(self, method: str, chat_id: int | None) -> Fault | None:
        """The fault for this call, if any, counting it against the fault's `times`."""
        with self._lock:
            self._entries = [e for e in self._entries if not _released(e.fault)]
            for entry in self._entries:
                if entry.fault.matches(method, chat_id):
                    if entry.remaining is not None:
                        entry.remaining -= 1
                        if entry.remaining == 0:
                            self._entries.remove(entry)
                    return entry.fault
        return None

    def heal(self, chat_id: int | None = None, method: str | None = None) -> list[Fault]:
        """Remove the faults for `chat_id` and `method` (every fault when neither is given;
        `method` picks the faults whose patterns match it); return them."""
        healed: list[Fault] = []
        kept: list[_Entry] = []
        with self._lock:
            for entry in self._entries:
                picked = (chat_id is None or entry.fault.chat_id == chat_id) and (
                    method is None or entry.fault.matches(method, entry.fault.chat_id)
                )
                if picked:
                    healed.append(entry.fault)
                else:
                    kept.append(entry)
            self._entries = kept
        return healed

    def active(self) -> list[tuple[Fault, int | None]]:
        with self._lock:
            return [(e.fault, e.remaining) for e in self._entries if not _released(e.fault)]


def _released(fault: Fault) -> bool:
    return fault.hold is not None and fault.hold.released
