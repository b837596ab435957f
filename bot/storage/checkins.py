"""Planned check-ins as rows, and every state change they go through.

Each function takes the `sqlite_utils.Database` first and runs inside the caller's
transaction (`Store.run`).

A row's life::

    pending --queue (due now)--> queued --delivered--> sent
       |                            |--ambiguous send--> unknown   (never resent)
       |                            |--refused-------> failed
       |                            |--blocked-------> cancelled
       |                            +--too late, never attempted--> pending
       |--stale (the late rule)------------------------------> skipped
       |--night for the patient (late)--> pending, due at the end of quiet hours
       +--opt-out, pause, new treatment date, blocked-------> cancelled
    (none) | pending | cancelled --mark_shown (read in the date reply)--> skipped

Deciding and queueing happen in one transaction (`bot.conversation.checkins.queue_due`):
a due check-in becomes `queued` together with its message in the outbox
(`bot.storage.outbox`), sent there **at most once**. The one moment whose outcome cannot
be known is after the send was attempted and before Telegram's answer was recorded: a
check-in caught there (a crash, a timeout) is recorded as `unknown`, never resent. A
failure that proves the request never reached Telegram is retried by the sender.

Timestamps are UTC ISO-8601 text with seconds, so text order is time order and the
``(status, due_at)`` index serves `due`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from scheduler.clock import from_utc_iso, utc_iso
from scheduler.planning import PlannedCheckIn, SentCheckIn

PENDING = "pending"
QUEUED = "queued"
SENT = "sent"
SKIPPED = "skipped"
CANCELLED = "cancelled"
FAILED = "failed"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class DueCheckIn:
    """A check-in due now, with what deciding about it needs."""

    id: int
    patient_id: int
    treatment_id: int
    day: int
    due_at: datetime
    chat_id: int
    timezone: str
    next_due_at: datetime | None
    sendable: bool
    """The patient is known, opted in, reachable and on Telegram."""


def _rows(db: sqlite_utils.Database, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    return db.execute(sql, list(params)).fetchall()


def replace_plan(
    db: sqlite_utils.Database,
    patient_id: int,
    treatment_id: int,
    planned: Iterable[PlannedCheckIn],
    now: datetime,
) -> int:
    """Make `planned` the patient's pending check-ins for `treatment_id`.

    Pending work of any other treatment is cancelled (a new treatment date restarts the
    plan). For this treatment, each planned day is inserted, or revived if it was pending
    or cancelled (opting back in); a day already sent, skipped, failed or in flight is
    left alone, so nothing is ever sent twice. Pending days missing from `planned` are
    cancelled. Returns how many rows are pending for the treatment afterwards.
    """
    planned = list(planned)
    days = json.dumps([item.day for item in planned])
    with db.atomic():
        _cancel(
            db,
            "patient_id = ? AND treatment_id != ?",
            [patient_id, treatment_id],
            "replaced by a new treatment date",
            now,
        )
        db.execute(
            "UPDATE checkins SET status = ?, note = ? WHERE treatment_id = ? AND status = ? "
            "AND day NOT IN (SELECT value FROM json_each(?))",
            [CANCELLED, f"no longer planned ({utc_iso(now)})", treatment_id, PENDING, days],
        )
        db.conn.executemany(
            "INSERT INTO checkins (patient_id, treatment_id, day, due_at, status, attempts) "
            "VALUES (?, ?, ?, ?, 'pending', 0) "
            "ON CONFLICT (treatment_id, day) DO UPDATE SET due_at = excluded.due_at, "
            "status = 'pending', attempted_at = NULL, note = NULL "
            "WHERE checkins.status IN ('pending', 'cancelled')",
            [(patient_id, treatment_id, item.day, utc_iso(item.due_at)) for item in planned],
        )
        (count,) = db.execute(
            "SELECT COUNT(*) FROM checkins WHERE treatment_id = ? AND status = ?",
            [treatment_id, PENDING],
        ).fetchone()
    return int(count)


def _cancel(
    db: sqlite_utils.Database, where: str, params: list[Any], reason: str, now: datetime
) -> int:
    """Cancel the pending rows matching `where`, and the queued ones whose message still
    waits in the outbox (that message goes too). A queued check-in whose message is on its
    way, or was settled (sent, refused, unknown), has left: it is not cancelled, or opting
    back in would plan it, and send it, again."""
    waiting = (
        "SELECT o.checkin_id FROM outbox o WHERE o.status = 'pending' AND o.checkin_id IN "
        f"(SELECT id FROM checkins WHERE ({where}) AND status = 'queued')"
    )
    note = f"{reason} ({utc_iso(now)})"
    cursor = db.execute(
        f"UPDATE checkins SET status = ?, note = ? WHERE ({where}) AND (status = ? OR "
        f"(status = ? AND id IN ({waiting})))",
        [CANCELLED, note, *params, PENDING, QUEUED, *params],
    )
    db.execute(
        "DELETE FROM outbox WHERE status = 'pending' AND checkin_id IN "
        f"(SELECT id FROM checkins WHERE ({where}) AND status = 'cancelled')",
        params,
    )
    return cursor.rowcount


def cancel_pending(
    db: sqlite_utils.Database, patient_id: int, now: datetime, reason: str = "opted out"
) -> int:
    """Cancel everything not yet sent to the patient (opt-out, pause, unreachable),
    including check-ins queued but not yet on their way. Returns the count."""
    with db.atomic():
        return _cancel(db, "patient_id = ?", [patient_id], reason, now)


def replan_pending(
    db: sqlite_utils.Database, patient_id: int, planned: Iterable[PlannedCheckIn], now: datetime
) -> int:
    """Move the patient's pending check-ins to the times of a fresh plan (/time, /timezone).

    `planned` comes from `plan_checkins` with the new time or zone; a pending day it no
    longer contains is past and irrelevant under the new times and is skipped. Rows in
    flight or already sent are untouched. Returns how many rows were moved.
    """
    due = {item.day: utc_iso(item.due_at) for item in planned}
    moved = 0
    with db.atomic():
        rows = _rows(
            db,
            "SELECT id, day FROM checkins WHERE patient_id = ? AND status = ?",
            [patient_id, PENDING],
        )
        for checkin_id, day in rows:
            if day in due:
                db.execute("UPDATE checkins SET due_at = ? WHERE id = ?", [due[day], checkin_id])
                moved += 1
            else:
                db.execute(
                    "UPDATE checkins SET status = ?, note = ? WHERE id = ?",
                    [SKIPPED, f"past after a change of time ({utc_iso(now)})", checkin_id],
                )
    return moved


def due(db: sqlite_utils.Database, now: datetime, limit: int) -> list[DueCheckIn]:
    """Up to `limit` pending check-ins due by `now`, oldest first, over the (status,
    due_at) index."""
    rows = _rows(
        db,
        "SELECT c.id, c.patient_id, c.treatment_id, c.day, c.due_at, p.chat_id, p.timezone, "
        "(SELECT MIN(n.due_at) FROM checkins n WHERE n.treatment_id = c.treatment_id "
        "AND n.day > c.day AND n.status != 'cancelled') AS next_due_at, "
        "p.id IS NOT NULL AND p.checkins_enabled AND p.reachable AND p.channel = 'telegram' "
        "FROM checkins c LEFT JOIN patients p ON p.id = c.patient_id "
        "WHERE c.status = 'pending' AND c.due_at <= ? ORDER BY c.due_at, c.id LIMIT ?",
        [utc_iso(now), limit],
    )
    return [
        DueCheckIn(
            id=row[0],
            patient_id=row[1],
            treatment_id=row[2],
            day=row[3],
            due_at=from_utc_iso(row[4]),
            chat_id=row[5] if row[5] is not None else row[1],
            timezone=row[6] or "UTC",
            next_due_at=from_utc_iso(row[7]) if row[7] else None,
            sendable=bool(row[8]),
        )
        for row in rows
    ]


def recent_sent(db: sqlite_utils.Database, patient_id: int) -> list[SentCheckIn]:
    """The patient's last three check-ins that arrived, for the fatigue rule."""
    return [
        SentCheckIn(from_utc_iso(sent_at), reply is not None)
        for sent_at, reply in _rows(
            db,
            "SELECT sent_at, reply FROM checkins WHERE patient_id = ? AND status = ? "
            "AND sent_at IS NOT NULL ORDER BY sent_at DESC LIMIT 3",
            [patient_id, SENT],
        )
    ]


