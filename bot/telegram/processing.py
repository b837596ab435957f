"""Processing the inbox: every stored update, through python-telegram-bot's handlers, one
chat at a time and chats side by side.

Each chat has a queue of its own. A worker takes the next chat that has work, processes
one update of it and puts the chat back at the end of the line, so one patient's backlog
never holds up another patient: a chat waits for its own turn, not inside a shared slot,
and at most `concurrency` updates are processed at once. A chat's updates are processed
in the order they came.

A chat that sends much faster than anyone reads (more than `FLOOD_BACKLOG` waiting, or
`FLOOD_PER_MINUTE` in a minute) is flooding: every one of its messages still goes
through the warning-sign check, but only urgent answers, commands and buttons are
answered, and the patient is asked once to slow down.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlite_utils import Database
from telegram import Update
from telegram.ext import Application

from bot.storage import inbox
from bot.storage.inbox import InboxRow, StoredUpdate
from bot.storage.store import Store
from bot.telegram.handlers import InProcessing, processing

log = logging.getLogger(__name__)

CONCURRENCY = 8
FLOOD_BACKLOG = 8
FLOOD_PER_MINUTE = 30
FLOOD_CALM_SECONDS = 60.0
"""A flooding chat is calm again after this long with nothing waiting."""


@dataclass(frozen=True)
class Arrived:
    """A stored update to process, with the `Update` the poller parsed it into (None for
    one a stopped run left: it is parsed from the inbox)."""

    stored: StoredUpdate
    parsed: Update | None = None
    at_once: AtOnce | None = None
    """Set for an update handled as it arrived: none of it is stored yet."""


@dataclass(frozen=True)
class AtOnce:
    """An update taken straight from the poller (`InboxProcessor.take_at_once`): `row` is
    what the inbox would hold; `written` is done once a transaction stored the update,
    with its decision or to be processed again."""

    row: InboxRow
    written: asyncio.Future[None]


@dataclass
class _Chat:
    queue: deque[Arrived] = field(default_factory=deque)
    recent: deque[float] = field(default_factory=deque)
    flooding: bool = False
    warned: bool = False
    last_seen: float = 0.0


class InboxProcessor:
    """Feeds stored updates to the application, fairly."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        store: Store,
        clock: Callable[[], datetime],
        concurrency: int = CONCURRENCY,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.application = application
        self.store = store
        self.clock = clock
        self.concurrency = concurrency
        self.monotonic = monotonic
        self._chats: dict[int, _Chat] = {}
        self._ready: asyncio.Queue[int] = asyncio.Queue()
        self._known: set[int] = set()
        self._in_line: set[int] = set()
        """Chats waiting in `_ready` or being processed."""
        self._workers: list[asyncio.Task[None]] = []
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def start(self) -> None:
        """Take up what a stopped run left unprocessed, then start the workers."""
        left = await self.store.run(inbox.pending, 100_000)
        if left:
            log.info("processing %d update(s) left by the last run", len(left))
        self.submit(Arrived(stored) for stored in left)
        self._workers = [
            asyncio.create_task(self._work(), name=f"aftercare-update-{n}")
            for n in range(self.concurrency)
        ]

    async def stop(self) -> None:
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)

    def submit(self, updates: Iterable[Arrived]) -> None:
        """Queue stored updates (each once, in order) behind their chat's earlier ones."""
        for update in updates:
            stored = update.stored
            if stored.update_id in self._known:
                continue
            self._known.add(stored.update_id)
            key = stored.chat_id if stored.chat_id is not None else 0
            chat = self._chats.get(key)
            if chat is None:
                chat = self._chats[key] = _Chat()
            was_empty = not chat.queue
            chat.queue.append(update)
            self._note_arrival(chat)
            if was_empty and key not in self._in_line:
                self._in_line.add(key)
                self._ready.put_nowait(key)
            self._idle.clear()

    def take_at_once(self, row: InboxRow, parsed: Update) -> asyncio.Future[None] | None:
        """Handle an update straight away, before anything of it is stored, when its chat
        has nothing waiting and a worker is free; None otherwise (store it first). The
        update is stored when its decision commits (or, failing that, to be processed
        again): the returned future says so, and until then Telegram must not be told
        the update arrived, so that a crash meanwhile has Telegram send it again."""
        update_id, chat_id, _, payload = row
        key = chat_id if chat_id is not None else 0
        free = self.concurrency - self._busy - self._ready.qsize()
        if not self._workers or free <= 0 or key in self._in_line or update_id in self._known:
            return None
        written: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        stored = StoredUpdate(update_id, chat_id, payload, 0)
        self.submit([Arrived(stored, parsed, AtOnce(row, written))])
        return written

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until every submitted update is processed (tests, benchmarks)."""
        async with asyncio.timeout(timeout):
            await self._idle.wait()

    def _note_arrival(self, chat: _Chat) -> None:
        now = self.monotonic()
        chat.recent.append(now)
        while chat.recent and chat.recent[0] < now - 60:
            chat.recent.popleft()
        if len(chat.queue) > FLOOD_BACKLOG or len(chat.recent) > FLOOD_PER_MINUTE:
            chat.flooding = True
        chat.last_seen = now

    async def _work(self) -> None:
        while True:
            key = await self._ready.get()
            chat = self._chats[key]
            arrived = chat.queue.popleft()
            self._busy += 1
            try:
                await self._process(chat, arrived)
            finally:
                self._busy -= 1
                self._known.discard(arrived.stored.update_id)
                if chat.queue:
                    self._ready.put_nowait(key)
                else:
                    self._in_line.discard(key)
                    self._calm_down(key, chat)
                if self._busy == 0 and self._ready.empty():
                    self._idle.set()

    def _calm_down(self, key: int, chat: _Chat) -> None:
        if chat.flooding and self.monotonic() - chat.last_seen < FLOOD_CALM_SECONDS:
            return
        del self._chats[key]

    async def _process(self, chat: _Chat, arrived: Arrived) -> None:
        warn = chat.flooding and not chat.warned
        if warn:
            chat.warned = True
        state = InProcessing(chat.flooding, warn)
        at_once = arrived.at_once
        if at_once is not None:
            state.unwritten = at_once.row
            state.on_written = partial(_tell, at_once.written)
        token = processing.set(state)
        stored = arrived.stored
        try:
            for attempt in range(stored.attempts, inbox.MAX_ATTEMPTS):
                # A retry starts from the stored JSON: nothing a failed run touched is reused.
                update = arrived.parsed if attempt == stored.attempts else None
                if update is None:
                    update = Update.de_json(stored.payload, self.application.bot)
                await self.application.process_update(update)
                # A handler that committed its decision marked the update done with it;
                # only an update no handler settled costs another trip to the database.
                if state.settled:
                    return
                unwritten = state.unwritten
                settled = await self.store.run(
                    _settle, stored.update_id, attempt, self.clock(), unwritten is not None
                )
                state.written()
                if settled:
                    return
            log.error("update %s set aside after %d failures", stored.update_id, inbox.MAX_ATTEMPTS)
        except Exception:
            log.exception("update %s could not be processed", stored.update_id)
            if state.unwritten is not None and at_once is not None:
                await self._store_unwritten(state.unwritten, at_once)
        finally:
            processing.reset(token)

    async def _store_unwritten(self, row: InboxRow, at_once: AtOnce) -> None:
        """An update handled as it arrived failed outside its handlers: it is stored to be
        processed at the next start, or, if even that fails, the poller hears why (as it
        would have when storing it itself)."""
        try:
            await self.store.run(inbox.add, [row], self.clock())
        except Exception as failure:
            _tell(at_once.written, failure)
            return
        _tell(at_once.written)
        log.info("update %s stored, to be processed at the next start", row[0])


def _tell(written: asyncio.Future[None], failure: Exception | None = None) -> None:
    if written.done():
        return
    if failure is None:
        written.set_result(None)
    else:
        written.set_exception(failure)


def _settle(
    db: Database, update_id: int, attempts_before: int, now: datetime, unwritten: bool
) -> bool:
    """After the handlers ran: True when the update is settled (processed, or taken by no
    handler, or set aside); False when its processing failed and it should run again. An
    `unwritten` update (handled as it arrived) that no handler took is stored as done."""
    row = db.execute(
        "SELECT status, attempts FROM inbox WHERE update_id = ?", [update_id]
    ).fetchone()
    if row is None and unwritten:
        inbox.mark_done(db, update_id, now)
        return True
    if row is None or row[0] != "pending":
        return True
    if row[1] > attempts_before:
        return False
    inbox.mark_done(db, update_id, now)
    return True
