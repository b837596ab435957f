"""`FakeBotApi`: Telegram's servers for one test, with faults on demand.

A call goes through `begin` (recorded; its fault chosen; Telegram acts on it at once
unless the fault says it never reached Telegram; `on_call` watchers run), then the
transport (`inprocess.FakeRequest` or `over_http.serve`) waits as the fault says and either
`finish`es it (the answer) or `lose`s it (a timeout or a dropped connection).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from telegram import Update
from telegram.ext import Application

from .faults import (
    BLOCKED,
    KICKED_FROM_GROUP,
    KICKED_FROM_SUPERGROUP,
    SENDING,
    Fault,
    FaultBook,
    FaultKind,
    Hold,
    matches,
    patterns,
    status_fault,
)
from .flood import FloodControl
from .inprocess import FakeRequest
from .methods import BotMethods
from .over_http import HttpVersion, serve
from .records import BOT_ID, BOT_USERNAME, ApiCall, Json, Outcome
from .updates import People

Methods = str | Sequence[str]
"""A Bot API method name, or shell-style patterns ("send*", "*"), or several of them."""
CallWatcher = Callable[[ApiCall], object]


@dataclass
class Exchange:
    """One call in flight: the record, and Telegram's answer once it has one."""

    call: ApiCall
    answer: tuple[int, Json] | None = None


@dataclass(frozen=True)
class _Watch:
    methods: tuple[str, ...]
    chat_id: int | None
    callback: CallWatcher


