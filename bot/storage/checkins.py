"""The check-in outbox: planned check-ins as rows, and every state change they go through.

Each function takes the `sqlite_utils.Database` first and is meant to run inside
`Store.run` (one transaction on the database's own thread); each also wraps itself in
`db.atomic()`, so it is atomic on a bare `Database` too.

A row's life::

    pending --claim_due--> claimed --begin_attempt--> claimed + attempted_at --> sent
       ^                      |                                  |
       +------release---------+  (never attempted: safe to retry) +--> failed | cancelled
    pending --cancel_pending / replace_plan--> cancelled;   claimed --stale--> skipped
    claimed --defer (late, and now is night for the patient)--> pending, due at quiet end
    (none) | pending | cancelled --mark_shown (read in the date reply)--> skipped

**Delivery semantics: at most once.** Sending is claim, begin attempt, send, record.
`begin_attempt` writes `attempted_at` in its own committed transaction *before* Telegram
is called, and the only moment whose outcome cannot be known is after that write and
before `mark_sent` commits (the request may or may not have reached Telegram). A check-in
caught there, by a crash (`recover_claimed` at start-up) or by an error that leaves the
request's fate unknown (a read timeout, a dropped connection), is marked ``failed`` and
is never resent. A duplicate "How is your skin today?" would make a medical service look
broken, and in practice this moment lasts one HTTP round trip, in which the message has
usually already arrived. A row claimed but never attempted (``attempted_at`` empty) is
safe to retry: it goes back to ``pending`` and the late rule decides whether it is still
worth sending. Nothing else is lost: every other crash point leaves a row that the next
tick or start-up picks up. This holds across power loss too as long as SQLite runs with
``synchronous=FULL`` (its default, which the Store keeps): with NORMAL in WAL mode a
committed ``attempted_at`` could vanish, and a delivered check-in would be resent.

Timestamps are stored as UTC ISO-8601 text with seconds (``2026-11-27T10:00:00+00:00``),
so text order is time order and the ``(status, due_at)`` index serves `claim_due`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import sqlite_utils

from scheduler.clock import from_utc_iso, utc_iso
from scheduler.planning import PlannedCheckIn, SentCheckIn, should_ask_to_continue

PENDING = "pending"
CLAIMED = "claimed"
SENT = "sent"
SKIPPED = "skipped"
CANCELLED = "cancelled"
FAILED = "failed"


@dataclass(frozen=True)
class ClaimedCheckIn:
    """A due check-in this dispatcher now owns, with what it needs to send it."""

    id: int
    patient_id: int
    treatment_id: int
    day: int
    due_at: datetime
    chat_id: int
    timezone: str
    next_due_at: datetime | None


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


class Attempt(Enum):
    """What `begin_attempt` decided for a claimed check-in."""

    SEND = "send"
    ASK_TO_CONTINUE = "ask-to-continue"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Recovery:
    """What `recover_claimed` did with rows a previous process left claimed."""

    released: int
    failed: int


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
            "status = 'pending', claimed_at = NULL, attempted_at = NULL, note = NULL "
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
    """Cancel pending rows, and claimed rows no send was attempted for, matching `where`."""
    cursor = db.execute(
        f"UPDATE checkins SET status = ?, note = ? WHERE ({where}) "
        "AND (status = ? OR (status = ? AND attempted_at IS NULL))",
        [CANCELLED, f"{reason} ({utc_iso(now)})", *params, PENDING, CLAIMED],
    )
    return cursor.rowcount


def cancel_pending(
    db: sqlite_utils.Database, patient_id: int, now: datetime, reason: str = "opted out"
) -> int:
    """Cancel everything not yet sent to the patient (opt-out, pause, unreachable).

    Rows claimed by a running dispatcher but not yet attempted are cancelled too; the
    dispatcher's `begin_attempt` then finds them gone and sends nothing. Returns the count.
    """
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


def claim_due(db: sqlite_utils.Database, now: datetime, limit: int) -> list[ClaimedCheckIn]:
    """Atomically take up to `limit` pending check-ins due by `now`, oldest first.

    The rows become 'claimed' in one UPDATE over the (status, due_at) index, so two
    claims never return the same row.
    """
    stamp = utc_iso(now)
    with db.atomic():
        ids = [
            row[0]
            for row in _rows(
                db,
                "UPDATE checkins SET status = 'claimed', claimed_at = ? WHERE id IN ("
                "SELECT id FROM checkins WHERE status = 'pending' AND due_at <= ? "
                "ORDER BY due_at LIMIT ?) RETURNING id",
                [stamp, stamp, limit],
            )
        ]
        if not ids:
            return []
        rows = _rows(
            db,
            "SELECT c.id, c.patient_id, c.treatment_id, c.day, c.due_at, p.chat_id, "
            "(SELECT MIN(n.due_at) FROM checkins n WHERE n.treatment_id = c.treatment_id "
            "AND n.day > c.day AND n.status != 'cancelled') AS next_due_at, p.timezone "
            "FROM checkins c LEFT JOIN patients p ON p.id = c.patient_id "
            "WHERE c.id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)],
        )
    claimed = [
        ClaimedCheckIn(
            id=row[0],
            patient_id=row[1],
            treatment_id=row[2],
            day=row[3],
            due_at=from_utc_iso(row[4]),
            chat_id=row[5] if row[5] is not None else row[1],
            timezone=row[7] or "UTC",
            next_due_at=from_utc_iso(row[6]) if row[6] else None,
        )
        for row in rows
    ]
    return sorted(claimed, key=lambda c: (c.due_at, c.id))


def begin_attempt(db: sqlite_utils.Database, checkin_id: int, now: datetime) -> Attempt:
    """Decide, and record before Telegram is called, whether a claimed check-in goes out.

    Rechecks in one transaction what may have changed since the claim: the row must
    still be claimed and the patient still opted in and reachable (otherwise the row is
    cancelled). If the patient ignored the last check-ins (`should_ask_to_continue`), the
    patient is paused instead: check-ins off, everything pending cancelled, and the caller
    asks once whether to continue. Otherwise `attempted_at` is written: from here on the
    row is never resent (see the module docstring).
    """
    with db.atomic():
        found = _rows(
            db,
            "SELECT c.status, c.patient_id, p.id, p.checkins_enabled, "
            "p.reachable AND p.channel = 'telegram', p.last_seen_at, p.checkins_resumed_at "
            "FROM checkins c LEFT JOIN patients p ON p.id = c.patient_id WHERE c.id = ?",
            [checkin_id],
        )
        if not found or found[0][0] != CLAIMED:
            return Attempt.CANCELLED
        _, patient_id, known, enabled, reachable, last_seen, resumed = found[0]
        if known is None or not enabled or not reachable:
            db.execute(
                "UPDATE checkins SET status = ?, note = ? WHERE id = ?",
                [CANCELLED, f"patient opted out or unreachable ({utc_iso(now)})", checkin_id],
            )
            return Attempt.CANCELLED
        recent = [
            SentCheckIn(from_utc_iso(sent_at), reply is not None)
            for sent_at, reply in _rows(
                db,
                "SELECT sent_at, reply FROM checkins WHERE patient_id = ? AND status = ? "
                "AND sent_at IS NOT NULL ORDER BY sent_at DESC LIMIT 3",
                [patient_id, SENT],
            )
        ]
        heard = [from_utc_iso(t) for t in (last_seen, resumed) if t]
        if should_ask_to_continue(recent, max(heard) if heard else None):
            pause_checkins(db, patient_id, now, reason="paused after check-ins went unanswered")
            return Attempt.ASK_TO_CONTINUE
        db.execute(
            "UPDATE checkins SET attempted_at = ?, attempts = COALESCE(attempts, 0) + 1 "
            "WHERE id = ?",
            [utc_iso(now), checkin_id],
        )
    return Attempt.SEND


def _finish(
    db: sqlite_utils.Database, checkin_id: int, status: str, note: str | None, now: datetime
) -> bool:
    with db.atomic():
        cursor = db.execute(
            "UPDATE checkins SET status = ?, note = ? WHERE id = ? AND status = ?",
            [status, f"{note} ({utc_iso(now)})" if note else None, checkin_id, CLAIMED],
        )
    return cursor.rowcount == 1


def mark_sent(db: sqlite_utils.Database, checkin_id: int, message_id: int, now: datetime) -> bool:
    """Record that Telegram accepted the check-in as message `message_id`."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE checkins SET status = ?, sent_at = ?, message_id = ?, note = NULL "
            "WHERE id = ? AND status = ?",
            [SENT, utc_iso(now), message_id, checkin_id, CLAIMED],
        )
    return cursor.rowcount == 1


