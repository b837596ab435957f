"""The fake Bot API over HTTP/2 (cleartext, prior knowledge), as python-telegram-bot's
`HTTPXRequest(http_version="2")` speaks to it, and the bot's Application built for HTTP/2
(the HTTP bench measures both versions side by side)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fake_bot_api import FakeBotApi
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.telegram.application import build_application

ANNA = 1001
TOKEN = "123:TEST"
READ_TIMEOUT = 0.3


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
def base_url(api: FakeBotApi) -> Iterator[str]:
    with api.serve_http(http_version="2") as url:
        yield url


@pytest.fixture
async def bot(base_url: str) -> AsyncIterator[Bot]:
    sends = HTTPXRequest(http_version="2", read_timeout=READ_TIMEOUT)
    polls = HTTPXRequest(http_version="2")
    with pytest.warns(UserWarning, match="HTTP/2"):  # "self-hosted servers speak 1.1 only"
        started = Bot(TOKEN, base_url=base_url, request=sends, get_updates_request=polls)
    async with started:
        yield started


async def test_the_fake_answers_in_http2_when_spoken_to_in_http2(base_url: str) -> None:
    async with httpx.AsyncClient(http1=False, http2=True) as client:
        response = await client.post(f"{base_url}{TOKEN}/getMe")
    assert response.http_version == "HTTP/2"
    assert response.json()["result"]["is_bot"] is True


async def test_concurrent_sends_over_one_http2_connection_each_reach_their_chat(
    bot: Bot, api: FakeBotApi
) -> None:
    chats = range(ANNA, ANNA + 20)
    await asyncio.gather(*(bot.send_message(chat, f"hello {chat}") for chat in chats))
    assert [api.texts(chat) for chat in chats] == [[f"hello {chat}"] for chat in chats]


async def test_a_long_poll_over_http2_returns_the_update_queued_while_it_waits(
    bot: Bot, api: FakeBotApi
) -> None:
    polling = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    api.send_text(ANNA, "hello")
    updates = await asyncio.wait_for(polling, timeout=3)
    assert [update.message.text for update in updates if update.message] == ["hello"]


async def test_an_answer_larger_than_the_http2_flow_control_window_arrives_whole(
    bot: Bot, api: FakeBotApi
) -> None:
    story = "my cheek is red and warm " * 40  # 100 of them: more than 64 KiB of JSON
    for n in range(100):
        api.send_text(ANNA + n, story)
    updates = await bot.get_updates(timeout=1)
    assert [update.message.text for update in updates if update.message] == [story] * 100


async def test_an_error_status_reaches_the_bot_over_http2(bot: Bot, api: FakeBotApi) -> None:
    api.fail("sendMessage", status=502, times=1)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(ANNA, "hello")
    await bot.send_message(ANNA, "again")
    assert api.texts(ANNA) == ["again"]


async def test_a_dropped_call_over_http2_is_a_reset_stream_httpx_calls_remote_protocol_error(
    bot: Bot, api: FakeBotApi
) -> None:
    api.drop("sendMessage", delivered=True, times=1)
    with pytest.raises(NetworkError) as raised:
        await bot.send_message(ANNA, "hello")
    assert isinstance(raised.value.__cause__, httpx.RemoteProtocolError)
    await bot.send_message(ANNA, "again")
    assert api.texts(ANNA) == ["hello", "again"]


async def test_a_call_that_hangs_past_the_read_timeout_over_http2_times_out_and_the_next_is_sent(
    bot: Bot, api: FakeBotApi
) -> None:
    api.hang("sendMessage", seconds=2, times=1)
    with pytest.raises(TimedOut):
        await bot.send_message(ANNA, "hello")
    await bot.send_message(ANNA, "again")
    assert api.texts(ANNA)[0] == "again"


def test_build_application_gives_sends_and_polling_the_http_version_asked_for() -> None:
    application = build_application(TOKEN, "http://127.0.0.1:9/bot", http_version="2")
    # python-telegram-bot keeps (getUpdates' request, everything else's) and shows only the
    # second publicly.
    polls, sends = application.bot._request
    assert isinstance(polls, HTTPXRequest) and isinstance(sends, HTTPXRequest)
    assert (polls.http_version, sends.http_version) == ("2", "2")


async def test_an_application_built_for_http2_sends_its_replies_over_http2(
    base_url: str, api: FakeBotApi
) -> None:
    application = build_application(TOKEN, base_url, http_version="2")
    async with application:
        await application.bot.do_api_request(
            "sendMessage", api_kwargs={"chat_id": ANNA, "text": "hello"}
        )
    assert api.texts(ANNA) == ["hello"]
