"""The Telegram bot end to end: python-telegram-bot's real `Application`, wired by
`bot.telegram.app` with the durable inbox and outbox, talking to a fake Bot API
(`tests/fake_bot_api.py`) with no network."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bot_process import AFTERCARE, bot_environment, bot_process
from conftest import (
    ANNA,
    BEN,
    MAKEUP_DAY_2_ON,
    STAFF,
    STAFF_CHAT,
    TOKEN,
    WORDING,
    RunningBot,
    columns_holding,
    settings_for,
    start_bot,
)
from fake_bot_api import MEDIA_KINDS, FakeBotApi, Json

from bot.config import load_settings
from bot.telegram.calls import send_message_fields

Bot = RunningBot
RED_FLAG = "theres yellow crust on my chin and it feels hot"
UNKNOWN_COMMAND = "Sorry, I don't know that command. /help shows what I can do."


def keyboard(sent: Json) -> list[str]:
    """The callback data of the buttons under a sent message."""
    rows = sent.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


# --- onboarding -------------------------------------------------------------------------


FOUR_DAYS_AGO = datetime.now(UTC).date() - timedelta(days=4)
"""Dates are typed relative to the real today: the bot's clock here is the real one, and
the test plan's check-ins end on day 7."""


@pytest.mark.parametrize(
    "typed",
    [
        "today",
        "yesterday",
        "3 days ago",
        "the day before yesterday",
        f"{FOUR_DAYS_AGO.day} {FOUR_DAYS_AGO:%b}",
        f"{FOUR_DAYS_AGO.day}/{FOUR_DAYS_AGO.month}",
        FOUR_DAYS_AGO.isoformat(),
    ],
)
async def test_onboarding_accepts_each_date_form_and_offers_check_ins(
    bot: Bot, api: FakeBotApi, typed: str
) -> None:
    welcome = await bot.text("/start")
    assert "not a doctor" in welcome[0]
    assert keyboard(api.sent(ANNA)[-1]) == ["date:today", "date:yesterday"]
    replies = await bot.text(typed)
    assert replies[0].startswith("Got it: ")
    assert ", so today is day " in replies[0]
    assert keyboard(api.sent(ANNA)[-1]) == ["checkins:yes", "checkins:no"]
    stored = bot.patient()
    assert stored is not None and stored.treated_on is not None


@pytest.mark.parametrize("typed", ["31/02", "2099-01-01"])
async def test_an_impossible_or_future_date_is_refused_and_asked_again(
    bot: Bot, api: FakeBotApi, typed: str
) -> None:
    await bot.text("/start")
    replies = await bot.text(typed)
    assert "doesn't exist" in replies[0] or "in the future" in replies[0]
    assert keyboard(api.sent(ANNA)[-1]) == ["date:today", "date:yesterday"]
    stored = bot.patient()
    assert stored is not None and stored.treated_on is None


