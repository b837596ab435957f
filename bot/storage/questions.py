"""What patients asked, as staff see it: every question counted by decision, and the
texts the bot could not answer kept for review.

Nothing here links message text to a patient: `questions` holds decisions and rule ids
only, and `unanswered` holds texts deliberately without a patient id, so staff can
improve the knowledge from them and they survive `/forget` without identifying anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple

from sqlite_utils import Database

from bot.core.decision import Decision
from scheduler.clock import from_utc_iso, utc_iso

UnansweredDecision = Literal["fallback", "suggest"]
HandledAs = Decision | Literal["social"]
"""How a message was handled, as the stats count it: the matcher's decision, or "social"
for the short friendly reply to thanks, "ok" or hello (not a question that fell back)."""


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question the bot fell back on or was unsure about, kept for staff."""

    text: str
    asked_at: datetime
    decision: UnansweredDecision
    closest_rule: str | None
    score: float | None


def record_question(
    db: Database,
    patient_id: int,
    decision: HandledAs,
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
    grouping: tuple[str, str] | None = None,
) -> None:
    """Keep a question the knowledge could not answer confidently, for staff to review;
    `grouping` is its grouping key and the matcher's reading it was made with
    (`bot.core.matching.Matcher.grouping_key`), so grouping the inbox need not read it.

    Deliberately not linked to a patient: see the module docstring.
    """
    terms, reading = grouping if grouping is not None else (None, None)
    db.execute(
        "INSERT INTO unanswered (text, asked_at, decision, closest_rule, score, terms, reading) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [text, utc_iso(now), decision, closest_rule, score, terms, reading],
    )


class AskedText(NamedTuple):
    """One text the bot could not answer, with how often and when it was last asked. (A
    tuple: a hundred thousand of them must not weigh on the garbage collector.)"""

    text: str
    times: int
    last_asked: datetime
    key: str | None = None
    """Its grouping key as kept when it was asked, if kept with the reading asked for."""


def asked_unanswered(
    db: Database, since: datetime | None, reading: str | None = None
) -> list[AskedText]:
    """Each distinct text kept for staff (asked at or after `since`), counted: the most
    asked first, then the most recently asked. Counted by SQLite, so a hundred thousand
    texts come back as one row each, not one per asking. With `reading`, each text comes
    with the grouping key kept with that reading, if any."""
    where, params = ("WHERE asked_at >= ?", [utc_iso(since)]) if since else ("", [])
    # Sorted by SQLite, which lets other threads run meanwhile: a sort in Python would hold
    # the interpreter, and patients' replies with it, for the whole sort.
    rows = db.execute(
        "SELECT text, count(*) AS times, max(asked_at) AS last, "
        f"max(CASE WHEN reading = ? THEN terms END) FROM unanswered {where} "
        "GROUP BY text ORDER BY times DESC, last DESC",
        [reading, *params],
    )
    return [AskedText(text, times, from_utc_iso(last), key) for text, times, last, key in rows]


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
