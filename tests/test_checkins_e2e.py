"""Check-ins end to end: `aftercare run`'s wiring (python-telegram-bot's real Application,
the inbox, the outbox and its sender), talking to the fake Bot API, with the clock turned
by hand.

Nothing sleeps for real. The bot reads the wall clock of `Clock` (patients in Berlin, an
hour ahead of UTC in November). The periodic loops are not started: a test runs the
dispatch when it wants it (`tick`), or the one a change asked for (`dispatch_now_jobs`).

Day 0 is the reply to the treatment date: "today" is answered with day 0's message, and
the day-0 check-in is then not sent as well (`checkin_plans.treatment_date_given`).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import ANNA, STAFF_CHAT, WORDING, Clock, RunningBot, settings_for, start_bot
from fake_bot_api import FakeBotApi, Json

from bot.config import Settings
from bot.storage import patients
from bot.storage.store import Store

BERLIN = ZoneInfo("Europe/Berlin")
DAY_0 = datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN)  # a Friday
DAY_1 = datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN)
DAY_3 = datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)
DAY_0_NOTE = "Day 0 note. Tonight your skin looks like a mild sunburn."
DAY_1_CHECK_IN = "Day 1 note. How is your skin today?"
DAY_3_CHECK_IN = "Day 3 note. Some flaking is normal; don't pick. How is your skin today?"
DISPATCH_SECONDS = 60.0


@dataclass
class Bot:
    """The running bot, with the clock it reads and Anna's check-ins at hand."""

    running: RunningBot
    clock: Clock

    @property
    def api(self) -> FakeBotApi:
        return self.running.api

    @property
    def store(self) -> Store:
        return self.running.store

    async def text(self, text: str) -> list[str]:
        return await self.running.text(text, username="anna_k")

    async def press(self, data: str) -> list[str]:
        return await self.running.press(data, username="anna_k")

    async def onboard(self, when: str = "today", checkins: bool = True) -> None:
        await self.text("/start")
        await self.text(when)
        await self.press("checkins:yes" if checkins else "checkins:no")
        await self.dispatch_now_jobs()

    async def dispatch_now_jobs(self) -> list[str]:
        """The dispatch a change asked for (a check-in due right away), as the bot's loop
        runs it at once; the texts it sent."""
        due = self.running.telegram.checkins_due
        if not due.is_set():
            return []
        due.clear()
        return await self.running.tick()

    async def tick(self, at: datetime | None = None) -> list[str]:
        """The periodic dispatch (at `at`, if given); the texts it sent."""
        if at is not None:
            self.clock.set(at)
        return await self.running.tick()

    def statuses(self) -> dict[int, str]:
        """Anna's check-ins: day -> status, for the newest treatment."""
        return dict(
            self.store.run_sync(
                lambda db: db.execute(
                    "SELECT day, status FROM checkins WHERE patient_id = ? AND treatment_id = "
                    "(SELECT MAX(id) FROM treatments WHERE patient_id = ?)",
                    [ANNA, ANNA],
                ).fetchall()
            )
        )

    def pending(self) -> list[int]:
        return sorted(day for day, status in self.statuses().items() if status == "pending")

    def last_check_in(self) -> Json:
        sent = self.api.last_message_with_buttons(ANNA)
        assert sent is not None
        return sent

    async def stop(self) -> None:
        await self.running.stop()


def berlin_settings(tmp_path: Path, knowledge: Path) -> Settings:
    return settings_for(
        tmp_path,
        knowledge,
        timezone=BERLIN,
        dispatch_seconds=DISPATCH_SECONDS,
        staff_ids=frozenset(),
    )


async def start(settings: Settings, api: FakeBotApi, clock: Clock) -> Bot:
    return Bot(await start_bot(settings, api, clock=clock.now), clock)


@pytest.fixture
async def bot(tmp_path: Path, small_knowledge: Path, api: FakeBotApi) -> AsyncIterator[Bot]:
    running = await start(berlin_settings(tmp_path, small_knowledge), api, Clock(DAY_0))
    yield running
    await running.stop()


def buttons(sent: Json) -> list[str]:
    rows = sent.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


def labels(sent: Json) -> list[str]:
    rows = sent.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


# --- wiring -----------------------------------------------------------------------------


