"""Telegram's flood control, modelled on the limits its Bots FAQ gives: about one message
a second to one chat, 20 a minute to one group, 30 a second overall. A send over a limit
gets 429 with `retry_after` (the whole seconds until it would pass), like a fault, so the
bot's rate limiting can be tested against Telegram's, not against itself."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from .faults import Fault, status_fault


class FloodControl:
    """Sliding windows over the messages let through, overall and per chat."""

    def __init__(
        self,
        per_chat_per_second: int = 1,
        per_group_per_minute: int = 20,
        overall_per_second: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = (per_chat_per_second, per_group_per_minute, overall_per_second)
        self._clock = clock
        self._sent: deque[tuple[float, int]] = deque()

    def check(self, method: str, chat_id: int | None, group: bool) -> Fault | None:
        """None if this send may go out now (and count it), else the 429 for it."""
        if chat_id is None or not _puts_a_message_in_a_chat(method):
            return None
        now = self._clock()
        while self._sent and self._sent[0][0] <= now - 60:
            self._sent.popleft()
        per_chat, per_group, overall = self._limits
        waits = [
            _wait(now, [t for t, c in self._sent if c == chat_id], 1.0, per_chat),
            _wait(now, [t for t, _ in self._sent], 1.0, overall),
        ]
        if group:
            waits.append(_wait(now, [t for t, c in self._sent if c == chat_id], 60.0, per_group))
        longest = max(waits)
        if longest > 0:
            retry_after = max(1, math.ceil(longest))
            return status_fault(method, 429, None, retry_after, chat_id)
        self._sent.append((now, chat_id))
        return None


def _puts_a_message_in_a_chat(method: str) -> bool:
    if method.startswith("send"):
        return method != "sendChatAction"
    return method in ("copyMessage", "forwardMessage")


def _wait(now: float, sent: list[float], window: float, limit: int) -> float:
    """How long until one more send fits `limit` sends per `window` (0: it fits now)."""
    recent = [t for t in sent if t > now - window]
    if len(recent) < limit:
        return 0.0
    return recent[-limit] + window - now
