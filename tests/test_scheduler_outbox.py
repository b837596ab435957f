"""Sending check-ins: once, never lost, within Telegram's limits, through kills and errors.

Every test drives a real `Store` on a temporary file, a fake Telegram `send` (the
patient's phone: it keeps what arrived) and a fake clock whose `sleep` moves time on
instead of waiting. A "kill" is an exception no code catches, raised at one step; a
"restart" closes the Store and builds a new Store and Dispatcher on the same file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.knowledge.model import DayVariant, KnowledgeBase, Rule, Wording
from bot.replies import Button
from bot.storage import checkins as outbox
from bot.storage.patients import add_treatment, forget_patient, get_or_create_patient, get_patient
from bot.storage.store import Store
from scheduler import service
from scheduler.clock import utc_iso
from scheduler.dispatch import Dispatcher, RateLimiter, TickReport
from scheduler.messages import PAUSE, RESUME
from scheduler.planning import CheckInPlan, CheckInReply, CheckInStep

SHIPPED_WORDING = load_knowledge(DEFAULT_KNOWLEDGE_DIR).wording.texts
"""The bot's sentences as shipped; each test names the few it relies on."""

T = TypeVar("T")

# Building a RetryAfter reads its own deprecated int `retry_after` in python-telegram-bot 22.
RETRY_AFTER_WARNS = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

LONDON = "Europe/London"
ANNA = 1001
BEN = 1002

STEPS = (
    CheckInStep(0, "Welcome home!"),
    CheckInStep(
        1,
        "Day 1. How is your skin today?",
        (
            CheckInReply("All good", answer="Great to hear!"),
            CheckInReply("Red", topic="redness-swelling"),
            CheckInReply("I'm worried", worrying=True),
        ),
    ),
    CheckInStep(3, "Day 3: keep moisturising."),
    CheckInStep(7, "One week in!"),
    CheckInStep(14, "Two weeks."),
    CheckInStep(28, "Four weeks."),
    CheckInStep(42, "Six weeks: time to book.", booking=True),
)
KNOWLEDGE = KnowledgeBase(
    rules=(
        Rule(
            "redness-swelling",
            "Redness",
            ("red", "redness", "swollen"),
            "Redness settles in a few days.",
            by_day=(DayVariant(0, 1, "Redness on day 0-1 is normal."),),
        ),
        Rule("contact-clinic", "Contact", ("call", "book", "phone"), "Call <b>Bright</b>."),
    ),
    wording=Wording(
        {
            **SHIPPED_WORDING,
            "clinic_name": "Bright",
            "clinic_phone": "0123",
            "red_flag_answer": "<b>This needs a look today.</b>",
        }
    ),
    plan=CheckInPlan(STEPS),
    concepts={},
    source_dir=Path("."),
)
PLAN = KNOWLEDGE.plan
TREATED_ON = date(2026, 11, 23)  # a Monday; London is on GMT, so local time = UTC
ONBOARDED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY_1 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
DAY_3 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


class Killed(BaseException):
    """The process dies here: nothing in the dispatcher may catch it."""


class FakeClock:
    """Wall clock and monotonic clock that only move when told to, or when slept on."""

    def __init__(self, start: datetime) -> None:
        self.wall = start
        self.mono = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def set(self, moment: datetime) -> None:
        self.mono += (moment - self.wall).total_seconds()
        self.wall = moment

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.mono += seconds
        self.wall += timedelta(seconds=seconds)
        await asyncio.sleep(0)


