"""What the bot stores about patients, as plain functions over a `sqlite_utils.Database`.

Each function is meant to run inside `Store.run` / `Store.run_sync` (one transaction per
call) and takes `now` from its caller rather than reading a clock. Nothing here keeps
message text linked to a patient: questions and warning signs are logged as decisions
and rule ids only. The texts of questions the bot could not answer go to `unanswered`,
deliberately without a patient id, so staff can improve the knowledge from them and they
survive `/forget` without identifying anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, TypedDict
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.matching import Decision
from bot.storage import from_utc_iso, utc_iso

# Where a conversation is waiting for the patient's next message.
AWAITING_DATE = "awaiting_date"
AWAITING_CHECKIN_CHOICE = "awaiting_checkin_choice"
AWAITING_FORGET_CONFIRM = "awaiting_forget_confirm"
TELEGRAM = "telegram"
"""The channel of patients who write through Telegram; check-ins go only to them."""
TERMINAL = "terminal"

UnansweredDecision = Literal["fallback", "suggest"]


@dataclass(frozen=True)
class Patient:
    """A person who talks to the bot, with their preferences and newest treatment date."""

    id: int
    chat_id: int
    first_name: str | None
    username: str | None
    timezone: ZoneInfo
    checkin_time: time
    checkins_enabled: bool
    reachable: bool
    state: str | None
    created_at: datetime
    last_seen_at: datetime
    treated_on: date | None = None


@dataclass(frozen=True)
class Treatment:
    """One treatment date a patient gave; the newest one entered is the one that counts."""

    id: int
    patient_id: int
    treated_on: date
    created_at: datetime


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question the bot fell back on or was unsure about, kept for staff."""

    text: str
    asked_at: datetime
    decision: UnansweredDecision
    closest_rule: str | None
    score: float | None


class PeriodStats(TypedDict):
    new_patients: int
    questions_answered: int
    questions_suggested: int
    questions_fallen_back: int
    red_flags: int
    checkins_sent: int
    checkins_skipped: int
    checkins_failed: int
    checkin_replies: int


class Stats(TypedDict):
    patients: int
    opted_in: int
    unreachable: int
    last_7_days: PeriodStats
    last_30_days: PeriodStats


def get_patient(db: Database, patient_id: int) -> Patient | None:
    """The patient with this Telegram user id, or None if we have never met."""
    row = next(db.query("SELECT * FROM patients WHERE id = ?", [patient_id]), None)
    if row is None:
        return None
    treatment = newest_treatment(db, patient_id)
    return _patient(row, treatment.treated_on if treatment else None)


def get_or_create_patient(
    db: Database,
    patient_id: int,
    *,
    chat_id: int,
    first_name: str | None,
    username: str | None,
    timezone: ZoneInfo,
    checkin_time: time,
    now: datetime,
    channel: str = TELEGRAM,
) -> Patient:
    """The patient, created on first contact and refreshed on every later one.

    `timezone` and `checkin_time` are the clinic's defaults, used only for a new patient.
    A patient who writes to us is reachable again, whatever happened before.
    """
    seen = utc_iso(now)
    if db.execute("SELECT 1 FROM patients WHERE id = ?", [patient_id]).fetchone():
        db.execute(
            "UPDATE patients SET chat_id = ?, first_name = ?, username = ?, reachable = 1, "
            "last_seen_at = ? WHERE id = ?",
            [chat_id, first_name, username, seen, patient_id],
        )
    else:
        db.table("patients").insert(
            {
                "id": patient_id,
                "chat_id": chat_id,
                "first_name": first_name,
                "username": username,
                "timezone": _zone_name(timezone),
                "checkin_time": checkin_time.strftime("%H:%M"),
                "checkins_enabled": 0,
                "reachable": 1,
                "state": None,
                "created_at": seen,
                "last_seen_at": seen,
                "channel": channel,
            }
        )
    patient = get_patient(db, patient_id)
    assert patient is not None  # written just above, in the same transaction
    return patient


def add_treatment(db: Database, patient_id: int, treated_on: date, now: datetime) -> Treatment:
    """Record a treatment date; from now on it is the patient's newest."""
    created_at = utc_iso(now)
    table = db.table("treatments")
    table.insert(
        {"patient_id": patient_id, "treated_on": treated_on.isoformat(), "created_at": created_at}
    )
    assert table.last_rowid is not None
    return Treatment(table.last_rowid, patient_id, treated_on, from_utc_iso(created_at))


def newest_treatment(db: Database, patient_id: int) -> Treatment | None:
    """The treatment the patient told us about last (a correction of a mistyped date wins
    over the earlier entry, even if it is an earlier date)."""
    row = next(
        db.query(
            "SELECT * FROM treatments WHERE patient_id = ? ORDER BY id DESC LIMIT 1",
            [patient_id],
        ),
        None,
    )
    if row is None:
        return None
    return Treatment(
        row["id"],
        row["patient_id"],
        date.fromisoformat(row["treated_on"]),
        from_utc_iso(row["created_at"]),
    )


def set_state(db: Database, patient_id: int, state: str | None) -> None:
    """Where the conversation waits next (`AWAITING_...`), or None for free questions."""
    _update(db, patient_id, state=state)


def set_checkins_enabled(db: Database, patient_id: int, enabled: bool) -> None:
    _update(db, patient_id, checkins_enabled=int(enabled))


def set_checkin_time(db: Database, patient_id: int, checkin_time: time) -> None:
    _update(db, patient_id, checkin_time=checkin_time.strftime("%H:%M"))


