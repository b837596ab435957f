"""Shared fixtures: a small knowledge folder written for tests (so that what the bot says in
a test does not move when staff improve the real knowledge), a store, a clock, the fake
Bot API and a running bot."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from fake_bot_api import FakeBotApi, Json
from sqlite_utils import Database

from bot.compose import Product, compose, utc_now
from bot.config import Settings
from bot.core.model import REQUIRED_TOPICS
from bot.core.signs import SignChecker
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.storage import checkin_plans, patients
from bot.storage.store import Store
from bot.telegram.app import TelegramBot
from bot.telegram.application import TelegramApplication, build_application
from bot.telegram.limits import SendLimits
from scheduler.planning import CheckInPlan

SMALL_TOPICS: dict[str, tuple[str, list[str]]] = {
    "makeup": (
        "Makeup",
        ["can i wear makeup tomorrow", "when can i put foundation on", "is concealer ok"],
    ),
    "sun-protection": (
        "Sun protection",
        ["do i need sunscreen", "can i sunbathe", "which spf should i use"],
    ),
    "exercise-sweating": (
        "Exercise and sweating",
        ["can i go to the gym", "when can i exercise again", "is running ok"],
    ),
    "swimming-heat": (
        "Swimming, sauna and heat",
        ["can i go swimming", "is the sauna ok", "can i use the steam room"],
    ),
}
"""The few topics the tests talk about; every other required topic gets filler examples."""

SMALL_ANSWERS = {
    "makeup": "Makeup: give your skin 48 hours.",
    "sun-protection": "Sun: wear SPF 30 every day.",
    "exercise-sweating": "Exercise: rest for 48 hours.",
    "swimming-heat": "Swimming: wait two weeks.",
}
MAKEUP_DAY_0_1 = "Makeup: not yet, please."
MAKEUP_DAY_2_ON = "Makeup: yes, light mineral makeup is fine now."
GREETING_ANSWER = "Hello! Ask me anything about your skin after microneedling."
WORDING = {
    # The conversation's own sentences as shipped; the tests pin the ones below.
    **yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / "bot.yaml").read_text()),
    "clinic_name": "Test Clinic",
    "clinic_phone": "0100 000",
    "emergency_number": "112",
    "welcome": "Hi! I'm the aftercare assistant of {clinic_name}.",
    "disclaimer": "I'm not a doctor. In an emergency call {emergency_number}.",
    "ask_treatment_date": "When was your treatment?",
    "fallback": "Sorry, I'm not sure. Call {clinic_name} on {clinic_phone}.",
    "did_you_mean": "Did you mean one of these?",
    "red_flag_answer": "<b>This needs a look today.</b> I've told the clinic team.",
    "non_text": "I can only read text messages.",
    "help": "Ask me anything about your skin. /topics shows what I know.",
    # Always open, so the urgent answer does not depend on when a test runs; the tests of
    # opening hours set their own.
    "opening_hours": "Mon-Sun 00:00-24:00",
}
CHECKINS = """\
quiet_hours: "21:00-08:00"
checkins:
  - day: 0
    message: Day 0 note. Tonight your skin looks like a mild sunburn.
  - day: 1
    message: Day 1 note. How is your skin today?
    replies:
      - label: All good
        answer: Great to hear!
      - label: Red
        topic: redness-swelling
      - label: I'm worried
        worrying: true
  - day: 3
    message: Day 3 note. Some flaking is normal; don't pick. How is your skin today?
  - day: 7
    message: One week in.
