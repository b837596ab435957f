"""The conversation engine's decisions, without Telegram: what a patient is told, what is
stored, and what the scheduler and staff hear about."""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import GREETING_ANSWER, MAKEUP_DAY_0_1, MAKEUP_DAY_2_ON, WORDING
from sqlite_utils import Database

from bot.config import Settings
from bot.conversation.checkin_hooks import CheckInAnswer, NoCheckIns
from bot.conversation.events import (
    Button,
    ButtonPress,
    Command,
    Incoming,
    NonText,
    Outgoing,
    RemoveButtons,
    Reply,
    Sender,
    StaffAlert,
    StaffJob,
    Text,
    read_message,
)
from bot.conversation.router import Conversation
from bot.conversation.staff import run_staff_job
from bot.conversation.states import State
from bot.core.day_notes import day_note
from bot.core.matching import Matcher
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.storage import patients, questions
from bot.storage.store import Store

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # a Friday
ANNA = Sender(123456, 123456, "Anna", "anna_k")
STAFF = Sender(42, 42, "Sam", None)
URGENT = WORDING["red_flag_answer"]
RED_FLAG_MESSAGE = "theres yellow crust on my chin and it feels hot"


class RecordingHooks(NoCheckIns):
    """Check-in hooks that remember what the scheduler was told."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.next_due: datetime | None = None
        self.button_answer = CheckInAnswer()

    def treatment_changed(
        self, db: Database, patient_id: int, shown_day: int | None, now: datetime
    ) -> bool:
        self.calls.append(("treatment_changed", patient_id))
        return False

    def opted_in(self, db: Database, patient_id: int, now: datetime) -> bool:
        self.calls.append(("opted_in", patient_id))
        return False

    def opted_out(self, db: Database, patient_id: int, now: datetime) -> None:
        self.calls.append(("opted_out", patient_id))

    def schedule_changed(self, db: Database, patient_id: int, now: datetime) -> bool:
        self.calls.append(("schedule_changed", patient_id))
        return False

    def patient_forgotten(self, db: Database, patient_id: int) -> None:
        self.calls.append(("patient_forgotten", patient_id))

    def next_check_in(self, db: Database, patient_id: int, now: datetime) -> datetime | None:
        return self.next_due

    def check_in_button(
        self, db: Database, patient_id: int, data: str, now: datetime
    ) -> CheckInAnswer:
        self.calls.append((f"button {data}", patient_id))
        return self.button_answer


@pytest.fixture
def settings(tmp_path: Path, small_knowledge: Path) -> Settings:
    return Settings(
        db_path=tmp_path / "aftercare.db",
        knowledge_dir=small_knowledge,
        staff_ids=frozenset({STAFF.user_id}),
        staff_chat_id=-100,
    )


@pytest.fixture
def hooks() -> RecordingHooks:
    return RecordingHooks()


@dataclass
class Engine:
    """The conversation engine with the database its turns run in, one transaction each."""

    conversation: Conversation
    store: Store

    @property
    def knowledge(self) -> KnowledgeHolder:
        return self.conversation.knowledge

    async def handle(self, sender: Sender, event: Incoming, now: datetime) -> list[Outgoing]:
        """One turn; a staff command's report is worked out as the front ends do it."""
        outgoing = await self.store.run(self.conversation.handle, sender, event, now)
        answered: list[Outgoing] = []
        for item in outgoing:
            if isinstance(item, StaffJob):
                text = await run_staff_job(item, self.store, self.knowledge, now)
                answered.append(Reply(text))
            else:
                answered.append(item)
        return answered


@pytest.fixture
def engine(store: Store, settings: Settings, hooks: RecordingHooks) -> Engine:
    conversation = Conversation(KnowledgeHolder(settings.knowledge_dir), settings, hooks)
    return Engine(conversation, store)


async def say(
    engine: Engine, text: str, sender: Sender = ANNA, now: datetime = NOW
) -> list[Outgoing]:
    return await engine.handle(sender, read_message(text), now)


async def press(
    engine: Engine, data: str, sender: Sender = ANNA, now: datetime = NOW
) -> list[Outgoing]:
    return await engine.handle(sender, ButtonPress(data), now)


async def onboard(engine: Engine, when: str = "3 days ago", checkins: bool = True) -> None:
    await say(engine, "/start")
    await say(engine, when)
    await press(engine, "checkins:yes" if checkins else "checkins:no")


def texts(outgoing: list[Outgoing]) -> list[str]:
    return [item.text for item in outgoing if isinstance(item, Reply)]


def buttons(outgoing: list[Outgoing]) -> list[Button]:
    return [b for item in outgoing if isinstance(item, Reply) for row in item.buttons for b in row]


def patient(store: Store, sender: Sender = ANNA) -> patients.Patient:
    found = store.run_sync(patients.get_patient, sender.user_id)
    assert found is not None
    return found


