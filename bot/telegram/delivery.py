"""The one place the bot sends messages: the outbox's rows, delivered through Telegram's
errors and within its limits.

Every message the bot sends (replies, urgent answers, staff alerts, check-ins) is first a
row of the outbox (`bot.storage.outbox`), committed with the decision that sent it.
`Delivery` sends the rows as soon as they are committed (`wake`), and again whenever a
retry falls due, across restarts. Per row kind the semantics are the outbox's: at least
once for replies and alerts, at most once for check-ins.

Telegram's limits and the retry policy are `bot.telegram.limits`; the call each row makes
is `bot.telegram.calls`; what each attempt's end writes to the database is
`bot.telegram.outcomes`. One chat's backlog never holds up another's: a chat has at most
one message on its way, and a row is picked per chat, urgent first.

Errors:
- `RetryAfter` (flood control): that chat waits as long as Telegram says; then retried.
- A network error that proves the request never left (it could not connect): retried
  with backoff, whatever the row's semantics.
- A timeout or dropped connection after the request left: retried for at-least-once
  rows; recorded as `unknown` (never resent) for at-most-once ones.
- `Forbidden` from a patient's chat: the patient blocked the bot; they are marked
  unreachable and nothing more is queued for them. From the staff chat: the bot was
  removed; this is logged at ERROR, recorded for `aftercare stats`, and the alert waits,
  retried, until someone fixes the chat.
- `BadRequest` "can't parse entities": the text is sent again as plain text at once, so a
  broken knowledge edit never costs an alert its delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.conversation.outbound import COPY, EDIT, REMOVE_BUTTONS, SEND
from bot.storage import handoffs, notices, outbox
from bot.storage.outbox import FAILED, UNKNOWN, QueuedMessage
from bot.storage.store import Store
from bot.telegram import outcomes
from bot.telegram.calls import call_telegram
from bot.telegram.limits import (
    ALERT_RETRY_CAP,
    GIVE_UP_REPLIES_AFTER,
    REPLY_RETRY_CAP,
    SendLimits,
    never_reached_telegram,
    retry_after_seconds,
)

log = logging.getLogger(__name__)

CONCURRENCY = 16
ALERT_LATE_AFTER = timedelta(minutes=5)
"""An alert not delivered this long after it was raised is logged at ERROR."""
IDLE_POLL_SECONDS = 5.0
LATE_CHECK_SECONDS = 30.0
"""How often waiting alerts are looked at for lateness (late means minutes)."""


@dataclass
class DeliveryCounts:
    """What the sender did since start, for logs, tests and benchmarks."""

    delivered: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0


class Delivery:
    """Sends the outbox. `start` settles what a killed run left half-sent and starts the
    loop; `wake` says new rows are committed; `drain` (tests, benchmarks) waits until
    nothing is left to send now."""

    def __init__(
        self,
        store: Store,
        bot: Bot,
        *,
        staff_chat_id: int | None,
        clock: Callable[[], datetime],
        limits: SendLimits | None = None,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.store = store
        self.bot = bot
        self.staff_chat_id = staff_chat_id
        self.staff_forum = False
        """Whether the staff chat is a forum: then each patient gets a topic of their own."""
        self.clock = clock
        self.limits = limits or SendLimits()
        self.concurrency = concurrency
        self.counts = DeliveryCounts()
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._late_alerts_logged: set[int] = set()
        self._next_late_check = 0.0
        self._full = False
        """The last look took as many messages as there were free places: more may wait."""
        self._looking = False
        """A look at the outbox is under way: it may take a message `offer` is given."""

    async def start(self) -> None:
        resent, unknown = await self.store.run(outbox.recover, self.clock())
        if resent or unknown:
            log.warning(
                "messages a stopped run left on their way: %d sent again, %d recorded as "
                "unknown (at most once)",
                resent,
                len(unknown),
            )
        self._loop = asyncio.create_task(self._run(), name="aftercare-delivery")

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def wake(self) -> None:
        self._wakeup.set()

    def offer(self, queued: QueuedMessage) -> None:
        """A message just committed while nothing else of its chat waited
        (`outbox.queued_alone`): sent now, without another look at the outbox, when the
        sender has nothing older to take first (no look is due or under way, the last one
        left nothing behind), its chat has no message on its way and a place is free;
        otherwise the next look finds it, in its turn."""
        chat = queued.message.chat_id
        if (
            self._loop is None
            or self._looking
            or self._wakeup.is_set()
            or self._full
            or chat in self._in_flight
            or len(self._in_flight) >= self.concurrency
        ):
            self.wake()
            return
        self._send(queued)

    async def drain(self, timeout: float = 10.0, horizon: float = 5.0) -> None:
        """Wait until no message is on its way and none is due within `horizon` seconds
        (a retry Telegram asked to wait for is waited out)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.wake()
            self._idle.clear()
            async with asyncio.timeout(max(0.01, deadline - time.monotonic())):
                await self._idle.wait()
            soon = self.clock() + timedelta(seconds=horizon)
            ready = await self.store.run(outbox.ready, soon, 1, frozenset())
            if not self._in_flight and not ready:
                return
            await asyncio.sleep(0.01)
        raise TimeoutError("the outbox did not drain")

    async def _run(self) -> None:
        while True:
            self._wakeup.clear()
            free = self.concurrency - len(self._in_flight)
            batch: list[QueuedMessage] = []
            next_due = None
            if free <= 0:
                self._full = True
            elif not (self._full and self.limits.line_is_long()):
                # One look at the database per wake-up: what to send now, and when to look
                # again. A chat with a message on its way wakes the loop when it is done
                # and more of it waits, so its waiting messages never make the loop poll;
                # a full one with a long line under the rate limit looks later (`limits`).
                now = self.clock()
                self._looking = True
                try:
                    batch, next_due = await self.store.run(
                        outbox.due, now, free, frozenset(self._in_flight)
                    )
                finally:
                    self._looking = False
                self._full = len(batch) >= free
            for queued in batch:
                self._send(queued)
            if not self._in_flight:
                self._idle.set()
                await self._check_late_alerts()
            await self._sleep_until(next_due)

    def _send(self, queued: QueuedMessage) -> None:
        self._in_flight.add(queued.message.chat_id)
        task = asyncio.create_task(self._deliver(queued))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _sleep_until(self, next_due: datetime | None) -> None:
        """Until woken (a message committed or done), or `next_due`, or a while."""
        wait = IDLE_POLL_SECONDS
        if next_due is not None:
            wait = min(wait, max(0.0, (next_due - self.clock()).total_seconds()))
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation
        # that arrives as the event is set, and then stop() would wait forever.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(wait, 0.005)):
                await self._wakeup.wait()

    async def _deliver(self, queued: QueuedMessage) -> None:
        message = queued.message
        quiet = False
        try:
            held = self.limits.held_for(message.chat_id)
            if held > 0:
                at = self.clock() + timedelta(seconds=held)
                reason = "held by flood control"
                await self.store.run(outbox.retry, queued.id, at, reason, queued.attempts)
                return
            now = self.clock()
            if message.at_most_once and message.not_after is not None and now > message.not_after:
                await self.store.run(outcomes.too_late, queued.id, message.checkin_id, now)
                return
            # Its turn under Telegram's limits first: a check-in waiting in that queue is not
            # attempted yet, so a kill meanwhile leaves it to be sent, not written off.
            await self.limits.acquire(message.chat_id)
            # Only an at-most-once message needs "attempted" on disk before it leaves; a
            # reply goes without a write (and its disk sync) in front of it.
            now = self.clock()
            if message.at_most_once and not await self.store.run(outbox.begin, queued.id, now):
                return
            quiet = not await self._attempt(queued)
        except Exception:
            log.exception("unexpected error while delivering message %d", queued.id)
        finally:
            self._in_flight.discard(message.chat_id)
            # No new look for a delivered message (its write wakes the sender if more of its
            # chat waits), unless the last look left some behind and the line under the
            # rate limit runs short, or the sender is idle (`drain`, late alerts).
            if not quiet or not self._in_flight or (self._full and not self.limits.line_is_long()):
                self.wake()

    async def _attempt(self, queued: QueuedMessage) -> bool:
        """Returns False only when the message was delivered (the write that says so
        wakes the sender if more of its chat waits)."""
        message = queued.message
        try:
            sent = await self._call(message.method, message.chat_id, message.params)
        except RetryAfter as error:
            seconds = retry_after_seconds(error)
            self.limits.hold(message.chat_id, seconds)
            log.warning("Telegram flood control: holding a chat for %.0f s", seconds)
            await self._retry(queued, "flood control", timedelta(seconds=seconds))
        except Forbidden as error:
            await self._forbidden(queued, error)
        except BadRequest as error:
            await self._bad_request(queued, error)
        except NetworkError as error:
            name = type(error).__name__
            if never_reached_telegram(error) or not message.at_most_once:
                await self._retry(queued, f"{name}: {error.message}")
            else:
                await self._unknown(queued, f"unknown whether it arrived: {name}")
        except TelegramError as error:
            await self._retry(queued, f"{type(error).__name__}: {error.message}")
        else:
            # Waiting for neither the disk nor the write: lost in a power cut, the message is
            # sent again (at least once) or its check-in recorded "unknown" (at most once,
            # `begin` synced). It wakes the sender if more of the chat waits.
            now = self.clock()
            self.store.post(outcomes.delivered, queued, sent, now, then=self.wake, durable=False)
            self.counts.delivered += 1
            return False
        return True

    async def _call(self, method: str, chat_id: int, params: dict[str, Any]) -> int | None:
        """One Bot API call; returns the new message's id when it made one."""
        thread = None
        if method in (COPY, SEND):
            thread = await self._thread_for(chat_id, params.get("about_patient"))
        return await call_telegram(self.bot, method, chat_id, params, thread)

    async def _thread_for(self, chat_id: int, patient_id: int | None) -> int | None:
        """In a forum staff chat, the patient's own topic (made the first time it is
        needed), so everything about one patient is in one place; None elsewhere."""
        if patient_id is None or chat_id != self.staff_chat_id or not self.staff_forum:
            return None
        thread = await self.store.run(handoffs.topic_of, patient_id, chat_id)
        if thread is not None:
            return thread
        name = await self.store.run(outcomes.topic_name, patient_id)
        topic = await self.bot.create_forum_topic(chat_id, name)
        await self.store.run(handoffs.set_topic, patient_id, chat_id, topic.message_thread_id)
        return topic.message_thread_id

    async def _retry(
        self, queued: QueuedMessage, reason: str, wait: timedelta | None = None
    ) -> None:
        message = queued.message
        now = self.clock()
        if message.kind != "alert" and now - queued.created_at > GIVE_UP_REPLIES_AFTER:
            log.error(
                "message %d (%s) dropped after a day of failures: %s",
                queued.id,
                message.kind,
                reason,
            )
            await self.store.run(outbox.give_up, queued.id, FAILED, f"too old: {reason}")
            self.counts.failed += 1
            return
        cap = ALERT_RETRY_CAP if message.kind == "alert" else REPLY_RETRY_CAP
        delay = wait if wait is not None else outbox.backoff(queued.attempts + 1, cap)
        log.warning(
            "message %d (%s) not delivered, retry in %.0f s: %s",
            queued.id,
            message.kind,
            delay.total_seconds(),
            reason,
        )
        attempts = queued.attempts + 1
        await self.store.run(outbox.retry, queued.id, now + delay, reason, attempts)
        self.counts.retried += 1

    async def _unknown(self, queued: QueuedMessage, reason: str) -> None:
        log.warning(
            "message %d (%s): %s; not resent (at most once)", queued.id, queued.message.kind, reason
        )
        await self.store.run(outcomes.gave_up, queued, UNKNOWN, reason, self.clock())
        self.counts.unknown += 1

    async def _forbidden(self, queued: QueuedMessage, error: Forbidden) -> None:
        message = queued.message
        if message.chat_id > 0 and message.chat_id != self.staff_chat_id:
            log.info("a patient blocked the bot: marked unreachable")
            await self.store.run(outcomes.blocked, queued, self.clock())
            self.counts.failed += 1
            return
        await self._staff_chat_unreachable(queued, error.message)

    async def _staff_chat_unreachable(self, queued: QueuedMessage, reason: str) -> None:
        log.error(
            "the bot cannot write to the staff chat (%s): alerts wait until it is fixed "
            "(add the bot back to the chat, or correct AFTERCARE_STAFF_CHAT_ID)",
            reason,
        )
        await self.store.run(
            notices.set_notice, notices.STAFF_CHAT_UNREACHABLE, reason, self.clock()
        )
        await self._retry(queued, f"staff chat unreachable: {reason}")

    async def _bad_request(self, queued: QueuedMessage, error: BadRequest) -> None:
        message = queued.message
        reason = error.message
        if "parse entities" in reason.lower() and not message.params.get("plain"):
            log.error("Telegram refused the HTML of a %s message; sent as plain text", message.kind)
            plain = QueuedMessage(
                queued.id,
                replace(message, params={**message.params, "plain": True}),
                queued.attempts,
                queued.created_at,
            )
            await self._attempt(plain)
            return
        if message.method in (REMOVE_BUTTONS, EDIT):
            # Cosmetic: the message is gone, or already shows this.
            await self.store.run(outbox.delivered, queued.id)
            return
        if message.chat_id == self.staff_chat_id and "chat not found" in reason.lower():
            await self._staff_chat_unreachable(queued, reason)
            return
        log.error("Telegram refused a %s message: %s", message.kind, reason)
        await self.store.run(
            outcomes.gave_up, queued, FAILED, f"refused by Telegram: {reason}", self.clock()
        )
        self.counts.failed += 1

    async def _check_late_alerts(self) -> None:
        """Log alerts waiting longer than `ALERT_LATE_AFTER`; looked at once in a while,
        not at every idle moment (each look is a trip to the database thread)."""
        if time.monotonic() < self._next_late_check:
            return
        self._next_late_check = time.monotonic() + LATE_CHECK_SECONDS
        now = self.clock()
        late = await self.store.run(outbox.waiting_alerts, now - ALERT_LATE_AFTER)
        for alert_id, created_at in late:
            if alert_id in self._late_alerts_logged:
                continue
            self._late_alerts_logged.add(alert_id)
            minutes = (now - created_at).total_seconds() / 60
            log.error(
                "a warning-sign alert has waited %.0f minutes and is not delivered yet", minutes
            )
