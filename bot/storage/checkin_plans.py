"""A patient's check-in plan as stored rows: what each change in the conversation means
for the check-ins still to send.

| event                                     | call                     |
| ----------------------------------------- | ------------------------ |
| treatment date given or changed           | `treatment_date_given`   |
| "Yes please" at onboarding, /checkins on  | `opt_in`                 |
| /checkins off, the pause button           | `checkins.pause_checkins` |
| /time, /timezone                          | `replan`                 |
| /status                                   | `next_checkin_local`     |
| a reply button under a check-in           | `record_reply`           |

Each takes the `sqlite_utils.Database` first and runs inside the caller's transaction.
/forget needs nothing here: `patients.forget_patient` deletes the check-in rows with
everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from bot.core.dates import days_since_treatment
from bot.storage import checkin_replies, checkins
from bot.storage.patients import get_patient, newest_treatment
from scheduler.planning import CheckInPlan, CheckInReply, PlannedCheckIn, plan_checkins


@dataclass(frozen=True)
class NextCheckIn:
    """The patient's next check-in, in their own time zone, for /status."""

    day: int
    due_at: datetime


@dataclass(frozen=True)
class RecordedReply:
    """A reply button the patient pressed, recorded once: which reply, on which day."""

    reply: CheckInReply
    day: int


def _planned(
    db: Database, patient_id: int, plan: CheckInPlan, now: datetime
) -> tuple[int, list[PlannedCheckIn]] | None:
    patient = get_patient(db, patient_id)
    treatment = newest_treatment(db, patient_id)
    if patient is None or treatment is None or not patient.checkins_enabled:
        return None
    planned = plan_checkins(treatment.treated_on, patient.timezone, patient.checkin_time, plan, now)
    return treatment.id, planned


def plan_patient(db: Database, patient_id: int, plan: CheckInPlan, now: datetime) -> int:
    """Plan the newest treatment's check-ins still ahead, if the patient opted in.

    Replaces whatever was pending for an older treatment. Returns the pending count.
    """
    found = _planned(db, patient_id, plan, now)
    if found is None:
        return 0
    treatment_id, planned = found
    return checkins.replace_plan(db, patient_id, treatment_id, planned, now)


def opt_in(db: Database, patient_id: int, plan: CheckInPlan, now: datetime) -> int:
    """Turn check-ins on and plan only what is still ahead; returns the pending count."""
    checkins.resume_checkins(db, patient_id, now)
    return plan_patient(db, patient_id, plan, now)


def replan(db: Database, patient_id: int, plan: CheckInPlan, now: datetime) -> int:
    """Move pending check-ins to the patient's current time and zone; returns the count."""
    found = _planned(db, patient_id, plan, now)
    if found is None:
        return 0
    return checkins.replan_pending(db, patient_id, found[1], now)


def treatment_date_given(
    db: Database, patient_id: int, plan: CheckInPlan, shown_day: int | None, now: datetime
) -> int:
    """The patient just gave a treatment date; restart the plan from it (if opted in).

    The reply to the date showed what to expect today: the message of the check-in of
    `shown_day` (see `bot.conversation.wording.day_note_step`). That check-in is recorded
    as skipped for the new treatment, never sent, so the patient does not read the same
    text twice in a row. For "today" it is day 0: the reply to the date *is* the day-0
    message, and the first check-in sent is day 1's. Returns the pending count.
    """
    treatment = newest_treatment(db, patient_id)
    if treatment is not None and shown_day is not None:
        checkins.mark_shown(db, patient_id, treatment.id, shown_day, now)
    return plan_patient(db, patient_id, plan, now)


def next_checkin_local(db: Database, patient_id: int) -> NextCheckIn | None:
    """The next check-in in the patient's local time, or None if none is planned."""
    patient = get_patient(db, patient_id)
    row = checkin_replies.next_checkin(db, patient_id)
    if patient is None or row is None:
        return None
    return NextCheckIn(row.day, row.due_at.astimezone(patient.timezone))


def record_reply(
    db: Database,
    patient_id: int,
    checkin_id: int,
    index: int,
    plan: CheckInPlan,
    now: datetime,
) -> RecordedReply | None:
    """Record reply button `index` of a check-in; None when it is not the patient's, is
    unknown, or was already answered (the first tap wins, so nothing happens twice)."""
    row = checkin_replies.get_checkin(db, checkin_id)
    step = plan.step(row.day) if row is not None else None
    if row is None or step is None or row.patient_id != patient_id or row.reply is not None:
        return None
    if not 0 <= index < len(step.replies):
        return None
    reply = step.replies[index]
    if checkin_replies.record_reply(db, patient_id, row.id, reply.label, now) is None:
        return None
    patient = get_patient(db, patient_id)
    treatment = newest_treatment(db, patient_id)
    if patient is None or treatment is None or treatment.id != row.treatment_id:
        return RecordedReply(reply, row.day)
    return RecordedReply(reply, days_since_treatment(treatment.treated_on, now, patient.timezone))
