"""The note on what to expect, in the reply to a treatment date."""

from __future__ import annotations

import re

import pytest

from bot.core.day_notes import day_note, day_note_step
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from scheduler.planning import CheckInPlan, CheckInStep

PLAN = CheckInPlan(
    (
        CheckInStep(0, "Tonight you look sunburnt."),
        CheckInStep(1, "Redness is normal these days. How is your skin today?"),
        CheckInStep(42, "Time to book your next session."),
    )
)


def test_the_note_of_a_check_in_day_is_that_check_ins_message_without_its_question() -> None:
    assert day_note(PLAN, 1) == "Redness is normal these days."


def test_the_day_after_a_check_in_still_gets_its_note() -> None:
    assert day_note(PLAN, 2) == "Redness is normal these days."


def test_a_note_is_not_shown_a_week_after_its_check_in() -> None:
    assert day_note(PLAN, 8) is None
    assert day_note_step(PLAN, 8) is None


def test_the_booking_reminder_is_no_note_half_a_year_later() -> None:
    assert day_note(PLAN, 42) == "Time to book your next session."
    assert day_note(PLAN, 184) is None


def test_a_check_in_that_only_asks_gives_no_note() -> None:
    plan = CheckInPlan((CheckInStep(0, "How is your skin today?"),))
    assert day_note(plan, 0) is None


@pytest.fixture(scope="module")
def shipped_plan() -> CheckInPlan:
    return load_knowledge(DEFAULT_KNOWLEDGE_DIR).plan


def test_the_shipped_notes_never_name_another_day(shipped_plan: CheckInPlan) -> None:
    for day in range(400):
        note = day_note(shipped_plan, day) or ""
        named = [int(n) for n in re.findall(r"\bday (\d+)\b", note, flags=re.IGNORECASE)]
        assert all(n == day for n in named), (day, note)


def test_the_shipped_six_week_note_is_not_shown_months_later(shipped_plan: CheckInPlan) -> None:
    assert "six weeks" in (day_note(shipped_plan, 42) or "")
    assert all("six weeks" not in (day_note(shipped_plan, day) or "") for day in range(49, 400))


def test_the_note_in_the_reply_to_a_date_does_not_say_hi_after_got_it() -> None:
    plan = CheckInPlan((CheckInStep(1, "Hi! Redness is normal. How is your skin today?"),))
    assert day_note(plan, 1) == "Redness is normal."


def test_a_two_word_greeting_is_left_out_of_the_note_too() -> None:
    plan = CheckInPlan((CheckInStep(0, "Welcome home! Tonight you look sunburnt."),))
    assert day_note(plan, 0) == "Tonight you look sunburnt."


def test_a_note_that_opens_with_news_keeps_its_first_sentence() -> None:
    plan = CheckInPlan((CheckInStep(7, "One week in! Most people look normal again."),))
    assert day_note(plan, 7) == "One week in! Most people look normal again."


def test_a_note_that_is_only_a_greeting_stays_as_it_is() -> None:
    plan = CheckInPlan((CheckInStep(2, "Hello!"),))
    assert day_note(plan, 2) == "Hello!"
