"""A check-in as the patient's side sees it: the stored row, the next one for /status,
and the reply button under it, recorded once.

`bot.storage.checkins` is the row's life on the sending side (due, queued, sent...);
this module only reads rows and records what the patient answered. Each function takes
the `sqlite_utils.Database` first and runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.storage.checkins import PENDING, QUEUED
from scheduler.clock import from_utc_iso, utc_iso


@dataclass(frozen=True)
class CheckInRow:
    """A stored check-in, as /status and reply handling see it."""

    id: int
    patient_id: int
    treatment_id: int
    day: int
    due_at: datetime
    status: str
    reply: str | None


def _checkin_row(row: Sequence[Any]) -> CheckInRow:
    return CheckInRow(
        id=row[0],
        patient_id=row[1],
        treatment_id=row[2],
        day=row[3],
        due_at=from_utc_iso(row[4]),
        status=row[5],
        reply=row[6],
    )


_ROW_COLUMNS = "id, patient_id, treatment_id, day, due_at, status, reply"


def next_checkin(db: sqlite_utils.Database, patient_id: int) -> CheckInRow | None:
    """The patient's next check-in still to be sent, for /status."""
    rows = db.execute(
        f"SELECT {_ROW_COLUMNS} FROM checkins WHERE patient_id = ? AND status IN (?, ?) "
        "ORDER BY due_at, day LIMIT 1",
        [patient_id, PENDING, QUEUED],
    ).fetchall()
    return _checkin_row(rows[0]) if rows else None


def get_checkin(db: sqlite_utils.Database, checkin_id: int) -> CheckInRow | None:
    """One check-in by id."""
    rows = db.execute(f"SELECT {_ROW_COLUMNS} FROM checkins WHERE id = ?", [checkin_id]).fetchall()
    return _checkin_row(rows[0]) if rows else None


def record_reply(
    db: sqlite_utils.Database, patient_id: int, checkin_id: int, reply: str, now: datetime
) -> CheckInRow | None:
    """Store the patient's reply button; None if it is not theirs or was already answered.

    The first tap wins, so a reply cannot be recorded, or acted on, twice.
    """
    with db.atomic():
        cursor = db.execute(
            "UPDATE checkins SET reply = ?, replied_at = ? "
            "WHERE id = ? AND patient_id = ? AND reply IS NULL",
            [reply, utc_iso(now), checkin_id, patient_id],
        )
        if cursor.rowcount != 1:
            return None
        return get_checkin(db, checkin_id)
