"""A check-in row's life in the database (`bot.storage.checkins`) and what each change in
the conversation does to the stored plan (`bot.storage.checkin_plans`).

Anna is in London (on GMT in November, so local time is UTC), treated on Monday 23
November 2026, met at 09:00 and checked in on at 10:00. Sending is played by the storage
calls the sender makes (`mark_queued`, the outbox row, `mark_sent`); nothing here talks
to Telegram.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from conftest import ANNA, BEN, enrol_patient
from sqlite_utils import Database

from bot.storage import checkin_plans, checkin_replies, checkins, outbox, patients
from bot.storage.store import Store
from scheduler.planning import CheckInPlan, CheckInReply, CheckInStep

DAYS = (0, 1, 3, 7, 14, 28, 42)
DAY_1_REPLIES = (CheckInReply("All good", answer="Great to hear!"), CheckInReply("Red"))
PLAN = CheckInPlan(
    tuple(CheckInStep(day, f"Day {day}.", DAY_1_REPLIES if day == 1 else ()) for day in DAYS)
)
TREATED_ON = date(2026, 11, 23)  # a Monday
ONBOARDED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY_1 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def enrol(store: Store, patient_id: int = ANNA, at: time = time(10, 0)) -> None:
    enrol_patient(store, patient_id, TREATED_ON, ONBOARDED, PLAN, at=at)


def sql(store: Store, query: str, *params: Any) -> list[Any]:
    return store.run_sync(lambda db: db.execute(query, list(params)).fetchall())


def statuses(store: Store, patient_id: int = ANNA) -> dict[int, str]:
    """The patient's check-ins of their newest treatment: day -> status."""
    newest = "SELECT MAX(id) FROM treatments WHERE patient_id = ?"
    query = f"SELECT day, status FROM checkins WHERE treatment_id = ({newest})"
    return dict(sql(store, query, patient_id))


def checkin_id(store: Store, day: int, patient_id: int = ANNA) -> int:
    """The id of the patient's newest check-in of `day`."""
    query = "SELECT MAX(id) FROM checkins WHERE patient_id = ? AND day = ?"
    return int(sql(store, query, patient_id, day)[0][0])


def row(store: Store, checkin: int) -> checkin_replies.CheckInRow:
    found = store.run_sync(checkin_replies.get_checkin, checkin)
    assert found is not None
    return found


def queue(store: Store, day: int, now: datetime = ONBOARDED) -> int:
    """Queue the check-in of `day` with its message, as the dispatcher does; the outbox id."""
    checkin = checkin_id(store, day)

    def queued(db: Database) -> int:
        assert checkins.mark_queued(db, checkin, now)
        message = outbox.OutgoingMessage(
            "checkin", ANNA, "send", {"text": f"Day {day}."}, at_most_once=True, checkin_id=checkin
        )
        return outbox.enqueue(db, message, now)

    return store.run_sync(queued)


def send(store: Store, day: int, now: datetime) -> None:
    """The check-in of `day` is queued and Telegram accepts it."""
    message = queue(store, day, now)
    store.run_sync(outbox.delivered, message)
    store.run_sync(checkins.mark_sent, checkin_id(store, day), 500 + day, now)


def outbox_status(store: Store, message: int) -> str | None:
    """The message's status in the outbox; None once it is gone (settled or cancelled)."""
    rows = sql(store, "SELECT status FROM outbox WHERE id = ?", message)
    return str(rows[0][0]) if rows else None


def pause(store: Store, now: datetime = ONBOARDED) -> int:
    return store.run_sync(checkins.pause_checkins, ANNA, now)


def opt_in(store: Store, now: datetime) -> int:
    return store.run_sync(checkin_plans.opt_in, ANNA, PLAN, now)


# --- planning the rows ----------------------------------------------------------------


def test_opting_in_on_the_treatment_day_plans_every_check_in_with_day_0_due_at_once(
    store: Store,
) -> None:
    enrol(store)
    assert statuses(store) == dict.fromkeys(DAYS, "pending")
    (day_0,) = store.run_sync(checkins.due, ONBOARDED, 10)
    assert (day_0.day, day_0.due_at) == (0, ONBOARDED)


