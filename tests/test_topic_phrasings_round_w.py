"""Kinds of question round w's training set found unanswered, and the shipped knowledge now
answers: whether one session does anything, skin-lightening creams, sweat in the needle holes,
a top-up of filler, an event in a few days, skin that feels crunchy; look-alikes about beauty
and diet in general that get a kind reply instead of an aftercare answer; and what the answers
now say about drying hair and about supplements.

Each question is worded for these tests, not copied from a labelled set or from the examples;
each was answered wrongly, or only with "Did you mean", by the knowledge before this round.
"""

from __future__ import annotations

import pytest

from bot.core.matching import Matcher
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("will just one session make any difference", "results-timeline"),
        ("can i go back on my skin lightening cream", "actives-to-avoid"),
        ("does sweat get into the needle holes", "exercise-sweating"),
        ("lip top up next week, too soon after needling?", "other-treatments"),
        ("maid of honour at the weekend, will i look normal", "work-going-out"),
        ("skin feels like a crunchy crisp", "peeling-flaking"),
    ],
)
def test_a_kind_of_question_round_w_missed_gets_its_topic_at_once(
    matcher: Matcher, question: str, topic: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.rule, match.red_flag) == ("answer", topic, False)


@pytest.mark.parametrize(
    "message",
    [
        "who is laser hair removal suitable for",
        "is it a myth that chocolate gives you spots",
        "what's the best mascara for sensitive eyes",
    ],
)
def test_a_beauty_or_diet_question_in_general_gets_a_kind_reply_not_an_aftercare_answer(
    matcher: Matcher, message: str
) -> None:
    match = matcher.match(message)
    assert (match.rule, match.intent, match.red_flag) == (None, "other-procedures", False)


def test_the_heat_answer_says_how_to_dry_hair_in_the_first_days(matcher: Matcher) -> None:
    answer = matcher.match("can i use my hair dryer tonight", 1).answer
    assert "hair dryer on a cool setting" in answer


@pytest.mark.parametrize("day", [0, 4])
def test_the_food_answer_says_no_special_supplements_are_needed_on_any_day(
    matcher: Matcher, day: int
) -> None:
    match = matcher.match("do i need to take vitamins or supplements to heal", day)
    assert match.rule == "lifestyle-diet"
    assert "you don't need special supplements" in match.answer.replace("\n", " ")