# --- onboarding -------------------------------------------------------------------------


async def test_start_welcomes_with_a_disclaimer_and_asks_the_date_with_two_buttons(
    engine: Engine,
) -> None:
    sent = await say(engine, "/start")
    assert "aftercare assistant of Test Clinic" in texts(sent)[0]
    assert "not a doctor" in texts(sent)[0]
    assert texts(sent)[1] == WORDING["ask_treatment_date"]
    assert [b.label for b in buttons(sent)] == ["Today", "Yesterday"]


async def test_a_date_typed_in_words_gives_the_day_the_note_and_the_check_in_offer(
    engine: Engine,
) -> None:
    await say(engine, "/start")
    sent = await say(engine, "3 days ago")
    assert texts(sent)[0].startswith("Got it: Tuesday 24 November, so today is day 3.")
    assert "Day 3 note. Some flaking is normal" in texts(sent)[0]
    assert "How is your skin today?" not in texts(sent)[0]
    assert [b.data for b in buttons(sent)] == ["checkins:yes", "checkins:no"]


@pytest.mark.parametrize(
    ("typed", "treated_on"),
    [
        ("today", date(2026, 11, 27)),
        ("yesterday", date(2026, 11, 26)),
        ("3 days ago", date(2026, 11, 24)),
        ("last friday", date(2026, 11, 20)),
        ("20 Nov", date(2026, 11, 20)),
        ("20/11", date(2026, 11, 20)),
        ("2026-11-20", date(2026, 11, 20)),
    ],
)
async def test_every_date_form_of_the_contract_is_understood(
    engine: Engine, store: Store, typed: str, treated_on: date
) -> None:
    await say(engine, "/start")
    await say(engine, typed)
    assert patient(store).treated_on == treated_on


async def test_the_today_button_takes_the_patients_local_date_and_removes_the_buttons(
    engine: Engine, store: Store
) -> None:
    await say(engine, "/start")
    await say(engine, "/timezone Pacific/Auckland")
    friday_noon_in_london = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # Saturday in Auckland
    sent = await press(engine, "date:today", now=friday_noon_in_london)
    assert isinstance(sent[0], RemoveButtons)
    assert patient(store).treated_on == date(2026, 11, 28)


@pytest.mark.parametrize(
    ("typed", "explained"),
    [
        ("31/02", "doesn't exist"),
        ("2028-12-01", "in the future"),
        ("2025-01-01", "more than a year ago"),
    ],
)
async def test_an_impossible_future_or_old_date_is_explained_and_asked_again(
    engine: Engine, store: Store, typed: str, explained: str
) -> None:
    await say(engine, "/start")
    sent = await say(engine, typed)
    assert explained in texts(sent)[0]
    assert [b.data for b in buttons(sent)] == ["date:today", "date:yesterday"]
    assert patient(store).treated_on is None
    assert patient(store).state == State.AWAITING_DATE


async def test_numeric_dates_are_read_month_first_when_configured(
    store: Store, settings: Settings
) -> None:
    american = settings._replace(date_order="MDY")
    engine = Engine(Conversation(KnowledgeHolder(settings.knowledge_dir), american), store)
    await say(engine, "/start")
    await say(engine, "11/20")
    assert patient(store).treated_on == date(2026, 11, 20)


async def test_a_real_question_while_the_date_is_awaited_is_answered_then_the_date_asked(
    engine: Engine, store: Store
) -> None:
    await say(engine, "/start")
    sent = await say(engine, "can i wear makeup tomorrow")
    assert texts(sent)[0].startswith("Makeup:")
    assert "when was your treatment?" in texts(sent)[1]
    assert patient(store).state == State.AWAITING_DATE


async def test_a_date_and_a_question_in_one_message_store_the_date_and_answer_for_its_day(
    engine: Engine, store: Store
) -> None:
    await say(engine, "/start")
    sent = await say(engine, "had it done yesterday, can i wear makeup?")
    assert patient(store).treated_on == date(2026, 11, 26)
    assert texts(sent)[0].startswith("Got it: Thursday 26 November, so today is day 1.")
    assert texts(sent)[1].startswith(MAKEUP_DAY_0_1)
    assert [b.data for b in buttons(sent)] == ["checkins:yes", "checkins:no"]


async def test_a_day_named_only_by_the_question_is_not_taken_for_the_treatment(
    engine: Engine, store: Store
) -> None:
    await say(engine, "/start")
    sent = await say(engine, "can i wear makeup tonight")
    assert texts(sent)[0].startswith("Makeup: give your skin 48 hours.")
    assert "when was your treatment?" in texts(sent)[1]
    assert patient(store).treated_on is None
    assert patient(store).state == State.AWAITING_DATE


