"""The conversation keeps its place with the shipped knowledge: a treatment still ahead
told in a few words while the date is asked, /start from a patient waiting for a
treatment, a question before the answer to the check-in offer, and short thanks or
acknowledgements (which must not be taken for product questions, nor kept for staff)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation.events import Button, Outgoing, Reply, Sender, read_message
from bot.conversation.router import Conversation
from bot.conversation.states import State
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR
from bot.storage import patients
from bot.storage.questions import unanswered_questions
from bot.storage.stats import stats
from bot.storage.store import Store

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # a Friday
ANNA = Sender(123456, 123456, "Anna", None)
STILL_NEEDED = "When you have a moment: when was your treatment?"


@pytest.fixture(scope="module")
def shipped() -> KnowledgeHolder:
    """The shipped knowledge, read once for the module: these are its phrasings."""
    return KnowledgeHolder(DEFAULT_KNOWLEDGE_DIR)


@pytest.fixture
def chat(tmp_path: Path, shipped: KnowledgeHolder, store: Store) -> Chat:
    settings = Settings(
        db_path=tmp_path / "aftercare.db",
        knowledge_dir=DEFAULT_KNOWLEDGE_DIR,
        staff_ids=frozenset({42}),
        staff_chat_id=-100,
    )
    return Chat(Conversation(shipped, settings), store)


class Chat:
    """Anna talking to the bot with the shipped knowledge, one transaction a message."""

    def __init__(self, conversation: Conversation, store: Store) -> None:
        self.conversation = conversation
        self.store = store

    async def say(self, text: str) -> list[Outgoing]:
        return await self.store.run(self.conversation.handle, ANNA, read_message(text), NOW)

    def unanswered(self) -> list[str]:
        kept = self.store.run_sync(unanswered_questions, None)
        return [question.text for question in kept]

    def patient(self) -> patients.Patient:
        found = self.store.run_sync(patients.get_patient, ANNA.user_id)
        assert found is not None
        return found


def texts(outgoing: list[Outgoing]) -> list[str]:
    return [item.text for item in outgoing if isinstance(item, Reply)]


def buttons(outgoing: list[Outgoing]) -> list[Button]:
    return [b for item in outgoing if isinstance(item, Reply) for row in item.buttons for b in row]


@pytest.mark.parametrize(
    ("typed", "on"),
    [
        ("tomorrow", "Saturday 28 November"),
        ("next monday", "Monday 30 November"),
        ("my treatment is tomorrow", "Saturday 28 November"),
        ("its tomorrow", "Saturday 28 November"),
        ("in 3 days", "Monday 30 November"),
        ("next week", "Friday 4 December"),
    ],
)
async def test_a_day_ahead_given_as_the_date_is_read_as_a_treatment_still_ahead(
    chat: Chat, typed: str, on: str
) -> None:
    await chat.say("/start")
    sent = await chat.say(typed)
    assert texts(sent) == [
        f"Good luck with your treatment on {on}! Message me after it, or send /treatment "
        "then, and I'll help you through the days that follow. You can ask me anything "
        "before then too."
    ]
    assert not buttons(sent)
    assert chat.patient().state == State.TREATMENT_AHEAD
    assert chat.patient().treated_on is None


async def test_a_question_naming_a_day_ahead_while_the_date_is_asked_is_still_answered(
    chat: Chat,
) -> None:
    await chat.say("/start")
    sent = await chat.say("can I go to work tomorrow?")
    assert not texts(sent)[0].startswith("Good luck with your treatment")
    assert texts(sent)[-1] == STILL_NEEDED
    assert chat.patient().state == State.AWAITING_DATE


async def test_going_out_tomorrow_while_the_date_is_asked_is_not_taken_for_the_treatment(
    chat: Chat,
) -> None:
    await chat.say("/start")
    await chat.say("going out tomorrow")
    assert chat.patient().state == State.AWAITING_DATE


async def test_start_from_a_patient_whose_treatment_is_ahead_does_not_ask_the_date_again(
    chat: Chat,
) -> None:
    await chat.say("/start")
    await chat.say("dec 5")
    sent = await chat.say("/start")
    assert not any("when was your treatment" in text.lower() for text in texts(sent))
    assert "still ahead" in texts(sent)[-1]
    assert not buttons(sent)
    assert chat.patient().state == State.TREATMENT_AHEAD


async def test_questions_after_start_with_a_treatment_ahead_do_not_end_by_asking_the_date(
    chat: Chat,
) -> None:
    await chat.say("/start")
    await chat.say("dec 5")
    await chat.say("/start")
    sent = await chat.say("can i wear makeup?")
    assert texts(sent)[-1] != STILL_NEEDED
    assert len(texts(sent)) == 1


async def test_the_check_in_offer_is_shown_again_after_a_question_asked_before_answering_it(
    chat: Chat,
) -> None:
    await chat.say("/start")
    offered = await chat.say("3 days ago")
    assert [b.data for b in buttons(offered)] == ["checkins:yes", "checkins:no"]
    sent = await chat.say("can i wear makeup?")
    assert texts(sent)[0] == chat.conversation.knowledge.current.base.rule("makeup").answer_for(3)
    assert [b.data for b in buttons(sent)] == ["checkins:yes", "checkins:no"]
    assert chat.patient().state == State.CHECKIN_OFFERED_AGAIN


async def test_yes_after_the_offer_shown_again_turns_check_ins_on(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("3 days ago")
    await chat.say("can i wear makeup?")
    await chat.say("yes")
    assert chat.patient().checkins_enabled


@pytest.mark.parametrize("typed", ["👍", "🙏", "np", "ty", "👌"])
async def test_a_thumbs_up_or_short_thanks_gets_a_friendly_reply_and_is_not_kept_for_staff(
    chat: Chat, typed: str
) -> None:
    await chat.say("/start")
    await chat.say("3 days ago")
    await chat.say("no")
    sent = await chat.say(typed)
    assert len(texts(sent)) == 1 and not buttons(sent)
    assert chat.conversation.knowledge.current.base.wording["fallback"] not in texts(sent)
    assert chat.unanswered() == []


@pytest.mark.parametrize("typed", ["is la mer ok", "la mer?", "ok to use la mer?", "is tatcha ok"])
async def test_a_question_about_a_product_is_not_taken_for_an_acknowledgement(
    chat: Chat, typed: str
) -> None:
    await chat.say("/start")
    await chat.say("3 days ago")
    await chat.say("no")
    sent = await chat.say(typed)
    nod = chat.conversation.knowledge.current.base.rule("acknowledgement").answer
    assert nod not in texts(sent)


async def test_stats_count_thanks_and_acknowledgements_as_small_talk_not_as_fell_back(
    chat: Chat,
) -> None:
    await chat.say("/start")
    await chat.say("3 days ago")
    await chat.say("no")
    for typed in ("thanks", "ok", "lovely thanks"):
        await chat.say(typed)
    week = chat.store.run_sync(stats, NOW)["last_7_days"]
    assert (week["small_talk"], week["questions_fallen_back"]) == (3, 0)
