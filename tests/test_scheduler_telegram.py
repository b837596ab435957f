"""Check-ins through the real python-telegram-bot `Bot` and the fake Bot API.

The dispatcher's `send` here is `telegram_sender(bot)`, so what python-telegram-bot makes
of Telegram's answers (403, 429 with retry_after) is what the dispatcher sees.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fake_bot_api import FakeBotApi
from telegram import Bot

from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.knowledge.model import KnowledgeBase, Wording
from bot.storage.patients import add_treatment, get_or_create_patient, get_patient
from bot.storage.store import Store
from scheduler import service
from scheduler.dispatch import Dispatcher, RateLimiter
from scheduler.messages import PAUSE
from scheduler.planning import CheckInPlan, CheckInReply, CheckInStep
from scheduler.telegram_adapter import keyboard_markup, telegram_sender

SHIPPED_WORDING = load_knowledge(DEFAULT_KNOWLEDGE_DIR).wording.texts
"""The bot's sentences as shipped; each test names the few it relies on."""

ANNA = 1001
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KNOWLEDGE = KnowledgeBase(
    rules=(),
    wording=Wording({**SHIPPED_WORDING, "clinic_name": "Bright", "clinic_phone": "0123"}),
    plan=CheckInPlan(
        (
            CheckInStep(0, "<b>Welcome home!</b> Rest & relax."),
            CheckInStep(1, "How is your skin today?", (CheckInReply("All good", answer="Great"),)),
        )
    ),
    concepts={},
    source_dir=Path("."),
)


class Clock:
    """A wall clock for the planner and dispatcher; Telegram's side runs in real time."""

    def __init__(self) -> None:
        self.wall = NOW
        self.mono = 0.0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.mono += seconds
        self.wall += timedelta(seconds=seconds)
        await asyncio.sleep(0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "aftercare.db") as opened:
        opened.run_sync(
            lambda db: get_or_create_patient(
                db,
                ANNA,
                chat_id=ANNA,
                first_name="Anna",
                username=None,
                timezone=ZoneInfo("Europe/London"),
                checkin_time=datetime(2026, 1, 1, 10).time(),
                now=NOW,
            )
        )
        opened.run_sync(add_treatment, ANNA, date(2026, 11, 23), NOW)
        opened.run_sync(service.opt_in, ANNA, KNOWLEDGE.plan, NOW)
        yield opened


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot("123:TEST", request=api.request()) as started:
        yield started


def dispatcher(store: Store, bot: Bot, clock: Clock) -> Dispatcher:
    return Dispatcher(
        store,
        telegram_sender(bot),
        lambda: KNOWLEDGE,
        clock.now,
        limiter=RateLimiter(clock=clock.monotonic, sleep=clock.sleep),
        sleep=clock.sleep,
    )


async def test_a_check_in_goes_out_once_as_html_with_its_buttons(
    store: Store, bot: Bot, api: FakeBotApi
) -> None:
    clock = Clock()
    await dispatcher(store, bot, clock).tick()
    clock.wall = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    await dispatcher(store, bot, clock).tick()
    await dispatcher(store, bot, clock).tick()
    sent = api.sent(ANNA)
    assert [params["text"] for params in sent] == [
        "<b>Welcome home!</b> Rest & relax.",
        "How is your skin today?",
    ]
    assert {params["parse_mode"] for params in sent} == {"HTML"}
    keyboard = sent[1]["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in keyboard][-1] == PAUSE
    assert keyboard[0][0]["text"] == "All good"


async def test_a_blocked_bot_makes_the_patient_unreachable(
    store: Store, bot: Bot, api: FakeBotApi
) -> None:
    api.block(ANNA)
    report = await dispatcher(store, bot, Clock()).tick()
    assert report.unreachable == 1
    patient = store.run_sync(get_patient, ANNA)
    assert patient is not None and not patient.reachable
    assert await service.next_checkin_local(store, ANNA) is None


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_telegrams_flood_control_is_waited_out_and_the_check_in_sent_once(
    store: Store, bot: Bot, api: FakeBotApi
) -> None:
    clock = Clock()
    api.rate_limit(ANNA, retry_after=3, times=1)
    report = await dispatcher(store, bot, clock).tick()
    calls = api.calls_to("sendMessage")
    delivered = [call.params["text"] for call in calls if "message_id" in call.params]
    assert report.sent == 1
    assert len(calls) == 2  # the first one was turned away with 429
    assert delivered == ["<b>Welcome home!</b> Rest & relax."]
    assert sum(clock.slept) >= 3


def test_no_buttons_means_no_keyboard() -> None:
    assert keyboard_markup(()) is None
