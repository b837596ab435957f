"""The sender and the line under Telegram's overall limit: a full sender looks at the
outbox for more only when that line runs short (`bot.telegram.limits.line_is_long`), so a
burst costs a look per few messages, and every message still goes, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import RunningBot, settings_for, start_bot
from fake_bot_api import FakeBotApi
from sqlite_utils import Database

from bot.conversation.events import Reply
from bot.conversation.outbound import reply
from bot.storage import outbox
from bot.telegram.limits import SendLimits

PATIENTS = range(5_000_001, 5_000_081)
"""Eighty chats, each with one reply waiting: far more than the sender takes at once."""
PER_SECOND = 20
"""Slower than Telegram's 30: the sixty beyond the first bucket take three seconds."""


def queue_a_reply_for_everyone(db: Database) -> None:
    for chat in PATIENTS:
        outbox.enqueue(db, reply(chat, chat, Reply("hello")), datetime.now(UTC))


async def send_the_burst(bot: RunningBot, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every reply queued at once, then sent; returns the looks at the outbox it took."""
    looks = 0
    look = outbox.due

    def counted(*args: Any) -> Any:
        nonlocal looks
        looks += 1
        return look(*args)

    monkeypatch.setattr(outbox, "due", counted)
    await bot.store.run(queue_a_reply_for_everyone)
    await bot.telegram.delivery.drain(timeout=20)
    return looks


@pytest.fixture
async def slow_bot(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> AsyncIterator[RunningBot]:
    limits = SendLimits(overall_per_second=PER_SECOND, private_burst=100, group_per_minute=100)
    bot = await start_bot(settings_for(tmp_path, small_knowledge), api, limits=limits)
    yield bot
    await bot.stop()


async def test_a_burst_under_the_rate_limit_is_sent_with_a_look_per_few_messages(
    slow_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A look each time a message is done while others wait took about fifty here.
    looks = await send_the_burst(slow_bot, monkeypatch)
    assert looks <= 20


async def test_every_reply_left_in_the_outbox_while_the_line_was_long_is_sent_once(
    slow_bot: RunningBot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await send_the_burst(slow_bot, monkeypatch)
    assert [api.texts(chat) for chat in PATIENTS] == [["hello"]] * len(PATIENTS)
