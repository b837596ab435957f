"""The context rules that read past a clause (bot.core.sentence_rules and the context
phrases of knowledge/warning-signs/signs.yaml), with the shipped knowledge.

Each false-alarm cause the rules cover is written here in phrasings of our own; next to
each, the reports the rule must leave alone, because a miss costs more than a false alarm.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.matching import Matcher
from bot.core.model import KnowledgeError
from bot.core.signs import SignChecker
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

SIGNS = Path("warning-signs") / "signs.yaml"


@pytest.fixture(scope="module")
def checker() -> SignChecker:
    return Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR)).signs


def alerts(checker: SignChecker, text: str) -> bool:
    return checker.check(text).alert


@pytest.mark.parametrize(
    "text",
    [
        "my lunchbox smells rotten",
        "the dishwasher smells like rotten eggs",
        "my mascara wand smells off",
        "the bath mat has gone mouldy and smelly",
    ],
)
def test_a_sign_said_of_a_noun_no_report_uses_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "my philtrum is weeping",
        "my cheak smells weird",
        "my forhead is oozing yellow stuff",
        "my vision's been blurry since this morning",
        "a nasty eggy smell from the scabs",
    ],
)
def test_a_sign_said_of_a_rare_face_word_or_a_typo_of_one_still_alerts(
    checker: SignChecker, text: str
) -> None:
    assert alerts(checker, text)


def test_the_owner_rule_says_which_noun_it_read(checker: SignChecker) -> None:
    ruled = checker.check("my lunchbox smells rotten").ruled_out
    assert any("said of 'lunchbox'" in reason for reason in ruled)


@pytest.mark.parametrize(
    "text",
    [
        "years ago i had a bad reaction to a peel, my lips swelled up",
        "when i was 19 i had a horrible allergic reaction to hair dye and my face blew up",
        "ages ago my lips swelled from a bee sting, nothing since",
        "My eyes were a bit puffy on the morning after my wedding but that's all gone",
    ],
)
def test_a_story_told_in_the_past_that_ended_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "years ago i never reacted like this but now my lips are swelling up",
        "I had a fever last night and it's still 38.6 now",
        "I've got grouped sores like when I had chickenpox as a kid, all over my chin",
        "i had the needling done 3 days ago and my face is swollen and red and hot",
        "2 days ago it was fine, now there's yellow crust on my chin",
    ],
)
def test_a_sign_told_now_next_to_a_past_story_still_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "I read that some people get blisters after microneedling",
        "the leaflet says pus means infection",
        "google says red streaks can mean cellulitis",
        "girl at work said hers hurt like 8/10 the day after",
        "my colleague posted that her face got infected at another clinic",
    ],
)
def test_what_a_source_or_someone_else_says_of_theirs_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "my partner says my face smells funny since the needling",
        "i read the leaflet and my cheek has pus, so i'm messaging",
        "my face is weeping and my friend said that's not normal",
    ],
)
def test_a_sign_of_the_patient_next_to_what_someone_said_still_alerts(
    checker: SignChecker, text: str
) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "my daughter's face is leaking yellow stuff since her treatment",
        "my friend has red lines going down her neck",
        "my mum had her microneedling on monday and now her cheek is really swollen and hot",
        "my husband had microneedling friday and he's got a fever tonight",
    ],
)
def test_someone_the_patient_speaks_for_who_has_a_sign_now_alerts(
    checker: SignChecker, text: str
) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "the baby has a temperature, can I still do my aftercare",
        "our toddler has a rash and a fever",
        "she had an allergic reaction with hives at another clinic",
    ],
)
def test_someone_who_is_never_the_patient_or_another_providers_work_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "do blisters happen after microneedling",
        "which is worse, pus or a fever",
        "would a fever mean infection",
        "when do i need to worry about pus",
    ],
)
def test_a_question_about_signs_in_general_does_not_alert(checker: SignChecker, text: str) -> None:
    check = checker.check(text)
    assert (check.alert, check.asked_about) == (False, True)


@pytest.mark.parametrize(
    "text",
    [
        "why is there pus on day 4",
        "can i take paracetamol for a fever after microneedling? i'm 38.2",
        "is it normal for it to weep at all",
        "how do i stop the pus",
    ],
)
def test_a_question_tied_to_the_patient_still_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "got stung on my ankle, it's weeping and sore",
        "cut my finger on a tin, its oozing",
        "my knee is scraped from netball, it stings",
    ],
)
def test_a_clause_going_on_about_another_body_part_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


def test_a_clause_going_on_about_the_face_still_alerts(checker: SignChecker) -> None:
    assert alerts(checker, "cut my finger yesterday, it's my cheek that is oozing though")


def test_a_past_trigger_after_a_sign_does_not_reach_back_over_a_comma(
    checker: SignChecker,
) -> None:
    message = "my partner's cheek has gone hard and hot, she had it done last week"
    assert alerts(checker, message)


def test_an_owner_word_that_is_not_one_plain_word_is_reported_on_its_line(
    knowledge_copy: Path,
) -> None:
    signs = knowledge_copy / SIGNS
    text = signs.read_text()
    signs.write_text(text.replace("  possessors: [my,", "  possessors: [my own,", 1))
    line = 1 + text.splitlines().index(
        next(row for row in text.splitlines() if row.startswith("  possessors:"))
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_copy)
    assert any(
        str(p).startswith(f"knowledge/warning-signs/signs.yaml:{line}:") and "plain word" in str(p)
        for p in caught.value.problems
    )


def test_an_unknown_field_of_a_past_story_is_reported(knowledge_copy: Path) -> None:
    signs = knowledge_copy / SIGNS
    signs.write_text(signs.read_text().replace("    told:\n", "    tolt:\n", 1))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_copy)
    assert any("'tolt'" in str(p) and "past_story" in str(p) for p in caught.value.problems)


CALM = "The weather was lovely and the park was busy with dogs. "
"""A sentence naming no sign, repeated into the longest message Telegram allows."""


def longest(text: str, *, last: bool) -> str:
    """`text` as the last (or first) sentence of a story of about 4,000 characters."""
    calm = CALM * (4000 // len(CALM))
    return calm + text if last else f"{text} {calm}"


@pytest.mark.parametrize("last", [True, False])
def test_words_taken_back_in_the_next_sentence_of_a_longest_story_still_take_it_back(
    checker: SignChecker, last: bool
) -> None:
    found = checker.check(longest("MY FACE IS ON FIRE. in a good way", last=last))
    assert not found.alert
    assert any("taken back" in reason for reason in found.ruled_out)


@pytest.mark.parametrize("last", [True, False])
def test_a_story_that_ended_at_either_end_of_a_longest_story_is_the_past(
    checker: SignChecker, last: bool
) -> None:
    found = checker.check(longest("years ago I had hives after a peel, all gone now.", last=last))
    assert not found.alert
    assert any("a story told in the past" in reason for reason in found.ruled_out)


@pytest.mark.parametrize("last", [True, False])
def test_a_sign_said_of_a_thing_at_either_end_of_a_longest_story_does_not_alert(
    checker: SignChecker, last: bool
) -> None:
    assert not alerts(checker, longest("my lunchbox smells rotten", last=last))


@pytest.mark.parametrize("last", [True, False])
def test_a_report_at_either_end_of_a_longest_story_alerts(checker: SignChecker, last: bool) -> None:
    assert alerts(
        checker, longest("my cheek is hot and swollen and the pus is spreading.", last=last)
    )
