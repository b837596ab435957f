"""The staff's figures at a clinic's scale: alerts and how long they waited for a person,
the problems an operator must fix, and every lookup of `/forget` and the stats reading an
index, so neither grows with the stored history."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.conversation.wording import format_stats
from bot.storage import alerts, notices, patients, stats
from bot.storage.store import Store

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ANNA = 987654321


def raise_alert(db: sqlite_utils.Database, minutes_ago: float, taken_after: float | None) -> None:
    """An alert raised `minutes_ago`, taken `taken_after` minutes later (None: not yet)."""
    raised = NOW - timedelta(minutes=minutes_ago)
    alert_id = alerts.record_red_flag(db, ANNA, 3, "pus", True, raised, "Warning sign: ...")
    if taken_after is not None:
        alerts.take(db, alert_id, "Sam", 42, raised + timedelta(minutes=taken_after))


def with_alerts(store: Store) -> stats.Stats:
    def history(db: sqlite_utils.Database) -> None:
        patients.greet_patient(
            db,
            ANNA,
            chat_id=ANNA,
            first_name="Anna",
            username=None,
            timezone=ZoneInfo("Europe/London"),
            checkin_time=time(10),
            now=NOW - timedelta(days=20),
        )
        raise_alert(db, minutes_ago=60 * 24 * 10, taken_after=90)
        raise_alert(db, minutes_ago=60 * 24 * 12, taken_after=None)
        raise_alert(db, minutes_ago=60 * 24 * 2, taken_after=4)
        raise_alert(db, minutes_ago=60 * 24, taken_after=10)
        raise_alert(db, minutes_ago=25, taken_after=None)

    store.run_sync(history)
    return store.run_sync(stats.stats, NOW)


def test_stats_give_the_median_and_worst_time_to_take_an_alert(store: Store) -> None:
    figures = with_alerts(store)
    assert figures["alerts_last_7_days"] == {
        "raised": 3,
        "taken": 2,
        "never_taken": 1,
        "median_minutes_to_take": 7.0,
        "worst_minutes_to_take": 10.0,
    }
    assert figures["alerts_last_30_days"]["worst_minutes_to_take"] == 90.0
    assert figures["alerts_last_30_days"]["never_taken"] == 2


def test_stats_count_the_alerts_nobody_has_taken_with_the_longest_wait(store: Store) -> None:
    assert with_alerts(store)["alerts_waiting"] == {"count": 2, "longest_minutes": 17280.0}


def test_stats_list_the_standing_problems(store: Store) -> None:
    store.run_sync(notices.set_notice, notices.STAFF_CHAT_UNREACHABLE, "Forbidden: kicked", NOW)
    assert store.run_sync(stats.stats, NOW)["notices"] == [
        {
            "key": notices.STAFF_CHAT_UNREACHABLE,
            "problem": "Forbidden: kicked",
            "since": "2026-11-27T09:00:00+00:00",
        }
    ]


def test_a_new_install_has_no_alerts_and_no_problems(store: Store) -> None:
    figures = store.run_sync(stats.stats, NOW)
    assert figures["alerts_waiting"] == {"count": 0, "longest_minutes": None}
    assert figures["alerts_last_30_days"]["median_minutes_to_take"] is None
    assert figures["notices"] == []


def test_the_report_puts_what_needs_someone_now_first(store: Store) -> None:
    store.run_sync(notices.set_notice, notices.STAFF_CHAT_UNREACHABLE, "Forbidden: kicked", NOW)
    lines = format_stats(with_alerts(store)).splitlines()
    assert lines[0].startswith("⚠️ The bot cannot write to the staff chat")
    assert "(Forbidden: kicked, since 27 Nov 09:00 UTC)" in lines[0]
    assert lines[1] == "⚠️ Alerts nobody has taken: 2, the oldest waiting 12 days"


def test_the_report_gives_time_to_take_alerts_for_each_period(store: Store) -> None:
    report = format_stats(with_alerts(store))
    assert "Alerts: 3, taken: 2 (median 7 min, worst 10 min), not taken: 1" in report
    assert "Alerts: 5, taken: 3 (median 10 min, worst 1 h 30 min), not taken: 2" in report


def test_the_report_of_a_quiet_clinic_says_there_were_no_alerts(store: Store) -> None:
    report = format_stats(store.run_sync(stats.stats, NOW))
    assert "Alerts: none" in report
    assert "⚠️" not in report


# --- every lookup reads an index ----------------------------------------------------------


def plan(db: sqlite_utils.Database, sql: str, *params: object) -> str:
    rows = db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return " | ".join(str(row[-1]) for row in rows)


def tables_with_patient_id(db: sqlite_utils.Database) -> list[str]:
    return [table.name for table in db.tables if "patient_id" in table.columns_dict]


def test_forget_finds_a_patients_rows_in_every_table_through_an_index(store: Store) -> None:
    def plans(db: sqlite_utils.Database) -> dict[str, str]:
        return {
            table: plan(db, f'DELETE FROM "{table}" WHERE patient_id = ?', ANNA)
            for table in tables_with_patient_id(db)
        }

    found = store.run_sync(plans)
    assert set(found) >= {"questions", "red_flags", "checkins", "inbox", "outbox", "handoffs"}
    assert {table: p for table, p in found.items() if "USING" not in p} == {}


def test_deleting_a_patient_checks_the_rows_pointing_at_them_through_indexes(
    store: Store,
) -> None:
    def unindexed_references(db: sqlite_utils.Database) -> list[tuple[str, str | None]]:
        missing = []
        for table in db.tables:
            for key in table.foreign_keys:
                indexes = [index.columns for index in table.indexes]
                if not any(columns[0] == key.column for columns in indexes):
                    missing.append((table.name, key.column))
        return missing

    assert store.run_sync(unindexed_references) == []


STATS_QUERIES = [
    "SELECT count(*) FROM questions WHERE decision = 'answer' AND asked_at >= ?",
    "SELECT count(*) FROM checkins WHERE status = 'sent' AND coalesce(sent_at, due_at) >= ?",
    "SELECT count(*) FROM checkins WHERE replied_at >= ?",
    "SELECT count(*) FROM patients WHERE created_at >= ?",
    "SELECT count(*) FROM red_flags WHERE created_at >= ?",
]


@pytest.mark.parametrize("sql", STATS_QUERIES)
def test_each_count_in_the_stats_is_read_from_an_index_alone(store: Store, sql: str) -> None:
    assert "USING COVERING INDEX" in store.run_sync(plan, sql, "2026-11-01")


def test_the_alerts_nobody_took_are_found_in_an_index_of_just_them(store: Store) -> None:
    sql = "SELECT count(*), min(created_at) FROM red_flags WHERE alerted = 1 AND taken_at IS NULL"
    assert store.run_sync(plan, sql) == "SCAN red_flags USING INDEX idx_red_flags_untaken"