def mark_skipped(
    db: sqlite_utils.Database, checkin_id: int, now: datetime, reason: str = "stale"
) -> bool:
    """A claimed check-in that is no longer relevant (the late rule): never sent."""
    return _finish(db, checkin_id, SKIPPED, reason, now)


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
            "note = excluded.note, claimed_at = NULL "
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


def mark_failed(db: sqlite_utils.Database, checkin_id: int, now: datetime, reason: str) -> bool:
    """A check-in Telegram refused, or whose send has an unknown outcome: never resent."""
    return _finish(db, checkin_id, FAILED, reason, now)


def release(db: sqlite_utils.Database, checkin_id: int) -> bool:
    """Hand a claimed check-in back for the next tick: Telegram never received it."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE checkins SET status = ?, claimed_at = NULL, attempted_at = NULL "
            "WHERE id = ? AND status = ?",
            [PENDING, checkin_id, CLAIMED],
        )
    return cursor.rowcount == 1


def defer(db: sqlite_utils.Database, checkin_id: int, until: datetime, now: datetime) -> bool:
    """Put a claimed check-in back, due at `until` (a late one that would land at night)."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE checkins SET status = ?, due_at = ?, claimed_at = NULL, attempted_at = NULL, "
            "note = ? WHERE id = ? AND status = ?",
            [
                PENDING,
                utc_iso(until),
                f"deferred out of quiet hours ({utc_iso(now)})",
                checkin_id,
                CLAIMED,
            ],
        )
    return cursor.rowcount == 1