async def test_a_question_about_tonight_keeps_a_treatment_still_ahead(
    engine: Engine, store: Store
) -> None:
    await say(engine, "/start")
    await say(engine, "not done yet")
    sent = await say(engine, "can i wear makeup tonight?")
    assert len(texts(sent)) == 1 and texts(sent)[0].startswith("Makeup:")
    assert patient(store).treated_on is None
    assert patient(store).state == State.TREATMENT_AHEAD


async def test_a_bare_date_gets_the_day_and_the_offer_and_no_answer_besides(
    engine: Engine, store: Store
) -> None:
    await say(engine, "/start")
    sent = await say(engine, "last tuesday")
    assert patient(store).treated_on == date(2026, 11, 24)
    assert len(texts(sent)) == 2
    assert texts(sent)[0].startswith("Got it: Tuesday 24 November, so today is day 3.")


async def test_a_new_date_after_treatment_is_not_read_as_a_question_too(
    store: Store, settings: Settings
) -> None:
    # The shipped knowledge reads a bare "monday" as going back to work.
    shipped = settings._replace(knowledge_dir=DEFAULT_KNOWLEDGE_DIR)
    engine = Engine(Conversation(KnowledgeHolder(DEFAULT_KNOWLEDGE_DIR), shipped), store)
    await onboard(engine)
    await say(engine, "/treatment")
    sent = await say(engine, "monday")
    assert patient(store).treated_on == date(2026, 11, 23)
    assert texts(sent) == [texts(sent)[0]]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("actually it was on monday not yesterday", date(2026, 11, 23)),
        ("my treatment was 3 days ago", date(2026, 11, 24)),
        ("sorry I meant the 20th", date(2026, 11, 20)),
        ("last tuesday", date(2026, 11, 24)),
    ],
)
async def test_a_known_patient_telling_another_date_is_asked_whether_to_change_it(
    engine: Engine, store: Store, typed: str, meant: date
) -> None:
    await onboard(engine, "yesterday")
    sent = await say(engine, typed)
    assert [b.data for b in buttons(sent)] == [
        f"redate:{meant.isoformat()}:2026-11-26",
        "redate:keep:2026-11-26",
    ]
    assert patient(store).treated_on == date(2026, 11, 26)


async def test_yes_change_it_stores_the_new_date_and_says_its_day(
    engine: Engine, store: Store, hooks: RecordingHooks
) -> None:
    await onboard(engine, "yesterday")
    await say(engine, "actually it was on monday")
    sent = await press(engine, "redate:2026-11-23:2026-11-26")
    assert isinstance(sent[0], RemoveButtons)
    assert patient(store).treated_on == date(2026, 11, 23)
    assert texts(sent)[0].startswith("Got it: Monday 23 November, so today is day 4.")
    assert hooks.calls.count(("treatment_changed", patient(store).id)) == 2


async def test_no_keep_it_leaves_the_date_as_it_was(engine: Engine, store: Store) -> None:
    await onboard(engine, "yesterday")
    await say(engine, "actually it was on monday")
    sent = await press(engine, "redate:keep:2026-11-26")
    assert patient(store).treated_on == date(2026, 11, 26)
    assert "Thursday 26 November" in texts(sent)[0]


async def test_a_date_change_button_pressed_after_another_change_does_nothing(
    engine: Engine, store: Store
) -> None:
    await onboard(engine, "yesterday")
    await say(engine, "actually it was on monday")
    await say(engine, "/treatment 25/11")
    sent = await press(engine, "redate:2026-11-23:2026-11-26")
    assert patient(store).treated_on == date(2026, 11, 25)
    assert texts(sent) == []


async def test_a_forged_date_change_to_a_future_day_does_nothing(
    engine: Engine, store: Store
) -> None:
    await onboard(engine, "yesterday")
    await press(engine, "redate:2026-12-24:2026-11-26")
    await press(engine, "redate:not-a-date:2026-11-26")
    assert patient(store).treated_on == date(2026, 11, 26)


@pytest.mark.parametrize(
    "typed",
    [
        "I went to the gym yesterday",
        "the redness was worse yesterday",
        "my next session is on friday",
        "had it done yesterday",
        "can I wear makeup on monday?",
    ],
)
async def test_a_story_a_question_or_the_same_date_is_not_taken_for_a_date_change(
    engine: Engine, store: Store, typed: str
) -> None:
    await onboard(engine, "yesterday")
    sent = await say(engine, typed)
    assert not [b for b in buttons(sent) if b.data.startswith("redate:")]
    assert patient(store).treated_on == date(2026, 11, 26)