def last_heard_from(db: sqlite_utils.Database, patient_id: int) -> datetime | None:
    """When the patient last wrote, tapped or turned check-ins back on."""
    row = db.execute(
        "SELECT last_seen_at, checkins_resumed_at FROM patients WHERE id = ?", [patient_id]
    ).fetchone()
    heard = [from_utc_iso(t) for t in (row or ()) if t]
    return max(heard) if heard else None


def _set(
    db: sqlite_utils.Database,
    checkin_id: int,
    status: str,
    note: str | None,
    now: datetime,
    from_statuses: tuple[str, ...],
) -> bool:
    marks = ",".join("?" * len(from_statuses))
    cursor = db.execute(
        f"UPDATE checkins SET status = ?, note = ? WHERE id = ? AND status IN ({marks})",
        [status, f"{note} ({utc_iso(now)})" if note else None, checkin_id, *from_statuses],
    )
    return cursor.rowcount == 1


def mark_queued(db: sqlite_utils.Database, checkin_id: int, now: datetime) -> bool:
    """The check-in's message is in the outbox, in the same transaction."""
    cursor = db.execute(
        "UPDATE checkins SET status = ?, attempted_at = ?, attempts = attempts + 1, note = NULL "
        "WHERE id = ? AND status = ?",
        [QUEUED, utc_iso(now), checkin_id, PENDING],
    )
    return cursor.rowcount == 1


