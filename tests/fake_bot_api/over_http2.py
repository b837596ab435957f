"""The fake over HTTP/2 on a loopback port: cleartext with prior knowledge, which is what
`HTTPXRequest(http_version="2")` speaks to an `http://` address (Telegram itself offers
HTTP/2 over TLS; the bench measures the protocol, not the encryption).

One thread reads each connection and feeds the `h2` state machine; each call (a stream)
is answered by a thread of its own with `over_http.answer_call`, so a long poll, a hang
or a simulated round trip on one stream never holds up the others, as on Telegram's
side. A drop resets the stream. The bot hangs up on a call by resetting its stream or by
closing the connection; httpx does neither when a read times out (it marks the whole
connection broken, failing every call still waiting on it, and closes it later), so a
hung call it gave up on is still acted on when the hang ends, as Telegram may act on it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions

from .over_http import TICK, answer_call, answer_download

if TYPE_CHECKING:
    from .api import FakeBotApi

READ_BYTES = 65_536
BACKLOG = 256
"""Connections waiting to be accepted (HTTP/2 needs one per client, but tests start many)."""


@contextmanager
def serve_http2(api: FakeBotApi, stopping: threading.Event, one_way: float) -> Iterator[str]:
    """Serve `api` over HTTP/2 until the block ends, `one_way` seconds each way on top of
    every call; yields the base URL."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=BACKLOG)
    listener.settimeout(TICK * 20)
    connections: list[_Connection] = []

    def accept() -> None:
        while not stopping.is_set():
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener is closed: the block has ended
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection = _Connection(sock, api, stopping, one_way)
            connections.append(connection)
            threading.Thread(target=connection.run, name="fake-bot-api-h2", daemon=True).start()

    acceptor = threading.Thread(target=accept, name="fake-bot-api-h2-accept", daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/bot"
    finally:
        stopping.set()  # hung and held calls end with the server
        acceptor.join()
        listener.close()
        for connection in connections:
            connection.close()


@dataclass
class _Stream:
    """One call on a connection: its request as it arrives, and whether the bot is gone."""

    connection: _Connection
    stream_id: int
    path: str = ""
    method: str = ""
    body: bytearray = field(default_factory=bytearray)
    ended: bool = False
    """Answered, reset by either side, or its connection gone."""

    def hung_up(self) -> bool:
        return self.ended or self.connection.closed

    def drop(self) -> None:
        self.connection.reset(self.stream_id)

    def forget(self) -> None:
        self.connection.reset(self.stream_id, h2.errors.ErrorCodes.CANCEL)

    def answer(self, status: int, payload: bytes) -> None:
        self.connection.respond(self, status, payload)


class _Connection:
    """One bot's HTTP/2 connection. `lock` guards the h2 state and the socket's writes;
    a stream waiting for flow-control window waits on `window`, under the same lock."""

    def __init__(
        self, sock: socket.socket, api: FakeBotApi, stopping: threading.Event, one_way: float
    ) -> None:
        self.sock = sock
        self.api = api
        self.stopping = stopping
        self.one_way = one_way
        config = h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        self.h2 = h2.connection.H2Connection(config)
        self.lock = threading.Lock()
        self.window = threading.Condition(self.lock)
        self.streams: dict[int, _Stream] = {}
        self.closed = False

    def run(self) -> None:
        """Read until the bot closes the connection (or the server stops)."""
        with self.lock:
            self.h2.initiate_connection()
            self._flush()
        while not self.closed:
            try:
                data = self.sock.recv(READ_BYTES)
            except OSError:
                data = b""
            if not data:
                break
            with self.lock:
                try:
                    events = self.h2.receive_data(data)
                except h2.exceptions.ProtocolError:
                    break
                for event in events:
                    self._on(event)
                self._flush()
        self.close()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.window.notify_all()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()

    def reset(self, stream_id: int, code: int = h2.errors.ErrorCodes.INTERNAL_ERROR) -> None:
        with self.lock:
            if self.closed:
                return
            with contextlib.suppress(h2.exceptions.StreamClosedError):
                self.h2.reset_stream(stream_id, code)
            self._forget(stream_id)
            self._flush()

    def respond(self, stream: _Stream, status: int, payload: bytes) -> None:
        """Headers, then the payload in frames as flow control allows."""
        headers = [
            (":status", str(status)),
            ("content-type", "application/json"),
            ("content-length", str(len(payload))),
        ]
        with self.lock:
            if stream.hung_up():
                return
            try:
                self.h2.send_headers(stream.stream_id, headers, end_stream=not payload)
                self._flush()
                sent = 0
                while sent < len(payload) and not stream.hung_up():
                    room = min(
                        self.h2.local_flow_control_window(stream.stream_id),
                        self.h2.max_outbound_frame_size,
                        len(payload) - sent,
                    )
                    if room <= 0:
                        self.window.wait(TICK)  # the bot reads, then opens the window again
                        continue
                    chunk = payload[sent : sent + room]
                    self.h2.send_data(
                        stream.stream_id, chunk, end_stream=sent + room == len(payload)
                    )
                    self._flush()
                    sent += room
            except h2.exceptions.ProtocolError:
                pass  # the bot ended the stream or the connection first: nobody to answer
            finally:
                self._forget(stream.stream_id)

    def _on(self, event: h2.events.Event) -> None:
        """One event from the bot, under the lock."""
        if isinstance(event, h2.events.RequestReceived):
            stream = _Stream(self, event.stream_id)
            for name, value in event.headers or []:
                if name == ":path":
                    stream.path = str(value)
                elif name == ":method":
                    stream.method = str(value)
            self.streams[event.stream_id] = stream
        elif isinstance(event, h2.events.DataReceived):
            if event.stream_id in self.streams and event.data:
                self.streams[event.stream_id].body += event.data
            self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded) and event.stream_id in self.streams:
            stream = self.streams[event.stream_id]
            threading.Thread(target=self._call, args=(stream,), daemon=True).start()
        elif isinstance(event, h2.events.StreamReset) and event.stream_id in self.streams:
            self._forget(event.stream_id)
        elif isinstance(event, h2.events.WindowUpdated):
            self.window.notify_all()
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.closed = True
            self.window.notify_all()

    def _call(self, stream: _Stream) -> None:
        if stream.method == "GET":
            stream.answer(*answer_download(self.api, stream.path))
            return
        body = bytes(stream.body).decode()
        answer_call(self.api, self.stopping, self.one_way, stream.path, body, stream)

    def _forget(self, stream_id: int) -> None:
        stream = self.streams.pop(stream_id, None)
        if stream is not None:
            stream.ended = True

    def _flush(self) -> None:
        """Send what h2 has queued; a bot that is gone just ends the connection."""
        data = self.h2.data_to_send()
        if not data:
            return
        try:
            self.sock.sendall(data)
        except OSError:
            self.closed = True
