"""The outbox: every message the bot sends, as a row, until Telegram has it.

A decision and the messages it sends commit in one transaction (`enqueue` inside the
conversation's `Store.run`), so a crash never leaves an answer decided but not queued,
nor queued for a decision that did not happen. `bot.telegram.delivery` sends the rows.

A row's life::

    pending --begin (at most once)--> sending --delivered--> (deleted)
       ^  |                              |--retry (backoff)--> pending
       |  |                              |--refused / blocked / ambiguous--> (deleted)
       |  +--(at least once: sent as it is, no write first)--> the same three ends
       +--recover (start-up): sending rows of a killed run, at least once
    sending, at most once, at start-up --> (deleted; its check-in recorded unknown)

**Delivery semantics**, chosen per message when it is queued:
- *at least once* (patient replies, urgent answers, staff alerts and staff messages): a
  row goes back to pending after any failure whose outcome is unknown (a timeout, a
  dropped connection, a crash while sending), so it may arrive twice but never not at
  all. A duplicate alert costs a glance; a lost one can cost a patient.
- *at most once* (check-ins and the "shall I go on?" question): `begin` commits
  `attempted_at` before Telegram is called. A failure that proves the request never
  reached Telegram (it could not connect) is retried; any other failure after that
  moment, or a crash, records the row as `unknown`, never resent: a duplicate "How is
  your skin today?" would make a medical service look broken.

A row is deleted as soon as its fate is settled (delivered, refused, or unknown for an
at-most-once row): message texts and chat ids stay on disk only while a message is on its
way. What a settled row meant is recorded where it matters: a check-in's status, the log.
Timestamps are UTC ISO-8601 text (`scheduler.clock.utc_iso`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from sqlite_utils import Database

from bot.storage import checkins
from scheduler.clock import from_utc_iso, utc_iso

PENDING = "pending"
SENDING = "sending"
FAILED = "failed"
UNKNOWN = "unknown"


class Priority(IntEnum):
    """Which of a chat's waiting messages goes first (lowest first)."""

    URGENT = 0
    """Urgent answers and staff alerts."""
    REPLY = 1
    REPORT = 2
    CHECKIN = 3


@dataclass(frozen=True)
class OutgoingMessage:
    """One Telegram call to make: `method` with `params` (JSON-ready) to `chat_id`."""

    kind: str
    """What it is, for logs and stats: reply, urgent, alert, staff, checkin, edit..."""
    chat_id: int
    method: str
    params: dict[str, Any]
    priority: Priority = Priority.REPLY
    at_most_once: bool = False
    patient_id: int | None = None
    """The patient it goes to or is about, so `/forget` removes it while it waits."""
    checkin_id: int | None = None
    alert_id: int | None = None
    not_after: datetime | None = None
    """At-most-once messages too late after this are handed back unsent."""


@dataclass(frozen=True)
class QueuedMessage:
    """A row of the outbox, as the sender sees it."""

    id: int
    message: OutgoingMessage
    attempts: int
    created_at: datetime


