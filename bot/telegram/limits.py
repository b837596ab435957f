"""Telegram's limits, and what its errors say about sending again.

Limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
about 30 messages a second overall, about one a second in a private chat (bursts of
`PRIVATE_BURST` allowed) and 20 a minute in a group, built on aiolimiter's leaky bucket
(the limiter python-telegram-bot's own `AIORateLimiter` uses); flood control's "retry
after" holds a chat for as long as Telegram says.

The retry policy `bot.telegram.delivery` follows: how long a reply and an alert wait at
most between tries, when a reply is no longer worth sending, and which network errors
prove that a request never reached Telegram (so that even an at-most-once message may be
sent again).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from datetime import timedelta

import httpx
from aiolimiter import AsyncLimiter
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

OVERALL_PER_SECOND = 30
PRIVATE_BURST = 3
GROUP_PER_MINUTE = 20
REPLY_RETRY_CAP = 300.0
ALERT_RETRY_CAP = 30.0
LONG_LINE_SECONDS = 0.2
"""A full sender takes more from the outbox only once the line under the overall limit is
shorter than this: a message it took sooner would wait at the end of that line, so it
waits in the outbox instead, where the next look picks the most urgent first; and a burst
costs one look at the outbox per few messages, not one per message. Far longer than a
look takes, so the line never runs dry for want of one."""
GIVE_UP_REPLIES_AFTER = timedelta(hours=24)
"""A reply Telegram could not take for a day is dropped (logged): it would only confuse."""
# Transport errors raised before the request left this machine: resending cannot duplicate.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


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


class SendLimits:
    """Telegram's limits, per chat and overall, plus the holds flood control asks for."""

    def __init__(
        self,
        *,
        overall_per_second: float = OVERALL_PER_SECOND,
        private_burst: float = PRIVATE_BURST,
        group_per_minute: float = GROUP_PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.overall = AsyncLimiter(overall_per_second, 1)
        self.private_burst = private_burst
        self.group_per_minute = group_per_minute
        self._chats: dict[int, AsyncLimiter] = {}
        self._held_until: dict[int, float] = {}
        self.in_line = 0
        """Messages their chats allow now, waiting for their turn under the overall limit."""

    async def acquire(self, chat_id: int) -> None:
        """Wait until `chat_id` may receive its next message."""
        limiter = self._chats.get(chat_id)
        if limiter is None:
            if len(self._chats) > 10_000:
                self._chats.clear()
            if chat_id > 0:
                limiter = AsyncLimiter(self.private_burst, self.private_burst)
            else:
                limiter = AsyncLimiter(self.group_per_minute, 60)
            self._chats[chat_id] = limiter
        await limiter.acquire()
        self.in_line += 1
        try:
            await self.overall.acquire()
        finally:
            self.in_line -= 1

    def line_is_long(self) -> bool:
        """Whether the messages in line under the overall limit take longer than
        `LONG_LINE_SECONDS` to go. Each of them, once sent, wakes a full sender whose line
        has run short (`bot.telegram.delivery`), so a look put off meanwhile is only late,
        never forgotten."""
        seconds = self.in_line * self.overall.time_period / self.overall.max_rate
        return seconds > LONG_LINE_SECONDS

    def hold(self, chat_id: int, seconds: float) -> None:
        """Send nothing to `chat_id` for `seconds` (Telegram's flood control said so)."""
        self._held_until[chat_id] = max(self._held_until.get(chat_id, 0.0), self.clock() + seconds)

    def held_for(self, chat_id: int) -> float:
        """Seconds `chat_id` must still wait, 0 when it may be sent to."""
        until = self._held_until.get(chat_id)
        if until is None:
            return 0.0
        left = until - self.clock()
        if left <= 0:
            del self._held_until[chat_id]
            return 0.0
        return left