def test_a_new_treatment_date_replaces_the_pending_plan(store: Store) -> None:
    enrol(store)
    store.run_sync(patients.add_treatment, ANNA, date(2026, 12, 1), ONBOARDED)
    assert store.run_sync(checkin_plans.plan_patient, ANNA, PLAN, ONBOARDED) == 7
    rows = sql(
        store,
        "SELECT t.treated_on, c.status, count(*) FROM checkins c "
        "JOIN treatments t ON t.id = c.treatment_id GROUP BY 1, 2 ORDER BY 1",
    )
    assert rows == [("2026-11-23", "cancelled", 7), ("2026-12-01", "pending", 7)]


def test_a_new_treatment_date_cancels_a_queued_check_in_of_the_old_one_and_its_message(
    store: Store,
) -> None:
    enrol(store)
    message = queue(store, 0)
    old_day_0 = checkin_id(store, 0)
    store.run_sync(patients.add_treatment, ANNA, date(2026, 12, 1), ONBOARDED)
    store.run_sync(checkin_plans.plan_patient, ANNA, PLAN, ONBOARDED)
    assert row(store, old_day_0).status == "cancelled"
    assert outbox_status(store, message) is None


def test_the_check_in_shown_in_the_reply_to_the_date_stays_skipped_when_opting_in_later(
    store: Store,
) -> None:
    enrol_patient(store, ANNA, TREATED_ON, ONBOARDED, None)
    store.run_sync(checkin_plans.treatment_date_given, ANNA, PLAN, 0, ONBOARDED)
    opt_in(store, ONBOARDED + timedelta(hours=1))
    assert statuses(store) == {**dict.fromkeys(DAYS, "pending"), 0: "skipped"}


def test_opting_back_in_plans_only_what_is_ahead_and_never_resends(store: Store) -> None:
    enrol(store)
    send(store, 0, ONBOARDED)
    send(store, 1, DAY_1)
    pause(store, DAY_1)
    assert opt_in(store, datetime(2026, 12, 2, 12, 0, tzinfo=UTC)) == 3  # day 9
    assert statuses(store) == {
        0: "sent",
        1: "sent",
        3: "cancelled",
        7: "cancelled",
        14: "pending",
        28: "pending",
        42: "pending",
    }


def test_opting_back_in_plans_again_a_cancelled_check_in_that_is_still_relevant(
    store: Store,
) -> None:
    enrol(store)
    pause(store)
    opt_in(store, DAY_1 + timedelta(hours=1))
    assert (statuses(store)[0], statuses(store)[1]) == ("cancelled", "pending")


def test_opting_back_in_never_revives_a_check_in_whose_send_outcome_is_unknown(
    store: Store,
) -> None:
    enrol(store)
    queue(store, 0)
    store.run_sync(checkins.mark_unknown, checkin_id(store, 0), ONBOARDED, "timed out")
    pause(store)
    opt_in(store, ONBOARDED + timedelta(minutes=5))
    assert statuses(store)[0] == "unknown"


# --- cancelling -------------------------------------------------------------------------


def test_cancelling_leaves_sent_check_ins_alone(store: Store) -> None:
    enrol(store)
    send(store, 0, ONBOARDED)
    assert store.run_sync(checkins.cancel_pending, ANNA, ONBOARDED) == 6
    assert statuses(store) == {**dict.fromkeys(DAYS, "cancelled"), 0: "sent"}


def test_cancelling_cancels_a_queued_check_in_whose_message_has_not_left_and_the_message(
    store: Store,
) -> None:
    enrol(store)
    message = queue(store, 0)
    store.run_sync(checkins.cancel_pending, ANNA, ONBOARDED)
    assert statuses(store)[0] == "cancelled"
    assert outbox_status(store, message) is None


def test_cancelling_leaves_a_queued_check_in_whose_message_is_on_its_way(store: Store) -> None:
    enrol(store)
    message = queue(store, 0)
    store.run_sync(outbox.begin, message, ONBOARDED)
    store.run_sync(checkins.cancel_pending, ANNA, ONBOARDED)
    assert statuses(store)[0] == "queued"
    assert outbox_status(store, message) == "sending"


def test_a_check_in_a_killed_run_was_sending_is_settled_unknown_with_its_message(
    store: Store,
) -> None:
    # Settled together: a check-in left `queued` without its message could otherwise be
    # cancelled, planned again by opting in, and sent a second time.
    enrol(store)
    message = queue(store, 0)
    store.run_sync(outbox.begin, message, ONBOARDED)
    store.run_sync(outbox.recover, ONBOARDED + timedelta(minutes=1))
    assert statuses(store)[0] == "unknown"
    assert outbox_status(store, message) is None
    pause(store)
    opt_in(store, ONBOARDED + timedelta(minutes=5))
    assert statuses(store)[0] == "unknown"


