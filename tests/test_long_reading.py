"""A long message (up to Telegram's 4,096 characters): the warning-sign check reads every
sentence, the topic half reads its asks (`bot.core.long_reading`)."""

from __future__ import annotations

import pytest

from bot.core.asks import sentences, sentences_from_end
from bot.core.long_reading import ASKS_READ, LONG_MESSAGE_CHARS, topic_reading
from bot.core.matching import Matcher
from bot.core.text import MAX_MESSAGE_CHARS
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

TELEGRAM_LIMIT = 4096
STORY = [
    "My sister drove me to the clinic on Tuesday.",
    "We stopped for lunch at a little cafe on the way home.",
    "The weather has been grey and drizzly all week.",
    "I have been reading a novel about a lighthouse keeper.",
    "My cat keeps sitting on my laptop while I work.",
    "The neighbours are building an extension and it is noisy.",
]


def story(chars: int, start: int = 0) -> str:
    """Sentences that ask nothing and name no topic, `chars` characters or just under."""
    told: list[str] = []
    size = -1
    for i in range(start, start + 1000):
        sentence = STORY[i % len(STORY)]
        if size + len(sentence) + 1 > chars:
            break
        told.append(sentence)
        size += len(sentence) + 1
    return " ".join(told)


def long_message(middle: str, *, before: int, total: int = TELEGRAM_LIMIT) -> str:
    """A story of `total` characters at most with `middle` after `before` characters."""
    head = story(before)
    tail = story(total - len(head) - len(middle) - 2, start=3)
    return f"{head} {middle} {tail}"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))


def test_a_story_whose_question_is_in_the_middle_still_gets_the_asked_topic(
    matcher: Matcher,
) -> None:
    text = long_message("Can I go swimming this weekend?", before=2000)
    assert len(text) > 4000
    found = matcher.match(text)
    assert (found.decision, found.rule, found.red_flag) == ("answer", "swimming-heat", False)


def test_a_story_whose_question_comes_first_still_gets_the_asked_topic(matcher: Matcher) -> None:
    text = long_message("Is it ok to wear makeup tomorrow?", before=0)
    found = matcher.match(text)
    assert (found.decision, found.rule) == ("answer", "makeup")


def test_a_sign_in_the_last_sentence_of_a_story_of_questions_still_alerts(
    matcher: Matcher,
) -> None:
    asks = " ".join(["Can I go swimming this weekend?", "Is it ok to wear makeup tomorrow?"] * 3)
    sign = "Since this morning yellow pus is oozing from my cheek and I have a fever."
    text = f"{long_message(asks, before=1500, total=TELEGRAM_LIMIT - len(sign) - 1)} {sign}"
    assert text.endswith(sign) and len(text) <= TELEGRAM_LIMIT
    found = matcher.match(text)
    assert found.red_flag and found.decision == "answer"


def test_a_message_up_to_the_long_message_length_is_read_whole() -> None:
    text = long_message("Can I go swimming this weekend?", before=300, total=LONG_MESSAGE_CHARS)
    assert len(text) <= LONG_MESSAGE_CHARS
    assert topic_reading(text) == text


def test_a_long_story_is_read_as_its_last_asks_each_with_the_sentence_before_it() -> None:
    asks = [f"Question number {n}, can I do it?" for n in range(ASKS_READ + 2)]
    text = " ".join(f"{STORY[n % len(STORY)]} {ask}" for n, ask in enumerate(asks))
    text = long_message(text, before=1500)
    read = topic_reading(text)
    last = asks[-ASKS_READ:]
    assert read == " ".join(f"{STORY[(n + 2) % len(STORY)]} {ask}" for n, ask in enumerate(last))
    assert asks[0] not in read and asks[1] not in read


def test_a_long_story_that_asks_nothing_is_read_as_its_last_sentences() -> None:
    text = story(TELEGRAM_LIMIT)
    read = topic_reading(text)
    assert text.endswith(read) and read.count(".") == ASKS_READ


def test_a_long_question_told_in_one_breath_is_read_as_its_end() -> None:
    text = story(3000).replace(".", "") + " so can i go swimming this weekend?"
    read = topic_reading(text)
    assert len(read) <= MAX_MESSAGE_CHARS and read.endswith("can i go swimming this weekend?")
    assert not read.startswith(" ") and text.endswith(read)


@pytest.mark.parametrize(
    "text",
    [
        long_message("Can I go swimming this weekend?", before=2000),
        "1) can I swim? 2) can I run 3) a. b) and c) " * 40 + "done",
        "hi\n\n - so - day 2!! is it ok?; fine: thanks... " * 50,
        "",
    ],
)
def test_sentences_read_from_the_end_are_the_sentences_in_reverse(text: str) -> None:
    assert list(sentences_from_end(text)) == sentences(text)[::-1]
