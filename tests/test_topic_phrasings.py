"""Everyday ways of asking that the shipped knowledge answers: figures of speech, words
from other languages, FAQ-style questions, and messages that only look like aftercare.

The questions here are worded for these tests, not copied from a labelled set or from the
examples, so they check that the examples generalise.
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
        (
            "got sunburnt on saturday, can I still come in for my session on wednesday?",
            "before-treatment",
        ),
        ("is doing microneedling at home as good as having it done in the clinic", "home-devices"),
        ("my skin feels like a crisp packet, what should I put on it", "moisturizer-hydration"),
        ("which protector solar is ok after the treatment", "sun-protection"),
    ],
)
def test_a_question_in_everyday_or_borrowed_words_gets_its_topic_at_once(
    matcher: Matcher, question: str, topic: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.rule) == ("answer", topic)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("oh no, sent this to the wrong chat, sorry", "small-talk"),
        ("how much water is a normal adult supposed to drink every day", "other-procedures"),
        ("does my laptop overheating mean it's dangerous", "other-procedures"),
        ("how can I update the phone number on my rewards card", "price-payment"),
    ],
)
def test_a_message_that_only_looks_like_aftercare_gets_a_kind_reply_not_an_answer(
    matcher: Matcher, message: str, kind: str
) -> None:
    match = matcher.match(message)
    assert (match.rule, match.intent, match.red_flag) == (None, kind, False)
