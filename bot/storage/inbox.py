"""The inbox: every update from Telegram, written down before Telegram is told we have it.

`bot.telegram.polling` stores each batch of updates (`add`) and only then asks Telegram
for the next ones, which is what confirms the batch; a crash at any moment therefore
loses nothing: what was stored is processed after the restart, what was not is fetched
again. The update id is the key, so an update Telegram sends twice is stored, and
processed, once.

A row's life: pending -> done (its processing committed, in the same transaction as the
conversation's decision and the messages it queued) or failed (it raised every time). An
update handled the moment it arrives (`bot.telegram.polling`) skips "pending": its first
row is the "done" one its decision's transaction writes (`claim`), or, when its handling
failed, a pending row written with the failure counted (`record_failure`).
A processed row keeps no payload (no message text stays on disk), and processed rows are
pruned after `KEEP_PROCESSED` (Telegram never resends an update that old).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from scheduler.clock import utc_iso

KEEP_PROCESSED = timedelta(days=2)
InboxRow = tuple[int, int | None, int | None, dict[str, Any]]
"""An update as the inbox stores it: `(update_id, chat_id, user_id, payload)`, the payload
Telegram's own JSON."""
MAX_ATTEMPTS = 3
"""An update whose processing raised this many times is set aside as failed (and logged),
so one poisoned update cannot stop the bot at every start."""


@dataclass(frozen=True)
class StoredUpdate:
    """An update waiting to be processed."""

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    attempts: int


def add(db: Database, updates: list[InboxRow], now: datetime) -> list[int]:
    """Store `(update_id, chat_id, user_id, payload)` updates not seen before; returns the
    ids of those that were new (Telegram may send an update again after a restart)."""
    new: list[int] = []
    for update_id, chat_id, user_id, payload in updates:
        cursor = db.execute(
            "INSERT OR IGNORE INTO inbox (update_id, chat_id, patient_id, received_at, payload, "
            "status, attempts) VALUES (?, ?, ?, ?, ?, 'pending', 0)",
            [update_id, chat_id, user_id, utc_iso(now), json.dumps(payload, ensure_ascii=False)],
        )
        if cursor.rowcount:
            new.append(update_id)
    return new


def last_update_id(db: Database) -> int | None:
    """The newest update stored, so polling resumes after it."""
    row = db.execute("SELECT MAX(update_id) FROM inbox").fetchone()
    return row[0] if row and row[0] is not None else None


def pending(db: Database, limit: int) -> list[StoredUpdate]:
    """Updates not processed yet, oldest first."""
    rows = db.execute(
        "SELECT update_id, chat_id, payload, attempts FROM inbox WHERE status = 'pending' "
        "ORDER BY update_id LIMIT ?",
        [limit],
    ).fetchall()
    return [StoredUpdate(row[0], row[1], json.loads(row[2]), row[3]) for row in rows]


def waiting_in_chat(db: Database, chat_id: int) -> int:
    """How many updates of one chat wait to be processed (a flood shows here)."""
    row = db.execute(
        "SELECT COUNT(*) FROM inbox WHERE chat_id = ? AND status = 'pending'", [chat_id]
    ).fetchone()
    return int(row[0])


def mark_done(db: Database, update_id: int, now: datetime) -> None:
    """The update is processed: its payload and whose it was go. Kept as a bare row (an
    id and times) so the same update arriving again is recognised; also after `/forget`
    deleted the row."""
    db.execute(
        "INSERT INTO inbox (update_id, received_at, status, attempts, handled_at) "
        "VALUES (?, ?, 'done', 0, ?) ON CONFLICT (update_id) DO UPDATE SET status = 'done', "
        "payload = NULL, chat_id = NULL, patient_id = NULL, handled_at = excluded.handled_at",
        [update_id, utc_iso(now), utc_iso(now)],
    )


def claim(db: Database, update_id: int, now: datetime) -> bool:
    """Mark the update processed, as the first thing its decision's transaction does;
    False when it was processed (or set aside) before, and must have no effect again.
    Like `mark_done`, it writes the row when there is none: an update handled as it
    arrived has none yet."""
    cursor = db.execute(
        "INSERT INTO inbox (update_id, received_at, status, attempts, handled_at) "
        "VALUES (?, ?, 'done', 0, ?) ON CONFLICT (update_id) DO UPDATE SET status = 'done', "
        "payload = NULL, chat_id = NULL, patient_id = NULL, handled_at = excluded.handled_at "
        "WHERE inbox.status = 'pending'",
        [update_id, utc_iso(now), utc_iso(now)],
    )
    return cursor.rowcount == 1


def is_done(db: Database, update_id: int) -> bool:
    row = db.execute("SELECT status FROM inbox WHERE update_id = ?", [update_id]).fetchone()
    return row is not None and row[0] != "pending"


def record_failure(
    db: Database, update_id: int, error: str, now: datetime, unwritten: InboxRow | None = None
) -> bool:
    """Processing raised; returns True when the update is now set aside as failed. An
    update handled as it arrived is `unwritten` until now: it is stored here, pending, so
    that it is processed again."""
    if unwritten is not None:
        add(db, [unwritten], now)
    db.execute(
        "UPDATE inbox SET attempts = attempts + 1, error = ? WHERE update_id = ?",
        [error, update_id],
    )
    cursor = db.execute(
        "UPDATE inbox SET status = 'failed', payload = NULL, chat_id = NULL, patient_id = NULL, "
        "handled_at = ? "
        "WHERE update_id = ? AND attempts >= ?",
        [utc_iso(now), update_id, MAX_ATTEMPTS],
    )
    return cursor.rowcount == 1


def prune(db: Database, now: datetime) -> int:
    """Forget processed updates older than `KEEP_PROCESSED`, except the newest one, which
    tells polling where to resume."""
    cursor = db.execute(
        "DELETE FROM inbox WHERE status != 'pending' AND handled_at < ? "
        "AND update_id < (SELECT MAX(update_id) FROM inbox)",
        [utc_iso(now - KEEP_PROCESSED)],
    )
    return cursor.rowcount
