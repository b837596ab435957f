"""The dispatcher: one `tick` sends every check-in that is due, within Telegram's limits.

I/O stays at the edges and is injected: the database through a `Store` (anything with
``async run(fn, *args)``), Telegram through an async ``send(chat_id, text, buttons) ->
message_id``, the wall clock through ``now()``, and waiting through ``sleep``, so tests
drive time by hand. A tick claims due rows, skips the stale ones (the late rule), puts
back a late one that would now land in the patient's quiet hours (to the end of them, if
it is still relevant then), and sends the rest: claim, begin attempt, send, record (see
`bot.storage.checkins` for why that order makes delivery at most once).

Telegram's limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
about 30 messages a second overall and one a second to the same chat. python-telegram-bot's
``AIORateLimiter`` throttles only groups, so `RateLimiter` spaces private chats here.
Errors: ``RetryAfter`` holds every send for the time Telegram asks, then retries;
``NetworkError``/``TimedOut`` that provably never reached Telegram are retried with
exponential backoff, then handed back to the next tick; an error after which the message
may have arrived is not retried (at most once); ``Forbidden`` marks the patient
unreachable and cancels what they had pending.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.knowledge.model import KnowledgeBase
from bot.storage import checkins as outbox
from bot.storage.checkins import Attempt, ClaimedCheckIn
from scheduler.messages import Button, OutgoingMessage, ask_to_continue, compose_checkin
from scheduler.planning import is_stale, out_of_quiet_hours

log = logging.getLogger(__name__)

T = TypeVar("T")

GLOBAL_PER_SECOND = 28.0
PER_CHAT_INTERVAL = 1.0
# Transport errors raised before the request left this machine: resending cannot duplicate.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Store(Protocol):
    """The one owner of the database: runs `fn(db, *args)` in a transaction."""

    async def run(self, fn: Callable[..., T], *args: Any) -> T: ...


class Send(Protocol):
    """Sends one HTML message with inline buttons; returns Telegram's message id."""

    def __call__(
        self, chat_id: int, text: str, buttons: Sequence[Sequence[Button]]
    ) -> Awaitable[int]: ...


Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """Spaces sends: at most `per_second` overall and one per `per_chat_interval` a chat.

    Each `wait` reserves, before it sleeps, the earliest moment at least `1 / per_second`
    from every other reserved send, not before the chat's next allowed moment nor before
    a hold from ``RetryAfter``. Concurrent senders so never share a slot, and a chat that
    must wait leaves the moments in between to other chats.
    """

    def __init__(
        self,
        per_second: float = GLOBAL_PER_SECOND,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        enabled: bool = True,
    ) -> None:
        self.interval = 1.0 / per_second
        self.per_chat_interval = per_chat_interval
        self.clock = clock
        self.sleep = sleep
        self.enabled = enabled
        self._slots: list[float] = []
        self._hold_until = 0.0
        self._chat_next: dict[int, float] = {}

    def reserve(self, chat_id: int) -> float:
        """Book the next allowed moment for `chat_id` (clock time) and return it."""
        now = self.clock()
        if not self.enabled:
            return max(now, self._hold_until)
        recent = bisect.bisect_right(self._slots, now - self.interval)
        if recent:
            del self._slots[:recent]
        slot = max(now, self._hold_until, self._chat_next.get(chat_id, now))
        for taken in self._slots:
            if taken >= slot + self.interval:
                break
            if taken > slot - self.interval:
                slot = taken + self.interval
        bisect.insort(self._slots, slot)
        self._chat_next[chat_id] = slot + self.per_chat_interval
        if len(self._chat_next) > 10_000:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        return slot

    async def wait(self, chat_id: int) -> None:
        """Sleep until this chat may receive its next message."""
        delay = self.reserve(chat_id) - self.clock()
        if delay > 0:
            await self.sleep(delay)

    def hold(self, seconds: float) -> None:
        """Send nothing to anyone for `seconds` (Telegram's flood control said so)."""
        self._hold_until = max(self._hold_until, self.clock() + seconds)


@dataclass
class TickReport:
    """What one tick did, by outcome; logged, and handy in tests and benchmarks."""

    sent: int = 0
    skipped: int = 0
    cancelled: int = 0
    failed: int = 0
    released: int = 0
    unreachable: int = 0
    asked_to_continue: int = 0
    deferred: int = 0
    sent_ids: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return (
            self.sent
            + self.skipped
            + self.cancelled
            + self.failed
            + self.released
            + self.unreachable
            + self.asked_to_continue
            + self.deferred
        )


