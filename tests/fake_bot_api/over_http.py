"""The fake over HTTP on a loopback port, for a bot running in another process (the
`aftercare run` subprocess), as python-telegram-bot's HTTPXRequest posts to it: HTTP/1.1
here, HTTP/2 (cleartext, prior knowledge, as `HTTPXRequest(http_version="2")` speaks to an
`http://` address) in `over_http2`; both answer each call with `answer_call`.

Faults behave as the network would: a hang or a hold keeps the call open without an
answer (the bot's own read timeout decides when it gives up), a drop ends it without
answering (HTTP/1.1 closes the socket, HTTP/2 resets the stream; httpx reports
`RemoteProtocolError` for both; a refused connection cannot be staged per call, so
`drop(error=httpx.ConnectError)` also ends the call after connecting). When the bot hangs
up on a hung or held call (it timed out, stopped or was killed), a call that had not
reached Telegram never does.

A `latency` simulates the network between the bot and Telegram: half of it passes before
Telegram sees a call, half before the bot has the answer. A waiting getUpdates answers as
soon as an update is queued, as Telegram's long poll does.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import parse_qsl

from .faults import FaultKind
from .records import Outcome
from .state import long_poll_seconds

if TYPE_CHECKING:
    from .api import Exchange, FakeBotApi

HttpVersion = Literal["1.1", "2"]
TICK = 0.005
"""How often a waiting server thread looks again (for updates, a release, a hang-up, and
the server for the end of the test)."""
NOT_FOUND = b'{"ok": false, "error_code": 404, "description": "Not Found"}'
A_FILE = b"\xff\xd8 not really a photo"


class Caller(Protocol):
    """The bot's end of one call, as the transport (HTTP/1.1 or HTTP/2) has it."""

    def hung_up(self) -> bool:
        """Whether the bot has given up on the call (closed the connection or the stream)."""

    def drop(self) -> None:
        """End the call without an answer, as a network that lost it."""

    def forget(self) -> None:
        """The bot is gone: end the call without a word."""

    def answer(self, status: int, payload: bytes) -> None:
        """Send the answer (quietly nothing if the bot is gone)."""


def answer_call(
    api: FakeBotApi,
    stopping: threading.Event,
    one_way: float,
    path: str,
    body: str,
    caller: Caller,
) -> None:
    """One Bot API call, from the form the bot posted to the answer it gets (or not)."""
    params = {key: _form_value(key, value) for key, value in parse_qsl(body)}
    if one_way:
        time.sleep(one_way)  # on its way to Telegram
    exchange = api.begin(path, params)
    # A watcher may have killed the bot; a wait may have outlasted its patience.
    if not _wait(api, stopping, exchange, caller) or caller.hung_up():
        api.lose(exchange, Outcome.CLIENT_GONE)
        caller.forget()
        return
    fault = exchange.call.fault
    if fault is not None and fault.kind is FaultKind.DROP:
        api.lose(exchange, Outcome.DROPPED)
        caller.drop()
        return
    status, answer = api.finish(exchange)
    if one_way:
        time.sleep(one_way)  # the answer on its way back
    caller.answer(status, json.dumps(answer).encode())


def answer_download(api: FakeBotApi, path: str) -> tuple[int, bytes]:
    """A GET: a file download after getFile, or 404."""
    if "/file/bot" not in path:
        return 404, NOT_FOUND
    api.record_download(path)
    return 200, A_FILE


def _wait(api: FakeBotApi, stopping: threading.Event, exchange: Exchange, caller: Caller) -> bool:
    """Wait as the call's fault says; False if the bot hung up meanwhile."""
    fault = exchange.call.fault
    if fault is None:
        deadline = time.monotonic() + long_poll_seconds(exchange.call.params)
        while api.awaiting_updates(exchange) and time.monotonic() < deadline:
            api.wait_for_updates(TICK)
            api.poll(exchange)
        return True
    if fault.kind is FaultKind.HANG:
        return _stay_until(stopping, caller, lambda: False, fault.seconds)
    if fault.hold is not None:
        hold = fault.hold
        return _stay_until(stopping, caller, lambda: hold.released, None)
    return True


def _stay_until(
    stopping: threading.Event, caller: Caller, done: Callable[[], bool], seconds: float | None
) -> bool:
    deadline = time.monotonic() + (seconds if seconds is not None else float("inf"))
    while not done() and time.monotonic() < deadline:
        if stopping.is_set() or caller.hung_up():
            return False
        time.sleep(TICK)
    return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    """Connections waiting to be accepted: a bot opening dozens at once is not refused."""


@contextmanager
def serve(
    api: FakeBotApi, latency: float = 0.0, http_version: HttpVersion = "1.1"
) -> Iterator[str]:
    """Serve `api` until the block ends, each call taking `latency` seconds of round trip
    on top, over `http_version`; yields the base URL (the token is appended)."""
    stopping = threading.Event()
    if http_version == "2":
        from .over_http2 import serve_http2  # h2 is needed only here

        with serve_http2(api, stopping, latency / 2) as base_url:
            yield base_url
        return
    server = _Server(("127.0.0.1", 0), _handler_for(api, stopping, latency / 2))
    thread = threading.Thread(
        target=server.serve_forever, args=(TICK,), name="fake-bot-api", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        stopping.set()  # hung and held calls end with the server
        server.shutdown()
        server.server_close()


def _handler_for(
    api: FakeBotApi, stopping: threading.Event, one_way: float
) -> type[BaseHTTPRequestHandler]:
    class BotApiHandler(BaseHTTPRequestHandler):
        # Connections are kept open between calls, as Telegram's are.
        protocol_version = "HTTP/1.1"
        # An answer leaves in two writes (headers, then body). With Nagle's algorithm the
        # body waited for the bot's delayed ACK of the headers, 40 ms an answer that
        # Telegram's servers never add.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            answer_call(api, stopping, one_way, self.path, body, self)

        def do_GET(self) -> None:
            self.answer(*answer_download(api, self.path))

        def hung_up(self) -> bool:
            # The bot sends nothing more while it waits for an answer: a readable socket
            # that yields no data has been closed at the other end.
            try:
                readable, _, _ = select.select([self.connection], [], [], 0)
                return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
            except OSError:
                return True

        def drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):  # already gone
                self.connection.shutdown(socket.SHUT_RDWR)

        def forget(self) -> None:
            self.close_connection = True

        def answer(self, status: int, payload: bytes) -> None:
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
    if key in ("text", "caption", "name"):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
