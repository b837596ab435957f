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
from datetime import date, datetime, time
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.storage import checkins
from scheduler.clock import from_utc_iso, utc_iso

TELEGRAM = "telegram"
"""The channel of patients who write through Telegram; check-ins go only to them."""
TERMINAL = "terminal"


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
    state_since: datetime | None
    created_at: datetime
    last_seen_at: datetime
    treated_on: date | None = None
    photo_consent: bool = False
    """The patient agreed that their photos go to the clinic team's chat."""
    photo_pending: int | None = None
    """A photo (message id) waiting for that consent."""


@dataclass(frozen=True)
class Treatment:
    """One treatment date a patient gave; the newest one entered is the one that counts."""

    id: int
    patient_id: int
    treated_on: date
    created_at: datetime


class Greeting(NamedTuple):
    """A patient met by `greet_patient`."""

    patient: Patient
    was_reachable: bool | None
    """Whether they were reachable before this contact; None for a new patient."""


_WITH_NEWEST_TREATMENT = (
    "SELECT patients.*, (SELECT treated_on FROM treatments WHERE patient_id = patients.id "
    "ORDER BY id DESC LIMIT 1) AS newest_treated_on FROM patients WHERE id = ?"
)
"""A patient's row and their newest treatment date in one statement (`newest_treatment`
says which one counts)."""


def get_patient(db: Database, patient_id: int) -> Patient | None:
    """The patient with this Telegram user id, or None if we have never met."""
    row = _patient_row(db, patient_id)
    return _patient(row) if row is not None else None


def greet_patient(
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
) -> Greeting:
    """The patient, created on first contact and refreshed on every later one, and whether
    they were reachable before this contact (None for a new patient).

    `timezone` and `checkin_time` are the clinic's defaults, used only for a new patient.
    A patient who writes to us is reachable again, whatever happened before. Every message
    of a patient we know costs one read and one write: the refreshed patient is the row
    read, with what was just written."""
    seen = utc_iso(now)
    row = _patient_row(db, patient_id)
    if row is not None:
        db.execute(
            "UPDATE patients SET chat_id = ?, first_name = ?, username = ?, reachable = 1, "
            "last_seen_at = ? WHERE id = ?",
            [chat_id, first_name, username, seen, patient_id],
        )
        was_reachable = bool(row["reachable"])
        row.update(
            chat_id=chat_id,
            first_name=first_name,
            username=username,
            reachable=1,
            last_seen_at=seen,
        )
        return Greeting(_patient(row), was_reachable)
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
    return Greeting(patient, None)


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


def set_state(
    db: Database, patient_id: int, state: str | None, now: datetime | None = None
) -> None:
    """Where the conversation waits next (`bot.conversation.states.State`), or None for
    free questions; `now` dates it, so an old button can be told from a fresh one."""
    _update(db, patient_id, state=state, state_since=utc_iso(now) if now else None)


def set_checkins_enabled(db: Database, patient_id: int, enabled: bool) -> None:
    _update(db, patient_id, checkins_enabled=int(enabled))


def set_checkin_time(db: Database, patient_id: int, checkin_time: time) -> None:
    _update(db, patient_id, checkin_time=checkin_time.strftime("%H:%M"))


def set_timezone(db: Database, patient_id: int, timezone: ZoneInfo) -> None:
    """The patient's time zone (read a typed name with `bot.config.parse_timezone`)."""
    _update(db, patient_id, timezone=_zone_name(timezone))


def mark_unreachable(db: Database, patient_id: int, now: datetime) -> None:
    """The patient blocked the bot: nothing more is sent until they write again. Their
    pending check-ins are cancelled (planned again if they come back with check-ins on)
    and the messages waiting for them dropped."""
    _update(db, patient_id, reachable=0)
    checkins.cancel_pending(db, patient_id, now, "the patient blocked the bot")
    db.execute("DELETE FROM outbox WHERE patient_id = ? AND status = 'pending'", [patient_id])


def set_photo_consent(db: Database, patient_id: int, consent: bool) -> None:
    _update(db, patient_id, photo_consent=int(consent))


def set_photo_pending(db: Database, patient_id: int, message_id: int | None) -> None:
    """A photo waiting for the patient's consent (None: no longer waiting)."""
    _update(db, patient_id, photo_pending=message_id)


def find_by_first_name(db: Database, first_name: str) -> list[Patient]:
    """Patients with this first name (any case), for staff who know only the name."""
    rows = db.execute(
        "SELECT id FROM patients WHERE lower(first_name) = lower(?) LIMIT 5", [first_name]
    ).fetchall()
    found = [get_patient(db, row[0]) for row in rows]
    return [patient for patient in found if patient is not None]


_TABLES_WITH_PATIENT_ID = (
    # One query, not sqlite-utils' per-table introspection (a millisecond of /forget's five).
    "SELECT m.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS c "
    "WHERE m.type = 'table' AND c.name = 'patient_id' ORDER BY m.name"
)


def forget_patient(db: Database, patient_id: int) -> int:
    """Delete everything stored about a patient; returns how many rows went.

    The tables are found from the schema (every table with a `patient_id` column), so a
    table added by a later migration is covered without changing this function.
    """
    # Rows reference each other (a check-in its treatment); checking the foreign keys
    # at commit lets the tables be emptied in any order.
    db.execute("PRAGMA defer_foreign_keys = ON")
    deleted = 0
    for (table,) in db.execute(_TABLES_WITH_PATIENT_ID).fetchall():
        deleted += db.execute(f'DELETE FROM "{table}" WHERE patient_id = ?', [patient_id]).rowcount
    deleted += db.execute("DELETE FROM patients WHERE id = ?", [patient_id]).rowcount
    return deleted


def _update(db: Database, patient_id: int, **values: Any) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    db.execute(f"UPDATE patients SET {assignments} WHERE id = ?", [*values.values(), patient_id])


def _patient_row(db: Database, patient_id: int) -> dict[str, Any] | None:
    # Plain `execute`: sqlite-utils' `query` wraps every read in a savepoint of its own.
    cursor = db.execute(_WITH_NEWEST_TREATMENT, [patient_id])
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


def _patient(row: dict[str, Any]) -> Patient:
    treated_on = row["newest_treated_on"]
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
        state_since=from_utc_iso(row["state_since"]) if row.get("state_since") else None,
        created_at=from_utc_iso(row["created_at"]),
        last_seen_at=from_utc_iso(row["last_seen_at"]),
        treated_on=date.fromisoformat(treated_on) if treated_on else None,
        photo_consent=bool(row.get("photo_consent") or 0),
        photo_pending=row.get("photo_pending"),
    )


def _zone_name(zone: ZoneInfo) -> str:
    if zone.key is None:
        raise ValueError("a time zone loaded from a file has no IANA name to store")
    return zone.key