"""


def a_zone_at_midday(now: datetime) -> str:
    """A time zone where it is around noon at `now`, far from the quiet hours: tests on
    the real clock send check-ins whatever the hour they run at."""
    ahead = (12 - now.hour + 12) % 24 - 12  # hours ahead of UTC, -12..11
    return "Etc/GMT" if ahead == 0 else f"Etc/GMT{-ahead:+d}"


def write_small_knowledge(root: Path) -> Path:
    """A complete, valid knowledge folder with short, predictable answers."""
    topics = root / "topics"
    topics.mkdir(parents=True)
    for topic in REQUIRED_TOPICS:
        title = topic.replace("-", " ").capitalize()
        filler = [f"question about {topic} {n}" for n in ("one", "two", "three")]
        title, examples = SMALL_TOPICS.get(topic, (title, filler))
        rule: dict[str, object] = {
            "id": topic,
            "title": title,
            "examples": examples,
            "answer": SMALL_ANSWERS.get(topic, f"{title}: the clinic's answer."),
        }
        if topic == "makeup":
            rule["by_day"] = [
                {"days": "0-1", "answer": MAKEUP_DAY_0_1},
                {"days": "2+", "answer": MAKEUP_DAY_2_ON},
            ]
        _write_yaml(topics / f"{topic}.yaml", rule)
    greetings = {
        "id": "greetings",
        "title": "Greetings",
        "scope": "off-topic",
        "examples": ["hello", "hi there", "good morning"],
        "answer": GREETING_ANSWER,
    }
    _write_yaml(topics / "greetings.yaml", greetings)
    _write_yaml(root / "bot.yaml", WORDING)
    (root / "checkins.yaml").write_text(CHECKINS)
    # The warning signs are the shipped ones: the tests of the sign check read them.
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR / "warning-signs", root / "warning-signs")
    return root


def _write_yaml(path: Path, content: object) -> None:
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True))


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The trained warning-sign classifier is cached here, not in the tester's home."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge, to edit or break in a test."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


@pytest.fixture
def small_knowledge(tmp_path: Path) -> Path:
    """A small test knowledge folder (see `write_small_knowledge`)."""
    return write_small_knowledge(tmp_path / "knowledge")


# --- shared fixtures: a store, a clock, the fake Bot API and a running bot -----------------

TOKEN = "123456:SECRET-TEST-TOKEN"
BASE_URL = "http://fake-telegram.invalid/bot"
ANNA = 918273645
BEN = 564738291
STAFF = 42
STAFF_CHAT = -1001234


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh database, migrated, in a temporary folder."""
    with Store(tmp_path / "aftercare.db") as opened:
        yield opened


def enrol_patient(
    store: Store,
    patient_id: int,
    treated_on: date,
    now: datetime,
    plan: CheckInPlan | None,
    *,
    zone: str = "Europe/London",
    at: time = time(10, 0),
) -> None:
    """A Telegram patient met at `now` who gave `treated_on` as their treatment date and,
    unless `plan` is None, said yes to check-ins from `plan`, stored as onboarding does."""

    def enrol(db: Database) -> None:
        patients.greet_patient(
            db,
            patient_id,
            chat_id=patient_id,
            first_name=None,
            username=None,
            timezone=ZoneInfo(zone),
            checkin_time=at,
            now=now,
        )
        patients.add_treatment(db, patient_id, treated_on, now)
        if plan is not None:
            checkin_plans.opt_in(db, patient_id, plan, now)

    store.run_sync(enrol)


class Clock:
    """A wall clock turned by hand (every decision reads it; nothing sleeps for real)."""

    def __init__(self, start: datetime) -> None:
        self.wall = start

    def now(self) -> datetime:
        return self.wall

    def set(self, moment: datetime) -> None:
        self.wall = moment

    def advance(self, **delta: float) -> None:
        self.wall += timedelta(**delta)