@dataclass(frozen=True)
class _Delivered:
    message_id: int


@dataclass(frozen=True)
class _Undelivered:
    """Telegram certainly did not show the message: safe to send again later."""

    reason: str


@dataclass(frozen=True)
class _Failed:
    """Refused for good, or unknown whether it arrived: never resent."""

    reason: str


@dataclass(frozen=True)
class _Blocked:
    """The patient blocked the bot."""


_Outcome = _Delivered | _Undelivered | _Failed | _Blocked


def retry_after_seconds(error: RetryAfter) -> float:
    """Seconds Telegram asked us to wait, whichever type this PTB version returns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def never_reached_telegram(error: NetworkError) -> bool:
    """True when a network error proves the request was not processed by Telegram.

    Connection failures and pool timeouts happen before the request leaves; an error
    status (502 and the like) without a transport cause is Telegram's own answer. A read
    or write timeout, or a connection dropped mid-request, may follow a delivered message.
    """
    cause = error.__cause__
    if isinstance(cause, _NEVER_SENT):
        return True
    if isinstance(error, TimedOut):
        return False
    return cause is None or isinstance(cause, TelegramError)


class Dispatcher:
    """Sends due check-ins; `tick` is the periodic job, `recover` runs once at start-up."""

    def __init__(
        self,
        store: Store,
        send: Send,
        knowledge: Callable[[], KnowledgeBase],
        now: Callable[[], datetime],
        limiter: RateLimiter | None = None,
        sleep: Sleep = asyncio.sleep,
        batch_size: int = 200,
        concurrency: int = 8,
        max_network_attempts: int = 4,
        max_flood_waits: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
    ) -> None:
        self.store = store
        self.send = send
        self.knowledge = knowledge
        self.now = now
        self.limiter = limiter if limiter is not None else RateLimiter(sleep=sleep)
        self.sleep = sleep
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.max_network_attempts = max_network_attempts
        self.max_flood_waits = max_flood_waits
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._running = asyncio.Lock()

    async def recover(self) -> outbox.Recovery:
        """Settle rows a previous process left claimed; call before the first tick."""
        recovery = await self.store.run(outbox.recover_claimed, self.now())
        if recovery.released or recovery.failed:
            log.warning(
                "check-ins left claimed by the last run: %d back to pending, "
                "%d failed (send had begun; not resent)",
                recovery.released,
                recovery.failed,
            )
        return recovery

    async def tick(self) -> TickReport:
        """Send everything due now. A tick that finds another still running returns at once.

        Batches are claimed until none is due; a batch in which Telegram could not be
        reached ends the tick, so an outage waits for the next tick instead of spinning.
        """
        report = TickReport()
        if self._running.locked():
            return report
        async with self._running:
            try:
                while True:
                    claimed = await self.store.run(outbox.claim_due, self.now(), self.batch_size)
                    if not claimed:
                        break
                    released_before = report.released
                    await self._deliver_batch(claimed, report)
                    if len(claimed) < self.batch_size or report.released > released_before:
                        break
            except Exception:
                # Only this tick holds claimed rows in this process: settle them as a
                # restart would, so none stays claimed until the next start-up.
                log.exception("dispatch tick failed; settling the check-ins it had claimed")
                await self.recover()
                raise
        if report.handled:
            log.info(
                "check-ins: %d sent, %d skipped as stale, %d cancelled, %d failed, "
                "%d retried later, %d unreachable, %d asked to continue, %d deferred to morning",
                report.sent,
                report.skipped,
                report.cancelled,
                report.failed,
                report.released,
                report.unreachable,
                report.asked_to_continue,
                report.deferred,
            )
        return report

    async def _deliver_batch(self, claimed: list[ClaimedCheckIn], report: TickReport) -> None:
        queue = list(reversed(claimed))

        async def worker() -> None:
            while queue:
                await self._deliver(queue.pop(), report)

        async with asyncio.TaskGroup() as group:
            for _ in range(min(self.concurrency, len(claimed))):
                group.create_task(worker())

    async def _deliver(self, checkin: ClaimedCheckIn, report: TickReport) -> None:
        knowledge = self.knowledge()
        step = knowledge.plan.step(checkin.day)
        if step is None:
            await self.store.run(
                outbox.mark_skipped, checkin.id, self.now(), "no longer in the plan"
            )
            report.skipped += 1
            return
        if await self._skip_if_stale(checkin, report):
            return
        if await self._defer_if_night(checkin, knowledge, report):
            return
        await self.limiter.wait(checkin.chat_id)
        if await self._skip_if_stale(checkin, report):
            return
        decision = await self.store.run(outbox.begin_attempt, checkin.id, self.now())
        if decision is Attempt.CANCELLED:
            report.cancelled += 1
            return
        if decision is Attempt.ASK_TO_CONTINUE:
            report.asked_to_continue += 1
            outcome = await self._send(checkin.chat_id, ask_to_continue(knowledge))
            if isinstance(outcome, _Blocked):
                await self.store.run(outbox.mark_unreachable, checkin.patient_id, None, self.now())
            return
        outcome = await self._send(checkin.chat_id, compose_checkin(knowledge, step, checkin.id))
        await self._record(checkin, outcome, report)

    async def _skip_if_stale(self, checkin: ClaimedCheckIn, report: TickReport) -> bool:
        now = self.now()
        if not is_stale(checkin.due_at, checkin.next_due_at, now):
            return False
        await self.store.run(outbox.mark_skipped, checkin.id, now, "stale: too late to send")
        report.skipped += 1
        return True

    async def _defer_if_night(
        self, checkin: ClaimedCheckIn, knowledge: KnowledgeBase, report: TickReport
    ) -> bool:
        """A late check-in (the bot was down, or the time changed) never lands at night."""
        now = self.now()
        try:
            zone = ZoneInfo(checkin.timezone)
        except (ValueError, ZoneInfoNotFoundError):
            zone = ZoneInfo("UTC")
        allowed = out_of_quiet_hours(now, zone, knowledge.plan.quiet)
        if allowed <= now:
            return False
        if is_stale(checkin.due_at, checkin.next_due_at, allowed):
            await self.store.run(
                outbox.mark_skipped, checkin.id, now, "stale by the end of quiet hours"
            )
            report.skipped += 1
        else:
            await self.store.run(outbox.defer, checkin.id, allowed, now)
            report.deferred += 1
        return True

    async def _record(self, checkin: ClaimedCheckIn, outcome: _Outcome, report: TickReport) -> None:
        now = self.now()
        if isinstance(outcome, _Delivered):
            await self.store.run(outbox.mark_sent, checkin.id, outcome.message_id, now)
            report.sent += 1
            report.sent_ids.append(checkin.id)
        elif isinstance(outcome, _Blocked):
            await self.store.run(outbox.mark_unreachable, checkin.patient_id, checkin.id, now)
            report.unreachable += 1
        elif isinstance(outcome, _Undelivered):
            log.warning("check-in %d unsent, retry next tick: %s", checkin.id, outcome.reason)
            await self.store.run(outbox.release, checkin.id)
            report.released += 1
        else:
            log.error("check-in %d failed, not resent: %s", checkin.id, outcome.reason)
            await self.store.run(outbox.mark_failed, checkin.id, now, outcome.reason)
            report.failed += 1

    async def _send(self, chat_id: int, message: OutgoingMessage) -> _Outcome:
        """One message through Telegram's errors; the limiter slot is already taken."""
        network_failures = 0
        flood_waits = 0
        while True:
            try:
                return _Delivered(await self.send(chat_id, message.text, message.buttons))
            except RetryAfter as error:
                flood_waits += 1
                if flood_waits > self.max_flood_waits:
                    return _Undelivered(f"flood control {flood_waits} times")
                seconds = retry_after_seconds(error)
                log.warning("Telegram flood control: holding all sends for %.0f s", seconds)
                self.limiter.hold(seconds)
                await self.limiter.wait(chat_id)
            except Forbidden:
                return _Blocked()
            except BadRequest as error:
                return _Failed(f"refused by Telegram: {error.message}")
            except NetworkError as error:
                if not never_reached_telegram(error):
                    return _Failed(f"unknown whether it arrived: {type(error).__name__}")
                network_failures += 1
                if network_failures >= self.max_network_attempts:
                    return _Undelivered(f"network error {network_failures} times: {error}")
                await self.sleep(self._backoff(network_failures))
                await self.limiter.wait(chat_id)
            except TelegramError as error:
                return _Undelivered(f"{type(error).__name__}: {error.message}")
            except Exception as error:
                log.exception("unexpected error while sending a check-in")
                return _Failed(f"unexpected {type(error).__name__}")

    def _backoff(self, failures: int) -> float:
        return float(min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1)))
