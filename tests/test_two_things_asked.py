"""One question about two things ("can I wear my lenses and lipstick tonight?"): how the
things are cut apart, when both get an answer (the decision fed rankings), and whole
messages read with the real knowledge."""

from __future__ import annotations

import pytest

from bot.core.asks import split_questions
from bot.core.decision import (
    Candidate,
    DecisionThresholds,
    SecondLook,
    Verdict,
    decide_together,
)
from bot.core.matching import Matcher
from bot.core.things_asked import coordinated
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge


@pytest.mark.parametrize(
    ("question", "things"),
    [
        ("can i wear my lenses and lipstick tonight", ["can i wear my lenses", "lipstick tonight"]),
        ("pool & gym when?", ["pool", "gym when?"]),
        ("when can i use my led mask + my serum", ["when can i use my led mask", "my serum"]),
    ],
)
def test_a_question_about_two_things_is_cut_at_and(question: str, things: list[str]) -> None:
    assert coordinated(question) == things


def test_a_question_about_two_things_after_a_story_is_cut_where_it_starts_asking() -> None:
    question = "camping by the lake all weekend, can i paddleboard and drive there"
    assert coordinated(question) == ["can i paddleboard", "drive there"]


def test_the_story_before_a_question_about_two_things_is_not_cut_at_its_own_and() -> None:
    question = "hiked and biked all week, then home and now red, when can i hike and bike"
    assert coordinated(question) == ["when can i hike", "bike"]


@pytest.mark.parametrize(
    "question",
    [
        "my cheeks are dry and tight and it stings, can i use moisturiser",
        "how long between my facial and my next session",
        "what is the difference between redness and a rash",
        "can i use my vitamin c serum tonight",
    ],
)
def test_a_story_told_with_and_or_a_question_between_two_things_is_not_cut(
    question: str,
) -> None:
    assert coordinated(question) == []


@pytest.mark.parametrize(
    "question",
    ["Can I dermaroll and put fake tan on?", "can i get microneedling and use retinol after"],
)
def test_the_treatment_named_beside_a_thing_is_one_question_about_the_thing(
    question: str,
) -> None:
    assert coordinated(question) == []
    assert split_questions(question) == [question]


LIMITS = DecisionThresholds(part_clear=60.0, part_clear_margin=30.0)
WHOLE = [
    Candidate("lenses", 45.0),
    Candidate("price", 30.0, False),
    Candidate("makeup", 40.0),
    Candidate("work", 20.0),
]
"""The whole of "can i wear my lenses and lipstick tonight": two topics close together."""
LENSES = [Candidate("lenses", 100.0), Candidate("clinic", 25.0)]
LIPSTICK = [Candidate("makeup", 70.0), Candidate("work", 30.0)]
UNSURE = Verdict("suggest", suggestions=("lenses", "makeup", "work"), score=45.0)


def test_two_things_each_clear_with_the_two_leading_topics_are_both_answered_in_order() -> None:
    verdict = decide_together(UNSURE, WHOLE, [LIPSTICK, LENSES], LIMITS, words=7)
    assert (verdict.decision, verdict.topics) == ("answer", ("makeup", "lenses"))


def test_a_thing_that_leads_its_topic_narrowly_leaves_the_verdict() -> None:
    narrow = [Candidate("makeup", 70.0), Candidate("work", 50.0)]
    assert decide_together(UNSURE, WHOLE, [LENSES, narrow], LIMITS, words=7) == UNSURE


def test_a_thing_whose_topic_the_whole_message_does_not_lead_with_leaves_the_verdict() -> None:
    other = [Candidate("work", 90.0), Candidate("makeup", 10.0)]
    assert decide_together(UNSURE, WHOLE, [LENSES, other], LIMITS, words=7) == UNSURE


def test_a_message_answered_with_a_third_topic_keeps_its_answer() -> None:
    answered = Verdict("answer", ("work",), score=45.0)
    assert decide_together(answered, WHOLE, [LENSES, LIPSTICK], LIMITS, words=7) == answered


def test_a_long_story_keeps_its_verdict() -> None:
    assert decide_together(UNSURE, WHOLE, [LIPSTICK, LENSES], LIMITS, words=60) == UNSURE


def test_a_message_very_likely_outside_aftercare_keeps_its_verdict() -> None:
    look = SecondLook(outside=0.9)
    assert decide_together(UNSURE, WHOLE, [LIPSTICK, LENSES], LIMITS, look, words=7) == UNSURE


def test_a_message_given_an_off_topic_reply_keeps_it() -> None:
    price = Verdict("fallback", intent="price", score=80.0)
    assert decide_together(price, WHOLE, [LENSES, LIPSTICK], LIMITS, words=7) == price


def test_a_message_answered_twice_already_keeps_its_answers() -> None:
    twice = Verdict("answer", ("lenses", "work"), score=45.0)
    assert decide_together(twice, WHOLE, [LENSES, LIPSTICK], LIMITS, words=7) == twice


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("can i wear my lenses and lipstick tonight", ("contact-lenses", "makeup")),
        ("pool and gym when?", ("swimming-heat", "exercise-sweating")),
        ("can i use my led mask and my vitamin c this week", ("home-devices", "serums")),
    ],
)
def test_one_question_about_two_things_gets_both_answers_in_the_order_asked(
    matcher: Matcher, text: str, topics: tuple[str, ...]
) -> None:
    match = matcher.match(text)
    assert (match.decision, match.rules) == ("answer", topics)


def test_things_asked_about_before_a_session_get_the_one_answer_about_that_time(
    matcher: Matcher,
) -> None:
    match = matcher.match("can i have a coffee and a glass of wine the day before my session")
    assert (match.decision, match.rules) == ("answer", ("before-treatment",))
