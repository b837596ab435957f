"""Figures for staff (`/stats`, `aftercare stats`): patients now, activity over the last 7
and 30 days, how quickly a person took the alerts, the alerts still waiting, and the
standing problems the operator must fix.

Every count reads an index (see migrations m004 and m007), so the report stays well under
a second with a million stored questions; the bot runs it on the Store's read-only
connection (`Store.read`), beside the patients' writes rather than before them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypedDict

from sqlite_utils import Database

from bot.storage import alerts, notices
from scheduler.clock import utc_iso


class PeriodStats(TypedDict):
    new_patients: int
    questions_answered: int
    questions_suggested: int
    questions_fallen_back: int
    small_talk: int
    """Thanks, "ok", hello and the like, given their short friendly reply."""
    red_flags: int
    checkins_sent: int
    checkins_skipped: int
    checkins_failed: int
    checkin_replies: int


class AlertStats(TypedDict):
    """The alerts raised in a period and how long they waited for a person."""

    raised: int
    taken: int
    never_taken: int
    median_minutes_to_take: float | None
    worst_minutes_to_take: float | None


class WaitingAlerts(TypedDict):
    count: int
    longest_minutes: float | None


class Notice(TypedDict):
    key: str
    problem: str
    since: str


class Stats(TypedDict):
    patients: int
    opted_in: int
    unreachable: int
    last_7_days: PeriodStats
    last_30_days: PeriodStats
    alerts_last_7_days: AlertStats
    alerts_last_30_days: AlertStats
    alerts_waiting: WaitingAlerts
    notices: list[Notice]


def stats(db: Database, now: datetime) -> Stats:
    """Figures for staff: patients now, activity and alerts over the last 7 and 30 days,
    the alerts nobody has taken yet, and the standing problems."""

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
            "small_talk": questions("social"),
            "red_flags": count("SELECT count(*) FROM red_flags WHERE created_at >= ?", since),
            "checkins_sent": checkins("sent"),
            "checkins_skipped": checkins("skipped"),
            "checkins_failed": checkins("failed"),
            "checkin_replies": count("SELECT count(*) FROM checkins WHERE replied_at >= ?", since),
        }

    waiting, longest = alerts.untaken(db, now)
    return {
        "patients": count("SELECT count(*) FROM patients"),
        "opted_in": count("SELECT count(*) FROM patients WHERE checkins_enabled = 1"),
        "unreachable": count("SELECT count(*) FROM patients WHERE reachable = 0"),
        "last_7_days": period(7),
        "last_30_days": period(30),
        "alerts_last_7_days": alert_stats(db, now - timedelta(days=7)),
        "alerts_last_30_days": alert_stats(db, now - timedelta(days=30)),
        "alerts_waiting": {"count": waiting, "longest_minutes": longest},
        "notices": [
            {"key": key, "problem": problem, "since": utc_iso(since)}
            for key, (problem, since) in notices.current_notices(db).items()
        ],
    }


def alert_stats(db: Database, since: datetime) -> AlertStats:
    times = alerts.acknowledge_times(db, since)
    return {
        "raised": times.taken + times.never_taken,
        "taken": times.taken,
        "never_taken": times.never_taken,
        "median_minutes_to_take": times.median_minutes,
        "worst_minutes_to_take": times.worst_minutes,
    }
