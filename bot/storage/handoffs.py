"""Staff talking to a patient through the bot: open conversations, the staff-chat
messages that stand for a patient (a staff reply to one reaches that patient), and each
patient's topic when the staff chat is a forum.

While a conversation is open, the patient's messages go to the staff chat instead of
being answered by the bot. It closes with `/done`, or after a stretch of silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from scheduler.clock import from_utc_iso, utc_iso


@dataclass(frozen=True)
class Handoff:
    """An open conversation between staff and a patient."""

    id: int
    patient_id: int
    opened_at: datetime
    opened_by: str | None
    last_activity_at: datetime


def current(db: Database, patient_id: int) -> Handoff | None:
    """The patient's open conversation with staff, if any."""
    row = db.execute(
        "SELECT id, patient_id, opened_at, opened_by, last_activity_at FROM handoffs "
        "WHERE patient_id = ? AND closed_at IS NULL ORDER BY id DESC LIMIT 1",
        [patient_id],
    ).fetchone()
    if row is None:
        return None
    return Handoff(row[0], row[1], from_utc_iso(row[2]), row[3], from_utc_iso(row[4]))


def open_or_touch(db: Database, patient_id: int, by: str | None, now: datetime) -> bool:
    """Open a conversation (or keep the open one alive); True when it is new."""
    if current(db, patient_id) is not None:
        touch(db, patient_id, now)
        return False
    db.execute(
        "INSERT INTO handoffs (patient_id, opened_at, opened_by, last_activity_at) "
        "VALUES (?, ?, ?, ?)",
        [patient_id, utc_iso(now), by, utc_iso(now)],
    )
    return True


def touch(db: Database, patient_id: int, now: datetime) -> None:
    db.execute(
        "UPDATE handoffs SET last_activity_at = ? WHERE patient_id = ? AND closed_at IS NULL",
        [utc_iso(now), patient_id],
    )


def close(db: Database, patient_id: int, now: datetime) -> bool:
    """Hand the patient back to the bot; False if no conversation was open."""
    cursor = db.execute(
        "UPDATE handoffs SET closed_at = ? WHERE patient_id = ? AND closed_at IS NULL",
        [utc_iso(now), patient_id],
    )
    return cursor.rowcount > 0


def idle_since(db: Database, before: datetime) -> list[int]:
    """Patients whose open conversation has been silent since `before`."""
    rows = db.execute(
        "SELECT patient_id FROM handoffs WHERE closed_at IS NULL AND last_activity_at < ?",
        [utc_iso(before)],
    ).fetchall()
    return [row[0] for row in rows]


def remember(
    db: Database, chat_id: int, message_id: int, patient_id: int, alert_id: int | None = None
) -> None:
    """A staff-chat message stands for a patient (an alert, a relayed message, a prompt)."""
    db.execute(
        "INSERT OR REPLACE INTO staff_messages (chat_id, message_id, patient_id, alert_id) "
        "VALUES (?, ?, ?, ?)",
        [chat_id, message_id, patient_id, alert_id],
    )


def staff_message_sent(
    db: Database, chat_id: int, message_id: int, patient_id: int, alert_id: int | None
) -> None:
    """A message about a patient reached the staff chat as `message_id`: a reply to it
    reaches the patient, and an alert's edits and escalations point at it."""
    remember(db, chat_id, message_id, patient_id, alert_id)
    if alert_id is not None:
        db.execute(
            "UPDATE red_flags SET staff_message_id = coalesce(staff_message_id, ?) WHERE id = ?",
            [message_id, alert_id],
        )


def remember_alert_copy(db: Database, chat_id: int, message_id: int, alert_id: int) -> None:
    """A staff-chat message carrying alert `alert_id`'s buttons stands for its patient,
    also when the bot never heard the message's id: Telegram took the alert just before a
    crash, so it was sent again, and staff may well answer the first copy."""
    db.execute(
        "INSERT OR IGNORE INTO staff_messages (chat_id, message_id, patient_id, alert_id) "
        "SELECT ?, ?, patient_id, id FROM red_flags WHERE id = ?",
        [chat_id, message_id, alert_id],
    )


def patient_of_message(db: Database, chat_id: int, message_id: int) -> int | None:
    row = db.execute(
        "SELECT patient_id FROM staff_messages WHERE chat_id = ? AND message_id = ?",
        [chat_id, message_id],
    ).fetchone()
    return int(row[0]) if row else None


def last_message_for(db: Database, chat_id: int, patient_id: int) -> int | None:
    """The newest staff-chat message about a patient: where relayed messages thread."""
    row = db.execute(
        "SELECT MAX(message_id) FROM staff_messages WHERE chat_id = ? AND patient_id = ?",
        [chat_id, patient_id],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def topic_of(db: Database, patient_id: int, chat_id: int) -> int | None:
    """The patient's own topic in a forum staff chat, once made."""
    row = db.execute(
        "SELECT thread_id FROM patient_topics WHERE patient_id = ? AND chat_id = ?",
        [patient_id, chat_id],
    ).fetchone()
    return int(row[0]) if row else None


def set_topic(db: Database, patient_id: int, chat_id: int, thread_id: int) -> None:
    db.execute(
        "INSERT OR REPLACE INTO patient_topics (patient_id, chat_id, thread_id) VALUES (?, ?, ?)",
        [patient_id, chat_id, thread_id],
    )


def patient_of_topic(db: Database, chat_id: int, thread_id: int) -> int | None:
    row = db.execute(
        "SELECT patient_id FROM patient_topics WHERE chat_id = ? AND thread_id = ?",
        [chat_id, thread_id],
    ).fetchone()
    return int(row[0]) if row else None
