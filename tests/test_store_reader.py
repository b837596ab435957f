"""The Store's read-only connection: long staff reports read beside the patients' writes,
never before them, and never keep a forgotten patient in the write-ahead log."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from bot.storage.store import Store, truncate_wal_after_commit

SETTING = "INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "aftercare.db") as opened:
        yield opened


def setting(db: sqlite_utils.Database, name: str) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE name = ?", [name]).fetchone()
    return str(row[0]) if row else None


def write(store: Store, name: str, value: str) -> None:
    store.run_sync(lambda db: db.execute(SETTING, [name, value]))


class HeldRead:
    """A read that stays open (on its snapshot) until released."""

    def __init__(self, store: Store) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.result: list[str | None] = []
        self.thread = threading.Thread(
            target=lambda: self.result.append(store.read_sync(self._read))
        )
        self.thread.start()
        assert self.started.wait(5)

    def _read(self, db: sqlite_utils.Database) -> str | None:
        before = setting(db, "colour")
        self.started.set()
        assert self.release.wait(5)
        # Still the snapshot the read began with, whatever was written meanwhile.
        after = setting(db, "colour")
        assert after == before
        return after

    def finish(self) -> str | None:
        self.release.set()
        self.thread.join(5)
        return self.result[0]


def test_a_read_sees_what_was_committed_before_it(store: Store) -> None:
    write(store, "colour", "blue")
    assert store.read_sync(setting, "colour") == "blue"


def test_patients_writes_go_ahead_while_a_staff_report_is_reading(store: Store) -> None:
    write(store, "colour", "blue")
    held = HeldRead(store)
    write(store, "colour", "green")
    assert store.run_sync(setting, "colour") == "green"
    assert held.finish() == "blue"


async def test_an_async_read_leaves_the_event_loop_free(store: Store) -> None:
    write(store, "colour", "blue")
    assert await store.read(setting, "colour") == "blue"


def test_the_read_connection_cannot_write(store: Store) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.read_sync(lambda db: db.execute(SETTING, ["colour", "red"]))
    assert store.run_sync(setting, "colour") is None


def test_a_failing_read_reports_its_error_and_the_next_read_works(store: Store) -> None:
    with pytest.raises(ZeroDivisionError):
        store.read_sync(lambda _db: 1 / 0)
    write(store, "colour", "blue")
    assert store.read_sync(setting, "colour") == "blue"


def test_an_in_memory_store_reads_on_its_one_connection() -> None:
    with Store(":memory:") as store:
        write(store, "colour", "blue")
        assert store.read_sync(setting, "colour") == "blue"


def test_a_closed_store_refuses_reads(store: Store) -> None:
    store.read_sync(setting, "colour")
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.read_sync(setting, "colour")


def wal_frames(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def forget_colour(db: sqlite_utils.Database) -> None:
    db.execute("DELETE FROM settings WHERE name = 'colour'")
    truncate_wal_after_commit(db)


def test_forgetting_during_a_long_read_holds_up_no_later_write(store: Store) -> None:
    write(store, "colour", "blue")
    held = HeldRead(store)
    done = threading.Event()

    def forget_then_write() -> None:
        store.run_sync(forget_colour)
        write(store, "shape", "round")
        done.set()

    threading.Thread(target=forget_then_write).start()
    assert done.wait(2), "the database thread waited for the reader"
    held.finish()


def test_the_log_is_emptied_once_the_read_that_held_it_ends(store: Store) -> None:
    assert isinstance(store.path, Path)
    write(store, "colour", "blue")
    held = HeldRead(store)
    store.run_sync(forget_colour)
    assert wal_frames(store.path) > 0, "the reader's snapshot keeps the log"
    held.finish()
    for _ in range(100):
        if wal_frames(store.path) == 0:
            break
        time.sleep(0.02)
    assert wal_frames(store.path) == 0
