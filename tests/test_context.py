"""ConText (bot.core.context): is a mention denied, past, hypothetical or someone else's?

The trigger words here are a small set written for the tests; the shipped ones are in
knowledge/warning-signs/signs.yaml and tested through the whole check.
"""

from __future__ import annotations

from bot.core.context import ConText, Trigger
from bot.core.phrase_index import PhraseIndex
from bot.core.phrases import compile_phrase
from bot.core.tokens import Line, tokens

TRIGGERS = [
    ("no", "negated", "before"),
    ("not", "negated", "before"),
    ("went away", "negated", "after"),
    ("last year", "historical", "both"),
    ("what if", "hypothetical", "before"),
    ("happen to me", "someone_else", "anywhere"),
]


def context() -> ConText:
    return ConText(
        [(compile_phrase(text), Trigger(category, where)) for text, category, where in TRIGGERS],
        pseudo=[compile_phrase("no change"), compile_phrase("not sure")],
        clause_ends=[compile_phrase(","), compile_phrase("but")],
        category_ends=[(compile_phrase("and"), "negated")],
    )


def categories(message: str, mention: str = "pus") -> list[str]:
    line = Line.of(tokens(message))
    index: PhraseIndex[None] = PhraseIndex()
    index.add(compile_phrase(mention), None)
    hit = index.find(line)[0]
    reading = context().read(line)
    return [m.category for m in reading.modifiers(hit.start, hit.end, hit.skipped)]


def test_a_negation_before_the_mention_denies_it() -> None:
    assert categories("there is no pus") == ["negated"]


def test_a_mention_without_triggers_is_reported_as_it_is() -> None:
    assert categories("there is pus on my chin") == []


def test_the_scope_of_a_trigger_ends_at_but() -> None:
    assert categories("no fever but there is pus") == []


def test_the_scope_of_a_trigger_ends_at_a_comma() -> None:
    assert categories("no fever, pus on my chin") == []


def test_a_clause_end_of_one_category_stops_only_that_category() -> None:
    assert categories("no fever and pus on my chin") == []
    assert categories("what if i get a fever and pus") == ["hypothetical"]


def test_a_pseudo_trigger_does_not_negate() -> None:
    assert categories("no change, still pus") == []
    assert categories("not sure if thats pus") == []


def test_a_backward_trigger_acts_on_what_came_before() -> None:
    assert categories("the pus went away") == ["negated"]


def test_a_forward_trigger_does_not_act_backwards() -> None:
    assert categories("pus, what if") == []


def test_a_trigger_further_than_the_scope_limit_does_nothing() -> None:
    far = "no " + "word " * 11 + "pus"
    assert categories(far) == []


def test_a_two_way_trigger_acts_on_either_side() -> None:
    assert categories("last year i had pus") == ["historical"]
    assert categories("i had pus last year") == ["historical"]


def test_a_message_wide_trigger_reaches_every_clause() -> None:
    assert categories("a girl had pus. could that happen to me?") == ["someone_else"]


def test_a_trigger_in_a_gap_of_the_mention_denies_the_words_after_it() -> None:
    assert categories("eyes not watering", "eyes ... watering") == ["negated"]


def test_a_trigger_that_is_part_of_the_mention_does_not_deny_it() -> None:
    assert categories("cheek not healing", "not healing") == []


def test_a_category_scope_passes_over_a_clause_end_it_crosses() -> None:
    crossing = ConText(
        [(compile_phrase("wrist"), Trigger("elsewhere", "both"))],
        pseudo=[],
        clause_ends=[compile_phrase(",")],
        crossings=[(compile_phrase(", red and"), "elsewhere")],
    )
    line = Line.of(tokens("my wrist is itchy, red and sore"))
    index: PhraseIndex[None] = PhraseIndex()
    index.add(compile_phrase("sore"), None)
    hit = index.find(line)[0]
    found = crossing.read(line).modifiers(hit.start, hit.end, hit.skipped)
    assert [m.category for m in found] == ["elsewhere"]


def test_a_category_end_inside_the_mention_stops_a_trigger_before_it() -> None:
    rules = ConText(
        [(compile_phrase("friend said"), Trigger("someone_else", "before"))],
        pseudo=[],
        clause_ends=[compile_phrase(",")],
        category_ends=[(compile_phrase("my neck"), "someone_else")],
    )
    index: PhraseIndex[None] = PhraseIndex()
    index.add(compile_phrase("red line ... neck"), None)
    found = []
    for message in (
        "my friend said a red line runs down my neck",
        "friend said a red line on her neck",
    ):
        line = Line.of(tokens(message))
        hit = index.find(line)[0]
        found.append(
            [m.category for m in rules.read(line).modifiers(hit.start, hit.end, hit.skipped)]
        )
    assert found == [[], ["someone_else"]]
