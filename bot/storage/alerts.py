"""Warning signs patients reported, and the alerts they raised: who took each one and
when, and how often it was sent again while nobody did.

A row names the sign, never the message. The alert's own text (it quotes the patient) is
kept only until someone takes the alert, so it can be sent again; `/forget` deletes the
row with everything else about the patient.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from scheduler.clock import from_utc_iso, utc_iso


@dataclass(frozen=True)
class Alert:
    """An alert as staff tools see it."""

    id: int
    patient_id: int
    day: int | None
    sign: str
    created_at: datetime
    text: str | None
    staff_message_id: int | None
    taken_by: str | None
    taken_at: datetime | None
    escalations: int


@dataclass(frozen=True)
class AcknowledgeTimes:
    """How long alerts waited for a person, over a period."""

    taken: int
    never_taken: int
    median_minutes: float | None
    worst_minutes: float | None


def record_red_flag(
    db: Database,
    patient_id: int,
    day: int | None,
    sign: str,
    alerted: bool,
    now: datetime,
    alert_text: str | None = None,
) -> int:
    """Log a warning sign a patient reported (`sign` names it); with `alerted`, the staff
    alert's `alert_text` is kept until someone takes it."""
    cursor = db.execute(
        "INSERT INTO red_flags (patient_id, day, sign, created_at, alerted, alert_text, "
        "escalations) VALUES (?, ?, ?, ?, ?, ?, 0)",
        [patient_id, day, sign, utc_iso(now), int(alerted), alert_text if alerted else None],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def get_alert(db: Database, alert_id: int) -> Alert | None:
    row = db.execute(
        "SELECT id, patient_id, day, sign, created_at, alert_text, staff_message_id, "
        "taken_by, taken_at, escalations FROM red_flags WHERE id = ?",
        [alert_id],
    ).fetchone()
    return _alert(row) if row else None


def take(
    db: Database, alert_id: int, staff_name: str, staff_id: int, now: datetime
) -> tuple[Alert | None, bool]:
    """A staff member takes the alert ("I'm on it"). The first one wins: returns the alert
    as it stands afterwards, and whether this press took it (False: someone already had,
    or there is no such alert)."""
    cursor = db.execute(
        "UPDATE red_flags SET taken_by = ?, taken_by_id = ?, taken_at = ?, alert_text = NULL "
        "WHERE id = ? AND taken_at IS NULL",
        [staff_name, staff_id, utc_iso(now), alert_id],
    )
    return get_alert(db, alert_id), cursor.rowcount == 1


def waiting(db: Database, now: datetime, every: timedelta, limit: int) -> list[Alert]:
    """Alerts nobody has taken, due to be sent again: raised at least `every` ago, last
    sent again at least `every` ago, and sent again fewer than `limit` times."""
    since = utc_iso(now - every)
    rows = db.execute(
        "SELECT id, patient_id, day, sign, created_at, alert_text, staff_message_id, "
        "taken_by, taken_at, escalations FROM red_flags WHERE alerted = 1 AND taken_at IS NULL "
        "AND created_at <= ? AND (escalated_at IS NULL OR escalated_at <= ?) "
        "AND escalations < ? ORDER BY id",
        [since, since, limit],
    ).fetchall()
    return [_alert(row) for row in rows]


def alerted_since(db: Database, patient_id: int, since: datetime) -> bool:
    """Whether the patient raised an alert at or after `since`."""
    row = db.execute(
        "SELECT 1 FROM red_flags WHERE patient_id = ? AND alerted = 1 AND created_at >= ?",
        [patient_id, utc_iso(since)],
    ).fetchone()
    return row is not None


def escalated(db: Database, alert_id: int, now: datetime) -> None:
    db.execute(
        "UPDATE red_flags SET escalations = escalations + 1, escalated_at = ? WHERE id = ?",
        [utc_iso(now), alert_id],
    )


def acknowledge_times(db: Database, since: datetime) -> AcknowledgeTimes:
    """Time to acknowledge for the alerts raised since `since`."""
    rows = db.execute(
        "SELECT created_at, taken_at FROM red_flags WHERE alerted = 1 AND created_at >= ?",
        [utc_iso(since)],
    ).fetchall()
    waits = [
        (from_utc_iso(taken) - from_utc_iso(created)).total_seconds() / 60
        for created, taken in rows
        if taken
    ]
    return AcknowledgeTimes(
        taken=len(waits),
        never_taken=sum(1 for _, taken in rows if not taken),
        median_minutes=round(statistics.median(waits), 1) if waits else None,
        worst_minutes=round(max(waits), 1) if waits else None,
    )


def untaken(db: Database, now: datetime) -> tuple[int, float | None]:
    """How many alerts nobody has taken yet, and how many minutes the oldest of them has
    waited (None: there are none)."""
    count, oldest = db.execute(
        "SELECT count(*), min(created_at) FROM red_flags WHERE alerted = 1 AND taken_at IS NULL"
    ).fetchone()
    if not oldest:
        return 0, None
    return int(count), round((now - from_utc_iso(oldest)).total_seconds() / 60, 1)


def _alert(row: tuple[object, ...]) -> Alert:
    (
        alert_id,
        patient_id,
        day,
        sign,
        created_at,
        text,
        message_id,
        taken_by,
        taken_at,
        escalations,
    ) = row
    return Alert(
        id=int(str(alert_id)),
        patient_id=int(str(patient_id)),
        day=int(str(day)) if day is not None else None,
        sign=str(sign),
        created_at=from_utc_iso(str(created_at)),
        text=str(text) if text is not None else None,
        staff_message_id=int(str(message_id)) if message_id is not None else None,
        taken_by=str(taken_by) if taken_by is not None else None,
        taken_at=from_utc_iso(str(taken_at)) if taken_at else None,
        escalations=int(str(escalations or 0)),
    )