async def test_yes_please_turns_check_ins_on_and_tells_the_scheduler(
    engine: Engine, store: Store, hooks: RecordingHooks
) -> None:
    await say(engine, "/start")
    await say(engine, "3 days ago")
    sent = await press(engine, "checkins:yes")
    assert isinstance(sent[0], RemoveButtons)
    assert texts(sent) == [
        "Done. I'll write at 10:00 your time. /time to change it, /checkins off to stop."
    ]
    assert patient(store).checkins_enabled
    assert hooks.calls == [("treatment_changed", ANNA.user_id), ("opted_in", ANNA.user_id)]


async def test_typing_yes_to_the_offer_works_like_the_button(engine: Engine, store: Store) -> None:
    await say(engine, "/start")
    await say(engine, "yesterday")
    await say(engine, "Yes!")
    assert patient(store).checkins_enabled
    assert patient(store).state is None


async def test_no_thanks_leaves_check_ins_off(
    engine: Engine, store: Store, hooks: RecordingHooks
) -> None:
    await onboard(engine, checkins=False)
    assert not patient(store).checkins_enabled
    assert ("opted_out", ANNA.user_id) in hooks.calls


async def test_checkins_on_before_any_date_asks_for_the_date(engine: Engine, store: Store) -> None:
    sent = await say(engine, "/checkins on")
    assert patient(store).checkins_enabled
    assert patient(store).state == State.AWAITING_DATE
    assert [b.data for b in buttons(sent)] == ["date:today", "date:yesterday"]


async def test_start_from_a_patient_whose_date_we_know_reminds_them_of_it_instead_of_asking(
    engine: Engine, store: Store
) -> None:
    await onboard(engine)
    sent = await say(engine, "/start")
    assert (
        "Welcome back! Your treatment was on Tuesday 24 November, so today is day 3"
        in (texts(sent)[-1])
    )
    assert not buttons(sent)
    assert patient(store).state is None


async def test_a_treatment_still_ahead_is_wished_luck_and_not_stored(
    engine: Engine, store: Store
) -> None:
    await say(engine, "/start")
    sent = await say(engine, "I haven't had it yet, it's booked for next tuesday")
    assert texts(sent)[0].startswith("Good luck with your treatment on Tuesday 1 December")
    assert patient(store).treated_on is None
    assert patient(store).state == State.TREATMENT_AHEAD


async def test_after_a_treatment_still_ahead_questions_are_answered_without_asking_the_date(
    engine: Engine, store: Store
) -> None:
    await say(engine, "/start")
    await say(engine, "not done yet")
    sent = await say(engine, "can i wear makeup tomorrow")
    assert len(texts(sent)) == 1 and texts(sent)[0].startswith("Makeup:")
    await say(engine, "yesterday")
    assert patient(store).treated_on == date(2026, 11, 26)


async def test_opting_in_when_no_check_in_is_left_for_the_day_says_so(
    engine: Engine, store: Store
) -> None:
    await onboard(engine, when="20 days ago", checkins=False)
    sent = await say(engine, "/checkins on")
    assert texts(sent) == [
        "Today is day 20, and the last check-in comes earlier than that, so there are none "
        "left to send. Ask me anything, any time."
    ]


async def test_a_date_with_no_check_in_left_is_not_followed_by_the_offer(
    engine: Engine, store: Store
) -> None:
    await say(engine, "/start")
    sent = await say(engine, "20 days ago")
    assert not buttons(sent)
    assert patient(store).state is None


async def test_checkins_off_by_command_tells_the_scheduler(
    engine: Engine, store: Store, hooks: RecordingHooks
) -> None:
    await onboard(engine)
    await say(engine, "/checkins off")
    assert not patient(store).checkins_enabled
    assert hooks.calls[-1] == ("opted_out", ANNA.user_id)


async def test_a_new_treatment_date_restarts_the_check_ins_without_asking_again(
    engine: Engine, store: Store, hooks: RecordingHooks
) -> None:
    await onboard(engine)
    sent = await say(engine, "/treatment yesterday")
    assert "so today is day 1" in texts(sent)[0]
    assert "check-ins now follow this date" in texts(sent)[0]
    assert not buttons(sent)
    assert patient(store).treated_on == date(2026, 11, 26)
    assert hooks.calls[-1] == ("treatment_changed", ANNA.user_id)


async def test_treatment_without_a_date_asks_for_one(engine: Engine, store: Store) -> None:
    await onboard(engine)
    await say(engine, "/treatment")
    await say(engine, "today")
    assert patient(store).treated_on == NOW.date()


# --- questions --------------------------------------------------------------------------


async def test_a_confident_answer_depends_on_the_day_since_treatment(
    engine: Engine,
) -> None:
    await onboard(engine, "today")
    assert texts(await say(engine, "can i wear makeup tomorrow")) == [MAKEUP_DAY_0_1]
    later = NOW + timedelta(days=3)
    assert texts(await say(engine, "can i wear makeup tomorrow", now=later)) == [MAKEUP_DAY_2_ON]


