"""A warning sign told in a language the bot cannot read, through the running bot and the
fake Telegram: the staff chat gets it marked "could not read", and the patient gets the
English-only reply with the clinic's number, or the out-of-hours one when it is closed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from conftest import ANNA, STAFF_CHAT, Clock, settings_for, start_bot
from fake_bot_api import FakeBotApi

from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR

FRIDAY_NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # the clinic is open
SATURDAY_4AM = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # the clinic is closed
PUS_AND_FEVER = {
    "Russian": "У меня на щеке гной, и со вчерашнего дня температура 38",
    "German": "Aus meiner Wange kommt Eiter und ich habe seit gestern Fieber",
    "Spanish": "Me sale pus de la mejilla y tengo fiebre desde ayer",
}
SHIPPED = yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / "bot.yaml").read_text())
CLINIC_PHONE = "0100 000"
OUT_OF_HOURS_PHONE = "0100 999"


@pytest.fixture
def knowledge(small_knowledge: Path) -> Path:
    """The test knowledge with the shipped English-only replies, its own phone numbers
    and real opening hours."""
    path = small_knowledge / "bot.yaml"
    wording = yaml.safe_load(path.read_text())
    wording["opening_hours"] = "Mon-Fri 09:00-18:00"
    wording["clinic_phone"] = CLINIC_PHONE
    wording["out_of_hours_phone"] = OUT_OF_HOURS_PHONE
    for key in ("unreadable_answer", "unreadable_answer_closed", "staff_alert_unreadable"):
        wording[key] = SHIPPED[key]
    path.write_text(yaml.safe_dump(wording, allow_unicode=True))
    return small_knowledge


async def told(
    tmp_path: Path, knowledge: Path, api: FakeBotApi, text: str, at: datetime
) -> list[str]:
    """What the bot sent to anyone when Anna, met at noon, wrote `text` at `at`."""
    clock = Clock(FRIDAY_NOON)
    bot = await start_bot(settings_for(tmp_path, knowledge), api, clock=clock.now)
    try:
        await bot.text("/start")
        await bot.text("yesterday")
        await bot.press("checkins:no")
        clock.set(at)
        return await bot.text(text)
    finally:
        await bot.stop()


@pytest.mark.parametrize("language", list(PUS_AND_FEVER))
async def test_pus_and_fever_in_another_language_reach_the_staff_chat_as_could_not_read(
    tmp_path: Path, knowledge: Path, api: FakeBotApi, language: str
) -> None:
    text = PUS_AND_FEVER[language]
    await told(tmp_path, knowledge, api, text, FRIDAY_NOON)
    (alert,) = [str(m["text"]) for m in api.sent(STAFF_CHAT)]
    assert alert.startswith("Could not read (another language)")
    assert text in alert


@pytest.mark.parametrize("language", list(PUS_AND_FEVER))
async def test_pus_and_fever_in_another_language_get_the_english_only_reply_with_the_phone(
    tmp_path: Path, knowledge: Path, api: FakeBotApi, language: str
) -> None:
    await told(tmp_path, knowledge, api, PUS_AND_FEVER[language], FRIDAY_NOON)
    reply = api.texts(ANNA)[-1]
    assert reply.startswith("Sorry, I can only read English.")
    assert CLINIC_PHONE in reply


async def test_a_message_in_another_language_while_the_clinic_is_open_gives_its_number(
    tmp_path: Path, knowledge: Path, api: FakeBotApi
) -> None:
    await told(tmp_path, knowledge, api, PUS_AND_FEVER["Spanish"], FRIDAY_NOON)
    reply = api.texts(ANNA)[-1]
    assert CLINIC_PHONE in reply
    assert OUT_OF_HOURS_PHONE not in reply


async def test_a_message_in_another_language_while_the_clinic_is_closed_gives_the_night_line(
    tmp_path: Path, knowledge: Path, api: FakeBotApi
) -> None:
    await told(tmp_path, knowledge, api, PUS_AND_FEVER["Spanish"], SATURDAY_4AM)
    reply = api.texts(ANNA)[-1]
    assert reply.startswith("Sorry, I can only read English.")
    assert OUT_OF_HOURS_PHONE in reply
    assert "closed right now" in reply
    assert api.sent(STAFF_CHAT)