def mark_skipped(
    db: sqlite_utils.Database, checkin_id: int, now: datetime, reason: str = "stale"
) -> bool:
    """A due check-in no longer worth sending (the late rule): never sent."""
    return _set(db, checkin_id, SKIPPED, reason, now, (PENDING,))


def mark_cancelled(db: sqlite_utils.Database, checkin_id: int, now: datetime, reason: str) -> bool:
    return _set(db, checkin_id, CANCELLED, reason, now, (PENDING, QUEUED))


def defer(db: sqlite_utils.Database, checkin_id: int, until: datetime, now: datetime) -> bool:
    """Due again at `until` (a late one that would land at night)."""
    cursor = db.execute(
        "UPDATE checkins SET due_at = ?, note = ? WHERE id = ? AND status = ?",
        [utc_iso(until), f"deferred out of quiet hours ({utc_iso(now)})", checkin_id, PENDING],
    )
    return cursor.rowcount == 1


def mark_sent(db: sqlite_utils.Database, checkin_id: int, message_id: int, now: datetime) -> bool:
    """Telegram accepted the check-in as message `message_id`."""
    cursor = db.execute(
        "UPDATE checkins SET status = ?, sent_at = ?, message_id = ?, note = NULL "
        "WHERE id = ? AND status = ?",
        [SENT, utc_iso(now), message_id, checkin_id, QUEUED],
    )
    return cursor.rowcount == 1


def mark_unknown(db: sqlite_utils.Database, checkin_id: int, now: datetime, reason: str) -> bool:
    """The send was attempted and its outcome is unknown: never resent (at most once)."""
    return _set(db, checkin_id, UNKNOWN, reason, now, (QUEUED,))


def mark_failed(db: sqlite_utils.Database, checkin_id: int, now: datetime, reason: str) -> bool:
    """Telegram refused the check-in: never resent."""
    return _set(db, checkin_id, FAILED, reason, now, (QUEUED,))


def hand_back(db: sqlite_utils.Database, checkin_id: int, now: datetime) -> bool:
    """A queued check-in that could not go out in its window and was never attempted at
    Telegram: pending again, so the late rule decides (usually: skipped as stale)."""
    cursor = db.execute(
        "UPDATE checkins SET status = ?, note = ? WHERE id = ? AND status = ?",
        [PENDING, f"not sent in its window ({utc_iso(now)})", checkin_id, QUEUED],
    )
    return cursor.rowcount == 1


def mark_shown(
    db: sqlite_utils.Database, patient_id: int, treatment_id: int, day: int, now: datetime
) -> None:
    """The patient has already read the check-in of `day` in another message: skip it.

    Works whether or not the day is planned yet (a patient may opt in after reading it),
    and leaves a row that was sent or is in flight alone. `replace_plan` never revives a
    skipped row, so the check-in is not sent for this treatment.
    """
    with db.atomic():
        db.execute(
            "INSERT INTO checkins (patient_id, treatment_id, day, due_at, status, attempts, note) "
            "VALUES (?, ?, ?, ?, ?, 0, ?) "
            "ON CONFLICT (treatment_id, day) DO UPDATE SET status = excluded.status, "
            "note = excluded.note "
            "WHERE checkins.status IN ('pending', 'cancelled')",
            [
                patient_id,
                treatment_id,
                day,
                utc_iso(now),
                SKIPPED,
                f"shown in the reply to the treatment date ({utc_iso(now)})",
            ],
        )


def pause_checkins(
    db: sqlite_utils.Database, patient_id: int, now: datetime, reason: str = "opted out"
) -> int:
    """Check-ins off for the patient, and everything pending cancelled; returns the count.

    Used for /checkins off, the one-tap pause button and the fatigue pause alike.
    """
    with db.atomic():
        db.execute("UPDATE patients SET checkins_enabled = 0 WHERE id = ?", [patient_id])
        return _cancel(db, "patient_id = ?", [patient_id], reason, now)


def resume_checkins(db: sqlite_utils.Database, patient_id: int, now: datetime) -> None:
    """Check-ins on again; the moment restarts the fatigue count.

    The caller then plans what is still ahead with `replace_plan`.
    """
    db.execute(
        "UPDATE patients SET checkins_enabled = 1, checkins_resumed_at = ? WHERE id = ?",
        [utc_iso(now), patient_id],
    )