async def test_the_reply_is_the_answer_aftercare_ask_gives(engine: Engine) -> None:
    await onboard(engine)
    question = "gym or swim"
    expected = Matcher(engine.knowledge.current.base).match(question, 3).answer
    assert texts(await say(engine, question)) == [expected]


async def test_an_unsure_match_asks_did_you_mean_with_topic_buttons(
    engine: Engine, store: Store
) -> None:
    await onboard(engine)
    sent = await say(engine, "gym or swim")
    assert texts(sent) == [WORDING["did_you_mean"]]
    offered = [b.data for b in buttons(sent)]
    assert 1 <= len(offered) <= 3
    assert set(offered[:2]) == {"topic:exercise-sweating", "topic:swimming-heat"}
    kept = store.run_sync(questions.unanswered_questions, None)
    assert [(q.text, q.decision) for q in kept] == [("gym or swim", "suggest")]


async def test_pressing_a_suggested_topic_gives_its_answer_for_the_patients_day(
    engine: Engine,
) -> None:
    await onboard(engine, "today")
    assert texts(await press(engine, "topic:makeup")) == [MAKEUP_DAY_0_1]


async def test_no_match_gets_the_fallback_and_keeps_the_question_for_staff_without_a_name(
    engine: Engine, store: Store
) -> None:
    await onboard(engine)
    sent = await say(engine, "what is the capital of peru")
    assert texts(sent) == ["Sorry, I'm not sure. Call Test Clinic on 0100 000."]
    kept = store.run_sync(questions.unanswered_questions, None)
    assert [(q.text, q.decision) for q in kept] == [("what is the capital of peru", "fallback")]
    columns = store.run_sync(lambda db: db["unanswered"].columns_dict)
    assert "patient_id" not in columns


async def test_an_unanswered_question_is_kept_with_the_grouping_key_it_was_read_as(
    engine: Engine, store: Store
) -> None:
    await onboard(engine)
    await say(engine, "what is the capital of peru")
    matcher = engine.knowledge.current.matcher
    kept = store.run_sync(questions.asked_unanswered, None, matcher.reading)
    assert [item.key for item in kept] == [matcher.grouping_key("what is the capital of peru")]


async def test_a_greeting_gets_a_friendly_answer_and_is_not_kept_as_unanswered(
    engine: Engine, store: Store
) -> None:
    await onboard(engine)
    assert texts(await say(engine, "hello")) == [GREETING_ANSWER]
    assert store.run_sync(questions.unanswered_questions, None) == []


async def test_every_question_is_counted_but_its_text_is_not_linked_to_the_patient(
    engine: Engine, store: Store
) -> None:
    await onboard(engine)
    await say(engine, "can i wear makeup tomorrow")
    rows = store.run_sync(lambda db: list(db["questions"].rows))
    assert [(r["patient_id"], r["decision"], r["rule"]) for r in rows] == [
        (ANNA.user_id, "answer", "makeup")
    ]
    assert "makeup tomorrow" not in str(rows)


async def test_an_empty_message_gets_a_gentle_prompt(engine: Engine) -> None:
    sent = await engine.handle(ANNA, Text("   "), NOW)
    assert texts(sent) == [
        "That message looks empty. Type your question in your own words, or /help."
    ]


async def test_a_5000_character_message_is_answered_once(engine: Engine) -> None:
    await onboard(engine)
    sent = await say(engine, "can i wear makeup tomorrow " + "x" * 5000)
    assert len(texts(sent)) == 1


async def test_the_day_is_read_from_the_clock_of_each_message(engine: Engine) -> None:
    await onboard(engine, "today")
    a_week_later = NOW + timedelta(days=7)
    assert "day 7" in texts(await say(engine, "/status", now=a_week_later))[0]


# --- warning signs ----------------------------------------------------------------------


async def test_a_warning_sign_gets_the_urgent_answer_first_then_the_staff_alert(
    engine: Engine, store: Store
) -> None:
    await onboard(engine)
    sent = await say(engine, RED_FLAG_MESSAGE)
    assert sent[0] == Reply(URGENT)
    assert isinstance(sent[1], StaffAlert)
    assert sent[1].text == (
        f'Warning sign: Anna (@anna_k, id {ANNA.user_id}), day 3: "{RED_FLAG_MESSAGE}"'
    )
    flags = store.run_sync(lambda db: list(db["red_flags"].rows))
    assert [(f["patient_id"], f["day"], f["alerted"]) for f in flags] == [(ANNA.user_id, 3, 1)]


