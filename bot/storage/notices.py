"""Standing problems the operator must hear about, kept until they are fixed: e.g. the
bot cannot write to the staff chat. `aftercare stats` shows them; nothing about patients."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from scheduler.clock import from_utc_iso, utc_iso

STAFF_CHAT_UNREACHABLE = "staff_chat_unreachable"


def set_notice(db: Database, key: str, text: str, now: datetime) -> None:
    """Record a problem (keeping when it began if it was already known)."""
    db.execute(
        "INSERT INTO notices (key, text, since) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET text = excluded.text",
        [key, text, utc_iso(now)],
    )


def clear_notice(db: Database, key: str) -> None:
    db.execute("DELETE FROM notices WHERE key = ?", [key])


def current_notices(db: Database) -> dict[str, tuple[str, datetime]]:
    """Every standing problem: key -> (what, since when)."""
    rows = db.execute("SELECT key, text, since FROM notices ORDER BY key").fetchall()
    return {row[0]: (row[1], from_utc_iso(row[2])) for row in rows}
