"""A reply that is its chat's only waiting message goes to the sender as the turn queued
it (`outbox.queued_alone`, `Delivery.offer`), without the sender reading it back from the
outbox; never ahead of older messages waiting for the sender, and sent once."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import ANNA, BEN, RunningBot
from fake_bot_api import FakeBotApi
from sqlite_utils import Database

from bot.conversation.events import Reply
from bot.conversation.outbound import reply
from bot.storage import outbox
from bot.storage.outbox import OutgoingMessage, QueuedMessage
from bot.storage.store import Store
from bot.telegram import delivery as delivery_module

NOW = datetime(2026, 3, 2, 9, 0, 0, 250_000, tzinfo=UTC)
"""With a fraction of a second, which the outbox does not keep."""
MAKEUP = "Makeup: yes, light mineral makeup is fine now."


def hello(chat_id: int = ANNA) -> OutgoingMessage:
    return reply(chat_id, chat_id, Reply("hello"))


def queue_alone(db: Database, message: OutgoingMessage) -> QueuedMessage | None:
    return outbox.queued_alone(db, outbox.enqueue(db, message, NOW), message, NOW)


def test_a_message_queued_alone_is_handed_over_as_the_sender_would_read_it(
    store: Store,
) -> None:
    handed = store.run_sync(queue_alone, hello())
    batch, _ = store.run_sync(outbox.due, NOW, 10, frozenset())
    assert batch == [handed]


def test_a_message_queued_behind_another_of_its_chat_is_not_handed_over(store: Store) -> None:
    store.run_sync(outbox.enqueue, hello(), NOW)
    assert store.run_sync(queue_alone, hello()) is None


async def test_a_reply_queued_alone_is_sent_without_another_look_at_the_outbox(
    bot: RunningBot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery_module, "IDLE_POLL_SECONDS", 60.0)  # no look on a timer
    await bot.onboard()
    looks: list[object] = []
    looks_when_sent: list[int] = []
    look = outbox.due

    def counted(*args: Any) -> Any:
        looks.append(args)
        return look(*args)

    monkeypatch.setattr(outbox, "due", counted)
    stop_watching = api.on_call("sendMessage", lambda _call: looks_when_sent.append(len(looks)))
    await bot.telegram.poller.store_batch([api.text_update(ANNA, "can i wear makeup tomorrow")])
    await bot.telegram.processor.wait_idle()
    async with asyncio.timeout(5):
        while not looks_when_sent:
            await asyncio.sleep(0.01)
    stop_watching()
    assert looks_when_sent == [0]
    assert api.texts(ANNA)[-1] == MAKEUP


async def test_a_message_offered_while_a_look_at_the_outbox_is_under_way_is_sent_once(
    bot: RunningBot, api: FakeBotApi
) -> None:
    delivery = bot.telegram.delivery
    handed = await bot.store.run(queue_alone, hello())
    assert handed is not None
    gate = threading.Event()
    held = asyncio.ensure_future(bot.store.run(lambda _db: gate.wait(5)))
    delivery.wake()
    await asyncio.sleep(0.05)  # the sender's look waits behind the held database thread
    delivery.offer(handed)
    await asyncio.sleep(0.05)
    sent_during_the_look = api.texts(ANNA)
    gate.set()
    await held
    await delivery.drain()
    assert (sent_during_the_look, api.texts(ANNA)) == ([], ["hello"])


async def test_a_message_offered_while_older_ones_wait_for_a_look_goes_after_them(
    bot: RunningBot, api: FakeBotApi
) -> None:
    delivery = bot.telegram.delivery
    older = await bot.store.run(outbox.enqueue, hello(BEN), NOW)
    newer = await bot.store.run(queue_alone, hello(ANNA))
    assert newer is not None and newer.id > older
    delivery.wake()  # as the commit of the older one, which could not offer it, did
    delivery.offer(newer)
    await delivery.drain()
    assert [int(sent["chat_id"]) for sent in api.sent()] == [BEN, ANNA]
