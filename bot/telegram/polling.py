"""Long polling with a durable inbox: every update is stored before Telegram is told.

Telegram considers an update delivered when the bot asks for updates after it (the
`offset`). python-telegram-bot's own poller asks again at once, before the handlers have
run, so a crash then loses the update. Here a batch is written to SQLite (`inbox.add`,
committed) before the next `getUpdates`, and processed from there; after a restart,
polling resumes after the newest stored update, and what was stored but not processed is
processed first (`InboxProcessor.start`).

An update that comes alone, for a chat with nothing waiting, while a worker is free, is
handled at once instead (`InboxProcessor.take_at_once`): its inbox row is written in the
transaction that commits its decision and replies, one disk sync instead of two, and the
next `getUpdates` waits for that commit. Before it, nothing of the update is stored and
Telegram has not been told it arrived, so a crash has Telegram send it again; after it,
the update is stored as done. A batch of several updates is always stored first: were
its updates handled at once, a later one could commit before an earlier one, and the
restart, which polls from after the newest stored update, would skip the earlier one.

Each update is read once: getUpdates is asked for Telegram's own JSON, which is what the
inbox stores, and each update is parsed into python-telegram-bot's `Update` once, here,
for the processor to use as it is (`Bot.get_updates` would parse the batch, and storing it
would mean turning every update back into JSON).

When Telegram cannot be reached, polling keeps trying with a growing pause, and says so
in the log each time; a token Telegram refuses stops the bot with a clear message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from telegram import Bot, Update
from telegram.error import (
    Conflict,
    EndPointNotFound,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.storage import inbox
from bot.storage.inbox import InboxRow, StoredUpdate
from bot.storage.store import Store
from bot.telegram.limits import retry_after_seconds
from bot.telegram.processing import Arrived

log = logging.getLogger(__name__)

POLL_TIMEOUT = 25
"""Seconds Telegram may hold a getUpdates call open while nothing happens."""
BATCH = 100
READ_MARGIN = 5.0
"""Seconds a getUpdates answer may take beyond the long poll (python-telegram-bot's default
read timeout, which its own `get_updates` adds in the same way)."""
BACKOFF_START = 1.0
BACKOFF_CAP = 60.0


class TokenRefused(Exception):
    """Telegram refused the bot token: nothing will work until it is fixed."""


class Backoff:
    """Waiting while Telegram is out of reach: a pause that doubles up to a cap, said in
    the log each time; start-up and polling share it."""

    def __init__(self, sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        self.sleep = sleep
        self.pause = BACKOFF_START

    async def wait(self, error: Exception) -> None:
        log.warning(
            "cannot reach Telegram (%s); trying again in %.0f s",
            type(error).__name__,
            self.pause,
        )
        await self.sleep(self.pause)
        self.pause = min(BACKOFF_CAP, self.pause * 2)

    def reached(self) -> None:
        """Telegram answered: the next outage starts with a short pause again."""
        if self.pause > BACKOFF_START:
            log.info("Telegram is reachable again")
        self.pause = BACKOFF_START


class Poller:
    """Fetches updates, stores them, hands them on."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        submit: Callable[[list[Arrived]], None],
        clock: Callable[[], datetime],
        poll_timeout: int = POLL_TIMEOUT,
        sleep: Callable[[float], Any] = asyncio.sleep,
        take_at_once: Callable[[InboxRow, Update], asyncio.Future[None] | None] | None = None,
    ) -> None:
        self.bot = bot
        self.store = store
        self.submit = submit
        self.take_at_once = take_at_once
        self.clock = clock
        self.poll_timeout = poll_timeout
        self.sleep = sleep
        self.offset: int | None = None
        self.types_told = False
        """Whether Telegram has answered a getUpdates that named the update types."""

    async def run(self) -> None:
        """Poll until cancelled; raises `TokenRefused` if Telegram refuses the token."""
        last = await self.store.run(inbox.last_update_id)
        self.offset = last + 1 if last is not None else None
        backoff = Backoff(self.sleep)
        while True:
            asked: dict[str, Any] = {
                "offset": self.offset,
                "limit": BATCH,
                "timeout": self.poll_timeout,
            }
            if not self.types_told:
                # Telegram keeps the types of the last getUpdates that named them ("if not
                # specified, the previous setting will be used"), and the list would cost
                # more than the rest of every poll: its 480 characters of JSON are
                # percent-encoded one by one in Python, once per update in a busy hour.
                asked["allowed_updates"] = Update.ALL_TYPES
            try:
                # Through `do_api_request` for Telegram's own JSON (see the module's docstring).
                updates = await self.bot.do_api_request(
                    "getUpdates", api_kwargs=asked, read_timeout=self.poll_timeout + READ_MARGIN
                )
            except (InvalidToken, EndPointNotFound) as error:
                # A running bot's refused token comes back as "endpoint not found" here.
                raise TokenRefused from error
            except RetryAfter as error:
                await self.sleep(retry_after_seconds(error))
                continue
            except (NetworkError, Conflict, TelegramError) as error:
                await backoff.wait(error)
                continue
            backoff.reached()
            self.types_told = True
            if updates:
                await self.store_batch(updates)

    async def store_batch(self, updates: Sequence[dict[str, Any]]) -> None:
        """Write a batch (Telegram's JSON) down, then move the offset past it and hand it
        on, each update parsed."""
        parsed = [Update.de_json(payload, self.bot) for payload in updates]
        rows: list[InboxRow] = [
            (
                update.update_id,
                update.effective_chat.id if update.effective_chat else None,
                update.effective_user.id if update.effective_user else None,
                payload,
            )
            for update, payload in zip(parsed, updates, strict=True)
        ]
        if len(rows) == 1 and self.take_at_once is not None:
            written = self.take_at_once(rows[0], parsed[0])
            if written is not None:
                await written
                self.offset = parsed[0].update_id + 1
                return
        new = set(await self.store.run(inbox.add, rows, self.clock()))
        self.offset = max(update.update_id for update in parsed) + 1
        self.submit(
            [
                Arrived(StoredUpdate(update_id, chat_id, payload, 0), update)
                for (update_id, chat_id, _, payload), update in zip(rows, parsed, strict=True)
                if update_id in new
            ]
        )