async def test_the_staff_alert_escapes_the_patients_name_and_words(engine: Engine) -> None:
    mallory = Sender(777, 777, "<b>Eve</b>", "eve_<x>")
    sent = await say(engine, "pus <i>everywhere</i> & a fever", sender=mallory)
    alert = next(item for item in sent if isinstance(item, StaffAlert))
    assert "&lt;b&gt;Eve&lt;/b&gt;" in alert.text
    assert "@eve_&lt;x&gt;" in alert.text
    assert "pus &lt;i&gt;everywhere&lt;/i&gt; &amp; a fever" in alert.text
    assert "day unknown" in alert.text


async def test_a_warning_sign_is_never_taken_for_a_treatment_date(
    engine: Engine, store: Store
) -> None:
    await say(engine, "/start")
    sent = await say(engine, "had it 3 days ago and now there is pus")
    assert sent[0] == Reply(URGENT)
    assert isinstance(sent[1], StaffAlert)
    assert patient(store).treated_on is None


async def test_a_warning_sign_wins_in_the_middle_of_the_forget_confirmation(
    engine: Engine, store: Store
) -> None:
    await onboard(engine)
    await say(engine, "/forget")
    sent = await say(engine, RED_FLAG_MESSAGE)
    assert sent[0] == Reply(URGENT)
    assert patient(store).state is None


async def test_without_a_staff_chat_the_red_flag_is_recorded_as_not_alerted(
    store: Store, settings: Settings
) -> None:
    knowledge = KnowledgeHolder(settings.knowledge_dir)
    engine = Engine(Conversation(knowledge, settings._replace(staff_chat_id=None)), store)
    sent = await say(engine, RED_FLAG_MESSAGE)
    assert len(sent) == 1 and isinstance(sent[0], Reply)
    assert "Please call Test Clinic on 0100 000" in sent[0].text
    assert "told the clinic" not in sent[0].text
    flags = store.run_sync(lambda db: list(db["red_flags"].rows))
    assert [f["alerted"] for f in flags] == [0]


async def test_a_general_question_about_infection_is_answered_without_an_alert(
    engine: Engine,
) -> None:
    await onboard(engine)
    sent = await say(engine, "what does an infection look like?")
    assert not any(isinstance(item, StaffAlert) for item in sent)


async def test_a_worried_check_in_reply_takes_the_warning_sign_path(
    engine: Engine, hooks: RecordingHooks
) -> None:
    await onboard(engine)
    hooks.button_answer = CheckInAnswer(worrying=True, quote="(check-in) I'm worried")
    sent = await press(engine, "ci:5:2")
    assert sent[0] == RemoveButtons()
    assert sent[1] == Reply(URGENT)
    assert isinstance(sent[2], StaffAlert)
    assert "day 3" in sent[2].text and "I&#x27;m worried" not in sent[2].text
    assert hooks.calls[-1] == ("button ci:5:2", ANNA.user_id)


async def test_a_check_in_reply_pointing_to_a_topic_gets_its_answer_for_the_day(
    engine: Engine, hooks: RecordingHooks
) -> None:
    await onboard(engine, "today")
    hooks.button_answer = CheckInAnswer(replies=(Reply("Thanks."),), topic="makeup")
    assert texts(await press(engine, "ci:1:1")) == ["Thanks.", MAKEUP_DAY_0_1]


# --- commands ---------------------------------------------------------------------------


async def test_topics_lists_every_aftercare_topic_as_a_button(engine: Engine) -> None:
    sent = await say(engine, "/topics")
    offered = {b.data for b in buttons(sent)}
    knowledge = engine.knowledge.current.base
    assert offered == {f"topic:{r.id}" for r in knowledge.aftercare_rules}
    assert "topic:greetings" not in offered


async def test_help_shows_the_staff_commands_to_staff_only(engine: Engine) -> None:
    assert "/stats" not in texts(await say(engine, "/help"))[0]
    assert "/stats" in texts(await say(engine, "/help", sender=STAFF))[0]


async def test_help_says_on_which_days_check_ins_come(engine: Engine) -> None:
    assert (
        "Check-ins come on days 0, 1, 3 and 7 after your treatment."
        in (texts(await say(engine, "/help"))[0])
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("6pm", "18:00"), ("6:30 pm", "18:30"), ("18h", "18:00"), ("noon", "12:00")],
)
async def test_time_is_read_the_way_patients_write_it(
    engine: Engine, store: Store, typed: str, stored: str
) -> None:
    await onboard(engine)
    await say(engine, f"/time {typed}")
    assert patient(store).checkin_time.strftime("%H:%M") == stored


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("berlin", "Europe/Berlin"), ("new york", "America/New_York"), ("GMT+1", "Etc/GMT-1")],
)
async def test_a_time_zone_can_be_named_by_city_or_offset(
    engine: Engine, store: Store, typed: str, zone: str
) -> None:
    await onboard(engine)
    await say(engine, f"/timezone {typed}")
    assert patient(store).timezone == ZoneInfo(zone)