# --- /time and /timezone ------------------------------------------------------------------


def test_a_new_check_in_time_moves_what_is_pending(store: Store) -> None:
    enrol(store)
    send(store, 0, ONBOARDED)
    store.run_sync(patients.set_checkin_time, ANNA, time(18, 30))
    assert store.run_sync(checkin_plans.replan, ANNA, PLAN, ONBOARDED) == 6
    upcoming = store.run_sync(checkin_plans.next_checkin_local, ANNA)
    assert upcoming is not None
    assert (upcoming.day, upcoming.due_at.strftime("%Y-%m-%d %H:%M")) == (1, "2026-11-24 18:30")


def test_a_new_time_zone_keeps_the_local_time_and_the_next_check_in_is_shown_locally(
    store: Store,
) -> None:
    enrol(store)
    send(store, 0, ONBOARDED)
    store.run_sync(lambda db: db.execute("UPDATE patients SET timezone = 'Asia/Tokyo'"))
    store.run_sync(checkin_plans.replan, ANNA, PLAN, ONBOARDED)
    upcoming = store.run_sync(checkin_plans.next_checkin_local, ANNA)
    assert upcoming is not None
    assert upcoming.due_at.strftime("%Y-%m-%d %H:%M %Z") == "2026-11-24 10:00 JST"


def test_a_pending_check_in_a_new_time_puts_over_12_hours_in_the_past_is_skipped(
    store: Store,
) -> None:
    enrol(store, at=time(19, 0))
    send(store, 0, ONBOARDED)
    late_evening = datetime(2026, 11, 24, 20, 30, tzinfo=UTC)  # day 1 was due at 19:00
    store.run_sync(patients.set_checkin_time, ANNA, time(8, 0))
    store.run_sync(checkin_plans.replan, ANNA, PLAN, late_evening)
    assert (statuses(store)[1], statuses(store)[3]) == ("skipped", "pending")


# --- what is due ------------------------------------------------------------------------


def test_due_reads_pending_check_ins_through_the_status_due_at_index(store: Store) -> None:
    enrol(store)

    def plan_of_due_query(db: Database) -> str:
        statements: list[str] = []
        db.conn.set_trace_callback(statements.append)
        checkins.due(db, DAY_1, 10)
        db.conn.set_trace_callback(None)
        (query,) = [s for s in statements if "FROM checkins c" in s]
        rows = db.execute(f"EXPLAIN QUERY PLAN {query}").fetchall()
        return "\n".join(str(row[-1]) for row in rows)

    assert "SEARCH c USING INDEX idx_checkins_status_due_at" in store.run_sync(plan_of_due_query)


def test_a_due_check_in_knows_when_the_next_one_is_due(store: Store) -> None:
    enrol(store)
    (day_0,) = store.run_sync(checkins.due, ONBOARDED, 10)
    assert day_0.next_due_at == DAY_1


def test_a_check_in_taken_out_of_the_plan_does_not_count_as_the_next_one(store: Store) -> None:
    enrol(store)
    without_day_1 = CheckInPlan(tuple(step for step in PLAN.steps if step.day != 1))
    store.run_sync(checkin_plans.plan_patient, ANNA, without_day_1, ONBOARDED)
    (day_0,) = store.run_sync(checkins.due, ONBOARDED, 10)
    assert day_0.next_due_at == DAY_1 + timedelta(days=2)


def test_due_lists_what_is_due_by_now_oldest_first_up_to_the_limit(store: Store) -> None:
    enrol(store, BEN, at=time(9, 30))
    enrol(store)
    store.run_sync(checkins.mark_skipped, checkin_id(store, 0, BEN), ONBOARDED)
    store.run_sync(checkins.mark_skipped, checkin_id(store, 0), ONBOARDED)
    found = store.run_sync(checkins.due, DAY_1, 1)
    assert [(c.patient_id, c.day) for c in found] == [(BEN, 1)]
    assert store.run_sync(checkins.due, DAY_1 - timedelta(hours=1), 10) == []


def test_a_due_check_in_of_a_terminal_chat_patient_is_not_sendable(store: Store) -> None:
    enrol(store)
    store.run_sync(lambda db: db.execute("UPDATE patients SET channel = 'terminal'"))
    (day_0,) = store.run_sync(checkins.due, ONBOARDED, 10)
    assert not day_0.sendable


# --- a row's states ---------------------------------------------------------------------