def set_timezone(db: Database, patient_id: int, timezone: ZoneInfo) -> None:
    """The patient's time zone (read a typed name with `bot.config.parse_timezone`)."""
    _update(db, patient_id, timezone=_zone_name(timezone))


def mark_unreachable(db: Database, patient_id: int) -> None:
    """The patient blocked the bot; nothing more is sent until they write again."""
    _update(db, patient_id, reachable=0)


def record_question(
    db: Database,
    patient_id: int,
    decision: Decision,
    rule: str | None,
    red_flag: bool,
    now: datetime,
) -> None:
    """Log how a question was handled, for the stats; the question's text is not kept."""
    # Plain SQL: this runs for every message, and sqlite-utils' insert reads the table's
    # schema each time.
    db.execute(
        "INSERT INTO questions (patient_id, asked_at, decision, rule, red_flag) "
        "VALUES (?, ?, ?, ?, ?)",
        [patient_id, utc_iso(now), decision, rule, int(red_flag)],
    )


def record_unanswered(
    db: Database,
    text: str,
    decision: UnansweredDecision,
    closest_rule: str | None,
    score: float | None,
    now: datetime,
) -> None:
    """Keep a question the knowledge could not answer confidently, for staff to review.

    Deliberately not linked to a patient: see the module docstring.
    """
    db.execute(
        "INSERT INTO unanswered (text, asked_at, decision, closest_rule, score) "
        "VALUES (?, ?, ?, ?, ?)",
        [text, utc_iso(now), decision, closest_rule, score],
    )


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


def forget_patient(db: Database, patient_id: int) -> int:
    """Delete everything stored about a patient; returns how many rows went.

    The tables are found from the schema (every table with a `patient_id` column), so a
    table added by a later migration is covered without changing this function.
    """
    # Rows reference each other (a check-in its treatment); checking the foreign keys
    # at commit lets the tables be emptied in any order.
    db.execute("PRAGMA defer_foreign_keys = ON")
    deleted = 0
    for table in db.tables:
        if "patient_id" in table.columns_dict:
            deleted += db.execute(
                f'DELETE FROM "{table.name}" WHERE patient_id = ?', [patient_id]
            ).rowcount
    deleted += db.execute("DELETE FROM patients WHERE id = ?", [patient_id]).rowcount
    return deleted


def stats(db: Database, now: datetime) -> Stats:
    """Counts for staff: patients now, and activity over the last 7 and 30 days."""

    def count(sql: str, *params: Any) -> int:
        return int(db.execute(sql, params).fetchone()[0])

    def period(days: int) -> PeriodStats:
        since = utc_iso(now - timedelta(days=days))

        def questions(decision: str) -> int:
            return count(
                "SELECT count(*) FROM questions WHERE decision = ? AND asked_at >= ?",
                decision,
                since,
            )

        def checkins(status: str) -> int:
            return count(
                "SELECT count(*) FROM checkins WHERE status = ? AND coalesce(sent_at, due_at) >= ?",
                status,
                since,
            )

        return {
            "new_patients": count("SELECT count(*) FROM patients WHERE created_at >= ?", since),
            "questions_answered": questions("answer"),
            "questions_suggested": questions("suggest"),
            "questions_fallen_back": questions("fallback"),
            "red_flags": count("SELECT count(*) FROM red_flags WHERE created_at >= ?", since),
            "checkins_sent": checkins("sent"),
            "checkins_skipped": checkins("skipped"),
            "checkins_failed": checkins("failed"),
            "checkin_replies": count("SELECT count(*) FROM checkins WHERE replied_at >= ?", since),
        }

    return {
        "patients": count("SELECT count(*) FROM patients"),
        "opted_in": count("SELECT count(*) FROM patients WHERE checkins_enabled = 1"),
        "unreachable": count("SELECT count(*) FROM patients WHERE reachable = 0"),
        "last_7_days": period(7),
        "last_30_days": period(30),
    }


def unanswered_questions(db: Database, since: datetime | None) -> list[UnansweredQuestion]:
    """The questions kept for staff, newest first; only those asked at or after `since`."""
    where, params = ("WHERE asked_at >= ?", [utc_iso(since)]) if since else ("", [])
    rows = db.query(f"SELECT * FROM unanswered {where} ORDER BY asked_at DESC, id DESC", params)
    return [
        UnansweredQuestion(
            text=row["text"],
            asked_at=from_utc_iso(row["asked_at"]),
            decision=row["decision"],
            closest_rule=row["closest_rule"],
            score=row["score"],
        )
        for row in rows
    ]


def _update(db: Database, patient_id: int, **values: Any) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    db.execute(f"UPDATE patients SET {assignments} WHERE id = ?", [*values.values(), patient_id])


def _patient(row: dict[str, Any], treated_on: date | None) -> Patient:
    return Patient(
        id=row["id"],
        chat_id=row["chat_id"],
        first_name=row["first_name"],
        username=row["username"],
        timezone=ZoneInfo(row["timezone"]),
        checkin_time=time.fromisoformat(row["checkin_time"]),
        checkins_enabled=bool(row["checkins_enabled"]),
        reachable=bool(row["reachable"]),
        state=row["state"],
        created_at=from_utc_iso(row["created_at"]),
        last_seen_at=from_utc_iso(row["last_seen_at"]),
        treated_on=treated_on,
    )


def _zone_name(zone: ZoneInfo) -> str:
    if zone.key is None:
        raise ValueError("a time zone loaded from a file has no IANA name to store")
    return zone.key
