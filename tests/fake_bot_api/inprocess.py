"""python-telegram-bot's door to the fake in the same process: a `BaseRequest` that
answers without a network, and fails the way `HTTPXRequest` fails. A hang longer than the
request's read timeout raises `TimedOut` once the timeout has passed; a dropped connection
raises `NetworkError` from the httpx error, with HTTPXRequest's message."""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, NoReturn

import httpx
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from .faults import FaultKind
from .records import Json, Outcome
from .state import long_poll_seconds

if TYPE_CHECKING:
    from .api import Exchange, FakeBotApi

TICK = 0.002
"""How often a waiting call looks again (for updates, a release)."""


class FakeRequest(BaseRequest):
    """Every request answered in-process by `api`; `read_timeout` is the default for
    requests that do not give their own, as HTTPXRequest's."""

    def __init__(self, api: FakeBotApi, read_timeout: float | None = 5.0) -> None:
        self.api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

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
        if "/file/bot" in url:
            # A file download (after getFile): recorded so a test can see it happened.
            self.api.record_download(url)
            return 200, b"\xff\xd8 not really a photo"
        params: Json = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        timeout = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        exchange = self.api.begin(url, params)
        try:
            await self._wait(exchange, timeout)
        except asyncio.CancelledError:
            self.api.lose(exchange, Outcome.CLIENT_GONE)
            raise
        status, body = self.api.finish(exchange)
        await asyncio.sleep(0)  # a real request yields to the event loop; so does this one
        return status, json.dumps(body).encode()

    async def _wait(self, exchange: Exchange, timeout: float | None) -> None:
        """Wait as the call's fault says; raise what HTTPXRequest would raise."""
        fault = exchange.call.fault
        if fault is None:
            deadline = time.monotonic() + long_poll_seconds(exchange.call.params)
            while self.api.awaiting_updates(exchange) and time.monotonic() < deadline:
                await asyncio.sleep(TICK)
                self.api.poll(exchange)
        elif fault.kind is FaultKind.DROP:
            self.api.lose(exchange, Outcome.DROPPED)
            error = fault.network_error()
            raise NetworkError(f"httpx.{type(error).__name__}: {error}") from error
        elif fault.kind is FaultKind.HANG:
            if timeout is not None and fault.seconds > timeout:
                await asyncio.sleep(timeout)
                self._time_out(exchange)
            await asyncio.sleep(fault.seconds)
        elif fault.hold is not None:
            deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
            while not fault.hold.released:
                if time.monotonic() > deadline:
                    self._time_out(exchange)
                await asyncio.sleep(TICK)

    def _time_out(self, exchange: Exchange) -> NoReturn:
        self.api.lose(exchange, Outcome.TIMED_OUT)
        raise TimedOut from httpx.ReadTimeout("timed out")