def test_a_check_in_is_queued_only_once(store: Store) -> None:
    enrol(store)
    day_0 = checkin_id(store, 0)
    assert store.run_sync(checkins.mark_queued, day_0, ONBOARDED)
    assert not store.run_sync(checkins.mark_queued, day_0, ONBOARDED)


def test_an_ambiguous_send_is_recorded_as_unknown_and_never_due_again(store: Store) -> None:
    enrol(store)
    queue(store, 0)
    assert store.run_sync(checkins.mark_unknown, checkin_id(store, 0), ONBOARDED, "timed out")
    assert statuses(store)[0] == "unknown"
    assert [c.day for c in store.run_sync(checkins.due, DAY_1, 10)] == [1]


def test_a_queued_check_in_not_sent_in_its_window_is_handed_back_as_pending(
    store: Store,
) -> None:
    enrol(store)
    queue(store, 0)
    assert store.run_sync(checkins.hand_back, checkin_id(store, 0), ONBOARDED)
    assert [c.day for c in store.run_sync(checkins.due, ONBOARDED, 10)] == [0]


def test_a_sent_check_in_is_never_handed_back(store: Store) -> None:
    enrol(store)
    send(store, 0, ONBOARDED)
    assert not store.run_sync(checkins.hand_back, checkin_id(store, 0), ONBOARDED)
    assert statuses(store)[0] == "sent"


def test_a_deferred_check_in_is_due_again_only_at_its_new_time(store: Store) -> None:
    enrol(store)
    morning = ONBOARDED + timedelta(hours=23)
    store.run_sync(checkins.defer, checkin_id(store, 0), morning, ONBOARDED)
    assert store.run_sync(checkins.due, morning - timedelta(seconds=1), 10) == []
    assert [c.due_at for c in store.run_sync(checkins.due, morning, 10)] == [morning]


# --- replies and the fatigue rule's inputs ----------------------------------------------


def test_a_reply_is_recorded_once(store: Store) -> None:
    enrol(store)
    day_1 = checkin_id(store, 1)
    first = store.run_sync(checkin_plans.record_reply, ANNA, day_1, 0, PLAN, DAY_1)
    second = store.run_sync(checkin_plans.record_reply, ANNA, day_1, 1, PLAN, DAY_1)
    assert first is not None and first.reply.label == "All good"
    assert second is None
    assert row(store, day_1).reply == "All good"


def test_a_stored_reply_is_never_overwritten(store: Store) -> None:
    enrol(store)
    day_1 = checkin_id(store, 1)
    store.run_sync(checkin_replies.record_reply, ANNA, day_1, "All good", DAY_1)
    assert store.run_sync(checkin_replies.record_reply, ANNA, day_1, "Red", DAY_1) is None
    assert row(store, day_1).reply == "All good"


def test_nobody_can_answer_another_patients_check_in(store: Store) -> None:
    enrol(store)
    enrol(store, BEN)
    day_1 = checkin_id(store, 1)
    assert store.run_sync(checkin_plans.record_reply, BEN, day_1, 0, PLAN, DAY_1) is None
    assert row(store, day_1).reply is None


def test_a_reply_button_the_check_in_does_not_have_is_not_recorded(store: Store) -> None:
    enrol(store)
    day_1 = checkin_id(store, 1)
    assert store.run_sync(checkin_plans.record_reply, ANNA, day_1, 2, PLAN, DAY_1) is None
    assert row(store, day_1).reply is None


def test_the_fatigue_rule_sees_the_last_three_check_ins_that_arrived_and_their_replies(
    store: Store,
) -> None:
    enrol(store)
    for day, moment in [(0, ONBOARDED), (1, DAY_1), (3, DAY_1 + timedelta(days=2))]:
        send(store, day, moment)
    send(store, 7, datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    store.run_sync(checkin_plans.record_reply, ANNA, checkin_id(store, 1), 0, PLAN, DAY_1)
    recent = store.run_sync(checkins.recent_sent, ANNA)
    assert [(c.sent_at.day, c.replied) for c in recent] == [(30, False), (26, False), (24, True)]


def test_the_patient_was_last_heard_from_when_they_last_wrote_or_turned_check_ins_on(
    store: Store,
) -> None:
    enrol(store)
    assert store.run_sync(checkins.last_heard_from, ANNA) == ONBOARDED
    opt_in(store, DAY_1)
    assert store.run_sync(checkins.last_heard_from, ANNA) == DAY_1
