"""Counts for staff (`/stats`, `aftercare stats`): patients now, and activity over the
last 7 and 30 days."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypedDict

from sqlite_utils import Database

from scheduler.clock import utc_iso


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