def columns_holding(database_path: Path, value: int) -> list[str]:
    """Every `table.column` of the database whose text holds `value` anywhere (after
    /forget, a patient's id must be in none)."""
    database = sqlite3.connect(database_path)
    found = []
    tables = [r[0] for r in database.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        for column in [r[1] for r in database.execute(f'PRAGMA table_info("{table}")')]:
            hits = database.execute(
                f'SELECT count(*) FROM "{table}" WHERE instr(CAST("{column}" AS TEXT), ?) > 0',
                [str(value)],
            ).fetchone()[0]
            if hits:
                found.append(f"{table}.{column}")
    database.close()
    return found


def unlimited() -> SendLimits:
    """Telegram's limits lifted, so tests don't wait a second between two messages."""
    return SendLimits(overall_per_second=100_000, private_burst=100_000, group_per_minute=100_000)


def settings_for(tmp_path: Path, knowledge: Path, **changes: Any) -> Settings:
    settings = Settings(
        telegram_bot_token=TOKEN,
        telegram_api_base_url=BASE_URL,
        db_path=tmp_path / "aftercare.db",
        knowledge_dir=knowledge,
        staff_ids=frozenset({STAFF}),
        staff_chat_id=STAFF_CHAT,
    )
    return settings._replace(**changes)


@dataclass
class RunningBot:
    """`aftercare run` wired as in production (python-telegram-bot's real Application,
    the inbox processor, the outbox sender) over the fake Bot API. Updates go in through
    the inbox as polling stores them; `receive` returns once everything they caused has
    been sent. The periodic loops (polling, check-in dispatch) are not started: a test
    runs them when it wants (`tick`), with its own clock."""

    telegram: TelegramBot
    api: FakeBotApi
    product: Product
    stopped: bool = False

    @property
    def application(self) -> TelegramApplication:
        return self.telegram.application

    @property
    def store(self) -> Store:
        return self.product.store

    async def receive(self, update: Json) -> list[str]:
        """Process one update; the texts the bot sent because of it, to anyone."""
        before = len(self.api.sent())
        await self.telegram.poller.store_batch([update])
        await self.settle()
        return [str(sent["text"]) for sent in self.api.sent()[before:]]

    async def settle(self) -> None:
        """Wait until every update is processed and every message that can go is sent."""
        await self.telegram.processor.wait_idle()
        await self.telegram.staff_reports_done()
        await self.telegram.delivery.drain()

    async def text(self, text: str, user: int = ANNA, **kwargs: Any) -> list[str]:
        return await self.receive(self.api.text_update(user, text, **kwargs))

    async def press(self, data: str, user: int = ANNA, **kwargs: Any) -> list[str]:
        return await self.receive(self.api.button_update(user, data, **kwargs))

    async def onboard(self, user: int = ANNA, when: str = "3 days ago", **kwargs: Any) -> None:
        await self.text("/start", user, **kwargs)
        await self.text(when, user, **kwargs)
        await self.press("checkins:yes", user, **kwargs)

    async def tick(self) -> list[str]:
        """One look at the due check-ins, as the periodic loop does; the texts it sent."""
        before = len(self.api.sent())
        await self.telegram.dispatch_checkins()
        await self.settle()
        return [str(sent["text"]) for sent in self.api.sent()[before:]]

    def patient(self, user: int = ANNA) -> patients.Patient | None:
        return self.store.run_sync(patients.get_patient, user)

    async def stop(self) -> None:
        """Stop it as SIGTERM does (safe to call twice)."""
        if self.stopped:
            return
        self.stopped = True
        await self.telegram.stop()
        self.product.close()


async def start_bot(
    settings: Settings,
    api: FakeBotApi,
    clock: Callable[[], datetime] = utc_now,
    limits: SendLimits | None = None,
    watch_knowledge: bool = False,
    read_timeout: float = 5.0,
) -> RunningBot:
    """A bot started as `aftercare run` starts it, minus the periodic loops (the
    knowledge watcher, if asked for, is polled by the test)."""
    product = compose(settings, KnowledgeHolder(settings.knowledge_dir), clock=clock)
    application = build_application(
        TOKEN,
        settings.telegram_api_base_url,
        request=api.request(read_timeout),
        get_updates_request=api.request(),
    )
    telegram = TelegramBot(
        product, application, limits=limits or unlimited(), watch_knowledge=watch_knowledge
    )
    await telegram.start(loops=False)
    return RunningBot(telegram, api, product)


@pytest.fixture
def api() -> FakeBotApi:
    fake = FakeBotApi()
    fake.chat(STAFF_CHAT, "supergroup", "Clinic staff")
    return fake


@pytest.fixture
async def bot(tmp_path: Path, small_knowledge: Path, api: FakeBotApi) -> AsyncIterator[RunningBot]:
    running = await start_bot(settings_for(tmp_path, small_knowledge), api)
    yield running
    await running.stop()


@pytest.fixture(scope="session")
def checker() -> SignChecker:
    """The warning-sign check over the shipped knowledge, read once for every test file
    that asks for it."""
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR).signs
    assert knowledge is not None
    return SignChecker(knowledge)
