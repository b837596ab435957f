"""Which decisions wait for the disk: one for an update handled as it arrived has only
its own commit to keep it (Telegram is told it arrived right after), so it syncs; one
for an update the inbox already holds does not (lost in a power cut, it is made again
from the stored update), and neither does a look at the outbox, which only reads."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ANNA, BEN, MAKEUP_DAY_2_ON, RunningBot
from fake_bot_api import FakeBotApi

from bot.storage import outbox
from bot.storage.store import Store
from bot.telegram.pipeline import handle_update

QUESTION = "can i wear makeup tomorrow"


def syncs(monkeypatch: pytest.MonkeyPatch, store: Store) -> list[tuple[str, bool]]:
    """Each call to the database thread from now on: its function's name, and whether
    its commit waits for the disk."""
    seen: list[tuple[str, bool]] = []
    run = store.run

    async def recording(fn: Any, *args: Any, durable: bool = True) -> Any:
        seen.append((getattr(fn, "__name__", "?"), durable))
        return await run(fn, *args, durable=durable)

    monkeypatch.setattr(store, "run", recording)
    return seen


def decisions(seen: list[tuple[str, bool]]) -> list[bool]:
    return [durable for name, durable in seen if name == handle_update.__name__]


async def test_a_decision_for_a_message_handled_as_it_arrived_waits_for_the_disk(
    bot: RunningBot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.onboard()
    seen = syncs(monkeypatch, bot.store)
    assert await bot.receive(api.text_update(ANNA, QUESTION)) == [MAKEUP_DAY_2_ON]
    assert decisions(seen) == [True]


async def test_a_decision_for_a_stored_message_does_not_wait_for_the_disk(
    bot: RunningBot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.onboard()
    await bot.onboard(BEN)
    seen = syncs(monkeypatch, bot.store)
    batch = [api.text_update(ANNA, QUESTION), api.text_update(BEN, QUESTION)]
    await bot.telegram.poller.store_batch(batch)
    await bot.settle()
    assert ("add", True) in seen
    assert decisions(seen) == [False, False]
    assert api.texts(ANNA)[-1] == api.texts(BEN)[-1] == MAKEUP_DAY_2_ON


async def test_a_look_at_the_outbox_does_not_wait_for_the_disk(
    bot: RunningBot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.onboard()
    seen = syncs(monkeypatch, bot.store)
    await bot.receive(api.text_update(ANNA, QUESTION))
    await bot.settle()
    looks = [durable for name, durable in seen if name == outbox.due.__name__]
    assert looks and not any(looks)
