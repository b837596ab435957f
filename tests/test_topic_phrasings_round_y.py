"""Kinds of question round y's training set answered wrongly or only with "Did you mean",
and the shipped knowledge now answers at once: why skincare soaks in better after needling
(how the treatment works, not the serums answer), wearing a wig on treated skin (what
touches the face, like hats), a painkiller asked about with a worry around it, and skin so
tight it is hard to move the face (pain-discomfort).

Each question is worded for these tests, not copied from a labelled set or from the examples;
each got only "Did you mean" from the knowledge before this round.
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
        ("how come creams get absorbed better after the needling, what's going on", "how-it-works"),
        ("why does skincare soak in more after microneedling", "how-it-works"),
        ("can i put my wig on tomorrow", "touching-hygiene"),
        ("is my wig ok to wear on day 2", "touching-hygiene"),
        ("should i take nurofen or is that bad for healing", "pain-discomfort"),
        ("my cheeks are so tight i can barely yawn lol", "pain-discomfort"),
    ],
)
def test_a_kind_of_question_round_y_missed_gets_its_topic_at_once(
    matcher: Matcher, question: str, topic: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.rule, match.red_flag) == ("answer", topic, False)
