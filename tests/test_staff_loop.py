"""A person always answers a warning sign: acknowledged alerts, escalation, staff talking to
the patient through the bot, photos with consent, honest opening hours. The real
Application and the outbox over the fake Bot API, with a clock turned by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ANNA, STAFF, STAFF_CHAT, WORDING, Clock, RunningBot, settings_for, start_bot
from fake_bot_api import FakeBotApi, Json

from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR
from bot.storage import alerts
from bot.telegram.processing import FLOOD_BACKLOG

RED_FLAG = "theres yellow crust on my chin and it feels hot"
FRIDAY_NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ESCALATION_CHAT = -1009999
NURSE = 77  # in the staff chat, but not a staff id


class Staff:
    """The running bot, its fake Telegram and its clock, seen from the staff chat."""

    def __init__(self, bot: RunningBot, clock: Clock) -> None:
        self.bot = bot
        self.api = bot.api
        self.clock = clock

    def alert(self) -> Json:
        found = [m for m in self.api.sent(STAFF_CHAT) if "Warning sign" in str(m["text"])]
        assert found, "no alert reached the staff chat"
        return found[-1]

    async def press(self, data: str, message: Json, user: int = STAFF) -> list[str]:
        update = self.api.button_update(
            user, data, message_id=int(message["message_id"]), chat_id=STAFF_CHAT, first_name="Sam"
        )
        return await self.bot.receive(update)

    async def reply(self, text: str, message: Json, user: int = STAFF) -> list[str]:
        update = self.api.text_update(
            user, text, chat_id=STAFF_CHAT, reply_to=int(message["message_id"]), first_name="Sam"
        )
        return await self.bot.receive(update)

    async def escalate_after(self, minutes: float) -> list[str]:
        self.clock.advance(minutes=minutes)
        before = len(self.api.sent())
        await self.bot.telegram.look_after_alerts()
        await self.bot.settle()
        return [str(sent["text"]) for sent in self.api.sent()[before:]]


async def started(
    tmp_path: Path, knowledge: Path, api: FakeBotApi, **settings: Any
) -> tuple[RunningBot, Clock]:
    clock = Clock(FRIDAY_NOON)
    bot = await start_bot(settings_for(tmp_path, knowledge, **settings), api, clock=clock.now)
    return bot, clock


@pytest.fixture
async def staff(tmp_path: Path, small_knowledge: Path, api: FakeBotApi) -> AsyncIterator[Staff]:
    api.chat(ESCALATION_CHAT, "supergroup", "Clinic managers")
    bot, clock = await started(tmp_path, small_knowledge, api, escalation_chat_id=ESCALATION_CHAT)
    await bot.onboard(username="anna_k")
    await bot.text(RED_FLAG, username="anna_k")
    yield Staff(bot, clock)
    await bot.stop()


# --- acknowledged alerts and escalation -------------------------------------------------------


async def test_an_alert_carries_im_on_it_and_reply_to_patient_buttons(staff: Staff) -> None:
    rows = staff.alert()["reply_markup"]["inline_keyboard"]
    assert [button["text"] for row in rows for button in row] == ["I'm on it", "Reply to patient"]


async def test_im_on_it_marks_the_alert_taken_and_tells_the_patient_a_person_has_seen_it(
    staff: Staff, api: FakeBotApi
) -> None:
    alert = staff.alert()
    await staff.press("alert:take:1", alert)
    (shown,) = [m for m in api.messages(STAFF_CHAT) if m["message_id"] == alert["message_id"]]
    assert "Taken by Sam at 12:00" in shown["text"]
    assert api.texts(ANNA)[-1].startswith("A member of the team has seen your message")
    taken = staff.bot.store.run_sync(alerts.get_alert, 1)
    assert taken is not None and taken.taken_by == "Sam"


async def test_a_taken_alert_is_not_sent_again(staff: Staff) -> None:
    await staff.press("alert:take:1", staff.alert())
    assert await staff.escalate_after(30) == []


async def test_an_alert_nobody_takes_is_sent_again_after_the_minutes_and_to_the_escalation_chat(
    staff: Staff, api: FakeBotApi
) -> None:
    assert await staff.escalate_after(10) == []
    again = await staff.escalate_after(6)
    assert any(text.startswith("⏰ Waiting 16 minutes") and RED_FLAG in text for text in again)
    assert any(RED_FLAG in text for text in api.texts(ESCALATION_CHAT))
    assert await staff.escalate_after(1) == []
    assert len(await staff.escalate_after(15)) == 2


async def test_a_second_press_is_told_who_took_it_first(staff: Staff, api: FakeBotApi) -> None:
    alert = staff.alert()
    await staff.press("alert:take:1", alert)
    await staff.press("alert:take:1", alert, user=STAFF)
    answers = [str(c.params.get("text", "")) for c in api.calls_to("answerCallbackQuery")]
    assert answers[-1].startswith("Already taken by Sam")


async def test_stats_report_time_to_acknowledge_and_alerts_never_taken(staff: Staff) -> None:
    staff.clock.advance(minutes=4)
    await staff.press("alert:take:1", staff.alert())
    times = staff.bot.store.run_sync(alerts.acknowledge_times, FRIDAY_NOON - timedelta(days=7))
    assert (times.taken, times.never_taken, times.median_minutes) == (1, 0, 4.0)


# --- staff talking to the patient -------------------------------------------------------------


async def test_a_staff_reply_to_the_alert_reaches_the_patient_signed(
    staff: Staff, api: FakeBotApi
) -> None:
    await staff.reply("Please come in at 3pm today", staff.alert())
    assert api.texts(ANNA)[-1] == "Please come in at 3pm today\n\n— Sam, Test Clinic"


async def test_the_patients_answer_is_relayed_to_the_staff_chat_under_their_thread(
    staff: Staff, api: FakeBotApi
) -> None:
    await staff.reply("Can you send a photo?", staff.alert())
    assert await staff.bot.text("it is getting a bit better now", username="anna_k")
    relayed = api.sent(STAFF_CHAT)[-1]
    assert relayed["text"] == f'Anna (@anna_k, id {ANNA}), day 3: "it is getting a bit better now"'
    assert "reply_parameters" in relayed or "reply_to_message_id" in relayed
    assert api.texts(ANNA)[-1] == "Can you send a photo?\n\n— Sam, Test Clinic"


async def test_done_in_reply_hands_the_patient_back_to_the_bot(
    staff: Staff, api: FakeBotApi
) -> None:
    await staff.reply("Call us when you can", staff.alert())
    relayed = api.sent(STAFF_CHAT)[-1]
    await staff.reply("/done", relayed)
    assert api.texts(ANNA)[-1] == WORDING["handoff_closed_patient"].strip()
    assert await staff.bot.text("can i wear makeup tomorrow") == [
        "Makeup: yes, light mineral makeup is fine now."
    ]


async def test_a_reply_from_someone_not_on_the_staff_list_reaches_nobody(
    staff: Staff, api: FakeBotApi
) -> None:
    before = len(api.texts(ANNA))
    replies = await staff.reply("hi it's Jo from reception", staff.alert(), user=NURSE)
    assert len(api.texts(ANNA)) == before
    assert any("Only the clinic staff" in text for text in replies)


async def test_staff_can_open_a_conversation_with_message_and_the_patients_id(
    tmp_path: Path, small_knowledge: Path, api: FakeBotApi
) -> None:
    bot, _ = await started(tmp_path, small_knowledge, api)
    try:
        await bot.onboard()
        opened = await bot.text(f"/message {ANNA}", STAFF, chat_id=STAFF_CHAT)
        assert opened[0].startswith("You're now talking with Anna")
        note = api.sent(STAFF_CHAT)[-1]
        update = api.text_update(
            STAFF, "How is the redness today?", chat_id=STAFF_CHAT, reply_to=note["message_id"]
        )
        await bot.receive(update)
        assert api.texts(ANNA)[-1].startswith("How is the redness today?")
    finally:
        await bot.stop()


async def test_forget_ends_the_conversation_and_says_what_stays_in_the_staff_chat(
    staff: Staff, api: FakeBotApi
) -> None:
    await staff.reply("We'll call you", staff.alert())
    await staff.bot.text("/forget")
    replies = await staff.bot.press("forget:yes")
    assert any("kept by Telegram" in reply for reply in replies)
    assert staff.bot.patient() is None


# --- photos with consent ----------------------------------------------------------------------


async def test_a_photo_after_a_warning_sign_is_copied_to_staff_only_after_consent(
    staff: Staff, api: FakeBotApi
) -> None:
    asked = await staff.bot.receive(api.photo_update(ANNA))
    assert asked == [WORDING["photo_consent"].strip()]
    assert api.copies(STAFF_CHAT) == []
    await staff.bot.press("photo:yes")
    assert len(api.copies(STAFF_CHAT)) == 1
    await staff.bot.receive(api.photo_update(ANNA))
    assert len(api.copies(STAFF_CHAT)) == 2
    assert api.calls_to("getFile") == []


async def test_a_photo_the_patient_declines_to_send_stays_with_them(
    staff: Staff, api: FakeBotApi
) -> None:
    await staff.bot.receive(api.photo_update(ANNA))
    await staff.bot.press("photo:no")
    assert api.copies(STAFF_CHAT) == []
    stored = staff.bot.patient()
    assert stored is not None and stored.photo_pending is None and not stored.photo_consent


async def test_outside_a_conversation_and_without_a_warning_sign_a_photo_gets_the_usual_answer(
    bot: RunningBot, api: FakeBotApi
) -> None:
    await bot.onboard()
    assert await bot.receive(api.photo_update(ANNA)) == [WORDING["non_text"]]
    assert api.copies() == []


# --- honest about time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "closed"),
    [
        (datetime(2026, 11, 27, 12, 0, tzinfo=UTC), False),  # Friday noon in London
        (datetime(2026, 11, 28, 4, 0, tzinfo=UTC), True),  # Saturday 4 a.m.
        (datetime(2026, 11, 27, 18, 30, tzinfo=UTC), True),  # Friday after closing
    ],
)
async def test_the_urgent_answer_follows_the_clinics_opening_hours_in_its_time_zone(
    tmp_path: Path, knowledge_with_hours: Path, api: FakeBotApi, moment: datetime, closed: bool
) -> None:
    bot, clock = await started(tmp_path, knowledge_with_hours, api)
    clock.set(moment)
    try:
        (urgent, *_) = await bot.text(RED_FLAG)
    finally:
        await bot.stop()
    assert ("The clinic is closed right now" in urgent) is closed
    assert ("someone will contact you shortly" in urgent) is not closed


@pytest.fixture
def knowledge_with_hours(small_knowledge: Path) -> Path:
    """The test knowledge with the shipped urgent answers and real opening hours."""
    shipped = yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / "bot.yaml").read_text())
    path = small_knowledge / "bot.yaml"
    wording = yaml.safe_load(path.read_text())
    wording["opening_hours"] = "Mon-Fri 09:00-18:00"
    for key in ("red_flag_answer", "red_flag_answer_closed"):
        wording[key] = shipped[key]
    path.write_text(yaml.safe_dump(wording, allow_unicode=True))
    return small_knowledge


# --- a forum staff chat -----------------------------------------------------------------------


async def test_in_a_forum_staff_chat_each_patient_gets_a_topic_and_their_messages_go_there(
    tmp_path: Path, small_knowledge: Path
) -> None:
    api = FakeBotApi()
    api.chat(STAFF_CHAT, "supergroup", "Clinic staff", is_forum=True)
    bot, _ = await started(tmp_path, small_knowledge, api)
    try:
        await bot.onboard()
        await bot.text(RED_FLAG)
        topics = api.topics(STAFF_CHAT)
        assert list(topics.values()) == [f"Anna ({ANNA})"]
        (thread,) = topics
        assert any("Warning sign" in m["text"] for m in api.messages(STAFF_CHAT, thread))
        update = api.text_update(STAFF, "We'll call you now", chat_id=STAFF_CHAT, thread_id=thread)
        await bot.receive(update)
        assert api.texts(ANNA)[-1].startswith("We'll call you now")
        await bot.text("thank you")
        assert api.messages(STAFF_CHAT, thread)[-1]["text"].endswith('"thank you"')
    finally:
        await bot.stop()


async def test_staff_replies_from_a_busy_staff_chat_all_reach_the_patient(
    staff: Staff, api: FakeBotApi
) -> None:
    alert = staff.alert()
    backlog = [
        api.text_update(
            STAFF,
            f"Note {n}",
            chat_id=STAFF_CHAT,
            reply_to=int(alert["message_id"]),
            first_name="Sam",
        )
        for n in range(FLOOD_BACKLOG + 4)
    ]
    await staff.bot.telegram.poller.store_batch(backlog)
    await staff.bot.settle()
    signed = [text for text in api.texts(ANNA) if text.startswith("Note ")]
    assert len(signed) == len(backlog)
    assert not any(
        text.startswith("I'm getting a lot of messages") for text in api.texts(STAFF_CHAT)
    )
