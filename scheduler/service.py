"""What the rest of the bot calls about check-ins: one function per event, each one step.

The conversation engine calls these after it has stored what the patient said (the
treatment date, /time, /timezone with `bot.patients`); each runs its database work as
one `Store.run` call and returns plain data to send. /forget needs nothing here:
`bot.storage.patients.forget_patient` deletes the check-in rows with everything else.

| event                                     | call                                   |
| ----------------------------------------- | -------------------------------------- |
| treatment date given or changed           | `on_treatment_date`                    |
| "Yes please" at onboarding, /checkins on  | `on_opt_in`                            |
| /checkins off                             | `on_opt_out`                           |
| /time, /timezone                          | `on_schedule_change`                   |
| /status                                   | `next_checkin_local`                   |
| a callback whose data starts with ``ci:`` | `handle_checkin_callback`              |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.core.dates import days_since_treatment
from bot.knowledge.model import KnowledgeBase
from bot.replies import Keyboard, day_note_step
from bot.storage import checkins as outbox
from bot.storage.patients import get_patient, newest_treatment
from scheduler.dispatch import Store
from scheduler.messages import (
    PAUSE,
    RESUME,
    ReplyChoice,
    parse_callback,
    paused,
    wording,
)
from scheduler.planning import CheckInPlan, PlannedCheckIn, plan_checkins


@dataclass(frozen=True)
class NextCheckIn:
    """The patient's next check-in, in their own time zone, for /status."""

    day: int
    due_at: datetime


@dataclass(frozen=True)
class CheckInCallbackReply:
    """What to do after a ``ci:`` button: send `text`, and take the tapped buttons away.

    When `worrying` is true the patient chose a worrying reply: `text` is the warning-signs
    guidance, and the caller alerts staff exactly as for a red-flag message, quoting
    `reply_label` with `day` (days since treatment now). `topic` names the rule whose
    answer `text` is, when the reply pointed to a topic.
    """

    text: str
    buttons: Keyboard = ()
    remove_buttons: bool = True
    worrying: bool = False
    topic: str | None = None
    reply_label: str | None = None
    day: int | None = None


def _planned(
    db: sqlite_utils.Database, patient_id: int, plan: CheckInPlan, now: datetime
) -> tuple[int, list[PlannedCheckIn]] | None:
    patient = get_patient(db, patient_id)
    treatment = newest_treatment(db, patient_id)
    if patient is None or treatment is None or not patient.checkins_enabled:
        return None
    planned = plan_checkins(treatment.treated_on, patient.timezone, patient.checkin_time, plan, now)
    return treatment.id, planned


def plan_patient(
    db: sqlite_utils.Database, patient_id: int, plan: CheckInPlan, now: datetime
) -> int:
    """Plan the newest treatment's check-ins still ahead, if the patient opted in.

    Replaces whatever was pending for an older treatment. Returns the pending count.
    """
    found = _planned(db, patient_id, plan, now)
    if found is None:
        return 0
    treatment_id, planned = found
    return outbox.replace_plan(db, patient_id, treatment_id, planned, now)


def opt_in(db: sqlite_utils.Database, patient_id: int, plan: CheckInPlan, now: datetime) -> int:
    """Turn check-ins on and plan only what is still ahead; returns the pending count."""
    outbox.resume_checkins(db, patient_id, now)
    return plan_patient(db, patient_id, plan, now)


def replan(db: sqlite_utils.Database, patient_id: int, plan: CheckInPlan, now: datetime) -> int:
    """Move pending check-ins to the patient's current time and zone; returns the count."""
    found = _planned(db, patient_id, plan, now)
    if found is None:
        return 0
    return outbox.replan_pending(db, patient_id, found[1], now)


async def plan_for_patient(store: Store, patient_id: int, plan: CheckInPlan, now: datetime) -> int:
    """Restart the plan from the newest treatment date (if opted in), skipping nothing.

    The conversation calls `on_treatment_date` instead, which also skips the check-in
    its reply to the date showed. When this plans something due right away, run a
    dispatch tick now rather than waiting for the next periodic one
    (`scheduler.telegram_adapter.dispatch_now`).
    """
    return await store.run(plan_patient, patient_id, plan, now)


def treatment_date_given(
    db: sqlite_utils.Database, patient_id: int, plan: CheckInPlan, now: datetime
) -> int:
    """The patient just gave a treatment date; restart the plan from it (if opted in).

    The reply to the date showed what to expect today: the message of the latest
    check-in up to today, without its questions (`bot.replies.day_note_step`). That
    check-in is recorded as skipped for the new treatment, never sent, so the patient
    does not read the same text twice in a row. For "today" it is day 0: the reply to the
    date *is* the day-0 message, right after onboarding, and the first check-in sent is
    day 1's. A shown check-in with reply buttons (day 3 for "3 days ago") loses its
    question; the patient is talking to the bot at that moment anyway. Returns the
    pending count.
    """
    patient = get_patient(db, patient_id)
    treatment = newest_treatment(db, patient_id)
    if patient is not None and treatment is not None:
        day = days_since_treatment(treatment.treated_on, now, patient.timezone)
        shown = day_note_step(plan, day)
        if shown is not None:
            outbox.mark_shown(db, patient_id, treatment.id, shown.day, now)
    return plan_patient(db, patient_id, plan, now)


