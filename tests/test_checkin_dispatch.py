"""What happens to a due check-in: `scheduler.dispatch.decide` on its own (pure), then
`bot.conversation.checkins.queue_due` deciding and queueing over a real database.

Anna is in London (GMT in November: local time is UTC), treated on Monday 23 November
2026, met at 09:00, checked in on at 10:00. `Dispatcher.look` is one periodic look, then
delivery of what it queued as the sender records it (the sender has tests of its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import ANNA, enrol_patient
from sqlite_utils import Database

from bot.conversation.checkins import DispatchReport, StoredCheckIns, queue_due
from bot.core.model import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from bot.storage import checkin_plans, checkins, outbox, patients
from bot.storage.store import Store
from scheduler.clock import utc_iso
from scheduler.dispatch import Action, Decision, decide, patient_zone
from scheduler.messages import PAUSE, RESUME
from scheduler.planning import CheckInPlan, CheckInReply, CheckInStep, QuietHours, SentCheckIn

LONDON = ZoneInfo("Europe/London")
DAY_1_REPLIES = (
    CheckInReply("All good", answer="Great to hear!"),
    CheckInReply("Red", topic="redness-swelling"),
    CheckInReply("I'm worried", worrying=True),
)
STEPS = (
    CheckInStep(0, "Welcome home!"),
    CheckInStep(1, "Day 1. How is your skin today?", DAY_1_REPLIES),
    CheckInStep(3, "Day 3: keep moisturising."),
    CheckInStep(7, "One week in!"),
    CheckInStep(14, "Two weeks."),
    CheckInStep(28, "Four weeks."),
    CheckInStep(42, "Six weeks: time to book.", booking=True),
)
PLAN = CheckInPlan(STEPS)
TREATED_ON = date(2026, 11, 23)  # a Monday
ONBOARDED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY_1 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
DAY_3 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
DAY_7 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """`hour`:`minute` in London (UTC in November) on day `day` since the treatment."""
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC) + timedelta(days=day)


# --- decide, fed directly ---------------------------------------------------------------


def decide_at(now: datetime, **changes: Any) -> Decision:
    """`decide` for a check-in due on day 1 at 10:00, the next due on day 3, for a patient
    in London who may be written to, with the given inputs changed."""
    inputs: dict[str, Any] = {
        "due_at": DAY_1,
        "next_due_at": DAY_3,
        "zone": LONDON,
        "quiet": QuietHours(),
        "in_plan": True,
        "sendable": True,
        "recent": [],
        "last_heard_from": None,
    }
    return decide(now=now, **(inputs | changes))


UNANSWERED = [SentCheckIn(moment, replied=False) for moment in (at(-3, 10), at(-2, 10))]


def test_a_check_in_due_now_is_sent() -> None:
    assert decide_at(DAY_1).action is Action.SEND


def test_a_check_in_more_than_12_hours_late_is_skipped_as_stale() -> None:
    assert decide_at(DAY_1 + timedelta(hours=12, minutes=1)).action is Action.SKIP


def test_a_late_check_in_is_skipped_once_the_next_one_is_due() -> None:
    decision = decide_at(at(1, 13), next_due_at=at(1, 13))
    assert decision.action is Action.SKIP


def test_a_late_check_in_at_night_is_deferred_to_the_end_of_quiet_hours() -> None:
    decision = decide_at(at(1, 22), due_at=at(1, 20, 30))
    assert (decision.action, decision.until) == (Action.DEFER, at(2, 8))


def test_a_late_check_in_that_would_be_stale_by_the_morning_is_skipped_not_deferred() -> None:
    decision = decide_at(at(1, 22), due_at=at(1, 18))  # the morning is 14 h after 18:00
    assert decision.action is Action.SKIP


def test_a_check_in_no_longer_in_the_plan_is_skipped() -> None:
    assert decide_at(DAY_1, in_plan=False).action is Action.SKIP


def test_a_check_in_for_a_patient_the_bot_may_not_write_to_is_cancelled() -> None:
    assert decide_at(DAY_1, sendable=False).action is Action.CANCEL


def test_after_three_unanswered_check_ins_and_silence_the_bot_asks_to_continue() -> None:
    recent = [*UNANSWERED, SentCheckIn(at(-1, 10), replied=False)]
    assert decide_at(DAY_1, recent=recent).action is Action.ASK_TO_CONTINUE


def test_the_send_window_ends_when_the_next_check_in_is_due() -> None:
    assert decide_at(DAY_1, next_due_at=at(1, 15)).until == at(1, 15)


def test_without_quiet_hours_the_send_window_ends_12_hours_after_the_due_time() -> None:
    no_quiet = QuietHours(time(0, 0), time(0, 0))
    assert decide_at(DAY_1, next_due_at=None, quiet=no_quiet).until == DAY_1 + timedelta(hours=12)


def test_the_send_window_ends_at_the_start_of_quiet_hours_in_the_patients_own_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    due = datetime(2026, 11, 24, 10, 0, tzinfo=tokyo)
    decision = decide_at(due, due_at=due, next_due_at=None, zone=tokyo)
    assert decision.until == datetime(2026, 11, 24, 21, 0, tzinfo=tokyo)


def test_a_time_zone_name_this_machine_does_not_know_is_read_as_utc() -> None:
    assert patient_zone("Europe/Atlantis") == ZoneInfo("UTC")


# --- queue_due over a real database -------------------------------------------------------


@dataclass
class Dispatcher:
    """Anna's database and the knowledge in use; periodic looks at the due check-ins
    (`queue`), each followed by delivery of what it queued (`look`)."""

    store: Store
    knowledge: KnowledgeBase
    arrived: list[outbox.OutgoingMessage] = field(default_factory=list)

    def enrol(self, patient_id: int = ANNA, checkin_time: time = time(10, 0)) -> None:
        enrol_patient(self.store, patient_id, TREATED_ON, ONBOARDED, PLAN, at=checkin_time)

    def queue(self, now: datetime, limit: int = 200) -> DispatchReport:
        return self.store.run_sync(queue_due, self.knowledge, now, limit)

    def look(self, now: datetime) -> DispatchReport:
        report = self.queue(now)
        self.store.run_sync(self._deliver, now)
        return report

    def looks(self, *moments: datetime) -> None:
        for moment in moments:
            self.look(moment)

    def texts(self) -> list[str]:
        return [message.params["text"] for message in self.arrived]

    def waiting(self) -> list[outbox.QueuedMessage]:
        """The messages queued and not delivered yet."""
        return self.store.run_sync(outbox.ready, at(60, 0), 100, frozenset())

    def statuses(self) -> dict[int, str]:
        query = "SELECT day, status FROM checkins WHERE patient_id = ?"
        return dict(self.store.run_sync(lambda db: db.execute(query, [ANNA]).fetchall()))

    def _deliver(self, db: Database, now: datetime) -> None:
        while batch := outbox.ready(db, now, 100, frozenset()):
            for queued in batch:
                outbox.begin(db, queued.id, now)
                outbox.delivered(db, queued.id)
                if queued.message.checkin_id is not None:
                    checkins.mark_sent(db, queued.message.checkin_id, queued.id, now)
                self.arrived.append(queued.message)


@pytest.fixture
def dispatcher(store: Store, small_knowledge: Path) -> Dispatcher:
    return Dispatcher(store, load_knowledge(small_knowledge)._replace(plan=PLAN))


# Sending


def test_day_0_is_queued_right_after_onboarding(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    assert dispatcher.look(ONBOARDED).queued == 1
    assert dispatcher.texts() == ["Welcome home!"]
    assert dispatcher.statuses()[0] == "sent"


def test_nothing_is_queued_before_it_is_due(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    dispatcher.look(ONBOARDED)
    assert dispatcher.look(DAY_1 - timedelta(seconds=1)).handled == 0
    assert dispatcher.texts() == ["Welcome home!"]


def test_each_check_in_is_queued_exactly_once_over_many_looks(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    for day in range(45):
        dispatcher.looks(*(at(day, hour) for hour in (0, 10, 11, 20)))
        evening = [utc_iso(at(day, 23))]  # Anna writes, which keeps the check-ins coming
        dispatcher.store.run_sync(Database.execute, "UPDATE patients SET last_seen_at = ?", evening)
    booking = f"Six weeks: time to book.\n\n{dispatcher.knowledge.rule('contact-clinic').answer}"
    assert dispatcher.texts() == [*(step.message for step in STEPS[:-1]), booking]


def test_two_looks_at_the_same_moment_queue_a_check_in_once(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    assert dispatcher.queue(ONBOARDED).queued == 1
    assert dispatcher.queue(ONBOARDED).queued == 0
    assert len(dispatcher.waiting()) == 1


def test_a_look_handles_at_most_its_limit_and_the_next_look_the_rest(
    dispatcher: Dispatcher,
) -> None:
    for patient in range(2000, 2005):
        dispatcher.enrol(patient)
    assert dispatcher.queue(ONBOARDED, limit=3).queued == 3
    assert dispatcher.queue(ONBOARDED, limit=3).queued == 2


def test_a_queued_check_in_carries_its_reply_buttons_and_a_pause_button(
    dispatcher: Dispatcher,
) -> None:
    dispatcher.enrol()
    dispatcher.look(ONBOARDED)
    dispatcher.queue(DAY_1)
    (check_in,) = dispatcher.waiting()
    day_1 = check_in.message.checkin_id
    assert check_in.message.params == {
        "text": "Day 1. How is your skin today?",
        "buttons": [
            [["All good", f"ci:{day_1}:0"]],
            [["Red", f"ci:{day_1}:1"]],
            [["I'm worried", f"ci:{day_1}:2"]],
            [[dispatcher.knowledge.wording["checkin_pause_button"], PAUSE]],
        ],
    }


def test_a_check_in_is_queued_to_go_at_most_once_and_before_the_patients_evening(
    dispatcher: Dispatcher,
) -> None:
    dispatcher.enrol()
    dispatcher.queue(ONBOARDED)
    (check_in,) = dispatcher.waiting()
    assert (check_in.message.at_most_once, check_in.message.not_after) == (True, at(0, 21))


def test_the_booking_check_in_ends_with_the_clinics_contact_answer(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    dispatcher.look(at(42, 10))
    contact = dispatcher.knowledge.rule("contact-clinic").answer
    assert dispatcher.texts() == [f"Six weeks: time to book.\n\n{contact}"]


# Late delivery


def test_a_check_in_missed_by_a_few_hours_is_queued_when_the_bot_comes_back(
    dispatcher: Dispatcher,
) -> None:
    dispatcher.enrol()
    dispatcher.look(ONBOARDED)
    dispatcher.look(DAY_1 + timedelta(hours=5))
    assert dispatcher.texts()[-1] == "Day 1. How is your skin today?"


def test_a_check_in_missed_by_more_than_12_hours_is_skipped(dispatcher: Dispatcher) -> None:
    dispatcher.enrol(checkin_time=time(8, 0))
    dispatcher.look(ONBOARDED)
    assert dispatcher.look(at(1, 20, 30)).skipped == 1  # 12.5 h late, before 21:00
    assert dispatcher.texts() == ["Welcome home!"]
    assert dispatcher.statuses()[1] == "skipped"


def test_after_days_down_only_the_current_check_in_is_sent(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    dispatcher.look(ONBOARDED)
    report = dispatcher.look(DAY_3 + timedelta(hours=1))
    assert (report.queued, report.skipped) == (1, 1)
    assert dispatcher.texts() == ["Welcome home!", "Day 3: keep moisturising."]


def test_a_late_check_in_that_would_arrive_at_night_waits_for_the_morning(
    dispatcher: Dispatcher,
) -> None:
    dispatcher.enrol(checkin_time=time(20, 30))
    dispatcher.look(ONBOARDED)
    assert dispatcher.look(at(1, 22)).deferred == 1  # 1.5 h late, but 22:00 local
    assert dispatcher.look(at(2, 8) - timedelta(seconds=1)).handled == 0
    dispatcher.look(at(2, 8))
    assert dispatcher.texts() == ["Welcome home!", "Day 1. How is your skin today?"]


def test_a_late_check_in_stale_by_the_morning_is_skipped_at_night(dispatcher: Dispatcher) -> None:
    dispatcher.enrol(checkin_time=time(18, 0))
    dispatcher.look(ONBOARDED)
    assert dispatcher.look(at(1, 22)).skipped == 1  # the morning is 14 h after 18:00


def test_a_check_in_handed_back_unsent_is_skipped_once_it_is_stale(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    dispatcher.look(ONBOARDED)
    dispatcher.queue(DAY_1)
    (check_in,) = dispatcher.waiting()
    day_1 = check_in.message.checkin_id
    assert day_1 is not None

    def too_late(db: Database) -> None:  # what the sender does after the window
        outbox.give_up(db, check_in.id, "cancelled", "not sent in its window")
        checkins.hand_back(db, day_1, at(1, 21))

    dispatcher.store.run_sync(too_late)
    assert dispatcher.look(at(1, 22, 30)).skipped == 1  # 12.5 h late
    assert dispatcher.texts() == ["Welcome home!"]


def test_a_check_in_taken_out_of_the_plan_is_skipped(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    dispatcher.look(ONBOARDED)
    dispatcher.knowledge = dispatcher.knowledge._replace(
        plan=CheckInPlan(tuple(s for s in STEPS if s.day != 1))
    )
    assert dispatcher.look(DAY_1).skipped == 1
    assert dispatcher.statuses()[1] == "skipped"


# Who gets nothing


def test_an_opted_out_patient_gets_nothing(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    dispatcher.store.run_sync(checkins.pause_checkins, ANNA, ONBOARDED)
    dispatcher.looks(ONBOARDED, DAY_1)
    assert dispatcher.texts() == []
    assert set(dispatcher.statuses().values()) == {"cancelled"}


def test_a_patient_who_never_opted_in_gets_nothing(dispatcher: Dispatcher) -> None:
    enrol_patient(dispatcher.store, ANNA, TREATED_ON, ONBOARDED, None)
    assert dispatcher.store.run_sync(checkin_plans.plan_patient, ANNA, PLAN, ONBOARDED) == 0
    dispatcher.looks(ONBOARDED, DAY_1)
    assert dispatcher.texts() == []


def test_a_forgotten_patient_gets_nothing(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    dispatcher.store.run_sync(patients.forget_patient, ANNA)
    assert dispatcher.look(ONBOARDED).handled == 0
    assert dispatcher.texts() == []


def test_a_terminal_chat_patient_is_planned_for_but_never_sent_anything(
    dispatcher: Dispatcher,
) -> None:
    dispatcher.enrol()
    dispatcher.store.run_sync(lambda db: db.execute("UPDATE patients SET channel = 'terminal'"))
    assert dispatcher.look(ONBOARDED).cancelled == 1
    assert dispatcher.texts() == []
    assert dispatcher.statuses()[1] == "pending"


# Fatigue


def test_after_three_unanswered_check_ins_the_bot_asks_once_and_pauses(
    dispatcher: Dispatcher,
) -> None:
    dispatcher.enrol()
    dispatcher.looks(ONBOARDED, DAY_1, DAY_3, DAY_7)
    question = dispatcher.arrived[-1]
    assert question.params == {
        "text": dispatcher.knowledge.wording["checkin_ask_to_continue"],
        "buttons": [
            [[dispatcher.knowledge.wording["checkin_keep_going_button"], RESUME]],
            [[dispatcher.knowledge.wording["checkin_stop_button"], PAUSE]],
        ],
    }
    patient = dispatcher.store.run_sync(patients.get_patient, ANNA)
    assert patient is not None and not patient.checkins_enabled
    dispatcher.looks(at(14, 10), at(28, 10))
    assert len(dispatcher.arrived) == 4


def test_a_reply_keeps_the_check_ins_coming(dispatcher: Dispatcher) -> None:
    dispatcher.enrol()
    dispatcher.looks(ONBOARDED, DAY_1)
    day_1 = dispatcher.arrived[-1].checkin_id
    assert (
        dispatcher.store.run_sync(checkin_plans.record_reply, ANNA, day_1, 0, PLAN, DAY_1)
        is not None
    )
    dispatcher.looks(DAY_3, DAY_7)
    assert dispatcher.texts()[-1] == "One week in!"


def test_keep_going_after_the_question_resumes_with_the_check_in_it_held_back(
    dispatcher: Dispatcher,
) -> None:
    dispatcher.enrol()
    dispatcher.looks(ONBOARDED, DAY_1, DAY_3, DAY_7)
    later = DAY_7 + timedelta(hours=2)
    hooks = StoredCheckIns(lambda: dispatcher.knowledge)
    answer = dispatcher.store.run_sync(hooks.check_in_button, ANNA, RESUME, later)
    assert answer.due_now
    dispatcher.look(later)
    assert dispatcher.texts()[-1] == "One week in!"