async def test_time_is_validated_and_never_set_at_night(
    engine: Engine, store: Store, hooks: RecordingHooks
) -> None:
    await onboard(engine)
    assert "couldn't read that time" in texts(await say(engine, "/time 25:00"))[0]
    assert "at night" in texts(await say(engine, "/time 23:30"))[0]
    assert texts(await say(engine, "/time 9:30")) == [
        "Done. Check-ins will come at 09:30 your time."
    ]
    assert patient(store).checkin_time.strftime("%H:%M") == "09:30"
    assert hooks.calls[-1] == ("schedule_changed", ANNA.user_id)


async def test_timezone_accepts_any_capitalisation_and_explains_a_bad_name(
    engine: Engine, store: Store
) -> None:
    await onboard(engine)
    assert "Europe/Berlin" in texts(await say(engine, "/timezone europe/berlin"))[0]
    assert patient(store).timezone == ZoneInfo("Europe/Berlin")
    refused = texts(await say(engine, "/timezone Mars/<Base>"))[0]
    assert "&lt;Base&gt;" in refused and "Europe/London" in refused
    assert patient(store).timezone == ZoneInfo("Europe/Berlin")


async def test_status_shows_the_day_the_check_ins_and_the_next_one(
    engine: Engine, hooks: RecordingHooks
) -> None:
    await onboard(engine)
    hooks.next_due = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    status = texts(await say(engine, "/status"))[0]
    assert "Tuesday 24 November, so today is day 3" in status
    assert "Check-ins: on, at 10:00 (UTC)" in status
    assert "Next check-in: Saturday 28 November, 10:00" in status


async def test_a_zone_given_as_an_offset_is_shown_as_the_patient_wrote_it(engine: Engine) -> None:
    await onboard(engine)
    assert "Your time zone is GMT+1;" in texts(await say(engine, "/timezone GMT+1"))[0]
    assert "(GMT+1)" in texts(await say(engine, "/status"))[0]
    await say(engine, "/timezone UTC-5")
    assert "Your time zone is GMT-5." in texts(await say(engine, "/timezone"))[0]


async def test_status_says_when_no_check_in_is_left_to_send(engine: Engine) -> None:
    await onboard(engine, "200 days ago")
    await say(engine, "/checkins on")
    status = texts(await say(engine, "/status"))[0]
    assert "Check-ins: on" in status
    assert "no check-ins left to send" in status


async def test_an_unknown_command_is_answered_kindly(engine: Engine) -> None:
    assert texts(await say(engine, "/frobnicate")) == [
        "Sorry, I don't know that command. /help shows what I can do."
    ]


@pytest.mark.parametrize("command", ["/stats", "/unanswered", "/reload"])
async def test_a_staff_command_from_a_patient_gets_the_unknown_command_answer(
    engine: Engine, command: str
) -> None:
    assert texts(await say(engine, command)) == texts(await say(engine, "/frobnicate"))


async def test_stats_counts_questions_for_staff(engine: Engine) -> None:
    await onboard(engine)
    await say(engine, "can i wear makeup tomorrow")
    stats = texts(await say(engine, "/stats", sender=STAFF))[0]
    assert "Questions answered: 1" in stats
    assert "opted in to check-ins: 1" in stats


async def test_unanswered_groups_questions_and_lists_the_most_frequent_first(
    engine: Engine,
) -> None:
    await onboard(engine)
    for question in ["how much is it", "what is the capital of peru", "How much is it"]:
        await say(engine, question)
    listing = texts(await say(engine, "/unanswered", sender=STAFF))[0].lower()
    assert listing.index('2× "how much is it"') < listing.index('1× "what is the capital of peru"')


async def test_reload_reports_a_broken_edit_by_file_and_line_and_keeps_serving(
    engine: Engine, small_knowledge: Path
) -> None:
    path = small_knowledge / "topics" / "makeup.yaml"
    path.write_text(path.read_text().replace("title:", "titel:"))
    report = texts(await say(engine, "/reload", sender=STAFF))[0]
    assert "kept the last good version" in report
    assert "knowledge/topics/makeup.yaml:2: unknown field 'titel'" in report
    await onboard(engine, "today")
    assert texts(await say(engine, "can i wear makeup tomorrow")) == [MAKEUP_DAY_0_1]


async def test_reload_picks_up_a_good_edit(engine: Engine, small_knowledge: Path) -> None:
    path = small_knowledge / "topics" / "sun-protection.yaml"
    path.write_text(path.read_text().replace("wear SPF 30", "wear SPF 50"))
    assert "Knowledge reloaded" in texts(await say(engine, "/reload", sender=STAFF))[0]
    assert texts(await press(engine, "topic:sun-protection")) == ["Sun: wear SPF 50 every day."]


# --- forgetting -------------------------------------------------------------------------