async def on_treatment_date(store: Store, patient_id: int, plan: CheckInPlan, now: datetime) -> int:
    """A treatment date was given or changed (see `treatment_date_given`); when check-ins
    are pending, run a dispatch tick soon after, as for `plan_for_patient`."""
    return await store.run(treatment_date_given, patient_id, plan, now)


async def on_opt_in(store: Store, patient_id: int, plan: CheckInPlan, now: datetime) -> int:
    """The patient said yes to check-ins (onboarding or /checkins on)."""
    return await store.run(opt_in, patient_id, plan, now)


async def on_opt_out(store: Store, patient_id: int, now: datetime) -> int:
    """/checkins off: nothing more is sent; returns how many were cancelled."""
    return await store.run(outbox.pause_checkins, patient_id, now, "opted out")


async def on_schedule_change(
    store: Store, patient_id: int, plan: CheckInPlan, now: datetime
) -> int:
    """/time or /timezone was stored: pending check-ins move to the new local time."""
    return await store.run(replan, patient_id, plan, now)


def _next_local(db: sqlite_utils.Database, patient_id: int) -> NextCheckIn | None:
    patient = get_patient(db, patient_id)
    row = outbox.next_checkin(db, patient_id)
    if patient is None or row is None:
        return None
    return NextCheckIn(row.day, row.due_at.astimezone(patient.timezone))


async def next_checkin_local(store: Store, patient_id: int) -> NextCheckIn | None:
    """The next check-in in the patient's local time, or None if none is planned."""
    return await store.run(_next_local, patient_id)


def _treated_on(db: sqlite_utils.Database, treatment_id: int) -> date | None:
    row = db.execute("SELECT treated_on FROM treatments WHERE id = ?", [treatment_id]).fetchone()
    return date.fromisoformat(row[0]) if row else None


def answer_reply(
    db: sqlite_utils.Database,
    patient_id: int,
    choice: ReplyChoice,
    knowledge: KnowledgeBase,
    now: datetime,
) -> CheckInCallbackReply:
    """Record a reply button and say what answers it; a second tap changes nothing."""
    row = outbox.get_checkin(db, choice.checkin_id)
    step = knowledge.plan.step(row.day) if row is not None else None
    if row is None or row.patient_id != patient_id or row.reply is not None or step is None:
        return CheckInCallbackReply(wording(knowledge, "checkin_already_answered"))
    if choice.index >= len(step.replies):
        return CheckInCallbackReply(wording(knowledge, "checkin_already_answered"))
    reply = step.replies[choice.index]
    if outbox.record_reply(db, patient_id, row.id, reply.label, now) is None:
        return CheckInCallbackReply(wording(knowledge, "checkin_already_answered"))
    patient = get_patient(db, patient_id)
    treated_on = _treated_on(db, row.treatment_id)
    zone = patient.timezone if patient is not None else ZoneInfo("UTC")
    day = days_since_treatment(treated_on, now, zone) if treated_on else row.day
    if reply.worrying:
        text = knowledge.wording["red_flag_answer"]
    elif reply.topic is not None and knowledge.has_rule(reply.topic):
        text = knowledge.rule(reply.topic).answer_for(day)
    else:
        text = reply.answer or wording(knowledge, "checkin_reply_thanks")
    return CheckInCallbackReply(
        text, worrying=reply.worrying, topic=reply.topic, reply_label=reply.label, day=day
    )


def _resume(
    db: sqlite_utils.Database, patient_id: int, knowledge: KnowledgeBase, now: datetime
) -> CheckInCallbackReply:
    if opt_in(db, patient_id, knowledge.plan, now):
        return CheckInCallbackReply(wording(knowledge, "checkin_resumed"))
    return CheckInCallbackReply(wording(knowledge, "checkin_resumed_nothing_left"))


def is_checkin_callback(data: str | None) -> bool:
    """True for callback data that `handle_checkin_callback` understands."""
    return data is not None and parse_callback(data) is not None


async def handle_checkin_callback(
    store: Store, patient_id: int, data: str, knowledge: KnowledgeBase, now: datetime
) -> CheckInCallbackReply | None:
    """Act on a check-in button (pause, resume, or a reply); None if `data` is not ours."""
    action = parse_callback(data)
    if action is None:
        return None
    if action == PAUSE:
        await store.run(outbox.pause_checkins, patient_id, now, "paused by the patient")
        message = paused(knowledge)
        return CheckInCallbackReply(message.text, message.buttons)
    if action == RESUME:
        return await store.run(_resume, patient_id, knowledge, now)
    assert isinstance(action, ReplyChoice)
    return await store.run(answer_reply, patient_id, action, knowledge, now)
