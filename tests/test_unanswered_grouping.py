"""Grouping the unanswered inbox at scale: near-duplicates fall together through an index
of their terms, only the biggest groups are shown and the rest counted, and /unanswered
reads and groups off the event loop and the database thread."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.conversation.events import StaffJob
from bot.conversation.staff import run_staff_job
from bot.conversation.wording import format_unanswered
from bot.core.matching import Matcher
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.storage.questions import AskedText, asked_unanswered, record_unanswered
from bot.storage.store import Store
from bot.tools.unanswered import top_groups

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))


def asked(*texts: str) -> list[AskedText]:
    """Each text asked once, the first most recently."""
    return [AskedText(text, 1, NOW - timedelta(minutes=i)) for i, text in enumerate(texts)]


def grouped(matcher: Matcher, *texts: str) -> list[tuple[str, ...]]:
    return [group.questions for group in top_groups(asked(*texts), matcher, None).groups]


def test_a_question_with_a_greeting_and_a_brand_joins_its_group(matcher: Matcher) -> None:
    groups = grouped(
        matcher,
        "how long does the redness last",
        "hi how long does the redness last with glowlab serum",
        "can i dye my hair",
    )
    assert (
        "how long does the redness last",
        "hi how long does the redness last with glowlab serum",
    ) in groups


def test_questions_sharing_only_a_common_word_stay_apart(matcher: Matcher) -> None:
    groups = grouped(matcher, "can i dye my hair", "can i go to the gym", "can i drink wine")
    assert len(groups) == 3


def test_the_same_question_in_capitals_and_with_more_question_marks_falls_together(
    matcher: Matcher,
) -> None:
    assert grouped(matcher, "how much is it", "HOW MUCH IS IT??") == [
        ("how much is it", "HOW MUCH IS IT??")
    ]


def test_the_biggest_groups_come_first_and_the_rest_are_counted(matcher: Matcher) -> None:
    texts = [AskedText("can i dye my hair", 5, NOW), AskedText("do you sell gift cards", 3, NOW)]
    texts += asked("can i go to the gym", "are dogs allowed in the clinic", "can i drink wine")
    grouping = top_groups(texts, matcher, 2)
    assert [group.count for group in grouping.groups] == [5, 3]
    assert grouping.total == 5


def spy_on(matcher: Matcher, method: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts `matcher.<method>` is called with from now on."""
    calls: list[str] = []
    original = getattr(matcher, method)

    def spy(text: str) -> object:
        calls.append(text)
        return original(text)

    monkeypatch.setattr(matcher, method, spy)
    return calls


def test_only_the_groups_shown_are_matched_to_a_topic(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    matched = spy_on(matcher, "scores", monkeypatch)
    top_groups(asked("can i dye my hair", "can i go to the gym", "can i drink wine"), matcher, 1)
    assert matched == ["can i dye my hair"]


def test_asking_again_reads_only_the_texts_not_read_before(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    top_groups(asked("can i dye my hair", "can i go to the gym"), matcher, None)
    read = spy_on(matcher, "terms", monkeypatch)
    # None shown, so no topic is looked for (which reads the text too).
    top_groups(asked("can i dye my hair", "can i go to the gym", "can i drink wine"), matcher, 0)
    assert read == ["can i drink wine"]


def test_the_listing_says_how_many_groups_it_leaves_out(matcher: Matcher) -> None:
    grouping = top_groups(asked("can i dye my hair", "can i drink wine"), matcher, 1)
    listing = format_unanswered(grouping.groups, 1, grouping.total)
    assert listing.endswith("Showing the top 1 of 2 groups.")


def test_a_listing_of_everything_says_nothing_about_the_top(matcher: Matcher) -> None:
    grouping = top_groups(asked("can i dye my hair", "can i drink wine"), matcher, None)
    assert "Showing" not in format_unanswered(grouping.groups, 15, grouping.total)


def test_the_inbox_is_read_counted_most_asked_first_then_newest(tmp_path: Path) -> None:
    with Store(tmp_path / "aftercare.db") as store:
        for text, minutes_ago in [("a", 30), ("b", 20), ("b", 25), ("c", 10), ("a", 40)]:
            moment = NOW - timedelta(minutes=minutes_ago)
            store.run_sync(record_unanswered, text, "fallback", None, 0.0, moment)
        counted = store.read_sync(asked_unanswered, NOW - timedelta(minutes=35))
    assert counted == [
        AskedText("b", 2, NOW - timedelta(minutes=20)),
        AskedText("c", 1, NOW - timedelta(minutes=10)),
        AskedText("a", 1, NOW - timedelta(minutes=30)),
    ]


@pytest.fixture
def knowledge(small_knowledge: Path) -> KnowledgeHolder:
    return KnowledgeHolder(small_knowledge)


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[Store]:
    """Twenty different questions nobody could answer."""
    topics = ["dye my hair", "drink wine", "go to the gym", "fly", "swim", "drive", "sing"]
    topics += ["knit", "bake", "garden", "run a marathon", "ski", "paint", "dance"]
    topics += ["ride a horse", "play golf", "go sailing", "climb", "box", "surf"]
    with Store(tmp_path / "aftercare.db") as store:
        for topic in topics:
            store.run_sync(record_unanswered, f"can i {topic}", "fallback", None, 0.0, NOW)
        yield store


async def test_unanswered_shows_the_top_15_of_many_groups(
    inbox: Store, knowledge: KnowledgeHolder
) -> None:
    listing = await run_staff_job(StaffJob("unanswered", -100), inbox, knowledge, NOW)
    assert listing.count("1×") == 15
    assert listing.endswith("Showing the top 15 of 20 groups.")


def test_grouping_takes_the_key_kept_when_the_question_was_asked(matcher: Matcher) -> None:
    # Two texts the matcher reads apart, kept with one key: the kept key is what groups.
    kept = matcher.grouping_key("can i dye my hair")
    texts = [
        AskedText("can i dye my hair", 2, NOW, kept),
        AskedText("can i drink wine", 1, NOW - timedelta(minutes=1), kept),
    ]
    groups = top_groups(texts, matcher, None).groups
    assert [group.questions for group in groups] == [("can i dye my hair", "can i drink wine")]


def test_an_unanswered_question_is_kept_with_its_key_for_the_reading_it_was_made_with(
    tmp_path: Path, matcher: Matcher
) -> None:
    key = (matcher.grouping_key("how much is it"), matcher.reading)
    with Store(tmp_path / "aftercare.db") as store:
        store.run_sync(record_unanswered, "how much is it", "fallback", None, 0.0, NOW, key)
        same = store.read_sync(asked_unanswered, None, matcher.reading)
        other = store.read_sync(asked_unanswered, None, "another reading")
    assert [item.key for item in same] == ["c:price"]
    assert [item.key for item in other] == [None]


def test_a_new_concept_changes_how_the_matcher_reads_terms(small_knowledge: Path) -> None:
    before = Matcher(load_knowledge(small_knowledge)).reading
    (small_knowledge / "concepts.yaml").write_text("concepts:\n  glitter: [sparkles]\n")
    assert Matcher(load_knowledge(small_knowledge)).reading != before