def mark_unreachable(
    db: sqlite_utils.Database, patient_id: int, checkin_id: int | None, now: datetime
) -> int:
    """The patient blocked the bot (Forbidden): flag them and cancel all they had pending."""
    with db.atomic():
        db.execute("UPDATE patients SET reachable = 0 WHERE id = ?", [patient_id])
        if checkin_id is not None:
            _finish(db, checkin_id, CANCELLED, "the patient blocked the bot", now)
        return _cancel(db, "patient_id = ?", [patient_id], "the patient blocked the bot", now)


def recover_claimed(db: sqlite_utils.Database, now: datetime) -> Recovery:
    """At start-up, settle the rows a crashed or killed process left 'claimed'.

    Call it once before the first tick: with one dispatcher per database, every claimed
    row then belongs to a dead process. Never attempted: back to pending, and the late
    rule decides at the next tick. Attempted but not recorded: the ambiguous moment,
    marked failed and not resent (at most once, see the module docstring).
    """
    with db.atomic():
        released = db.execute(
            "UPDATE checkins SET status = ?, claimed_at = NULL "
            "WHERE status = ? AND attempted_at IS NULL",
            [PENDING, CLAIMED],
        ).rowcount
        failed = db.execute(
            "UPDATE checkins SET status = ?, note = ? WHERE status = ?",
            [
                FAILED,
                f"interrupted after the send began; not resent, at most once ({utc_iso(now)})",
                CLAIMED,
            ],
        ).rowcount
    return Recovery(released, failed)


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
    rows = _rows(
        db,
        f"SELECT {_ROW_COLUMNS} FROM checkins WHERE patient_id = ? AND status IN (?, ?) "
        "ORDER BY due_at, day LIMIT 1",
        [patient_id, PENDING, CLAIMED],
    )
    return _checkin_row(rows[0]) if rows else None


def get_checkin(db: sqlite_utils.Database, checkin_id: int) -> CheckInRow | None:
    """One check-in by id."""
    rows = _rows(db, f"SELECT {_ROW_COLUMNS} FROM checkins WHERE id = ?", [checkin_id])
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
