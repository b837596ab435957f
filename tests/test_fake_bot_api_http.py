"""The fake Bot API over HTTP, as a bot in another process meets it: python-telegram-bot's
own HTTPXRequest sees the faults as network failures, and `aftercare run` can be killed
at the moment Telegram holds its message (`tests/bot_process.py`)."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from bot_process import bot_environment, bot_process
from fake_bot_api import FakeBotApi, Outcome
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

ANNA = 1001
READ_TIMEOUT = 0.3


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
def base_url(api: FakeBotApi) -> Iterator[str]:
    with api.serve_http() as url:
        yield url


@pytest.fixture
async def bot(base_url: str) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=READ_TIMEOUT)
    async with Bot("123:TEST", base_url=base_url, request=request) as started:
        yield started


async def test_an_error_status_reaches_the_bot_over_http(bot: Bot, api: FakeBotApi) -> None:
    api.fail("sendMessage", status=502, times=1)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(ANNA, "hello")
    await bot.send_message(ANNA, "again")
    assert api.texts(ANNA) == ["again"]


async def test_a_dropped_connection_over_http_is_httpxs_remote_protocol_error(
    bot: Bot, api: FakeBotApi
) -> None:
    api.drop("sendMessage", delivered=True, times=1)
    with pytest.raises(NetworkError) as raised:
        await bot.send_message(ANNA, "hello")
    assert isinstance(raised.value.__cause__, httpx.RemoteProtocolError)
    assert api.texts(ANNA) == ["hello"]


async def test_a_call_that_hung_until_the_bot_gave_up_never_reaches_the_chat(
    bot: Bot, api: FakeBotApi
) -> None:
    api.hang("sendMessage", seconds=3, times=1)
    with pytest.raises(TimedOut):
        await bot.send_message(ANNA, "hello")
    call = await api.wait_for_call("sendMessage", lambda c: c.outcome == Outcome.CLIENT_GONE)
    assert not call.reached and api.texts(ANNA) == []


async def test_a_held_call_over_http_is_answered_when_released(bot: Bot, api: FakeBotApi) -> None:
    hold = api.hold("sendMessage", times=1)
    api.on_call("sendMessage", lambda call: hold.release())
    sent = await bot.send_message(ANNA, "held")
    assert sent.text == "held" and hold.calls[0].outcome == Outcome.ANSWERED


def test_a_bot_killed_while_telegram_holds_its_reply_never_hears_back_yet_the_patient_has_it(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi, base_url: str
) -> None:
    environment = bot_environment(base_url, tmp_path / "aftercare.db", small_knowledge)
    with bot_process(api, tmp_path, environment) as aftercare:
        hold = api.hold("sendMessage", times=1)
        api.send_text(ANNA, "/start")
        held = hold.wait_sync(timeout=20)
        assert aftercare.kill() == -signal.SIGKILL
        api.wait_for_call_sync("sendMessage", lambda c: c.outcome == Outcome.CLIENT_GONE)
        assert held.reached and len(api.texts(ANNA)) == 1
        aftercare.start()
        assert aftercare.stop() == 0, aftercare.output


def test_a_watcher_can_kill_aftercare_run_after_telegram_took_its_reply_and_before_it_knows(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi, base_url: str
) -> None:
    environment = bot_environment(base_url, tmp_path / "aftercare.db", small_knowledge)
    with bot_process(api, tmp_path, environment) as aftercare:
        api.on_call("sendMessage", lambda call: aftercare.kill(), chat_id=ANNA)
        api.send_text(ANNA, "/start")
        killed = api.wait_for_call_sync(
            "sendMessage", lambda call: call.outcome == Outcome.CLIENT_GONE, timeout=20
        )
        assert killed.reached and not aftercare.running
        assert api.calls_to("sendMessage") == [killed]