class FakeTelegram:
    """The far end of `send`: what arrived on which phone, and errors to raise first."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.arrived: list[tuple[int, str, Sequence[Sequence[Button]], float]] = []
        self.errors: list[BaseException] = []
        self.kill_after_arrival = False

    async def send(self, chat_id: int, text: str, buttons: Sequence[Sequence[Button]]) -> int:
        if self.errors:
            raise self.errors.pop(0)
        self.arrived.append((chat_id, text, buttons, self.clock.monotonic()))
        if self.kill_after_arrival:
            raise Killed("after Telegram accepted the message")
        return len(self.arrived)

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [text for chat, text, _, _ in self.arrived if chat_id in (None, chat)]


class KillingStore:
    """A Store that dies just before one kind of database call."""

    def __init__(self, store: Store, before: Callable[..., Any]) -> None:
        self.store = store
        self.before = before

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if fn is self.before:
            raise Killed(f"before {fn.__name__}")
        return await self.store.run(fn, *args)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "aftercare.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as opened:
        yield opened


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(ONBOARDED)


@pytest.fixture
def telegram(clock: FakeClock) -> FakeTelegram:
    return FakeTelegram(clock)


def dispatcher(
    store: Any,
    telegram: FakeTelegram,
    clock: FakeClock,
    *,
    limiter: bool = True,
    concurrency: int = 1,
) -> Dispatcher:
    return Dispatcher(
        store,
        telegram.send,
        lambda: KNOWLEDGE,
        clock.now,
        limiter=RateLimiter(clock=clock.monotonic, sleep=clock.sleep, enabled=limiter),
        sleep=clock.sleep,
        concurrency=concurrency,
    )


def enrol(
    store: Store,
    patient_id: int,
    now: datetime = ONBOARDED,
    treated_on: date = TREATED_ON,
    zone: str = LONDON,
    at: time = time(10, 0),
    opt_in: bool = True,
) -> None:
    """A patient onboards: first contact, treatment date, and yes to check-ins."""
    store.run_sync(
        lambda db: get_or_create_patient(
            db,
            patient_id,
            chat_id=patient_id,
            first_name="Anna",
            username=None,
            timezone=ZoneInfo(zone),
            checkin_time=at,
            now=now,
        )
    )
    store.run_sync(add_treatment, patient_id, treated_on, now)
    if opt_in:
        store.run_sync(service.opt_in, patient_id, PLAN, now)


def patient_writes(store: Store, patient_id: int, now: datetime) -> None:
    """The patient sends the bot a message (which is what keeps check-ins coming)."""
    store.run_sync(
        lambda db: db.execute(
            "UPDATE patients SET last_seen_at = ? WHERE id = ?", [utc_iso(now), patient_id]
        )
    )


def statuses(store: Store, patient_id: int) -> dict[int, str]:
    rows = store.run_sync(
        lambda db: db.execute(
            "SELECT day, status FROM checkins WHERE patient_id = ? ORDER BY day", [patient_id]
        ).fetchall()
    )
    return {day: status for day, status in rows}


async def tick_until_killed(dispatcher: Dispatcher) -> None:
    with pytest.raises(BaseExceptionGroup) as raised:
        await dispatcher.tick()
    assert raised.group_contains(Killed)


def never_sent(error: NetworkError, cause: BaseException) -> NetworkError:
    error.__cause__ = cause
    return error


# Sending


async def test_day_0_is_sent_right_after_onboarding(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    report = await dispatcher(store, telegram, clock).tick()
    assert report.sent == 1
    assert telegram.texts(ANNA) == ["Welcome home!"]
    assert statuses(store, ANNA)[0] == "sent"


async def test_nothing_is_sent_before_it_is_due(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await dispatcher(store, telegram, clock).tick()
    clock.set(DAY_1 - timedelta(seconds=1))
    assert (await dispatcher(store, telegram, clock).tick()).sent == 0
    assert telegram.texts() == ["Welcome home!"]


async def test_a_check_in_carries_its_reply_buttons_and_a_pause_button(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    clock.set(DAY_1)
    await dispatcher(store, telegram, clock).tick()
    _, text, buttons, _ = telegram.arrived[-1]
    checkin_id = store.run_sync(
        lambda db: db.execute("SELECT id FROM checkins WHERE day = 1").fetchone()[0]
    )
    assert text == "Day 1. How is your skin today?"
    assert [[b.data for b in row] for row in buttons] == [
        [f"ci:{checkin_id}:0"],
        [f"ci:{checkin_id}:1"],
        [f"ci:{checkin_id}:2"],
        [PAUSE],
    ]
    assert buttons[-1][0].label == "Pause check-ins"


async def test_the_booking_check_in_ends_with_the_clinics_contact_answer(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    clock.set(datetime(2027, 1, 4, 10, 0, tzinfo=UTC))  # day 42
    await dispatcher(store, telegram, clock).tick()
    assert telegram.texts() == ["Six weeks: time to book.\n\nCall <b>Bright</b>."]


async def test_each_check_in_is_sent_exactly_once_over_many_ticks(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    send = dispatcher(store, telegram, clock)
    for days in range(45):
        for hour in (0, 10, 11, 23):
            clock.set(datetime(2026, 11, 23, hour, tzinfo=UTC) + timedelta(days=days))
            await send.tick()
        patient_writes(store, ANNA, clock.now())
    assert telegram.texts() == [
        *(step.message for step in STEPS[:-1]),
        "Six weeks: time to book.\n\nCall <b>Bright</b>.",
    ]


async def test_a_tick_claims_in_batches_until_nothing_is_due(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    for patient in range(2000, 2025):
        enrol(store, patient)
    send = dispatcher(store, telegram, clock, concurrency=4)
    send.batch_size = 10
    assert (await send.tick()).sent == 25


# Claiming


def test_two_claims_never_return_the_same_row(db_path: Path, store: Store) -> None:
    for patient in range(2000, 2010):
        enrol(store, patient)
    with Store(db_path) as other:
        first = store.run_sync(outbox.claim_due, ONBOARDED, 6)
        second = other.run_sync(outbox.claim_due, ONBOARDED, 6)
    assert len(first) == 6
    assert len(second) == 4
    assert not {c.id for c in first} & {c.id for c in second}


def test_claiming_finds_due_rows_through_the_status_due_at_index(store: Store) -> None:
    plan = store.run_sync(
        lambda db: db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM checkins WHERE status = 'pending' "
            "AND due_at <= ? ORDER BY due_at LIMIT 10",
            ["2026-11-23T09:00:00+00:00"],
        ).fetchall()
    )
    assert "idx_checkins_status_due_at" in " ".join(str(row) for row in plan)


def test_a_claimed_check_in_knows_when_the_next_one_is_due(store: Store) -> None:
    enrol(store, ANNA)
    (claimed,) = store.run_sync(outbox.claim_due, ONBOARDED, 10)
    assert claimed.day == 0
    assert claimed.next_due_at == DAY_1


# Never twice, never lost: kills and restarts


async def restart(db_path: Path, telegram: FakeTelegram, clock: FakeClock) -> TickReport:
    """A new process on the same database file: recover, then one tick."""
    with Store(db_path) as reopened:
        send = dispatcher(reopened, telegram, clock)
        await send.recover()
        return await send.tick()


async def test_a_kill_between_claim_and_send_sends_it_once_after_restart(
    db_path: Path, store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await tick_until_killed(dispatcher(KillingStore(store, outbox.begin_attempt), telegram, clock))
    assert statuses(store, ANNA)[0] == "claimed"
    store.close()
    clock.set(ONBOARDED + timedelta(minutes=1))
    report = await restart(db_path, telegram, clock)
    assert report.sent == 1
    assert telegram.texts() == ["Welcome home!"]


async def test_a_kill_after_telegram_accepted_it_but_before_recording_never_resends_it(
    db_path: Path, store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    telegram.kill_after_arrival = True
    await tick_until_killed(dispatcher(store, telegram, clock))
    store.close()
    telegram.kill_after_arrival = False
    clock.set(ONBOARDED + timedelta(minutes=1))
    await restart(db_path, telegram, clock)
    assert telegram.texts() == ["Welcome home!"]
    with Store(db_path) as reopened:
        assert statuses(reopened, ANNA)[0] == "failed"


async def test_a_kill_after_the_attempt_began_but_before_telegram_got_it_is_not_resent(
    db_path: Path, store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    # The documented price of at-most-once: this one moment cannot be told apart from
    # the one above, so the check-in is marked failed rather than risk a duplicate.
    enrol(store, ANNA)
    telegram.errors = [Killed("while the request was on its way")]
    await tick_until_killed(dispatcher(store, telegram, clock))
    store.close()
    await restart(db_path, telegram, clock)
    assert telegram.texts() == []
    with Store(db_path) as reopened:
        assert statuses(reopened, ANNA)[0] == "failed"
        assert statuses(reopened, ANNA)[1] == "pending"


async def test_a_kill_after_recording_changes_nothing_after_restart(
    db_path: Path, store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await dispatcher(store, telegram, clock).tick()
    store.close()
    report = await restart(db_path, telegram, clock)
    assert report.handled == 0
    assert telegram.texts() == ["Welcome home!"]


async def test_a_tick_that_fails_settles_what_it_claimed_without_waiting_for_a_restart(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    enrol(store, BEN)

    class BrokenStore(KillingStore):
        async def run(self, fn: Callable[..., T], *args: Any) -> T:
            if fn is outbox.mark_sent:
                raise RuntimeError("disk full")
            return await self.store.run(fn, *args)

    with pytest.raises(ExceptionGroup):
        await dispatcher(BrokenStore(store, outbox.mark_sent), telegram, clock).tick()
    assert (statuses(store, ANNA)[0], statuses(store, BEN)[0]) == ("failed", "pending")
    await dispatcher(store, telegram, clock).tick()
    assert len(telegram.arrived) == 2  # Anna's first arrived and is not resent; Ben's now


def test_cancelling_pending_check_ins_leaves_sent_ones_alone(store: Store) -> None:
    enrol(store, ANNA)
    store.run_sync(lambda db: db.execute("UPDATE checkins SET status = 'sent' WHERE day = 0"))
    assert store.run_sync(outbox.cancel_pending, ANNA, ONBOARDED) == 6
    assert statuses(store, ANNA)[0] == "sent"


def test_recovery_releases_rows_never_attempted_and_fails_those_attempted(store: Store) -> None:
    enrol(store, ANNA)
    enrol(store, BEN)
    anna, ben = store.run_sync(outbox.claim_due, ONBOARDED, 10)
    store.run_sync(outbox.begin_attempt, ben.id, ONBOARDED)
    recovery = store.run_sync(outbox.recover_claimed, ONBOARDED)
    assert (recovery.released, recovery.failed) == (1, 1)
    assert store.run_sync(outbox.get_checkin, anna.id).status == "pending"  # type: ignore[union-attr]
    assert store.run_sync(outbox.get_checkin, ben.id).status == "failed"  # type: ignore[union-attr]


# Late delivery


async def test_a_check_in_missed_by_a_few_hours_is_sent_when_the_bot_comes_back(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await dispatcher(store, telegram, clock).tick()
    clock.set(DAY_1 + timedelta(hours=5))
    await dispatcher(store, telegram, clock).tick()
    assert telegram.texts()[-1] == "Day 1. How is your skin today?"


async def test_a_check_in_missed_by_more_than_12_hours_is_skipped(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA, at=time(8, 0))
    await dispatcher(store, telegram, clock).tick()
    clock.set(datetime(2026, 11, 24, 20, 30, tzinfo=UTC))  # 12.5 h late, before 21:00
    report = await dispatcher(store, telegram, clock).tick()
    assert report.skipped == 1
    assert telegram.texts() == ["Welcome home!"]
    assert statuses(store, ANNA)[1] == "skipped"


async def test_after_days_down_only_the_current_check_in_is_sent(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await dispatcher(store, telegram, clock).tick()
    clock.set(DAY_3 + timedelta(hours=1))
    report = await dispatcher(store, telegram, clock).tick()
    assert (report.sent, report.skipped) == (1, 1)
    assert telegram.texts() == ["Welcome home!", "Day 3: keep moisturising."]


async def test_a_late_check_in_that_would_arrive_at_night_waits_for_the_morning(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA, at=time(20, 30))
    await dispatcher(store, telegram, clock).tick()
    clock.set(datetime(2026, 11, 24, 22, 0, tzinfo=UTC))  # 1.5 h late, but 22:00 local
    report = await dispatcher(store, telegram, clock).tick()
    assert report.deferred == 1
    assert telegram.texts() == ["Welcome home!"]
    clock.set(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    await dispatcher(store, telegram, clock).tick()
    assert telegram.texts()[-1] == "Day 1. How is your skin today?"


async def test_a_late_check_in_stale_by_the_morning_is_skipped_at_night(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA, at=time(18, 0))
    await dispatcher(store, telegram, clock).tick()
    clock.set(datetime(2026, 11, 24, 22, 0, tzinfo=UTC))  # morning is 14 h after 18:00
    assert (await dispatcher(store, telegram, clock).tick()).skipped == 1


# Who gets nothing


async def test_an_opted_out_patient_gets_nothing(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await service.on_opt_out(store, ANNA, ONBOARDED)
    clock.set(DAY_1)
    await dispatcher(store, telegram, clock).tick()
    assert telegram.texts() == []
    assert set(statuses(store, ANNA).values()) == {"cancelled"}


async def test_a_terminal_chat_patient_is_planned_for_but_never_sent_anything(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    store.run_sync(lambda db: db.execute("UPDATE patients SET channel = 'terminal'"))
    clock.set(DAY_1)
    await dispatcher(store, telegram, clock).tick()
    assert telegram.texts() == []
    assert "cancelled" in set(statuses(store, ANNA).values())


async def test_a_patient_who_never_opted_in_gets_nothing(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA, opt_in=False)
    assert await service.plan_for_patient(store, ANNA, PLAN, ONBOARDED) == 0
    await dispatcher(store, telegram, clock).tick()
    assert telegram.texts() == []


async def test_a_forgotten_patient_gets_nothing(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    store.run_sync(forget_patient, ANNA)
    await dispatcher(store, telegram, clock).tick()
    assert telegram.texts() == []
    assert statuses(store, ANNA) == {}


async def test_opting_out_while_a_check_in_is_claimed_stops_it(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    (claimed,) = store.run_sync(outbox.claim_due, ONBOARDED, 10)
    await service.on_opt_out(store, ANNA, ONBOARDED)
    assert store.run_sync(outbox.begin_attempt, claimed.id, ONBOARDED) is outbox.Attempt.CANCELLED


# Telegram errors


async def test_a_patient_who_blocked_the_bot_is_marked_unreachable_and_gets_nothing_more(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    telegram.errors = [Forbidden("Forbidden: bot was blocked by the user")]
    report = await dispatcher(store, telegram, clock).tick()
    assert report.unreachable == 1
    patient = store.run_sync(get_patient, ANNA)
    assert patient is not None and not patient.reachable
    assert set(statuses(store, ANNA).values()) == {"cancelled"}
    clock.set(DAY_1)
    await dispatcher(store, telegram, clock).tick()
    assert telegram.texts() == []


@RETRY_AFTER_WARNS
async def test_retry_after_holds_sending_for_the_time_telegram_asks_then_sends_once(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    telegram.errors = [RetryAfter(7)]
    started = clock.monotonic()
    report = await dispatcher(store, telegram, clock).tick()
    assert report.sent == 1
    assert telegram.texts() == ["Welcome home!"]
    assert telegram.arrived[0][3] - started >= 7


@RETRY_AFTER_WARNS
async def test_retry_after_holds_every_chat_not_only_the_one_that_hit_it(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    enrol(store, BEN)
    telegram.errors = [RetryAfter(30)]
    started = clock.monotonic()
    await dispatcher(store, telegram, clock).tick()
    assert len(telegram.arrived) == 2
    assert all(arrived - started >= 30 for *_, arrived in telegram.arrived)


async def test_a_connection_error_is_retried_with_exponential_backoff(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    telegram.errors = [
        never_sent(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")),
        never_sent(TimedOut(), httpx.ConnectTimeout("slow")),
    ]
    report = await dispatcher(store, telegram, clock).tick()
    assert report.sent == 1
    assert clock.sleeps[:2] == [1.0, 2.0]


async def test_a_network_outage_hands_the_check_in_back_for_the_next_tick(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    telegram.errors = [NetworkError("Bad Gateway") for _ in range(4)]
    report = await dispatcher(store, telegram, clock).tick()
    assert report.released == 1
    assert statuses(store, ANNA)[0] == "pending"
    clock.set(clock.now() + timedelta(minutes=1))
    assert (await dispatcher(store, telegram, clock).tick()).sent == 1
    assert telegram.texts() == ["Welcome home!"]


async def test_a_read_timeout_is_not_retried_because_the_message_may_have_arrived(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    telegram.errors = [never_sent(TimedOut(), httpx.ReadTimeout("no answer"))]
    report = await dispatcher(store, telegram, clock).tick()
    assert report.failed == 1
    await dispatcher(store, telegram, clock).tick()
    assert telegram.texts() == []
    assert statuses(store, ANNA)[0] == "failed"


async def test_a_bad_request_fails_the_check_in_without_retrying(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    telegram.errors = [BadRequest("Bad Request: chat not found")]
    assert (await dispatcher(store, telegram, clock).tick()).failed == 1
    assert statuses(store, ANNA)[0] == "failed"


# Rate limits


async def test_sends_stay_under_30_a_second_overall(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    for patient in range(3000, 3090):
        enrol(store, patient)
    await dispatcher(store, telegram, clock).tick()
    moments = [arrived for *_, arrived in telegram.arrived]
    assert len(moments) == 90
    assert all(later - earlier >= 1 / 28 - 1e-9 for earlier, later in pairwise(moments))
    assert max(sum(1 for m in moments if start <= m < start + 1) for start in moments) < 30


async def test_without_the_limiter_sends_are_back_to_back(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    for patient in range(3000, 3040):
        enrol(store, patient)
    await dispatcher(store, telegram, clock, limiter=False).tick()
    assert len({arrived for *_, arrived in telegram.arrived}) == 1


def test_the_limiter_spaces_one_chat_a_second_apart() -> None:
    limiter = RateLimiter(clock=lambda: 0.0)
    slots = [limiter.reserve(ANNA) for _ in range(3)]
    assert slots == [0.0, 1.0, 2.0]


def test_the_limiter_lets_other_chats_use_the_gaps_of_a_busy_one() -> None:
    limiter = RateLimiter(per_second=25, clock=lambda: 0.0)
    assert limiter.reserve(ANNA) == 0.0
    assert limiter.reserve(ANNA) == 1.0
    assert limiter.reserve(BEN) == pytest.approx(0.04)


async def test_concurrent_senders_never_share_a_slot() -> None:
    delays: list[float] = []

    async def note(delay: float) -> None:
        delays.append(delay)
        await asyncio.sleep(0)

    limiter = RateLimiter(clock=lambda: 0.0, sleep=note)
    await asyncio.gather(*(limiter.wait(chat) for chat in [ANNA, ANNA, BEN, BEN, 7, 8, 9]))
    slots = sorted([0.0, *delays])
    assert len(slots) == 7
    assert all(later - earlier >= 1 / 28 - 1e-9 for earlier, later in pairwise(slots))
    assert slots[-1] >= 1.0  # the second message to each of Anna and Ben waits a second


# Fatigue, pause and replies


async def send_days(
    store: Store, telegram: FakeTelegram, clock: FakeClock, *moments: datetime
) -> None:
    for moment in moments:
        clock.set(moment)
        await dispatcher(store, telegram, clock).tick()


DAY_7 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


async def test_after_three_unanswered_check_ins_the_bot_asks_once_and_pauses(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await send_days(store, telegram, clock, ONBOARDED, DAY_1, DAY_3, DAY_7)
    _, question, buttons, _ = telegram.arrived[-1]
    assert "keep checking in" in question
    assert [row[0].data for row in buttons] == [RESUME, PAUSE]
    patient = store.run_sync(get_patient, ANNA)
    assert patient is not None and not patient.checkins_enabled
    await send_days(store, telegram, clock, DAY_7 + timedelta(days=7), DAY_7 + timedelta(days=21))
    assert len(telegram.arrived) == 4


async def test_a_reply_keeps_the_check_ins_coming(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await send_days(store, telegram, clock, ONBOARDED, DAY_1)
    day_1 = store.run_sync(
        lambda db: db.execute("SELECT id FROM checkins WHERE day = 1").fetchone()
    )
    await service.handle_checkin_callback(store, ANNA, f"ci:{day_1[0]}:0", KNOWLEDGE, DAY_1)
    await send_days(store, telegram, clock, DAY_3, DAY_7)
    assert telegram.texts()[-1] == "One week in!"


async def test_keep_going_after_the_question_resumes_with_the_check_in_it_held_back(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await send_days(store, telegram, clock, ONBOARDED, DAY_1, DAY_3, DAY_7)
    later = DAY_7 + timedelta(hours=2)
    reply = await service.handle_checkin_callback(store, ANNA, RESUME, KNOWLEDGE, later)
    assert reply is not None and "back on" in reply.text
    await send_days(store, telegram, clock, later)
    assert telegram.texts()[-1] == "One week in!"


async def test_the_pause_button_stops_all_check_ins(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await send_days(store, telegram, clock, ONBOARDED)
    reply = await service.handle_checkin_callback(store, ANNA, PAUSE, KNOWLEDGE, ONBOARDED)
    assert reply is not None and reply.remove_buttons and "paused" in reply.text
    assert [row[0].data for row in reply.buttons] == [RESUME]
    await send_days(store, telegram, clock, DAY_1, DAY_3)
    assert telegram.texts() == ["Welcome home!"]


def day_1_id(store: Store) -> int:
    row = store.run_sync(lambda db: db.execute("SELECT id FROM checkins WHERE day = 1").fetchone())
    return int(row[0])


async def test_a_reply_is_stored_and_answered_once(store: Store) -> None:
    enrol(store, ANNA)
    data = f"ci:{day_1_id(store)}:0"
    first = await service.handle_checkin_callback(store, ANNA, data, KNOWLEDGE, DAY_1)
    second = await service.handle_checkin_callback(store, ANNA, data, KNOWLEDGE, DAY_1)
    assert first is not None and first.text == "Great to hear!" and first.remove_buttons
    assert second is not None and second.text == "You've already answered this check-in, thank you."
    row = store.run_sync(outbox.get_checkin, day_1_id(store))
    assert row is not None and row.reply == "All good"


async def test_a_topic_reply_gets_the_topics_answer_for_the_day(store: Store) -> None:
    enrol(store, ANNA)
    reply = await service.handle_checkin_callback(
        store, ANNA, f"ci:{day_1_id(store)}:1", KNOWLEDGE, DAY_1
    )
    assert reply is not None
    assert (reply.text, reply.topic, reply.day) == (
        "Redness on day 0-1 is normal.",
        "redness-swelling",
        1,
    )


async def test_a_worrying_reply_gets_the_warning_signs_guidance_and_asks_for_an_alert(
    store: Store,
) -> None:
    enrol(store, ANNA)
    reply = await service.handle_checkin_callback(
        store, ANNA, f"ci:{day_1_id(store)}:2", KNOWLEDGE, DAY_1
    )
    assert reply is not None and reply.worrying
    assert reply.text == "<b>This needs a look today.</b>"
    assert (reply.reply_label, reply.day) == ("I'm worried", 1)


async def test_nobody_can_answer_another_patients_check_in(store: Store) -> None:
    enrol(store, ANNA)
    enrol(store, BEN, opt_in=False)
    reply = await service.handle_checkin_callback(
        store, BEN, f"ci:{day_1_id(store)}:2", KNOWLEDGE, DAY_1
    )
    assert reply is not None and not reply.worrying
    row = store.run_sync(outbox.get_checkin, day_1_id(store))
    assert row is not None and row.reply is None


async def test_callback_data_that_is_not_a_check_ins_is_left_alone(store: Store) -> None:
    assert (
        await service.handle_checkin_callback(store, ANNA, "topic:makeup", KNOWLEDGE, DAY_1) is None
    )
    assert not service.is_checkin_callback("ci:x:1")


# Re-planning


async def test_a_new_treatment_date_replaces_the_pending_plan(store: Store) -> None:
    enrol(store, ANNA)
    store.run_sync(add_treatment, ANNA, date(2026, 12, 1), ONBOARDED)
    await service.plan_for_patient(store, ANNA, PLAN, ONBOARDED)
    rows = store.run_sync(
        lambda db: db.execute(
            "SELECT t.treated_on, c.status, count(*) FROM checkins c "
            "JOIN treatments t ON t.id = c.treatment_id GROUP BY 1, 2 ORDER BY 1"
        ).fetchall()
    )
    assert rows == [("2026-11-23", "cancelled", 7), ("2026-12-01", "pending", 7)]


async def test_opting_back_in_plans_only_what_is_ahead_and_never_resends(
    store: Store, telegram: FakeTelegram, clock: FakeClock
) -> None:
    enrol(store, ANNA)
    await send_days(store, telegram, clock, ONBOARDED, DAY_1)
    await service.on_opt_out(store, ANNA, DAY_1)
    back = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # day 9
    assert await service.on_opt_in(store, ANNA, PLAN, back) == 3
    assert statuses(store, ANNA) == {
        0: "sent",
        1: "sent",
        3: "cancelled",
        7: "cancelled",
        14: "pending",
        28: "pending",
        42: "pending",
    }


async def test_a_new_check_in_time_moves_what_is_pending(store: Store) -> None:
    enrol(store, ANNA)
    store.run_sync(
        lambda db: db.execute("UPDATE patients SET checkin_time = '18:30' WHERE id = ?", [ANNA])
    )
    assert await service.on_schedule_change(store, ANNA, PLAN, ONBOARDED) == 7
    upcoming = await service.next_checkin_local(store, ANNA)
    assert upcoming is not None and upcoming.day == 0
    store.run_sync(lambda db: db.execute("UPDATE checkins SET status = 'sent' WHERE day = 0"))
    upcoming = await service.next_checkin_local(store, ANNA)
    assert upcoming is not None
    assert (upcoming.day, upcoming.due_at.strftime("%Y-%m-%d %H:%M")) == (1, "2026-11-24 18:30")


async def test_a_new_time_zone_keeps_the_local_time_and_status_shows_it_locally(
    store: Store,
) -> None:
    enrol(store, ANNA)
    store.run_sync(lambda db: db.execute("UPDATE checkins SET status = 'sent' WHERE day = 0"))
    store.run_sync(
        lambda db: db.execute("UPDATE patients SET timezone = 'Asia/Tokyo' WHERE id = ?", [ANNA])
    )
    await service.on_schedule_change(store, ANNA, PLAN, ONBOARDED)
    upcoming = await service.next_checkin_local(store, ANNA)
    assert upcoming is not None
    assert upcoming.due_at.strftime("%Y-%m-%d %H:%M %Z") == "2026-11-24 10:00 JST"