def enqueue(db: Database, message: OutgoingMessage, now: datetime) -> int:
    """Queue `message`; it is sent after the caller's transaction commits."""
    cursor = db.execute(
        "INSERT INTO outbox (kind, chat_id, patient_id, method, payload, priority, at_most_once, "
        "status, attempts, created_at, next_attempt_at, checkin_id, alert_id, not_after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)",
        [
            message.kind,
            message.chat_id,
            message.patient_id,
            message.method,
            json.dumps(message.params, ensure_ascii=False),
            int(message.priority),
            int(message.at_most_once),
            utc_iso(now),
            utc_iso(now),
            message.checkin_id,
            message.alert_id,
            utc_iso(message.not_after) if message.not_after else None,
        ],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def queued_alone(
    db: Database, message_id: int, message: OutgoingMessage, now: datetime
) -> QueuedMessage | None:
    """The row `enqueue` just wrote for `message` at `now`, as the sender would read it,
    when nothing else of its chat waits or is on its way; None otherwise. The sender can
    then send it as it is, without looking at the outbox again (`Delivery.offer`)."""
    other = db.execute(
        "SELECT 1 FROM outbox WHERE chat_id = ? AND status IN ('pending', 'sending') "
        "AND id <> ? LIMIT 1",
        [message.chat_id, message_id],
    ).fetchone()
    if other is not None:
        return None
    return QueuedMessage(message_id, message, 0, from_utc_iso(utc_iso(now)))


_WAITING = (
    "SELECT id, chat_id, status = 'sending', priority, kind <> 'alert', next_attempt_at "
    "FROM outbox WHERE status IN ('pending', 'sending')"
)
"""What picks each chat's first message: only the columns its order needs, so a look at
the outbox reads no message text but that of the messages sent now."""


def ready(
    db: Database, now: datetime, limit: int, busy_chats: frozenset[int]
) -> list[QueuedMessage]:
    """Up to `limit` messages to send now: for each chat, its first waiting message (by
    priority, alerts first, then age) if it is due and nothing else of that chat is on its
    way. Alerts go before the staff chat's other urgent messages, so a note backing off
    after failures never holds a warning sign back."""
    return due(db, now, limit, busy_chats)[0]


def due(
    db: Database, now: datetime, limit: int, busy_chats: frozenset[int]
) -> tuple[list[QueuedMessage], datetime | None]:
    """What the sender needs in one look: the messages to send now (`ready`), and when
    the first waiting message of another chat falls due (None: nothing waits). Chats in
    `busy_chats` are left out of both: the sender looks again when their message is done."""
    # Each chat's first message is picked here rather than by a window function in SQL,
    # which sorted every waiting row with all its columns at each wake-up of the sender.
    first: dict[int, tuple[Any, ...]] = {}
    for row in db.execute(_WAITING).fetchall():
        chat_id = row[1]
        if chat_id in busy_chats:
            continue
        best = first.get(chat_id)
        if best is None or _place(row) < _place(best):
            first[chat_id] = row
    now_text = utc_iso(now)
    heads = [row for row in first.values() if not row[2]]  # a message on its way: busy
    later = min((row[5] for row in heads if row[5] > now_text), default=None)
    sent_now = sorted((row for row in heads if row[5] <= now_text), key=lambda r: (r[3], r[0]))
    ids = [row[0] for row in sent_now[:limit]]
    batch: list[QueuedMessage] = []
    if ids:
        rows = db.execute(
            "SELECT * FROM outbox WHERE id IN (SELECT value FROM json_each(?)) "
            "ORDER BY priority, id",
            [json.dumps(ids)],
        )
        columns = [d[0] for d in rows.description]
        batch = [_queued(dict(zip(columns, row, strict=True))) for row in rows.fetchall()]
    return batch, from_utc_iso(later) if later else None


def _place(row: tuple[Any, ...]) -> tuple[int, int, int, int]:
    """A waiting row's place in its chat's line: one on its way first, then by
    priority, alerts before other messages of the same priority, then age."""
    return (-row[2], row[3], row[4], row[0])


def next_due(db: Database) -> datetime | None:
    """When the next waiting message may be tried, or None when nothing waits."""
    row = db.execute("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'").fetchone()
    return from_utc_iso(row[0]) if row and row[0] else None


def begin(db: Database, message_id: int, now: datetime) -> bool:
    """Mark a row as on its way and attempted, before an at-most-once message is sent;
    False if it is no longer pending (cancelled meanwhile, e.g. by /forget). At-least-once
    rows are sent without it: a crash leaves them pending, and pending rows are sent again,
    which is what `recover` does for them anyway."""
    cursor = db.execute(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, attempted_at = ? "
        "WHERE id = ? AND status = 'pending'",
        [utc_iso(now), message_id],
    )
    return cursor.rowcount == 1


def delivered(db: Database, message_id: int) -> None:
    """Telegram has it: the row (its text, its chat) is deleted."""
    db.execute("DELETE FROM outbox WHERE id = ?", [message_id])


def retry(db: Database, message_id: int, at: datetime, error: str, attempts: int) -> None:
    """Not delivered, and safe to send again: back to pending, tried again at `at`, after
    `attempts` tries so far (the backoff grows with them)."""
    db.execute(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ?, error = ?, attempts = ? "
        "WHERE id = ?",
        [utc_iso(at), error, attempts, message_id],
    )


def give_up(db: Database, message_id: int, status: str, error: str) -> None:
    """Refused for good (`failed`), or unknown whether it arrived (`unknown`): the row
    goes, text, chat and all. What it means is recorded where it matters (a check-in's
    status, the log); `status` and `error` name it for the caller's record."""
    db.execute("DELETE FROM outbox WHERE id = ?", [message_id])


def waits_for_chat(db: Database, chat_id: int) -> bool:
    """Whether any message for a chat is waiting or on its way."""
    row = db.execute(
        "SELECT 1 FROM outbox WHERE chat_id = ? AND status IN ('pending', 'sending') LIMIT 1",
        [chat_id],
    ).fetchone()
    return row is not None


def cancel_for_chat(db: Database, chat_id: int) -> int:
    """Drop every message waiting for a chat (the patient blocked the bot)."""
    return db.execute(
        "DELETE FROM outbox WHERE chat_id = ? AND status = 'pending'", [chat_id]
    ).rowcount


def recover(db: Database, now: datetime) -> tuple[int, list[QueuedMessage]]:
    """At start-up, settle the rows a killed run left `sending`: at-least-once rows go
    back to pending (sent again); at-most-once rows are settled as `unknown` and their
    check-ins recorded so, in the same transaction (a check-in left `queued` without its
    message could otherwise be planned, and sent, again). Returns the count sent again and
    the rows settled."""
    resent = db.execute(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ? "
        "WHERE status = 'sending' AND at_most_once = 0",
        [utc_iso(now)],
    ).rowcount
    rows = db.execute("SELECT * FROM outbox WHERE status = 'sending' AND at_most_once = 1")
    columns = [d[0] for d in rows.description]
    unknown = [_queued(dict(zip(columns, row, strict=True))) for row in rows.fetchall()]
    reason = "interrupted while sending; not resent (at most once)"
    for queued in unknown:
        give_up(db, queued.id, UNKNOWN, reason)
        if queued.message.checkin_id is not None:
            checkins.mark_unknown(db, queued.message.checkin_id, now, reason)
    return resent, unknown


def waiting_alerts(db: Database, older_than: datetime) -> list[tuple[int, datetime]]:
    """Staff alerts still not delivered that were queued before `older_than`."""
    rows = db.execute(
        "SELECT id, created_at FROM outbox WHERE kind = 'alert' AND status IN ('pending', "
        "'sending') AND created_at < ? ORDER BY id",
        [utc_iso(older_than)],
    ).fetchall()
    return [(row[0], from_utc_iso(row[1])) for row in rows]


def backoff(attempts: int, cap_seconds: float) -> timedelta:
    """How long to wait before the next try after `attempts` failed ones."""
    return timedelta(seconds=min(cap_seconds, 2.0 ** max(0, attempts - 1)))


def _queued(row: dict[str, Any]) -> QueuedMessage:
    message = OutgoingMessage(
        kind=row["kind"],
        chat_id=row["chat_id"],
        method=row["method"],
        params=json.loads(row["payload"]),
        priority=Priority(row["priority"]),
        at_most_once=bool(row["at_most_once"]),
        patient_id=row["patient_id"],
        checkin_id=row["checkin_id"],
        alert_id=row["alert_id"],
        not_after=from_utc_iso(row["not_after"]) if row["not_after"] else None,
    )
    return QueuedMessage(row["id"], message, row["attempts"], from_utc_iso(row["created_at"]))
