"""Messaging that survives Telegram's faults: each fault injected into the fake Bot API
while the real Application, inbox and outbox run (one test per row of the issue's table
of faults that used to lose alerts and replies)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from conftest import (
    ANNA,
    BEN,
    STAFF_CHAT,
    WORDING,
    RunningBot,
    a_zone_at_midday,
    settings_for,
    start_bot,
)
from fake_bot_api import FakeBotApi
from sqlite_utils import Database

from bot.storage import notices
from bot.telegram.limits import SendLimits
from scheduler.clock import utc_iso

RED_FLAG = "theres yellow crust on my chin and it feels hot"
ALERT = f'Warning sign: Anna (id {ANNA}), day 3: "{RED_FLAG}"'
MAKEUP = "Makeup: yes, light mineral makeup is fine now."


@pytest.fixture
async def bot(tmp_path: Path, small_knowledge: Path, api: FakeBotApi) -> AsyncIterator[RunningBot]:
    # A short read timeout, so a hung request fails in a tenth of a second, not five.
    running = await start_bot(settings_for(tmp_path, small_knowledge), api, read_timeout=0.1)
    yield running
    await running.stop()


async def alert_after_one_fault(bot: RunningBot, api: FakeBotApi) -> None:
    await bot.onboard()
    await bot.text(RED_FLAG)


async def test_a_staff_alert_that_fails_once_with_a_500_is_sent_again(
    bot: RunningBot, api: FakeBotApi
) -> None:
    api.fail("sendMessage", chat_id=STAFF_CHAT, status=500, times=1)
    await alert_after_one_fault(bot, api)
    assert api.texts(STAFF_CHAT) == [ALERT]
    assert WORDING["red_flag_answer"] in api.texts(ANNA)


async def test_a_staff_alert_that_fails_once_with_a_502_is_sent_again(
    bot: RunningBot, api: FakeBotApi
) -> None:
    api.fail("sendMessage", chat_id=STAFF_CHAT, status=502, times=1)
    await alert_after_one_fault(bot, api)
    assert api.texts(STAFF_CHAT) == [ALERT]


async def test_a_staff_alert_whose_request_timed_out_is_sent_again(
    bot: RunningBot, api: FakeBotApi
) -> None:
    api.hang("sendMessage", seconds=5, chat_id=STAFF_CHAT, times=1)
    await alert_after_one_fault(bot, api)
    assert api.texts(STAFF_CHAT) == [ALERT]


async def test_a_staff_alert_whose_connection_dropped_is_sent_again(
    bot: RunningBot, api: FakeBotApi
) -> None:
    api.drop("sendMessage", chat_id=STAFF_CHAT, error=httpx.RemoteProtocolError, times=1)
    await alert_after_one_fault(bot, api)
    assert api.texts(STAFF_CHAT) == [ALERT]


async def test_an_alert_that_arrived_but_whose_answer_was_lost_may_arrive_twice_never_zero(
    bot: RunningBot, api: FakeBotApi
) -> None:
    api.drop("sendMessage", chat_id=STAFF_CHAT, delivered=True, times=1)
    await alert_after_one_fault(bot, api)
    assert api.texts(STAFF_CHAT) == [ALERT, ALERT]


async def test_an_alert_held_back_by_flood_control_three_times_is_still_sent(
    bot: RunningBot, api: FakeBotApi
) -> None:
    api.fail("sendMessage", chat_id=STAFF_CHAT, status=429, retry_after=1, times=3)
    await bot.onboard()
    await bot.text(RED_FLAG)
    await bot.telegram.delivery.drain(timeout=15)
    assert api.texts(STAFF_CHAT) == [ALERT]


async def test_a_bot_removed_from_the_staff_chat_is_said_loudly_and_alerts_wait_for_the_fix(
    bot: RunningBot, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    api.kick(STAFF_CHAT)
    await bot.onboard()
    with caplog.at_level(logging.ERROR):
        await bot.text(RED_FLAG)
    assert "cannot write to the staff chat" in caplog.text
    standing = bot.store.run_sync(notices.current_notices)
    assert notices.STAFF_CHAT_UNREACHABLE in standing
    assert api.texts(STAFF_CHAT) == []
    api.heal(STAFF_CHAT)
    bot.telegram.delivery.wake()
    await bot.telegram.delivery.drain(timeout=15, horizon=30)
    assert api.texts(STAFF_CHAT) == [ALERT]
    assert bot.store.run_sync(notices.current_notices) == {}


async def test_a_patient_reply_that_fails_once_is_sent_again(
    bot: RunningBot, api: FakeBotApi
) -> None:
    await bot.onboard()
    api.fail("sendMessage", chat_id=ANNA, status=502, times=1)
    assert await bot.text("can i wear makeup tomorrow") == [MAKEUP]


async def test_in_a_partial_outage_every_reply_arrives_once_sending_works_again(
    bot: RunningBot, api: FakeBotApi
) -> None:
    await bot.onboard()
    await bot.onboard(BEN)
    api.fail("sendMessage", status=502, times=None)
    for user in (ANNA, BEN, ANNA):
        await bot.telegram.poller.store_batch([api.text_update(user, "can i wear makeup")])
    await bot.telegram.processor.wait_idle()
    assert api.texts(ANNA)[-1] != MAKEUP
    api.heal()
    bot.telegram.delivery.wake()
    await bot.telegram.delivery.drain(timeout=20, horizon=120)
    assert api.texts(ANNA)[-2:] == [MAKEUP, MAKEUP]
    assert api.texts(BEN)[-1] == MAKEUP


async def test_check_ins_whose_requests_all_hang_are_recorded_unknown_not_failed(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    bot = await start_bot(settings_for(tmp_path, small_knowledge), api, read_timeout=0.1)
    try:
        await bot.text("/start")
        await bot.text("today")
        await bot.press("checkins:yes")
        api.hang("sendMessage", seconds=150, delivered=True, times=None)
        due = bot.store.run_sync(_make_the_next_check_in_due)
        await bot.tick()
        statuses = bot.store.run_sync(_statuses)
    finally:
        api.heal()
        await bot.stop()
    assert due == 1
    assert statuses[1] == "unknown"
    assert "failed" not in statuses.values()


async def test_a_check_in_that_could_not_connect_is_sent_once_the_network_is_back(
    bot: RunningBot, api: FakeBotApi
) -> None:
    await bot.text("/start")
    await bot.text("today")
    await bot.press("checkins:yes")
    api.drop("sendMessage", error=httpx.ConnectError, times=1)
    bot.store.run_sync(_make_the_next_check_in_due)
    await bot.tick()
    assert bot.store.run_sync(_statuses)[1] == "sent"
    assert api.texts(ANNA)[-1].startswith("Day 1 note.")


async def test_replies_to_one_chat_are_spaced_to_about_one_a_second_after_a_short_burst(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    bot = await start_bot(settings_for(tmp_path, small_knowledge), api, limits=SendLimits())
    try:
        await bot.onboard()
        first = len(api.texts(ANNA))
        for _ in range(5):
            await bot.telegram.poller.store_batch([api.text_update(ANNA, "can i wear makeup")])
        await bot.settle()
    finally:
        await bot.stop()
    times = api.delivered_at[ANNA][first:]
    assert len(times) == 5
    assert times[-1] - times[0] >= 1.5


class HeldLimits(SendLimits):
    """Telegram's limits lifted, except that a send waits while `open` is clear: a queue
    of messages waiting for their turn under the rate limit."""

    def __init__(self) -> None:
        super().__init__(
            overall_per_second=100_000, private_burst=100_000, group_per_minute=100_000
        )
        self.open = asyncio.Event()
        self.open.set()

    async def acquire(self, chat_id: int) -> None:
        await self.open.wait()
        await super().acquire(chat_id)


async def test_a_check_in_waiting_for_its_turn_under_the_rate_limit_is_not_yet_attempted(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    # A kill while a check-in waits under the rate limit must leave it to be sent, not
    # written off as "unknown whether it arrived".
    limits = HeldLimits()
    bot = await start_bot(settings_for(tmp_path, small_knowledge), api, limits=limits)
    try:
        await bot.onboard(when="today")
        limits.open.clear()
        bot.store.run_sync(_make_the_next_check_in_due)
        await bot.telegram.dispatch_checkins()
        await asyncio.sleep(0.3)
        waiting = bot.store.run_sync(_outbox_checkins)
        limits.open.set()
        await bot.settle()
        statuses = bot.store.run_sync(_statuses)
    finally:
        await bot.stop()
    assert waiting == [("pending", None)]
    assert statuses[1] == "sent"


def _outbox_checkins(db: Database) -> list[tuple[str, str | None]]:
    rows = db.execute("SELECT status, attempted_at FROM outbox WHERE kind = 'checkin'")
    return [(row[0], row[1]) for row in rows]


def _make_the_next_check_in_due(db: Database) -> int:
    """Day 1's check-in due a minute ago, for patients where it is midday (the clock is
    real in these tests: at night the check-in would wait for the quiet hours' end)."""
    now = datetime.now(UTC)
    db.execute("UPDATE patients SET timezone = ?", [a_zone_at_midday(now)])
    a_minute_ago = utc_iso(now - timedelta(minutes=1))
    return db.execute(
        "UPDATE checkins SET due_at = ? WHERE id = (SELECT id FROM checkins "
        "WHERE status = 'pending' ORDER BY due_at LIMIT 1)",
        [a_minute_ago],
    ).rowcount


def _statuses(db: Database) -> dict[int, str]:
    return {row[0]: row[1] for row in db.execute("SELECT day, status FROM checkins")}
