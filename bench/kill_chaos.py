"""The faults of `bench_kill.py`: `aftercare run` killed with SIGKILL at random moments and
started again on the same database, and Telegram misbehaving now and then.

A kill comes at a random moment of the bot's life, or at a chosen kind of instant, armed
at a random moment and fired by the fake Bot API's watcher in the HTTP server's thread, so
the bot dies with the request open: as Telegram takes a message (it is in the chat, the
bot never hears so: after send, before recording), a staff-chat message (an alert,
usually), a check-in or a relayed message (patient to staff or staff to patient); as a
getUpdates confirms the batch before it (after fetch: the batch is in the inbox, its
processing not yet done); or a fraction of a second after a getUpdates hands over a batch
(during processing). Telegram's faults are the fake's: a send that
fails once (502, or 500 for the staff chat), 429 with retry_after, a hang past the bot's
read timeout (delivered or not), a dropped connection (delivered or not), a getUpdates
that fails.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from enum import StrEnum

from bot_process import BotProcess
from fake_bot_api import ApiCall, FakeBotApi

UPTIME = (1.0, 6.0)
"""Seconds from the first getUpdates after a start to the next kill (or to arming it):
counted from there, a start slowed by a busy machine still leaves the bot time to work."""
RESTART_AFTER = (0.1, 1.0)
FAULT_EVERY = (1.5, 5.0)
HANG_SECONDS = 7.0
"""Past python-telegram-bot's 5 s read timeout."""


class KillMoment(StrEnum):
    RANDOM = "at random"
    FETCHED = "after fetch, before processing"
    PROCESSING = "during processing"
    SEND = "after send, before recording"
    STAFF_SEND = "after an alert's send, before recording"
    CHECKIN = "during check-in dispatch"
    RELAY = "during relay"
    ARMED_TIMEOUT = "armed, fired after waiting"


CHOSEN: dict[KillMoment, tuple[int, float]] = {
    KillMoment.RANDOM: (4, 0.0),
    KillMoment.FETCHED: (2, 4.0),
    KillMoment.PROCESSING: (2, 4.0),
    KillMoment.SEND: (2, 4.0),
    KillMoment.STAFF_SEND: (2, 6.0),
    KillMoment.CHECKIN: (1, 12.0),
    KillMoment.RELAY: (1, 12.0),
}
"""Each moment's weight when a kill is drawn, and how long (s) it waits armed for its
instant before it fires anyway (check-ins and relays are rarer)."""
PROCESSING_DELAY = (0.02, 0.4)
"""A kill "during processing" comes this long after a getUpdates that hands over a batch."""


