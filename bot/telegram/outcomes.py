"""What the end of one delivery attempt writes to the database, each in one transaction
with its outbox row: delivered (and, for a check-in or a message about a patient, what
it became), given up (refused, or unknown for an at-most-once row), blocked by the
patient, or too late for its window. Run on the database thread by
`bot.telegram.delivery`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.storage import checkins, handoffs, notices, outbox, patients
from bot.storage.outbox import FAILED, UNKNOWN, QueuedMessage


def delivered(db: Any, queued: QueuedMessage, message_id: int | None, now: datetime) -> bool:
    """Returns whether another message of the same chat is still waiting."""
    message = queued.message
    outbox.delivered(db, queued.id)
    if message.checkin_id is not None and message_id is not None:
        checkins.mark_sent(db, message.checkin_id, message_id, now)
    patient_id = message.params.get("about_patient")
    if patient_id is not None and message_id is not None:
        handoffs.staff_message_sent(db, message.chat_id, message_id, patient_id, message.alert_id)
    if queued.message.chat_id < 0 or queued.message.kind == "alert":
        notices.clear_notice(db, notices.STAFF_CHAT_UNREACHABLE)
    return outbox.waits_for_chat(db, message.chat_id)


def topic_name(db: Any, patient_id: int) -> str:
    """A patient's topic in the forum staff chat: their name and id, as alerts show them."""
    patient = patients.get_patient(db, patient_id)
    name = (patient.first_name if patient else None) or "Patient"
    return f"{name} ({patient_id})"[:128]


def gave_up(db: Any, queued: QueuedMessage, status: str, reason: str, now: datetime) -> None:
    outbox.give_up(db, queued.id, status, reason)
    checkin_id = queued.message.checkin_id
    if checkin_id is None:
        return
    if status == UNKNOWN:
        checkins.mark_unknown(db, checkin_id, now, reason)
    else:
        checkins.mark_failed(db, checkin_id, now, reason)


def blocked(db: Any, queued: QueuedMessage, now: datetime) -> None:
    chat_id = queued.message.chat_id
    if queued.message.checkin_id is not None:
        checkins.mark_cancelled(db, queued.message.checkin_id, now, "the patient blocked the bot")
    outbox.give_up(db, queued.id, FAILED, "the patient blocked the bot")
    outbox.cancel_for_chat(db, chat_id)
    patients.mark_unreachable(db, queued.message.patient_id or chat_id, now)


def too_late(db: Any, message_id: int, checkin_id: int | None, now: datetime) -> None:
    outbox.give_up(db, message_id, FAILED, "not sent in its window")
    if checkin_id is not None:
        checkins.hand_back(db, checkin_id, now)
