"""An update that comes alone, for a chat with nothing waiting, is handled as it arrives:
its inbox row is written by the transaction that commits its decision, and Telegram is
not told the update arrived (the next getUpdates) before that commit. A batch of several
is stored first, and a failure stores the update to be processed again."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from conftest import ANNA, BEN, MAKEUP_DAY_2_ON, RunningBot
from fake_bot_api import FakeBotApi
from sqlite_utils import Database

from bot.storage import inbox

QUESTION = "can i wear makeup tomorrow"


def inbox_row(db: Database, update_id: int) -> tuple[Any, ...] | None:
    row = db.execute(
        "SELECT status, attempts, payload FROM inbox WHERE update_id = ?", [update_id]
    ).fetchone()
    return tuple(row) if row is not None else None


def counted_adds(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """Every `inbox.add` from now on, as the update ids it was given."""
    added: list[list[int]] = []
    add = inbox.add

    def counting(db: Database, rows: list[inbox.InboxRow], now: Any) -> list[int]:
        added.append([row[0] for row in rows])
        return add(db, rows, now)

    monkeypatch.setattr(inbox, "add", counting)
    return added


async def test_a_lone_message_is_answered_without_being_stored_first(
    bot: RunningBot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.onboard()
    added = counted_adds(monkeypatch)
    update = api.text_update(ANNA, QUESTION)
    assert await bot.receive(update) == [MAKEUP_DAY_2_ON]
    assert added == []
    assert bot.store.run_sync(inbox_row, update["update_id"]) == ("done", 0, None)


async def test_a_batch_of_several_updates_is_stored_before_any_is_handled(
    bot: RunningBot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.onboard()
    await bot.onboard(BEN)
    added = counted_adds(monkeypatch)
    batch = [api.text_update(ANNA, QUESTION), api.text_update(BEN, QUESTION)]
    await bot.telegram.poller.store_batch(batch)
    await bot.settle()
    assert added == [[update["update_id"] for update in batch]]
    assert api.texts(ANNA)[-1] == api.texts(BEN)[-1] == MAKEUP_DAY_2_ON


async def test_a_message_whose_handling_fails_is_stored_and_answered_on_the_next_try(
    bot: RunningBot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.onboard()
    matcher = bot.product.conversation.knowledge.current.matcher
    match = matcher.match
    failures = [RuntimeError("the first try fails")]

    def failing_once(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return match(*args, **kwargs)

    monkeypatch.setattr(matcher, "match", failing_once)
    update = api.text_update(ANNA, QUESTION)
    assert await bot.receive(update) == [MAKEUP_DAY_2_ON]
    assert bot.store.run_sync(inbox_row, update["update_id"]) == ("done", 1, None)


async def test_an_update_no_handler_takes_is_stored_as_done_so_polling_resumes_after_it(
    bot: RunningBot, api: FakeBotApi
) -> None:
    api.chat(-500, "group", "Friends")
    update = api.text_update(BEN, "see you all tomorrow", chat_id=-500)
    assert await bot.receive(update) == []
    assert bot.store.run_sync(inbox_row, update["update_id"]) == ("done", 0, None)
    assert bot.store.run_sync(inbox.last_update_id) == update["update_id"]


async def test_telegram_is_not_told_a_message_arrived_before_its_decision_commits(
    bot: RunningBot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.onboard()
    conversation = bot.product.conversation
    handle = conversation.handle
    deciding, decide = threading.Event(), threading.Event()

    def held(*args: Any) -> Any:
        # On the database thread: the decision's transaction stays open until `decide`.
        deciding.set()
        decide.wait(10)
        return handle(*args)

    monkeypatch.setattr(conversation, "handle", held)
    bot.telegram.poller.poll_timeout = 1
    update_id = api.send_text(ANNA, QUESTION)["update_id"]
    polling = asyncio.create_task(bot.telegram.poller.run())
    try:
        assert await asyncio.to_thread(deciding.wait, 10)
        await asyncio.sleep(1.5)  # longer than a long poll: polling would have asked again
        offsets = [call.params.get("offset") for call in api.calls if call.method == "getUpdates"]
        told = [offset for offset in offsets if offset is not None and offset > update_id]
        decide.set()
        await api.wait_for_messages(ANNA, len(api.texts(ANNA)) + 1)
        confirmed = await api.wait_for_call(
            "getUpdates", lambda call: call.params.get("offset") == update_id + 1
        )
    finally:
        decide.set()
        polling.cancel()
    assert told == []
    assert confirmed is not None
    assert api.texts(ANNA)[-1] == MAKEUP_DAY_2_ON


async def test_a_forged_button_whose_answer_hangs_holds_up_no_other_patient(
    bot: RunningBot, api: FakeBotApi
) -> None:
    await bot.onboard(BEN)
    held = api.hold("answerCallbackQuery")
    bot.telegram.poller.poll_timeout = 1
    api.queue(api.button_update(ANNA, "x" * 65))
    polling = asyncio.create_task(bot.telegram.poller.run())
    try:
        await held.wait()
        api.send_text(BEN, QUESTION)
        replies = await api.wait_for_messages(BEN, len(api.texts(BEN)) + 1)
    finally:
        held.release()
        polling.cancel()
    assert replies[-1] == MAKEUP_DAY_2_ON