class Chaos:
    """Kills, restarts and Telegram's faults, all drawn from one seeded generator."""

    def __init__(
        self,
        api: FakeBotApi,
        bot: BotProcess,
        rng: random.Random,
        staff_chat: int,
        pick_chat: Callable[[], int | None],
        checkin_text: str,
    ) -> None:
        self.api = api
        self.bot = bot
        self.rng = rng
        self.staff_chat = staff_chat
        self.pick_chat = pick_chat
        self.checkin_text = checkin_text
        self.kill_times: list[float] = []
        """When each kill came (`time.perf_counter()`)."""
        self.kills: Counter[KillMoment] = Counter()
        self.faults: Counter[str] = Counter()
        self.crashes: list[str] = []
        self._lock = threading.Lock()
        self._armed: KillMoment | None = None
        self._armed_at = 0.0
        self._next_kill: float | None = None
        self._next_fault = time.perf_counter() + rng.uniform(*FAULT_EVERY)
        self._restart_at: float | None = None
        self._last_offset = 0
        self._killed_by_us = False
        self._processing_delay = 0.0
        self._polling = False
        api.on_call("*", self._watch)

    @property
    def kill_count(self) -> int:
        return sum(self.kills.values())

    def start(self) -> None:
        with self._lock:
            self._killed_by_us = False
            self._polling = False
            self.bot.start(wait=False)
        self._next_kill = None

    def tick(self, now: float, killing: bool, faulting: bool) -> None:
        """One look: restart a dead bot when due, kill or arm a kill, inject a fault."""
        if not self.bot.running:
            self._after_death(now)
            return
        if killing:
            self._kill_when_due(now)
        else:
            self._disarm()
        # One fault at a time: a fault waits for the call it is meant for, and piled up
        # they would hit one message again and again.
        if faulting and now >= self._next_fault and not self.api.faults():
            self._next_fault = now + self.rng.uniform(*FAULT_EVERY)
            self._inject()

    def calm(self) -> None:
        """No more faults, nothing armed: the final clean run."""
        self._disarm()
        self.api.heal()

    def _after_death(self, now: float) -> None:
        if self._restart_at is None:
            with self._lock:
                if not self._killed_by_us:
                    self.crashes.append(self.bot.output[-3000:])
                self._armed = None
            self._restart_at = now + self.rng.uniform(*RESTART_AFTER)
        elif now >= self._restart_at:
            self._restart_at = None
            self.start()

    def _kill_when_due(self, now: float) -> None:
        if not self._polling:
            return
        if self._next_kill is None:
            self._next_kill = now + self.rng.uniform(*UPTIME)
            return
        with self._lock:
            armed, armed_at = self._armed, self._armed_at
        if armed is not None:
            if now - armed_at > CHOSEN[armed][1]:
                self._kill(KillMoment.ARMED_TIMEOUT)
            return
        if now < self._next_kill:
            return
        moments = list(CHOSEN)
        moment = self.rng.choices(moments, weights=[CHOSEN[m][0] for m in moments])[0]
        if moment is KillMoment.RANDOM:
            self._kill(moment)
            return
        self._processing_delay = self.rng.uniform(*PROCESSING_DELAY)
        with self._lock:
            self._armed, self._armed_at = moment, now

    def _disarm(self) -> None:
        with self._lock:
            self._armed = None

    def _kill(self, moment: KillMoment) -> None:
        with self._lock:
            self._armed = None
            self._kill_locked(moment)

    def _kill_locked(self, moment: KillMoment) -> None:
        if self.bot.running:
            self._killed_by_us = True
            self.bot.kill()
            self.kills[moment] += 1
            self.kill_times.append(time.perf_counter())

    def _watch(self, call: ApiCall) -> None:
        """In the server's thread, before the bot has any answer to `call`."""
        if call.method == "getUpdates":
            self._polling = True
        offset = call.params.get("offset") if call.method == "getUpdates" else None
        confirms = isinstance(offset, int) and offset > self._last_offset
        if isinstance(offset, int):
            self._last_offset = max(self._last_offset, offset)
        armed = self._armed
        if armed is None:
            return
        sends = call.method == "sendMessage" and call.reached
        text = str(call.params.get("text", "")) if sends else ""
        fire = (
            (armed is KillMoment.SEND and sends)
            or (armed is KillMoment.STAFF_SEND and sends and call.chat_id == self.staff_chat)
            or (armed is KillMoment.CHECKIN and sends and text.strip() == self.checkin_text)
            or (armed is KillMoment.RELAY and sends and ("ref P" in text or "ref S" in text))
            or (armed is KillMoment.FETCHED and confirms)
        )
        if armed is KillMoment.PROCESSING and call.method == "getUpdates":
            if self.api.pending_updates > 0:
                with self._lock:
                    if self._armed is armed:
                        self._armed = None
                        later = threading.Timer(self._processing_delay, self._kill, [armed])
                        later.daemon = True
                        later.start()
            return
        if fire:
            with self._lock:
                if self._armed is not armed:
                    return
                self._armed = None
                self._kill_locked(armed)

    def _inject(self) -> None:
        api, rng = self.api, self.rng
        choice = rng.randrange(9)
        if choice == 0:
            api.fail("sendMessage", status=502, times=1)
            self.faults["a send fails once (502)"] += 1
        elif choice == 1:
            api.fail("sendMessage", status=500, chat_id=self.staff_chat, times=1)
            self.faults["a staff-chat send fails once (500)"] += 1
        elif choice == 2:
            chat = self.pick_chat()
            if chat is not None:
                api.rate_limit(chat, retry_after=rng.randint(1, 3), times=rng.randint(1, 3))
                self.faults["429 to a patient's chat"] += 1
        elif choice == 3:
            retry = rng.randint(1, 3)
            api.fail("sendMessage", status=429, retry_after=retry, chat_id=self.staff_chat, times=2)
            self.faults["429 to the staff chat, twice"] += 1
        elif choice in (4, 5):
            delivered = choice == 4
            api.hang("sendMessage", seconds=HANG_SECONDS, delivered=delivered, times=1)
            self.faults[f"a send hangs past the timeout ({_told(delivered)})"] += 1
        elif choice in (6, 7):
            delivered = choice == 6
            api.drop("sendMessage", delivered=delivered, times=1)
            self.faults[f"a send's connection drops ({_told(delivered)})"] += 1
        else:
            api.fail("getUpdates", status=502, times=1)
            self.faults["getUpdates fails once (502)"] += 1


def _told(delivered: bool) -> str:
    return "Telegram had delivered it" if delivered else "it never arrived"
