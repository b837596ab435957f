"""Bad and stale input never fails an update, never acts out of its moment, and never
leaves a trace it should not: old buttons, forged buttons, huge arguments, invisible
characters, /forget on disk and in the log, staff commands out of place, a flooding chat."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ANNA,
    BEN,
    STAFF,
    STAFF_CHAT,
    WORDING,
    Clock,
    RunningBot,
    columns_holding,
    settings_for,
    start_bot,
)
from fake_bot_api import FakeBotApi

from bot.compose import utc_now

RED_FLAG = "theres yellow crust on my chin and it feels hot"
EXPIRED = WORDING["button_expired"]


def toasts(api: FakeBotApi) -> list[str]:
    return [str(call.params.get("text", "")) for call in api.calls_to("answerCallbackQuery")]


# --- buttons that know their moment ----------------------------------------------------------


async def test_an_old_yes_delete_button_after_typing_no_deletes_nothing(
    bot: RunningBot, api: FakeBotApi
) -> None:
    await bot.onboard()
    await bot.text("/forget")
    await bot.text("no")
    assert await bot.press("forget:yes") == []
    assert toasts(api)[-1] == EXPIRED
    assert bot.patient() is not None


async def test_the_yes_delete_button_expires_after_ten_minutes(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    clock = Clock(utc_now())
    bot = await start_bot(settings_for(tmp_path, small_knowledge), api, clock=clock.now)
    try:
        await bot.onboard()
        await bot.text("/forget")
        clock.advance(minutes=11)
        await bot.press("forget:yes")
        assert bot.patient() is not None
        assert toasts(api)[-1] == EXPIRED
    finally:
        await bot.stop()


async def test_an_old_today_button_does_not_move_the_treatment_date(bot: RunningBot) -> None:
    await bot.onboard(when="3 days ago")
    before = bot.patient()
    await bot.press("date:today")
    after = bot.patient()
    assert before is not None and after is not None
    assert after.treated_on == before.treated_on


async def test_no_old_button_brings_a_forgotten_patient_back(
    bot: RunningBot, api: FakeBotApi
) -> None:
    await bot.onboard()
    await bot.text("/forget")
    await bot.press("forget:yes")
    for data in ("date:today", "checkins:yes", "forget:yes", "ci:1:0", "ci:pause"):
        await bot.press(data)
    assert bot.patient() is None
    assert toasts(api)[-1] == EXPIRED


@pytest.mark.parametrize("data", ["ci:²:0", "ci:" + "9" * 23 + ":0", "date:" + "x" * 60, "??"])
async def test_forged_button_data_gets_the_expired_note_and_fails_nothing(
    bot: RunningBot, api: FakeBotApi, data: str
) -> None:
    await bot.onboard()
    assert await bot.press(data) == []
    assert toasts(api)[-1] == EXPIRED


async def test_a_timezone_of_3000_characters_with_slashes_gets_a_clear_answer(
    bot: RunningBot,
) -> None:
    await bot.onboard()
    (reply,) = await bot.text("/timezone " + "Europe/" * 430)
    assert "I don't know the time zone" in reply
    assert len(reply) < 300


async def test_a_command_with_thousands_of_words_is_answered_once(bot: RunningBot) -> None:
    await bot.onboard()
    assert len(await bot.text("/time " + "9:30 " * 2000)) == 1


async def test_zero_width_characters_do_not_hide_a_warning_sign(bot: RunningBot) -> None:
    await bot.onboard()
    hidden = "theres y\u200bellow c\u200brust on my chin and it feels h\u200bot"
    replies = await bot.text(hidden)
    assert replies[0] == WORDING["red_flag_answer"]


# --- /forget on disk and in the log ---------------------------------------------------------


async def test_after_forget_neither_the_database_nor_its_wal_holds_the_patient(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await start_bot(settings_for(tmp_path, small_knowledge), api)
    try:
        with caplog.at_level(logging.INFO):
            await bot.onboard(username="anna_zebra")
            await bot.text("what is the capital of peru")
            await bot.text("/forget")
            await bot.press("forget:yes")
        secure = bot.store.run_sync(lambda db: db.execute("PRAGMA secure_delete").fetchone()[0])
    finally:
        await bot.stop()
    assert secure == 1
    for suffix in ("", "-wal", "-shm"):
        path = tmp_path / f"aftercare.db{suffix}"
        if path.exists():
            raw = path.read_bytes()
            assert b"anna_zebra" not in raw, f"{path.name} still holds the username"
            assert str(ANNA).encode() not in raw, f"{path.name} still holds the id"
    assert str(ANNA) not in caplog.text


async def test_forget_leaves_no_row_with_the_patients_id_in_any_table(
    bot: RunningBot, tmp_path: Path
) -> None:
    await bot.onboard()
    await bot.text(RED_FLAG)
    await bot.text("/forget")
    await bot.press("forget:yes")
    await bot.stop()
    assert columns_holding(tmp_path / "aftercare.db", ANNA) == [], "still holds the patient's id"


# --- staff commands in their place -----------------------------------------------------------


async def test_a_staff_members_unanswered_in_another_group_shows_no_patient_text(
    bot: RunningBot, api: FakeBotApi
) -> None:
    await bot.onboard()
    await bot.text("what is the capital of peru")
    api.chat(-777, "group", "Book club")
    replies = await bot.text("/unanswered", STAFF, chat_id=-777)
    assert all("peru" not in reply for reply in replies)


async def test_a_staff_command_addressed_to_another_bot_is_left_alone(
    bot: RunningBot, api: FakeBotApi
) -> None:
    assert await bot.text("/stats@another_bot", STAFF, chat_id=STAFF_CHAT) == []


# --- one patient flooding --------------------------------------------------------------------


class _ProcessingOrder:
    """Stands in for the application the inbox processor feeds, noting whose update each
    processing starts on before handing it on."""

    def __init__(self, application: Any, order: list[int | str]) -> None:
        self._application = application
        self._order = order
        self.bot = application.bot

    async def process_update(self, update: Any) -> None:
        self._order.append(update.effective_chat.id)
        await self._application.process_update(update)


async def test_a_flooding_patient_gets_one_slow_down_note_and_other_patients_wait_for_nothing(
    bot: RunningBot, api: FakeBotApi
) -> None:
    await bot.onboard()
    await bot.onboard(BEN)
    order: list[int | str] = []
    processor = bot.telegram.processor
    processor.application = _ProcessingOrder(processor.application, order)  # type: ignore[assignment]
    flood = [api.text_update(ANNA, f"can i wear makeup {n}") for n in range(200)]
    flood.append(api.text_update(ANNA, RED_FLAG))
    await bot.telegram.poller.store_batch(flood)
    order.append("ben writes")
    before = len(api.sent())
    await bot.telegram.poller.store_batch([api.text_update(BEN, "can i wear makeup")])
    await bot.settle()
    # Counted, not timed: Ben waits for the updates already being processed, not for
    # Anna's backlog of two hundred.
    arrived = order.index("ben writes")
    anna_first = order[arrived:].index(BEN) - 1
    assert anna_first <= 2, f"{anna_first} of Anna's updates went before Ben's"
    assert any(sent["chat_id"] == BEN for sent in api.sent()[before:])
    anna = api.texts(ANNA)
    assert sum(text.startswith("I'm getting a lot of messages") for text in anna) == 1
    assert WORDING["red_flag_answer"] in anna
    assert any(RED_FLAG in text for text in api.texts(STAFF_CHAT))
