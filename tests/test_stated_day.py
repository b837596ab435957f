"""The day a patient says it is ("its day 10") against the day we hold: the warning-sign
check reads the later of the two, so a sign that depends on the day is not missed
because the stored date is wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation.events import Outgoing, Sender, StaffAlert, read_message
from bot.conversation.router import Conversation
from bot.core.dates import stated_day
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR
from bot.storage.store import Store

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ANNA = Sender(123456, 123456, "Anna", None)


@pytest.fixture
def conversation(tmp_path: Path) -> Conversation:
    settings = Settings(
        db_path=tmp_path / "aftercare.db",
        knowledge_dir=DEFAULT_KNOWLEDGE_DIR,
        staff_ids=frozenset({42}),
        staff_chat_id=-100,
    )
    return Conversation(KnowledgeHolder(DEFAULT_KNOWLEDGE_DIR), settings)


async def on_day_4(conversation: Conversation, store: Store, text: str) -> list[Outgoing]:
    """What Anna, whose stored treatment was 4 days ago, is answered for `text`."""
    for typed in ("/start", "23/11", "no", text):
        sent = await store.run(conversation.handle, ANNA, read_message(typed), NOW)
    return sent


def alerted(sent: list[Outgoing]) -> bool:
    return any(isinstance(item, StaffAlert) for item in sent)


async def test_still_bleeding_on_the_day_ten_the_patient_states_alerts_when_day_four_is_stored(
    conversation: Conversation, store: Store
) -> None:
    sent = await on_day_4(conversation, store, "my chin is still bleeding and its day 10")
    assert alerted(sent)


async def test_still_bleeding_with_no_day_stated_follows_the_stored_day_four(
    conversation: Conversation, store: Store
) -> None:
    assert not alerted(await on_day_4(conversation, store, "my chin is still bleeding"))


async def test_a_day_in_the_past_of_the_story_does_not_move_the_check(
    conversation: Conversation, store: Store
) -> None:
    assert not alerted(await on_day_4(conversation, store, "on day 2 my chin was still bleeding"))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("my chin is still bleeding and its day 10", 10),
        ("I'm on day 5 now", 5),
        ("Day 3: still red", 3),
        ("today is day 7", 7),
        ("on day 2 it bled", None),
        ("will it still be red on day 10?", None),
        ("my holiday 4 weeks away", None),
    ],
)
def test_the_day_a_patient_says_it_is_is_read_only_from_a_present_statement(
    text: str, day: int | None
) -> None:
    assert stated_day(text) == day
