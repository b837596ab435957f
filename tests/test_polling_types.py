"""Polling names the update types the bot wants once, in the first getUpdates Telegram
answers; Telegram keeps that setting for every later poll that does not name it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Update
from telegram.error import NetworkError

from bot.storage.store import Store
from bot.telegram.polling import Poller


class Telegram:
    """Answers getUpdates with nothing new, after `failures` network errors; remembers
    what each poll asked for and stops the poller after `polls` of them."""

    def __init__(self, polls: int, failures: int = 0) -> None:
        self.asked: list[dict[str, Any]] = []
        self.polls = polls
        self.failures = failures

    async def do_api_request(self, method: str, api_kwargs: dict[str, Any], **_: Any) -> Any:
        assert method == "getUpdates"
        self.asked.append(dict(api_kwargs))
        if len(self.asked) > self.polls:
            raise asyncio.CancelledError
        if self.failures:
            self.failures -= 1
            raise NetworkError("cannot connect")
        return []


async def no_pause(_: float) -> None:
    return None


async def polled(telegram: Telegram) -> list[dict[str, Any]]:
    with Store(":memory:") as store:
        poller = Poller(
            telegram,  # type: ignore[arg-type]
            store,
            lambda _: None,
            lambda: datetime.now(UTC),
            sleep=no_pause,
        )
        with pytest.raises(asyncio.CancelledError):
            await poller.run()
    return telegram.asked[: telegram.polls]


async def test_only_the_first_answered_poll_names_the_update_types() -> None:
    asked = await polled(Telegram(polls=3))
    assert asked[0]["allowed_updates"] == Update.ALL_TYPES
    assert ["allowed_updates" in poll for poll in asked[1:]] == [False, False]


async def test_polls_name_the_update_types_until_telegram_answers_one() -> None:
    asked = await polled(Telegram(polls=4, failures=2))
    assert ["allowed_updates" in poll for poll in asked] == [True, True, True, False]
