"""The fake Bot API's faults, through a real python-telegram-bot `Bot`: each does what it
says, so the fault-injection tests of the bot can trust them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fake_bot_api import (
    BLOCKED,
    CANT_PARSE_ENTITIES,
    KICKED_FROM_GROUP,
    FakeBotApi,
    Outcome,
)
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

ANNA = 1001
BEN = 1002
STAFF_CHAT = -100500
SHORT_TIMEOUT = 0.1


@pytest.fixture
def api() -> FakeBotApi:
    fake = FakeBotApi()
    fake.chat(STAFF_CHAT, "group", "Clinic staff")
    return fake


def bot_for(api: FakeBotApi, read_timeout: float = SHORT_TIMEOUT) -> Bot:
    """A real python-telegram-bot `Bot` whose every request goes to `api`."""
    return Bot(
        "123:TEST",
        request=api.request(read_timeout),
        get_updates_request=api.request(read_timeout),
    )


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with bot_for(api) as started:
        yield started


async def send_error(bot: Bot, chat_id: int = ANNA, text: str = "hello") -> TelegramError:
    """What python-telegram-bot raises for one send that is expected to fail."""
    with pytest.raises(TelegramError) as raised:
        await bot.send_message(chat_id, text)
    return raised.value


# --- HTTP errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "description", "error"),
    [
        (500, None, NetworkError),
        (502, None, NetworkError),
        (400, CANT_PARSE_ENTITIES, BadRequest),
        (403, KICKED_FROM_GROUP, Forbidden),
        (403, BLOCKED, Forbidden),
    ],
)
async def test_an_http_error_surfaces_as_python_telegram_bots_error_for_that_status(
    bot: Bot, api: FakeBotApi, status: int, description: str | None, error: type[TelegramError]
) -> None:
    api.fail("sendMessage", status=status, description=description, times=1)
    raised = await send_error(bot)
    assert type(raised) is error
    assert api.calls_to("sendMessage")[-1].status == status


async def test_an_error_for_one_call_is_followed_by_a_normal_answer(
    bot: Bot, api: FakeBotApi
) -> None:
    api.fail("sendMessage", status=502, times=1)
    await send_error(bot, text="lost")
    await bot.send_message(ANNA, "second try")
    assert api.texts(ANNA) == ["second try"]


async def test_a_refused_call_never_reaches_the_chat(bot: Bot, api: FakeBotApi) -> None:
    api.fail("sendMessage", status=500, times=1)
    await send_error(bot)
    assert api.texts(ANNA) == []
    assert not api.calls_to("sendMessage")[0].reached


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_says_how_long_to_wait(bot: Bot, api: FakeBotApi) -> None:
    api.fail("sendMessage", status=429, retry_after=7, times=1)
    raised = await send_error(bot)
    assert isinstance(raised, RetryAfter)
    assert raised.retry_after == 7


async def test_a_fault_for_one_chat_leaves_the_other_chats_alone(bot: Bot, api: FakeBotApi) -> None:
    api.fail("sendMessage", chat_id=STAFF_CHAT, status=403, description=KICKED_FROM_GROUP)
    await send_error(bot, STAFF_CHAT)
    await bot.send_message(ANNA, "still fine")
    assert api.texts(ANNA) == ["still fine"]


async def test_a_fault_without_a_count_lasts_until_healed(bot: Bot, api: FakeBotApi) -> None:
    api.fail("sendMessage", status=502)
    for _ in range(3):
        await send_error(bot)
    api.heal()
    await bot.send_message(ANNA, "healed")
    assert api.texts(ANNA) == ["healed"]


async def test_a_fault_for_one_method_leaves_the_other_methods_alone(
    bot: Bot, api: FakeBotApi
) -> None:
    api.fail("sendMessage", status=500)
    assert (await bot.get_chat(STAFF_CHAT)).title == "Clinic staff"


async def test_faults_apply_in_the_order_they_were_added(bot: Bot, api: FakeBotApi) -> None:
    api.fail("sendMessage", status=502, times=1)
    api.drop("sendMessage", times=1)
    first, second = await send_error(bot), await send_error(bot)
    assert "Bad Gateway" in str(first)
    assert isinstance(second.__cause__, httpx.RemoteProtocolError)


async def test_a_blocked_bot_is_refused_by_that_patient_only(bot: Bot, api: FakeBotApi) -> None:
    api.block(ANNA)
    assert isinstance(await send_error(bot), Forbidden)
    await bot.send_message(BEN, "hello Ben")
    assert api.texts() == ["hello Ben"]


async def test_a_kicked_bot_cannot_even_look_at_the_group(bot: Bot, api: FakeBotApi) -> None:
    api.kick(STAFF_CHAT)
    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await bot.get_chat(STAFF_CHAT)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_lets_one_message_a_second_into_each_chat(
    bot: Bot, api: FakeBotApi
) -> None:
    api.flood_control()
    await bot.send_message(ANNA, "one")
    too_soon = await send_error(bot, ANNA, "two")
    await bot.send_message(BEN, "one for Ben")
    assert isinstance(too_soon, RetryAfter) and too_soon.retry_after == 1
    assert api.texts() == ["one", "one for Ben"]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_lets_twenty_messages_a_minute_into_a_group(
    bot: Bot, api: FakeBotApi
) -> None:
    api.flood_control(per_chat_per_second=100)
    for n in range(20):
        await bot.send_message(STAFF_CHAT, f"alert {n}")
    too_many = await send_error(bot, STAFF_CHAT)
    assert isinstance(too_many, RetryAfter) and too_many.retry_after in range(55, 61)
    assert str(api.faulted_calls()[0].fault).startswith("429 Too Many Requests")


# --- dropped connections -----------------------------------------------------------------


@pytest.mark.parametrize("cause", [httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError])
async def test_a_dropped_connection_is_a_network_error_caused_by_the_httpx_error(
    bot: Bot, api: FakeBotApi, cause: type[httpx.HTTPError]
) -> None:
    api.drop("sendMessage", error=cause, times=1)
    raised = await send_error(bot)
    assert type(raised) is NetworkError
    assert type(raised.__cause__) is cause
    assert str(raised).startswith(f"httpx.{cause.__name__}: ")


async def test_a_dropped_call_that_never_reached_telegram_is_not_in_the_chat(
    bot: Bot, api: FakeBotApi
) -> None:
    api.drop("sendMessage", times=1)
    await send_error(bot)
    assert api.texts(ANNA) == []


async def test_a_message_delivered_before_the_connection_dropped_is_in_the_chat(
    bot: Bot, api: FakeBotApi
) -> None:
    api.drop("sendMessage", delivered=True, times=1)
    await send_error(bot, text="did it arrive?")
    assert api.texts(ANNA) == ["did it arrive?"]
    call = api.calls_to("sendMessage")[0]
    assert (call.reached, call.outcome, call.status) == (True, Outcome.DROPPED, None)


def test_a_call_that_could_not_connect_cannot_have_been_delivered(api: FakeBotApi) -> None:
    with pytest.raises(ValueError, match="cannot have been delivered"):
        api.drop("sendMessage", delivered=True, error=httpx.ConnectError)


# --- hangs -------------------------------------------------------------------------------


async def test_a_hang_longer_than_the_read_timeout_times_out_when_the_timeout_has_passed(
    bot: Bot, api: FakeBotApi
) -> None:
    api.hang("sendMessage", seconds=150, times=1)
    started = time.monotonic()
    raised = await send_error(bot)
    waited = time.monotonic() - started
    assert type(raised) is TimedOut
    assert isinstance(raised.__cause__, httpx.ReadTimeout)
    assert SHORT_TIMEOUT <= waited < 2
    assert api.texts(ANNA) == []


async def test_a_message_delivered_whose_answer_hung_past_the_timeout_is_in_the_chat(
    bot: Bot, api: FakeBotApi
) -> None:
    api.hang("sendMessage", seconds=150, delivered=True, times=1)
    assert isinstance(await send_error(bot, text="late"), TimedOut)
    assert api.texts(ANNA) == ["late"]
    assert api.calls_to("sendMessage")[0].outcome == Outcome.TIMED_OUT


async def test_a_hang_shorter_than_the_read_timeout_only_delays_the_answer(
    api: FakeBotApi,
) -> None:
    api.hang("sendMessage", seconds=0.05, times=1)
    async with bot_for(api, 1.0) as patient_bot:
        started = time.monotonic()
        sent = await patient_bot.send_message(ANNA, "slow")
    assert time.monotonic() - started >= 0.05
    assert api.texts(ANNA) == ["slow"] and sent.message_id == 1


async def test_a_read_timeout_given_with_the_call_wins_over_the_default(api: FakeBotApi) -> None:
    api.hang("sendMessage", seconds=150, times=1)
    async with bot_for(api, 60) as patient_bot:
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await patient_bot.send_message(ANNA, "hello", read_timeout=0.05)
    assert time.monotonic() - started < 2


# --- holds -------------------------------------------------------------------------------


async def test_a_held_call_is_in_the_chat_but_unanswered_until_released(
    bot: Bot, api: FakeBotApi
) -> None:
    hold = api.hold("sendMessage", times=1)
    async with bot_for(api, 5) as patient_bot:
        sending = asyncio.create_task(patient_bot.send_message(ANNA, "held"))
        held = await hold.wait()
        await asyncio.sleep(0.05)
        assert api.texts(ANNA) == ["held"] and not sending.done()
        assert held.outcome == Outcome.PENDING
        hold.release()
        sent = await sending
    assert sent.text == "held" and held.outcome == Outcome.ANSWERED


async def test_a_held_call_that_had_not_reached_telegram_arrives_on_release(
    api: FakeBotApi,
) -> None:
    hold = api.hold("sendMessage", delivered=False, times=1)
    async with bot_for(api, 5) as patient_bot:
        sending = asyncio.create_task(patient_bot.send_message(ANNA, "not yet"))
        await hold.wait()
        assert api.texts(ANNA) == []
        hold.release()
        await sending
    assert api.texts(ANNA) == ["not yet"]


async def test_a_call_held_past_the_read_timeout_times_out(bot: Bot, api: FakeBotApi) -> None:
    api.hold("sendMessage", times=1)
    assert isinstance(await send_error(bot), TimedOut)


async def test_healing_answers_the_calls_a_hold_keeps(api: FakeBotApi) -> None:
    hold = api.hold("sendMessage")
    async with bot_for(api, 5) as patient_bot:
        sending = asyncio.create_task(patient_bot.send_message(ANNA, "held"))
        await hold.wait()
        api.heal()
        assert (await sending).text == "held"
    assert hold.released and api.faults() == []


# --- watching and recording ----------------------------------------------------------------


async def test_a_watcher_runs_once_telegram_has_the_message_and_before_the_bot_hears_back(
    bot: Bot, api: FakeBotApi
) -> None:
    seen: list[tuple[list[str], Outcome]] = []
    stop = api.on_call("sendMessage", lambda call: seen.append((api.texts(ANNA), call.outcome)))
    await bot.send_message(ANNA, "one")
    stop()
    await bot.send_message(ANNA, "two")
    assert seen == [(["one"], Outcome.PENDING)]


async def test_a_watcher_for_one_chat_ignores_the_others(bot: Bot, api: FakeBotApi) -> None:
    seen: list[int | None] = []
    api.on_call("send*", lambda call: seen.append(call.chat_id), chat_id=STAFF_CHAT)
    await bot.send_message(ANNA, "to Anna")
    await bot.send_message(STAFF_CHAT, "to staff")
    assert seen == [STAFF_CHAT]


async def test_waiting_for_a_call_returns_the_first_one_that_matches(
    bot: Bot, api: FakeBotApi
) -> None:
    later = asyncio.create_task(
        api.wait_for_call("sendMessage", lambda call: call.chat_id == STAFF_CHAT)
    )
    await bot.send_message(ANNA, "not this one")
    await bot.send_message(STAFF_CHAT, "this one")
    assert (await later).params["text"] == "this one"


async def test_every_injected_fault_is_recorded_with_what_happened(
    bot: Bot, api: FakeBotApi
) -> None:
    api.fail("sendMessage", status=502, times=1)
    api.drop("sendMessage", delivered=True, times=1)
    api.hang("sendMessage", seconds=150, times=1)
    for _ in range(3):
        await send_error(bot)
    await bot.send_message(ANNA, "fine")
    recorded = [(str(c.fault), c.outcome, c.reached) for c in api.faulted_calls()]
    assert recorded == [
        ("502 Bad Gateway", Outcome.ANSWERED, False),
        ("drop (RemoteProtocolError) (delivered)", Outcome.DROPPED, True),
        ("hang 150s", Outcome.TIMED_OUT, False),
    ]
    assert len(api.calls_to("sendMessage")) == 4


async def test_a_file_download_is_recorded(bot: Bot, api: FakeBotApi) -> None:
    photo = api.photo_update(ANNA)["message"]["photo"][-1]
    file = await bot.get_file(photo["file_id"])
    await file.download_as_bytearray()
    assert [call.method for call in api.calls[-2:]] == ["getFile", "downloadFile"]