async def test_opting_in_by_button_confirms_and_takes_the_buttons_away(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.text("/start")
    await bot.text("3 days ago")
    offer_id = api.sent(ANNA)[-1]["message_id"]
    replies = await bot.press("checkins:yes")
    assert replies == [
        "Done. I'll write at 10:00 your time. /time to change it, /checkins off to stop."
    ]
    edits = api.calls_to("editMessageReplyMarkup")
    assert [int(call.params["message_id"]) for call in edits] == [offer_id]
    assert api.calls_to("answerCallbackQuery")
    stored = bot.patient()
    assert stored is not None and stored.checkins_enabled


async def test_opting_in_by_command(bot: Bot) -> None:
    await bot.text("/start")
    await bot.text("yesterday")
    await bot.text("/checkins on")
    stored = bot.patient()
    assert stored is not None and stored.checkins_enabled


# --- questions --------------------------------------------------------------------------


async def test_a_question_is_answered_in_html_for_the_patients_day(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    assert await bot.text("can i wear makeup tomorrow") == [MAKEUP_DAY_2_ON]
    assert api.sent(ANNA)[-1]["parse_mode"] == "HTML"


async def test_did_you_mean_offers_topic_buttons_and_a_press_answers(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    assert await bot.text("gym or swim") == [WORDING["did_you_mean"]]
    offered = keyboard(api.sent(ANNA)[-1])
    assert "topic:swimming-heat" in offered and len(offered) <= 3
    assert await bot.press("topic:swimming-heat") == ["Swimming: wait two weeks."]


async def test_a_question_without_an_answer_is_kept_for_staff(bot: Bot) -> None:
    await bot.onboard()
    assert await bot.text("what is the capital of peru") == [
        "Sorry, I'm not sure. Call Test Clinic on 0100 000."
    ]
    listing = await bot.text("/unanswered", STAFF)
    assert '1× "what is the capital of peru"' in listing[0]


# --- warning signs ----------------------------------------------------------------------


async def test_a_warning_sign_gets_the_urgent_answer_and_alerts_the_staff_chat(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    await bot.text(RED_FLAG, username="anna_k")
    # Two chats, each served at once: which of the two arrives first is not fixed.
    assert WORDING["red_flag_answer"] in api.texts(ANNA)
    assert api.texts(STAFF_CHAT)[-1] == (
        f'Warning sign: Anna (@anna_k, id {ANNA}), day 3: "{RED_FLAG}"'
    )


async def test_without_a_staff_chat_the_patient_still_gets_the_urgent_answer(
    tmp_path: Path,
    small_knowledge: Path,
    api: FakeBotApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO):
        bot = await start_bot(settings_for(tmp_path, small_knowledge, staff_chat_id=None), api)
        try:
            (urgent,) = await bot.text(RED_FLAG)
            assert "Please call Test Clinic on 0100 000" in urgent
        finally:
            await bot.stop()
    assert "AFTERCARE_STAFF_CHAT_ID is not set" in caplog.text
    assert "crust" not in caplog.text


async def test_a_staff_chat_that_refuses_the_alert_is_logged_loudly_and_the_patient_answered(
    bot: Bot, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    api.block(STAFF_CHAT)
    with caplog.at_level(logging.INFO):
        assert (await bot.text(RED_FLAG))[0] == WORDING["red_flag_answer"]
    assert "cannot write to the staff chat" in caplog.text
    assert "crust" not in caplog.text


# --- patient data -----------------------------------------------------------------------


async def test_after_forget_no_table_holds_the_patients_id(bot: Bot, tmp_path: Path) -> None:
    await bot.onboard()
    await bot.text("can i wear makeup tomorrow")
    await bot.text("what is the capital of peru")
    await bot.text(RED_FLAG)
    await bot.text("/time 09:30")
    await bot.text("/forget")
    assert "deleted everything" in (await bot.press("forget:yes"))[0]
    bot.store.close()
    assert columns_holding(tmp_path / "aftercare.db", ANNA) == [], "still holds the patient's id"


async def test_a_staff_command_from_a_patient_gets_the_unknown_command_answer(bot: Bot) -> None:
    assert await bot.text("/stats") == [UNKNOWN_COMMAND]
    assert await bot.text("/reload") == [UNKNOWN_COMMAND]
    assert "Questions answered" in (await bot.text("/stats", STAFF))[0]


async def test_staff_commands_work_in_the_staff_group(bot: Bot, api: FakeBotApi) -> None:
    replies = await bot.text("/stats@aftercare_test_bot", STAFF, chat_id=STAFF_CHAT)
    assert "Questions answered" in replies[0]
    assert int(api.sent()[-1]["chat_id"]) == STAFF_CHAT


async def test_in_a_group_the_bot_points_to_a_private_chat_and_ignores_chatter(
    bot: Bot, api: FakeBotApi
) -> None:
    api.chat(-500, "group", "Friends")
    assert await bot.text("can i wear makeup tomorrow", BEN, chat_id=-500) == []
    assert "private chat" in (await bot.text("/start", BEN, chat_id=-500))[0]
    assert bot.patient(BEN) is None


# --- other messages ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", MEDIA_KINDS)
async def test_a_non_text_message_gets_the_text_only_reply(
    bot: Bot, api: FakeBotApi, kind: str
) -> None:
    assert await bot.receive(api.media_update(ANNA, kind)) == [WORDING["non_text"]]


async def test_an_edited_message_is_answered_like_a_new_one(bot: Bot) -> None:
    await bot.onboard()
    replies = await bot.text(RED_FLAG, edited=True)
    assert replies[0] == WORDING["red_flag_answer"]
    assert f'Warning sign: Anna (id {ANNA}), day 3: "{RED_FLAG}"' in replies


async def test_a_5000_character_message_gets_one_reply(bot: Bot) -> None:
    await bot.onboard()
    assert len(await bot.text("can i wear makeup tomorrow " + "blah " * 1000)) == 1


async def test_a_patient_who_blocked_the_bot_is_marked_unreachable(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    api.block(ANNA)
    await bot.text("can i wear makeup tomorrow")
    stored = bot.patient()
    assert stored is not None and not stored.reachable


async def test_a_warning_sign_from_a_patient_who_blocked_the_bot_still_alerts_staff(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    api.block(ANNA)
    assert await bot.text(RED_FLAG) == [f'Warning sign: Anna (id {ANNA}), day 3: "{RED_FLAG}"']
    stored = bot.patient()
    assert stored is not None and not stored.reachable


async def test_a_reply_held_back_by_flood_control_is_sent_after_the_wait(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    api.rate_limit(ANNA, retry_after=1, times=1)
    assert await bot.text("can i wear makeup tomorrow") == [MAKEUP_DAY_2_ON]


async def test_an_error_in_one_update_is_logged_without_the_text_and_the_bot_goes_on(
    bot: Bot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.onboard()

    def broken(text: str, day: int | None = None) -> Any:
        raise RuntimeError(f"cannot match {text}")

    conversation = bot.product.conversation
    monkeypatch.setattr(conversation.knowledge.current.matcher, "match", broken)
    with caplog.at_level(logging.ERROR):
        (apology,) = await bot.text("secret words about my skin")
    assert apology.startswith("Sorry, something went wrong on my side")
    assert "RuntimeError" in caplog.text
    assert "secret words" not in caplog.text
    monkeypatch.undo()
    assert await bot.text("can i wear makeup tomorrow") == [MAKEUP_DAY_2_ON]


# --- running ----------------------------------------------------------------------------


async def test_patients_see_their_commands_and_staff_theirs_in_the_staff_chat(
    bot: Bot, api: FakeBotApi
) -> None:
    private = {command["command"] for command in api.commands_for({"type": "all_private_chats"})}
    assert {"start", "help", "topics", "treatment", "checkins", "forget"} <= private
    assert not private & {"stats", "unanswered", "reload"}
    staff_chat = api.commands_for({"type": "chat", "chat_id": STAFF_CHAT})
    assert {command["command"] for command in staff_chat} == {"stats", "unanswered", "reload"}


async def test_the_base_url_from_the_environment_is_used(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    environment = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/custom-bot",
        "AFTERCARE_DB": str(tmp_path / "env.db"),
        "AFTERCARE_KNOWLEDGE_DIR": str(small_knowledge),
    }
    bot = await start_bot(load_settings(environment, env_file=None), api)
    try:
        await bot.text("/help")
    finally:
        await bot.stop()
    assert api.calls
    assert all(call.url.startswith(f"http://127.0.0.1:9/custom-bot{TOKEN}/") for call in api.calls)


async def test_messages_sent_while_the_bot_was_down_are_answered_by_polling(
    bot: Bot, api: FakeBotApi
) -> None:
    api.send_text(ANNA, "/start")
    api.send_text(BEN, "/start", first_name="Ben")
    bot.telegram.poller.poll_timeout = 1
    polling = asyncio.create_task(bot.telegram.poller.run())
    try:
        await api.wait_for_messages(ANNA, 2)
        await api.wait_for_messages(BEN, 2)
    finally:
        polling.cancel()
    assert api.pending_updates in (0, 2)  # confirmed on the next getUpdates, if any


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_aftercare_run_answers_and_stops_cleanly_on_a_signal_without_logging_the_token(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi, stop: signal.Signals
) -> None:
    api.send_text(ANNA, "/start")
    with api.serve_http() as base_url:
        environment = bot_environment(
            base_url, tmp_path / "run.db", small_knowledge, TELEGRAM_BOT_TOKEN=TOKEN
        )
        with bot_process(api, tmp_path, environment) as aftercare:
            api.wait_for_messages_sync(ANNA, 2, timeout=30)
            code = aftercare.stop(stop)
            output = aftercare.output
    assert code == 0, output
    assert "Traceback" not in output
    assert TOKEN not in output
    assert "SECRET" not in output
    private = api.commands_for({"type": "all_private_chats"})
    assert {command["command"] for command in private} >= {"start", "forget"}


def test_a_token_telegram_refuses_is_one_clear_line_without_the_token(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    api.fail("getMe", status=401)
    with api.serve_http() as base_url:
        environment = bot_environment(
            base_url, tmp_path / "run.db", small_knowledge, TELEGRAM_BOT_TOKEN=TOKEN
        )
        result = run_aftercare(tmp_path, environment)
    assert result.returncode == 2
    assert "Telegram refused TELEGRAM_BOT_TOKEN: copy it again from @BotFather." in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert TOKEN not in result.stderr + result.stdout


def test_with_telegram_out_of_reach_run_says_so_and_keeps_trying_until_it_answers(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    api.drop("getMe", times=2)
    api.send_text(ANNA, "/start")
    with api.serve_http() as base_url:
        environment = bot_environment(
            base_url, tmp_path / "run.db", small_knowledge, TELEGRAM_BOT_TOKEN=TOKEN
        )
        with bot_process(api, tmp_path, environment) as aftercare:
            api.wait_for_messages_sync(ANNA, 2, timeout=30)
            code = aftercare.stop(signal.SIGTERM)
            output = aftercare.output
    assert code == 0, output
    assert output.count("cannot reach Telegram") == 2
    assert "trying again in 1 s" in output and "trying again in 2 s" in output
    assert "Traceback" not in output


def run_aftercare(tmp_path: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`aftercare run` as an operator starts it, in an empty folder."""
    return subprocess.run(
        [AFTERCARE, "run"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_aftercare_run_without_a_token_stops_at_once_with_exit_code_2(tmp_path: Path) -> None:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM", "AFTERCARE"))
    }
    result = run_aftercare(tmp_path, environment)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_aftercare_run_with_a_malformed_variable_names_it(tmp_path: Path) -> None:
    environment = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "AFTERCARE_TIMEZONE": "Mars/Base"}
    result = run_aftercare(tmp_path, environment)
    assert result.returncode == 2
    assert "AFTERCARE_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr


# --- what a send asks Telegram for -----------------------------------------------------------


def test_a_message_in_a_patients_forum_topic_is_sent_there_and_not_as_a_reply() -> None:
    fields = send_message_fields(STAFF_CHAT, {"text": "<b>Anna</b>", "reply_to": 7}, 42)
    assert (fields["message_thread_id"], fields["reply_parameters"]) == (42, None)


def test_a_reply_outside_a_topic_answers_its_message_even_if_that_is_gone() -> None:
    fields = send_message_fields(ANNA, {"text": "Yes.", "reply_to": 7}, None)
    assert fields["reply_parameters"] == {"message_id": 7, "allow_sending_without_reply": True}


def test_a_message_whose_html_was_refused_goes_as_plain_text_with_its_buttons() -> None:
    params = {"text": "<b>Take</b> it", "plain": True, "buttons": [[["Take", "alert:take:3"]]]}
    fields = send_message_fields(STAFF_CHAT, params, None)
    assert (fields["text"], fields["parse_mode"]) == ("Take it", None)
    assert fields["reply_markup"] == {
        "inline_keyboard": [[{"text": "Take", "callback_data": "alert:take:3"}]]
    }
