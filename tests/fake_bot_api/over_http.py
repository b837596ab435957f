"""The fake over HTTP on a loopback port, for a bot running in another process (the
`aftercare run` subprocess), as python-telegram-bot's HTTPXRequest posts to it.

Faults behave as the network would: a hang or a hold keeps the connection open without an
answer (the bot's own read timeout decides when it gives up), a drop closes the socket
without answering (httpx reports `RemoteProtocolError`; a refused connection cannot be
staged per call, so `drop(error=httpx.ConnectError)` also closes after connecting). When
the bot hangs up on a hung or held call (it timed out, stopped or was killed), a call that
had not reached Telegram never does.

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
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from .faults import FaultKind
from .records import Outcome
from .state import long_poll_seconds

if TYPE_CHECKING:
    from .api import Exchange, FakeBotApi

TICK = 0.005
"""How often a waiting server thread looks again (for updates, a release, a hang-up, and
the server for the end of the test)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    """Connections waiting to be accepted: a bot opening dozens at once is not refused."""


@contextmanager
def serve(api: FakeBotApi, latency: float = 0.0) -> Iterator[str]:
    """Serve `api` until the block ends, each call taking `latency` seconds of round trip
    on top; yields the base URL (the token is appended)."""
    stopping = threading.Event()
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

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            params = {key: _form_value(key, value) for key, value in parse_qsl(body)}
            if one_way:
                time.sleep(one_way)  # on its way to Telegram
            exchange = api.begin(self.path, params)
            # A watcher may have killed the bot; a wait may have outlasted its patience.
            if not self._wait(exchange) or self._bot_hung_up():
                api.lose(exchange, Outcome.CLIENT_GONE)
                self.close_connection = True
                return
            fault = exchange.call.fault
            if fault is not None and fault.kind is FaultKind.DROP:
                api.lose(exchange, Outcome.DROPPED)
                self._hang_up()
                return
            status, answer = api.finish(exchange)
            if one_way:
                time.sleep(one_way)  # the answer on its way back
            self._send(status, json.dumps(answer).encode())

        def do_GET(self) -> None:
            if "/file/bot" not in self.path:
                self._send(404, b'{"ok": false, "error_code": 404, "description": "Not Found"}')
                return
            api.record_download(self.path)
            self._send(200, b"\xff\xd8 not really a photo")

        def _wait(self, exchange: Exchange) -> bool:
            """Wait as the call's fault says; False if the bot hung up meanwhile."""
            fault = exchange.call.fault
            if fault is None:
                deadline = time.monotonic() + long_poll_seconds(exchange.call.params)
                while api.awaiting_updates(exchange) and time.monotonic() < deadline:
                    api.wait_for_updates(TICK)
                    api.poll(exchange)
                return True
            if fault.kind is FaultKind.HANG:
                return self._stay_until(lambda: False, fault.seconds)
            if fault.hold is not None:
                hold = fault.hold
                return self._stay_until(lambda: hold.released, None)
            return True

        def _stay_until(self, done: Callable[[], bool], seconds: float | None) -> bool:
            deadline = time.monotonic() + (seconds if seconds is not None else float("inf"))
            while not done() and time.monotonic() < deadline:
                if stopping.is_set() or self._bot_hung_up():
                    return False
                time.sleep(TICK)
            return True

        def _bot_hung_up(self) -> bool:
            # The bot sends nothing more while it waits for an answer: a readable socket
            # that yields no data has been closed at the other end.
            try:
                readable, _, _ = select.select([self.connection], [], [], 0)
                return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
            except OSError:
                return True

        def _hang_up(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):  # already gone
                self.connection.shutdown(socket.SHUT_RDWR)

        def _send(self, status: int, payload: bytes) -> None:
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
