"""The database: its file, its one thread, its transactions, and what is stored about patients."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.conversation.states import State
from bot.core.matching import Decision
from bot.storage import alerts, patients, questions, stats
from bot.storage.store import Store
from scheduler.clock import from_utc_iso, utc_iso

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ANNA = 987654321
BEN = 555000111


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "aftercare.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as opened:
        yield opened


def meet(
    db: sqlite_utils.Database, patient_id: int = ANNA, now: datetime = NOW, **profile: Any
) -> patients.Patient:
    return patients.greet_patient(
        db,
        patient_id,
        chat_id=profile.get("chat_id", patient_id),
        first_name=profile.get("first_name", "Anna"),
        username=profile.get("username", "anna_k"),
        timezone=ZoneInfo("Europe/London"),
        checkin_time=time(10, 0),
        now=now,
    ).patient


def known(store: Store, patient_id: int) -> patients.Patient:
    patient = store.run_sync(patients.get_patient, patient_id)
    assert patient is not None
    return patient


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# The file and the connection


def test_a_new_database_file_is_readable_and_writable_by_its_owner_only(
    store: Store, db_path: Path
) -> None:
    store.run_sync(meet)
    assert mode_of(db_path) == 0o600
    for suffix in ("-wal", "-shm"):
        companion = db_path.with_name(db_path.name + suffix)
        if companion.exists():
            assert mode_of(companion) == 0o600


def test_an_existing_database_file_open_to_others_is_made_owner_only(db_path: Path) -> None:
    db_path.touch(mode=0o644)
    db_path.chmod(0o644)
    Store(db_path).close()
    assert mode_of(db_path) == 0o600


def test_a_missing_folder_for_the_database_is_created(tmp_path: Path) -> None:
    path = tmp_path / "data" / "aftercare.db"
    Store(path).close()
    assert path.exists()


def test_the_database_uses_write_ahead_logging(store: Store) -> None:
    assert store.run_sync(lambda db: db.journal_mode) == "wal"


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.run_sync(patients.add_treatment, 42, date(2026, 11, 20), NOW)


def test_the_initial_migration_creates_every_table(store: Store) -> None:
    tables = set(store.run_sync(lambda db: db.table_names()))
    assert {"patients", "treatments", "questions", "unanswered", "red_flags", "checkins"} <= tables


def test_the_check_in_columns_are_migrated_too(store: Store) -> None:
    columns = store.run_sync(lambda db: db.table("checkins").columns_dict)
    assert "attempted_at" in columns


def test_opening_the_database_again_applies_no_migration_twice(db_path: Path) -> None:
    with Store(db_path) as first:
        first.run_sync(meet)
    with Store(db_path) as second:
        applied = second.run_sync(
            lambda db: [row["name"] for row in db.table("_sqlite_migrations").rows]
        )
        assert second.run_sync(patients.get_patient, ANNA) is not None
    assert len(applied) == len(set(applied))
    assert "m001_initial" in applied


def test_a_check_in_cannot_be_planned_twice_for_the_same_treatment_day(store: Store) -> None:
    def plan_day_1_twice(db: sqlite_utils.Database) -> None:
        meet(db)
        treatment = patients.add_treatment(db, ANNA, date(2026, 11, 26), NOW)
        for _ in range(2):
            db.table("checkins").insert(
                {"patient_id": ANNA, "treatment_id": treatment.id, "day": 1, "due_at": "x"}
            )

    with pytest.raises(sqlite3.IntegrityError):
        store.run_sync(plan_day_1_twice)


def test_an_in_memory_store_works_for_quick_tests() -> None:
    with Store(":memory:") as store:
        assert store.run_sync(meet).id == ANNA


# The one thread and its transactions


async def test_store_run_works_from_async_code_on_the_database_thread(store: Store) -> None:
    thread_name = await store.run(lambda db: threading.current_thread().name)
    assert thread_name.startswith("aftercare-db")
    assert thread_name != threading.current_thread().name


async def test_slow_database_work_does_not_stall_the_event_loop(store: Store) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    await store.run(lambda db: threading.Event().wait(0.2))
    ticker.cancel()
    assert ticks >= 5


async def test_many_concurrent_tasks_each_get_their_write_in(store: Store) -> None:
    await store.run(meet)

    async def ask(n: int) -> None:
        await store.run(questions.record_question, ANNA, "answer", f"rule-{n}", False, NOW)

    await asyncio.gather(*(ask(n) for n in range(50)))
    assert await store.run(lambda db: db.table("questions").count) == 50


async def test_every_call_runs_on_the_same_single_thread(store: Store) -> None:
    names = await asyncio.gather(*(store.run(lambda db: threading.get_ident()) for _ in range(20)))
    assert len(set(names)) == 1


async def test_a_write_that_need_not_wait_for_the_disk_is_committed_all_the_same(
    store: Store,
) -> None:
    await store.run(meet, durable=False)
    assert await store.run(patients.get_patient, ANNA) is not None


async def test_after_a_write_that_need_not_wait_for_the_disk_the_next_ones_wait_again(
    store: Store,
) -> None:
    await store.run(meet, durable=False)
    full = 2
    assert await store.run(lambda db: db.execute("PRAGMA synchronous").fetchone()[0]) == full


def test_a_failing_function_rolls_back_everything_it_wrote(store: Store) -> None:
    def half_done(db: sqlite_utils.Database) -> None:
        meet(db)
        patients.add_treatment(db, ANNA, date(2026, 11, 24), NOW)
        raise RuntimeError("Telegram went away")

    with pytest.raises(RuntimeError, match="Telegram went away"):
        store.run_sync(half_done)
    assert store.run_sync(patients.get_patient, ANNA) is None
    assert store.run_sync(lambda db: db.table("treatments").count) == 0


async def test_a_failing_function_rolls_back_when_run_from_async_code(store: Store) -> None:
    def half_done(db: sqlite_utils.Database) -> None:
        meet(db)
        raise ValueError("oops")

    with pytest.raises(ValueError, match="oops"):
        await store.run(half_done)
    assert await store.run(patients.get_patient, ANNA) is None


async def test_calls_queued_together_share_a_commit_but_fail_alone(store: Store) -> None:
    store.run_sync(lambda db: db.execute("CREATE TABLE marks (n INTEGER)"))
    gate = threading.Event()

    def blocker(db: sqlite_utils.Database) -> None:
        gate.wait(5)  # holds the thread so the calls below queue up into one batch

    def mark(db: sqlite_utils.Database, n: int) -> int:
        db.execute("INSERT INTO marks VALUES (?)", [n])
        if n % 5 == 0:
            raise ValueError(f"call {n} fails")
        return n

    first = asyncio.ensure_future(store.run(blocker))
    await asyncio.sleep(0.05)
    calls = [asyncio.ensure_future(store.run(mark, n)) for n in range(1, 21)]
    await asyncio.sleep(0.05)
    gate.set()
    await first
    results = await asyncio.gather(*calls, return_exceptions=True)
    failed = [n for n, r in zip(range(1, 21), results, strict=True) if isinstance(r, ValueError)]
    assert failed == [5, 10, 15, 20]
    stored = store.run_sync(lambda db: [r[0] for r in db.execute("SELECT n FROM marks")])
    assert sorted(stored) == [n for n in range(1, 21) if n % 5]


async def test_a_call_whose_caller_gave_up_waiting_is_still_committed(store: Store) -> None:
    store.run_sync(lambda db: db.execute("CREATE TABLE marks (n INTEGER)"))
    gate = threading.Event()
    blocked = asyncio.ensure_future(store.run(lambda db: gate.wait(5)))
    await asyncio.sleep(0.05)
    given_up = asyncio.ensure_future(
        store.run(lambda db: db.execute("INSERT INTO marks VALUES (1)").rowcount)
    )
    await asyncio.sleep(0.05)
    given_up.cancel()
    gate.set()
    await blocked
    stored = await store.run(lambda db: db.execute("SELECT COUNT(*) FROM marks").fetchone()[0])
    assert given_up.cancelled()
    assert stored == 1


def test_run_sync_inside_a_store_function_is_refused_instead_of_deadlocking(
    store: Store,
) -> None:
    with pytest.raises(RuntimeError, match="deadlock"):
        store.run_sync(lambda db: store.run_sync(meet))


def test_a_closed_store_refuses_more_work_and_closing_again_is_harmless(store: Store) -> None:
    store.close()
    store.close()
    with pytest.raises(RuntimeError):
        store.run_sync(meet)


def test_timestamps_are_stored_as_utc_iso_text_in_time_order() -> None:
    tokyo = datetime(2026, 11, 27, 18, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert utc_iso(tokyo) == "2026-11-27T09:00:00+00:00"
    assert from_utc_iso(utc_iso(tokyo)) == tokyo
    with pytest.raises(ValueError, match="aware"):
        utc_iso(datetime(2026, 11, 27, 9, 0))


# Patients


def test_a_new_patient_gets_the_clinic_defaults_and_no_check_ins(store: Store) -> None:
    anna = store.run_sync(meet)
    assert anna == patients.Patient(
        id=ANNA,
        chat_id=ANNA,
        first_name="Anna",
        username="anna_k",
        timezone=ZoneInfo("Europe/London"),
        checkin_time=time(10, 0),
        checkins_enabled=False,
        reachable=True,
        state=None,
        state_since=None,
        created_at=NOW,
        last_seen_at=NOW,
        treated_on=None,
    )


def test_meeting_a_patient_again_refreshes_their_profile_and_makes_them_reachable(
    store: Store,
) -> None:
    store.run_sync(meet)
    store.run_sync(patients.mark_unreachable, ANNA, NOW)
    later = NOW + timedelta(hours=3)
    anna = store.run_sync(lambda db: meet(db, now=later, first_name="Ann", username=None))
    assert (anna.first_name, anna.username, anna.reachable) == ("Ann", None, True)
    assert (anna.created_at, anna.last_seen_at) == (NOW, later)


def test_meeting_a_patient_says_whether_they_were_reachable_before(store: Store) -> None:
    def greet(db: sqlite_utils.Database) -> bool | None:
        return patients.greet_patient(
            db,
            ANNA,
            chat_id=ANNA,
            first_name="Anna",
            username=None,
            timezone=ZoneInfo("Europe/London"),
            checkin_time=time(10, 0),
            now=NOW,
        ).was_reachable

    first = store.run_sync(greet)
    again = store.run_sync(greet)
    store.run_sync(patients.mark_unreachable, ANNA, NOW)
    after_blocking = store.run_sync(greet)
    assert (first, again, after_blocking) == (None, True, False)


def test_the_patient_met_again_is_the_patient_stored(store: Store) -> None:
    store.run_sync(meet)
    store.run_sync(patients.add_treatment, ANNA, date(2026, 11, 24), NOW)
    store.run_sync(patients.set_state, ANNA, State.AWAITING_DATE, NOW)
    later = NOW + timedelta(hours=3)
    anna = store.run_sync(lambda db: meet(db, now=later, chat_id=42, username="ann"))
    assert anna == known(store, ANNA)


def test_an_unknown_patient_is_none(store: Store) -> None:
    assert store.run_sync(patients.get_patient, ANNA) is None


def test_the_newest_treatment_entered_is_the_one_that_counts(store: Store) -> None:
    store.run_sync(meet)
    store.run_sync(patients.add_treatment, ANNA, date(2026, 11, 24), NOW)
    correction = store.run_sync(patients.add_treatment, ANNA, date(2026, 11, 20), NOW)
    assert known(store, ANNA).treated_on == date(2026, 11, 20)
    assert store.run_sync(patients.newest_treatment, ANNA) == correction


def test_preferences_and_conversation_state_are_saved(store: Store) -> None:
    def set_everything(db: sqlite_utils.Database) -> None:
        meet(db)
        patients.set_state(db, ANNA, State.AWAITING_DATE)
        patients.set_checkins_enabled(db, ANNA, True)
        patients.set_checkin_time(db, ANNA, time(18, 30))
        patients.set_timezone(db, ANNA, ZoneInfo("Asia/Tokyo"))

    store.run_sync(set_everything)
    anna = known(store, ANNA)
    assert anna.state == "awaiting_date"
    assert anna.checkins_enabled
    assert anna.checkin_time == time(18, 30)
    assert anna.timezone == ZoneInfo("Asia/Tokyo")
    store.run_sync(patients.set_state, ANNA, None)
    assert known(store, ANNA).state is None


def test_a_patient_who_blocked_the_bot_is_marked_unreachable(store: Store) -> None:
    store.run_sync(meet)
    store.run_sync(patients.mark_unreachable, ANNA, NOW)
    assert not known(store, ANNA).reachable


def test_the_question_log_keeps_no_message_text(store: Store) -> None:
    store.run_sync(meet)
    store.run_sync(questions.record_question, ANNA, "answer", "makeup", False, NOW)
    row = store.run_sync(lambda db: next(iter(db.table("questions").rows)))
    assert set(row) == {"id", "patient_id", "asked_at", "decision", "rule", "red_flag"}


def test_unanswered_questions_are_kept_for_staff_without_a_patient_id(store: Store) -> None:
    store.run_sync(questions.record_unanswered, "how much is it", "fallback", None, 12.0, NOW)
    columns = store.run_sync(lambda db: db.table("unanswered").columns_dict)
    assert "patient_id" not in columns


def test_unanswered_questions_are_listed_newest_first_and_filtered_by_date(store: Store) -> None:
    for days_ago, text in ((40, "old one"), (3, "price?"), (1, "parking?")):
        store.run_sync(
            questions.record_unanswered,
            text,
            "fallback",
            "contact-clinic",
            41.5,
            NOW - timedelta(days=days_ago),
        )
    everything = store.run_sync(questions.unanswered_questions, None)
    assert [q.text for q in everything] == ["parking?", "price?", "old one"]
    recent = store.run_sync(questions.unanswered_questions, NOW - timedelta(days=7))
    assert recent[1] == questions.UnansweredQuestion(
        text="price?",
        asked_at=NOW - timedelta(days=3),
        decision="fallback",
        closest_rule="contact-clinic",
        score=41.5,
    )
    assert len(recent) == 2


def test_forget_patient_leaves_no_row_with_the_patients_id_in_any_table(store: Store) -> None:
    def a_full_history(db: sqlite_utils.Database) -> None:
        for patient_id in (ANNA, BEN):
            meet(db, patient_id, first_name=f"P{patient_id}", username=f"u{patient_id}")
            treatment = patients.add_treatment(db, patient_id, date(2026, 11, 24), NOW)
            patients.add_treatment(db, patient_id, date(2026, 11, 25), NOW)
            questions.record_question(db, patient_id, "fallback", None, False, NOW)
            alerts.record_red_flag(db, patient_id, 3, "fever", True, NOW)
            db.table("checkins").insert(
                {
                    "patient_id": patient_id,
                    "treatment_id": treatment.id,
                    "day": 1,
                    "due_at": utc_iso(NOW),
                    "status": "sent",
                }
            )
        questions.record_unanswered(db, "can i go to a wedding", "fallback", None, 10.0, NOW)

    store.run_sync(a_full_history)
    deleted = store.run_sync(patients.forget_patient, ANNA)

    assert deleted == 6
    assert store.run_sync(cells_mentioning, {ANNA, str(ANNA), f"P{ANNA}", f"u{ANNA}"}) == []
    assert store.run_sync(patients.get_patient, BEN) is not None
    assert store.run_sync(cells_mentioning, {BEN}) != []
    assert len(store.run_sync(questions.unanswered_questions, None)) == 1


def test_forget_patient_also_covers_a_table_added_by_a_later_migration(store: Store) -> None:
    def a_new_table(db: sqlite_utils.Database) -> None:
        meet(db)
        db.table("photos").insert({"patient_id": ANNA, "caption": "day 3"})

    store.run_sync(a_new_table)
    store.run_sync(patients.forget_patient, ANNA)
    assert store.run_sync(cells_mentioning, {ANNA}) == []


def cells_mentioning(db: sqlite_utils.Database, values: set[Any]) -> list[tuple[str, str]]:
    """Every (table, column) holding one of `values`, scanning the whole database."""
    found = []
    for table in db.tables:
        for row in table.rows:
            found += [(table.name, column) for column, value in row.items() if value in values]
    return found


def test_stats_count_patients_and_activity_over_7_and_30_days(store: Store) -> None:
    def a_month_of_activity(db: sqlite_utils.Database) -> None:
        meet(db, ANNA, now=NOW - timedelta(days=40))
        meet(db, BEN, now=NOW - timedelta(days=2))
        patients.set_checkins_enabled(db, BEN, True)
        patients.mark_unreachable(db, ANNA, NOW)
        treatment = patients.add_treatment(db, BEN, date(2026, 11, 20), NOW)
        asked: list[tuple[int, Decision]] = [
            (1, "answer"),
            (2, "answer"),
            (10, "suggest"),
            (20, "fallback"),
        ]
        for days_ago, decision in asked:
            questions.record_question(
                db, BEN, decision, None, False, NOW - timedelta(days=days_ago)
            )
        questions.record_question(db, ANNA, "answer", None, False, NOW - timedelta(days=35))
        alerts.record_red_flag(db, BEN, 5, "fever", True, NOW - timedelta(days=1))
        alerts.record_red_flag(db, BEN, 5, "pus", False, NOW - timedelta(days=12))
        checkins = [
            (0, "sent", 6, 1),
            (1, "sent", 15, None),
            (3, "skipped", 3, None),
            (7, "failed", 25, None),
            (14, "pending", -5, None),
        ]
        for day, status, days_ago, replied_days_ago in checkins:
            moment = utc_iso(NOW - timedelta(days=days_ago))
            db.table("checkins").insert(
                {
                    "patient_id": BEN,
                    "treatment_id": treatment.id,
                    "day": day,
                    "due_at": moment,
                    "status": status,
                    "sent_at": moment if status == "sent" else None,
                    "reply": "fine" if replied_days_ago else None,
                    "replied_at": utc_iso(NOW - timedelta(days=replied_days_ago))
                    if replied_days_ago
                    else None,
                }
            )

    store.run_sync(a_month_of_activity)
    counts = store.run_sync(stats.stats, NOW)

    assert (counts["patients"], counts["opted_in"], counts["unreachable"]) == (2, 1, 1)
    assert counts["last_7_days"] == {
        "new_patients": 1,
        "questions_answered": 2,
        "questions_suggested": 0,
        "questions_fallen_back": 0,
        "small_talk": 0,
        "red_flags": 1,
        "checkins_sent": 1,
        "checkins_skipped": 1,
        "checkins_failed": 0,
        "checkin_replies": 1,
    }
    assert counts["last_30_days"] == {
        "new_patients": 1,
        "questions_answered": 2,
        "questions_suggested": 1,
        "questions_fallen_back": 1,
        "small_talk": 0,
        "red_flags": 2,
        "checkins_sent": 2,
        "checkins_skipped": 1,
        "checkins_failed": 1,
        "checkin_replies": 1,
    }


def test_stats_of_an_empty_database_are_all_zero(store: Store) -> None:
    counts = store.run_sync(stats.stats, NOW)
    assert counts["patients"] == 0
    assert set(counts["last_30_days"].values()) == {0}
