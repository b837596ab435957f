"""Writes nobody waits for (`Store.post`): committed in their turn, and the caller hears
back only when it has something to do (the sender, after a delivered message)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from bot.storage.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "aftercare.db") as opened:
        opened.run_sync(lambda db: db.execute("CREATE TABLE notes (text TEXT)"))
        yield opened


def note(db: sqlite_utils.Database, text: str, answer: bool) -> bool:
    db.execute("INSERT INTO notes (text) VALUES (?)", [text])
    return answer


def notes(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT text FROM notes ORDER BY rowid")]


async def settled(store: Store) -> None:
    """Every call asked for so far has run, and what it handed back has reached the loop."""
    await store.run(lambda db: None)
    await asyncio.sleep(0)


async def test_a_posted_write_is_committed_before_any_call_asked_for_after_it(
    store: Store,
) -> None:
    store.post(note, "sent", False, then=lambda: None, durable=False)
    assert await store.run(notes) == ["sent"]


async def test_a_posted_write_that_returns_true_tells_its_caller_on_the_event_loop(
    store: Store,
) -> None:
    told: list[str] = []
    store.post(note, "more waits", True, then=lambda: told.append("wake"))
    await settled(store)
    assert told == ["wake"]


async def test_a_posted_write_that_returns_false_costs_its_caller_no_wake_up(
    store: Store,
) -> None:
    told: list[str] = []
    for n in range(5):
        store.post(note, f"sent {n}", False, then=lambda: told.append("wake"), durable=False)
    await settled(store)
    assert told == []
    assert len(await store.run(notes)) == 5


async def test_a_posted_write_that_fails_is_rolled_back_logged_and_tells_its_caller(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(db: sqlite_utils.Database) -> bool:
        note(db, "half", False)
        raise RuntimeError("disk full")

    told: list[str] = []
    with caplog.at_level(logging.ERROR, logger="bot.storage.store"):
        store.post(broken, then=lambda: told.append("wake"))
        await settled(store)
    assert told == ["wake"]
    assert await store.run(notes) == []
    assert "a write nobody waited for failed" in caplog.text