class FakeBotApi(BotMethods, People):
    """Telegram's side of the conversation, recorded, with faults a test injects."""

    def __init__(self, bot_id: int = BOT_ID, bot_username: str = BOT_USERNAME) -> None:
        super().__init__(bot_id, bot_username)
        self._faults = FaultBook()
        self._flood: FloodControl | None = None
        self._watches: list[_Watch] = []

    def request(self, read_timeout: float | None = 5.0) -> FakeRequest:
        """A `BaseRequest` for python-telegram-bot that talks to this fake in-process;
        `read_timeout` is its default, as HTTPXRequest's (5 s)."""
        return FakeRequest(self, read_timeout)

    @contextmanager
    def serve_http(self, latency: float = 0.0, http_version: HttpVersion = "1.1") -> Iterator[str]:
        """Serve this fake on a loopback port, for a bot running in another process, with
        `latency` seconds of simulated round trip added to every call, over HTTP/1.1 or
        HTTP/2 (`http_version="2"`, needs the `h2` package).

        Yields the base URL to give as TELEGRAM_API_BASE_URL (the token is appended).
        """
        with serve(self, latency, http_version) as base_url:
            yield base_url

    async def deliver(
        self, application: Application[Any, Any, Any, Any, Any, Any], update: Json
    ) -> list[str]:
        """Have `application` process `update`; the texts it sent because of it, to anyone."""
        before = len(self.sent())
        await application.process_update(Update.de_json(update, application.bot))
        return [str(sent["text"]) for sent in self.sent()[before:]]

    # --- faults -------------------------------------------------------------------------

    def fail(
        self,
        method: Methods,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int | None = None,
    ) -> Fault:
        """Answer matching calls with HTTP `status` (Telegram's wording unless
        `description` is given; 429 carries `retry_after`), for `times` calls or until
        healed. Telegram does nothing with them."""
        fault = status_fault(method, status, description, retry_after, chat_id)
        return self._faults.add(fault, times)

    def hang(
        self,
        method: Methods,
        *,
        seconds: float,
        delivered: bool = False,
        chat_id: int | None = None,
        times: int | None = None,
    ) -> Fault:
        """Answer matching calls `seconds` late. A client that stops waiting first (its
        read timeout) gets `TimedOut`; `delivered` says whether Telegram had acted on the
        call all the same."""
        fault = Fault(
            FaultKind.HANG, patterns(method), chat_id, seconds=seconds, delivered=delivered
        )
        return self._faults.add(fault, times)

    def drop(
        self,
        method: Methods,
        *,
        delivered: bool = False,
        error: type[httpx.HTTPError] = httpx.RemoteProtocolError,
        chat_id: int | None = None,
        times: int | None = None,
    ) -> Fault:
        """Close the connection of matching calls without an answer: `NetworkError` from
        `error` in-process (httpx.ConnectError: the call never left), a closed socket over
        HTTP. `delivered`: Telegram had acted on the call before the connection broke."""
        if delivered and error is httpx.ConnectError:
            raise ValueError("a call that could not connect cannot have been delivered")
        fault = Fault(FaultKind.DROP, patterns(method), chat_id, error=error, delivered=delivered)
        return self._faults.add(fault, times)

    def hold(
        self,
        method: Methods,
        *,
        delivered: bool = True,
        chat_id: int | None = None,
        times: int | None = None,
    ) -> Hold:
        """Keep matching calls unanswered until `Hold.release()` (or `heal()`). By default
        Telegram has acted on a held call (the message is in the chat): the moment to kill
        a bot between "Telegram got it" and "the bot knows"."""
        hold = Hold()
        fault = Fault(FaultKind.HOLD, patterns(method), chat_id, delivered=delivered, hold=hold)
        self._faults.add(fault, times)
        return hold

    def block(self, chat_id: int) -> None:
        """From now on, sending to `chat_id` fails as if the patient blocked the bot."""
        self.fail(SENDING, status=403, description=BLOCKED, chat_id=chat_id)

    def kick(self, chat_id: int) -> None:
        """From now on, every call about group `chat_id` fails: the bot was removed."""
        with self._lock:
            chat = self._chats.get(chat_id)
            group = chat is not None and chat.type == "group"
        reason = KICKED_FROM_GROUP if group else KICKED_FROM_SUPERGROUP
        self.fail("*", status=403, description=reason, chat_id=chat_id)

    def rate_limit(self, chat_id: int, retry_after: int = 1, times: int | None = 1) -> None:
        """The next `times` sends to `chat_id` get 429 Too Many Requests (None: all of them)."""
        self.fail(SENDING, status=429, retry_after=retry_after, chat_id=chat_id, times=times)

    def flood_control(
        self,
        *,
        per_chat_per_second: int = 1,
        per_group_per_minute: int = 20,
        overall_per_second: int = 30,
    ) -> None:
        """From now on, refuse sends over Telegram's limits with 429 and `retry_after`
        (see `flood.py`), until `heal()`."""
        self._flood = FloodControl(per_chat_per_second, per_group_per_minute, overall_per_second)

    def heal(self, chat_id: int | None = None, *, method: str | None = None) -> None:
        """End the faults for `chat_id` and `method` (all of them, and flood control, when
        neither is given); calls held by an ended hold are answered."""
        if chat_id is None and method is None:
            self._flood = None
        for fault in self._faults.heal(chat_id, method):
            if fault.hold is not None:
                fault.hold.release()

    def faults(self) -> list[tuple[Fault, int | None]]:
        """The faults in force, oldest first, with the calls each has left (None: all)."""
        return self._faults.active()

    # --- acting at a chosen moment --------------------------------------------------------

    def on_call(
        self, method: Methods, callback: CallWatcher, *, chat_id: int | None = None
    ) -> Callable[[], None]:
        """Call `callback(call)` for every matching call once Telegram has it (and has
        acted on it, unless a fault says otherwise) and before the bot has any answer.
        Over HTTP it runs in the server's thread, so it can kill the bot's process at that
        exact moment. Returns a function that stops watching."""
        watch = _Watch(patterns(method), chat_id, callback)
        with self._lock:
            self._watches.append(watch)

        def stop() -> None:
            with self._lock:
                self._watches.remove(watch)

        return stop

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        timeout: float = 5.0,
        after: int = 0,
    ) -> ApiCall:
        """The first call to `method` (matching `predicate`) among `calls[after:]`, waiting
        for it up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while (found := self._find_call(method, predicate, after)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} call within {timeout}s")
            await asyncio.sleep(0.002)
        return found

    def wait_for_call_sync(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        timeout: float = 5.0,
        after: int = 0,
    ) -> ApiCall:
        """`wait_for_call` for a test that does not run an event loop (a bot in another
        process answers from the HTTP server's threads)."""
        deadline = time.monotonic() + timeout
        while (found := self._find_call(method, predicate, after)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} call within {timeout}s")
            time.sleep(0.005)
        return found

    # --- one call, for the transports -----------------------------------------------------

    def begin(self, url: str, params: Json) -> Exchange:
        """A call arrives: record it, choose its fault, act on it unless it never reached
        Telegram, and tell the watchers."""
        call = ApiCall(url.rsplit("/", 1)[-1], params, url)
        exchange = Exchange(call)
        with self._lock:
            self.calls.append(call)
            fault = call.fault = self._faults.take(call.method, call.chat_id) or self._flooded(call)
            if fault is not None and fault.kind is FaultKind.STATUS:
                exchange.answer = (fault.status, fault.error_body())
            elif fault is None or fault.delivered:
                self.poll(exchange)
            if fault is not None and fault.hold is not None:
                fault.hold.arrive(call)
            watches = [w for w in self._watches if _watches(w, call)]
        for watch in watches:
            watch.callback(call)
        return exchange

    def poll(self, exchange: Exchange) -> tuple[int, Json]:
        """Act on the call now (again, for a getUpdates still waiting for updates)."""
        answer = exchange.answer = self.perform(exchange.call.method, exchange.call.params)
        exchange.call.reached = answer[0] == 200
        return answer

    def awaiting_updates(self, exchange: Exchange) -> bool:
        """A getUpdates that found nothing yet: the transport long-polls with `poll`."""
        if exchange.call.method != "getUpdates" or exchange.call.fault is not None:
            return False
        return exchange.answer is not None and exchange.answer[1].get("result") == []

    def finish(self, exchange: Exchange) -> tuple[int, Json]:
        """The answer the bot gets; Telegram acts on the call now if it had not yet."""
        with self._lock:
            answer = exchange.answer or self.poll(exchange)
            exchange.call.status = answer[0]
            exchange.call.outcome = Outcome.ANSWERED
            return answer

    def record_download(self, url: str) -> None:
        """A file download (after getFile): recorded as a "downloadFile" call."""
        call = ApiCall("downloadFile", {}, url, 200, outcome=Outcome.ANSWERED, reached=True)
        with self._lock:
            self.calls.append(call)

    def lose(self, exchange: Exchange, outcome: Outcome) -> None:
        """The bot gets no answer (`outcome` says why)."""
        exchange.call.outcome = outcome

    def _flooded(self, call: ApiCall) -> Fault | None:
        if self._flood is None or call.chat_id is None:
            return None
        chat = self._chats.get(call.chat_id)
        group = chat.type != "private" if chat else call.chat_id < 0
        return self._flood.check(call.method, call.chat_id, group)

    def _find_call(
        self, method: str, predicate: Callable[[ApiCall], bool] | None, after: int
    ) -> ApiCall | None:
        with self._lock:
            calls = self.calls[after:]
        for call in calls:
            if call.method == method and (predicate is None or predicate(call)):
                return call
        return None


def _watches(watch: _Watch, call: ApiCall) -> bool:
    return matches(watch.methods, watch.chat_id, call.method, call.chat_id)