async def test_the_running_bot_looks_for_due_check_ins_every_dispatch_seconds(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    clock = Clock(DAY_0)
    settings = berlin_settings(tmp_path, small_knowledge)
    bot = await start(settings, api, clock)
    await bot.onboard()
    await bot.stop()
    clock.set(DAY_1)
    fast = settings_for(tmp_path, small_knowledge, timezone=BERLIN, dispatch_seconds=0.05)
    running = await start_bot(fast, api, clock=clock.now)
    await running.telegram.start_jobs()
    try:
        await api.wait_for_messages(ANNA, len(api.texts(ANNA)) + 1)
    finally:
        await running.stop()
    assert api.texts(ANNA)[-1] == DAY_1_CHECK_IN


async def test_stopping_lets_a_running_check_in_dispatch_finish_without_an_error_logged(
    tmp_path: Path,
    small_knowledge: Path,
    api: FakeBotApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fast = settings_for(tmp_path, small_knowledge, timezone=BERLIN, dispatch_seconds=0.05)
    running = await start_bot(fast, api, clock=Clock(DAY_0).now)
    started, finished = asyncio.Event(), asyncio.Event()

    async def slow_dispatch() -> None:
        started.set()
        await asyncio.sleep(0.3)
        finished.set()

    running.telegram.dispatch_checkins = slow_dispatch  # type: ignore[method-assign]
    await running.telegram.start_jobs()
    await asyncio.wait_for(started.wait(), timeout=10)
    with caplog.at_level(logging.WARNING):
        await running.stop()
    assert finished.is_set()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


# --- day 0 ------------------------------------------------------------------------------


async def test_onboarding_today_shows_day_0_once_right_away_and_plans_the_rest(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.text("/start")
    date_reply = await bot.text("today")
    assert date_reply[0] == f"Got it: Friday 27 November, so today is day 0.\n{DAY_0_NOTE}"
    assert await bot.press("checkins:yes") == [
        "Done. I'll write at 10:00 your time. /time to change it, /checkins off to stop."
    ]
    assert await bot.dispatch_now_jobs() == []
    assert await bot.tick() == []
    assert sum(DAY_0_NOTE in text for text in api.texts(ANNA)) == 1
    assert bot.statuses() == {0: "skipped", 1: "pending", 3: "pending", 7: "pending"}


async def test_day_0_is_not_sent_again_to_a_patient_who_opts_in_later_that_day(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard("today", checkins=False)
    bot.clock.set(DAY_0.replace(hour=12))
    await bot.text("/checkins on")
    assert await bot.dispatch_now_jobs() == []
    assert sum(DAY_0_NOTE in text for text in api.texts(ANNA)) == 1


async def test_the_check_in_whose_note_the_date_reply_showed_is_not_sent_again(
    bot: Bot,
) -> None:
    await bot.text("/start")
    (date_reply, _offer) = await bot.text("3 days ago")
    assert date_reply.endswith(
        "so today is day 3.\nDay 3 note. Some flaking is normal; don't pick."
    )
    await bot.press("checkins:yes")
    assert await bot.tick(DAY_0.replace(hour=10)) == []
    assert bot.statuses() == {3: "skipped", 7: "pending"}


async def test_a_due_check_in_goes_out_right_after_check_ins_are_turned_on(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard("today", checkins=False)
    bot.clock.set(DAY_1 + timedelta(minutes=30))
    assert await bot.text("/checkins on") == [
        "Done. I'll write at 10:00 your time. /time to change it, /checkins off to stop."
    ]
    assert await bot.dispatch_now_jobs() == [DAY_1_CHECK_IN]
    assert await bot.tick() == []


# --- day 1 and its buttons --------------------------------------------------------------


async def test_day_1_goes_out_once_at_10_local_with_its_replies_and_a_pause_button(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    assert await bot.tick(DAY_1 - timedelta(minutes=1)) == []
    assert await bot.tick(DAY_1) == [DAY_1_CHECK_IN]
    assert await bot.tick(DAY_1 + timedelta(minutes=1)) == []
    check_in = bot.last_check_in()
    assert check_in["parse_mode"] == "HTML"
    assert labels(check_in) == ["All good", "Red", "I'm worried", "Pause check-ins"]
    assert buttons(check_in)[-1] == "ci:pause"
    assert bot.statuses()[1] == "sent"


async def test_all_good_is_answered_and_the_check_ins_buttons_are_taken_away(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    await bot.tick(DAY_1)
    check_in = bot.last_check_in()
    assert await bot.press(buttons(check_in)[0]) == ["Great to hear!"]
    edits = api.calls_to("editMessageReplyMarkup")
    assert [int(call.params["message_id"]) for call in edits][-1] == check_in["message_id"]
    assert await bot.press(buttons(check_in)[0]) == [
        "You've already answered this check-in, thank you."
    ]


async def test_im_worried_gets_the_urgent_answer_and_alerts_the_staff_chat(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    await bot.tick(DAY_1)
    worried = buttons(bot.last_check_in())[2]
    sent = await bot.press(worried)
    assert sent[0] == WORDING["red_flag_answer"]
    assert f'Warning sign: Anna (@anna_k, id {ANNA}), day 1: "I\'m worried"' in sent
    assert api.texts(STAFF_CHAT) == [
        f'Warning sign: Anna (@anna_k, id {ANNA}), day 1: "I\'m worried"'
    ]
    flags = bot.store.run_sync(lambda db: list(db["red_flags"].rows))
    assert [(flag["day"], flag["alerted"]) for flag in flags] == [(1, 1)]


async def test_pause_check_ins_stops_the_later_ones(bot: Bot, api: FakeBotApi) -> None:
    await bot.onboard()
    await bot.tick(DAY_1)
    replies = await bot.press("ci:pause")
    assert replies[0].startswith("Check-ins paused.")
    assert buttons(api.sent(ANNA)[-1]) == ["ci:resume"]
    assert bot.pending() == []
    assert await bot.tick(DAY_3) == []
    stored = bot.store.run_sync(patients.get_patient, ANNA)
    assert stored is not None and not stored.checkins_enabled


async def test_resume_brings_back_what_is_still_ahead(bot: Bot) -> None:
    await bot.onboard()
    await bot.tick(DAY_1)
    await bot.press("ci:pause")
    await bot.press("ci:resume")
    assert bot.pending() == [3, 7]
    assert await bot.tick(DAY_3) == [DAY_3_CHECK_IN]


# --- commands ---------------------------------------------------------------------------


async def test_checkins_off_cancels_everything_pending(bot: Bot) -> None:
    await bot.onboard()
    await bot.text("/checkins off")
    assert bot.pending() == []
    assert await bot.tick(DAY_1) == []


async def test_time_moves_the_pending_check_ins_to_the_new_local_time(bot: Bot) -> None:
    await bot.onboard()
    assert await bot.text("/time 18:30") == ["Done. Check-ins will come at 18:30 your time."]
    assert await bot.tick(DAY_1) == []
    assert await bot.tick(DAY_1.replace(hour=18, minute=30)) == [DAY_1_CHECK_IN]


async def test_status_shows_the_next_check_in_in_the_patients_local_time(bot: Bot) -> None:
    await bot.onboard()
    (status,) = await bot.text("/status")
    assert "Check-ins: on, at 10:00 (Europe/Berlin)" in status
    assert "Next check-in: Saturday 28 November, 10:00." in status  # 09:00 UTC
    await bot.text("/time 18:30")
    (status,) = await bot.text("/status")
    assert "Next check-in: Saturday 28 November, 18:30." in status


# --- restarts, blocked patients, forgetting ---------------------------------------------


async def test_a_restart_on_the_same_database_sends_nothing_twice(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    settings = berlin_settings(tmp_path, small_knowledge)
    clock = Clock(DAY_0)
    first = await start(settings, api, clock)
    await first.onboard()
    assert await first.tick(DAY_1) == [DAY_1_CHECK_IN]
    await first.stop()

    second = await start(settings, api, clock)
    try:
        assert await second.tick(DAY_1 + timedelta(minutes=1)) == []
        assert await second.tick(DAY_3) == [DAY_3_CHECK_IN]
        assert await second.tick(DAY_3 + timedelta(minutes=1)) == []
    finally:
        await second.stop()
    assert api.texts(ANNA).count(DAY_1_CHECK_IN) == 1
    assert api.texts(ANNA).count(DAY_3_CHECK_IN) == 1


async def test_a_check_in_due_while_the_bot_was_down_goes_out_once_after_the_restart(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    settings = berlin_settings(tmp_path, small_knowledge)
    clock = Clock(DAY_0)
    first = await start(settings, api, clock)
    await first.onboard()
    await first.stop()

    clock.set(DAY_1 + timedelta(hours=3))
    second = await start(settings, api, clock)
    try:
        assert await second.tick() == [DAY_1_CHECK_IN]
        assert await second.tick() == []
    finally:
        await second.stop()


async def test_a_patient_who_blocked_the_bot_is_marked_unreachable_and_nothing_is_pending(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    api.block(ANNA)
    assert await bot.tick(DAY_1) == []
    stored = bot.store.run_sync(patients.get_patient, ANNA)
    assert stored is not None and not stored.reachable
    assert bot.statuses() == {0: "skipped", 1: "cancelled", 3: "cancelled", 7: "cancelled"}


async def test_a_patient_who_unblocks_and_writes_again_gets_what_is_still_ahead(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.onboard()
    api.block(ANNA)
    await bot.tick(DAY_1)
    assert bot.statuses() == {0: "skipped", 1: "cancelled", 3: "cancelled", 7: "cancelled"}
    api.heal(ANNA)
    await bot.text("hi again")
    # Day 1 is still due today, so it is planned again along with what is ahead.
    assert bot.statuses() == {0: "skipped", 1: "pending", 3: "pending", 7: "pending"}
    assert await bot.tick() == [DAY_1_CHECK_IN]


async def test_forget_leaves_no_check_in_rows(bot: Bot, tmp_path: Path) -> None:
    await bot.onboard()
    await bot.tick(DAY_1)
    await bot.text("/forget")
    await bot.press("forget:yes")
    assert await bot.tick(DAY_3) == []
    bot.store.close()
    database = sqlite3.connect(tmp_path / "aftercare.db")
    assert database.execute("SELECT count(*) FROM checkins").fetchone() == (0,)
