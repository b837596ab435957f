"""Warning signs patients reported: one row each, naming the sign, never the message."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from scheduler.clock import utc_iso


def record_red_flag(
    db: Database, patient_id: int, day: int | None, sign: str, alerted: bool, now: datetime
) -> int:
    """Log a warning sign a patient reported (`sign` names it; the message is not kept)."""
    table = db.table("red_flags")
    table.insert(
        {
            "patient_id": patient_id,
            "day": day,
            "sign": sign,
            "created_at": utc_iso(now),
            "alerted": int(alerted),
        }
    )
    assert table.last_rowid is not None
    return table.last_rowid