async def test_forget_asks_first_and_yes_deletes_everything(
    engine: Engine, store: Store, hooks: RecordingHooks
) -> None:
    await onboard(engine)
    await say(engine, RED_FLAG_MESSAGE)
    asked = await say(engine, "/forget")
    assert [b.data for b in buttons(asked)] == ["forget:yes", "forget:no"]
    assert store.run_sync(patients.get_patient, ANNA.user_id) is not None
    done = await say(engine, "yes")
    assert "deleted everything" in texts(done)[0]
    assert store.run_sync(patients.get_patient, ANNA.user_id) is None
    assert hooks.calls[-1] == ("patient_forgotten", ANNA.user_id)


async def test_forget_by_button_removes_the_buttons_and_deletes(
    engine: Engine, store: Store
) -> None:
    await onboard(engine)
    await say(engine, "/forget")
    sent = await press(engine, "forget:yes")
    assert isinstance(sent[0], RemoveButtons)
    assert store.run_sync(patients.get_patient, ANNA.user_id) is None


async def test_anything_but_yes_cancels_forget(engine: Engine, store: Store) -> None:
    await onboard(engine)
    await say(engine, "/forget")
    assert texts(await say(engine, "no")) == ["OK, I've kept everything."]
    await say(engine, "yes")
    assert store.run_sync(patients.get_patient, ANNA.user_id) is not None


async def test_another_command_cancels_a_pending_forget(engine: Engine, store: Store) -> None:
    await onboard(engine)
    await say(engine, "/forget")
    await say(engine, "/topics")
    await say(engine, "yes")
    assert store.run_sync(patients.get_patient, ANNA.user_id) is not None


async def test_forget_from_a_stranger_stores_nothing(engine: Engine, store: Store) -> None:
    assert texts(await say(engine, "/forget")) == ["I don't have anything stored about you."]
    assert store.run_sync(patients.get_patient, ANNA.user_id) is None


# --- other messages ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["photo", "sticker", "voice", "document", "location"])
async def test_a_non_text_message_gets_the_text_only_reply(engine: Engine, kind: str) -> None:
    assert texts(await engine.handle(ANNA, NonText(kind), NOW)) == [WORDING["non_text"]]


async def test_a_photo_caption_is_read_for_warning_signs(engine: Engine) -> None:
    sent = await engine.handle(ANNA, NonText("photo", caption="pus coming out"), NOW)
    assert sent[0] == Reply(URGENT)
    assert isinstance(sent[1], StaffAlert)
    assert sent[-1] == Reply(WORDING["non_text"])


def test_a_command_addressed_to_the_bot_by_name_is_read_as_that_command() -> None:
    assert read_message("/time@aftercare_bot 09:30") == Command("time", ("09:30",), "aftercare_bot")
    assert read_message("/Start") == Command("start")
    assert read_message("and/or") == Text("and/or")


def test_plain_ascii_is_read_as_typed_since_no_format_character_is_ascii() -> None:
    every_ascii_character = "".join(chr(code) for code in range(128))
    assert all(unicodedata.category(ch) != "Cf" for ch in every_ascii_character)
    assert read_message(every_ascii_character) == Text(every_ascii_character)


def test_the_day_note_leaves_out_the_check_in_question() -> None:
    plan = load_knowledge(DEFAULT_KNOWLEDGE_DIR).plan
    note = day_note(plan, 4)
    assert note is not None and "?" not in note


# --- the default knowledge --------------------------------------------------------------


@pytest.fixture
def default_engine(store: Store, settings: Settings) -> Engine:
    shipped = settings._replace(knowledge_dir=DEFAULT_KNOWLEDGE_DIR)
    return Engine(Conversation(KnowledgeHolder(DEFAULT_KNOWLEDGE_DIR), shipped), store)


async def test_the_product_example_conversation_works_with_the_default_knowledge(
    default_engine: Engine,
) -> None:
    await onboard(default_engine)
    knowledge = default_engine.knowledge.current.base
    answer = texts(await say(default_engine, "can i put foundation on yet"))
    assert answer == [knowledge.rule("makeup").answer_for(3)]
    urgent = await say(default_engine, RED_FLAG_MESSAGE)
    assert urgent[0] == Reply(knowledge.wording["red_flag_answer"])
    assert isinstance(urgent[1], StaffAlert) and "day 3" in urgent[1].text


async def test_every_default_topic_button_gives_an_answer(default_engine: Engine) -> None:
    for button in buttons(await say(default_engine, "/topics")):
        assert texts(await press(default_engine, button.data))


def test_the_database_holds_no_question_text_column_linked_to_patients(tmp_path: Path) -> None:
    with Store(tmp_path / "schema.db"):
        pass
    connection = sqlite3.connect(tmp_path / "schema.db")
    tables = [
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    ]
    for table in tables:
        columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
        assert not ({"patient_id", "text"} <= columns), table
