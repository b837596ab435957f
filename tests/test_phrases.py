"""The phrase language staff write warning signs in (bot.core.phrases)."""

from __future__ import annotations

import pytest

from bot.core import phrase_index
from bot.core.phrase_index import Hit, PhraseIndex, followers
from bot.core.phrases import PhraseError, compile_phrase
from bot.core.tokens import Line, tokens

LISTS = {"redness": ["red", "pink*", "blotchy"], "worse": ["spread*", "getting bigger"]}


def found(phrase: str, message: str) -> list[str]:
    index: PhraseIndex[str] = PhraseIndex()
    index.add(compile_phrase(phrase, LISTS), phrase)
    words = tokens(message)
    return [hit.words(words) for hit in index.find(Line.of(words))]


def test_a_message_is_read_without_case_accents_or_apostrophes() -> None:
    assert tokens("Don't TOUCH the Crème") == ["dont", "touch", "the", "creme"]


def test_chat_spelling_is_spelled_out_but_im_keeps_its_verb() -> None:
    assert tokens("im sore 2nite") == ["i", "am", "sore", "tonight"]


def test_decimal_numbers_stay_whole_and_a_comma_decimal_becomes_a_point() -> None:
    assert tokens("temp 38,5 and 8/10") == ["temp", "38.5", "and", "8", "/", "10"]


def test_a_line_is_ended_once_for_every_index_that_reads_it_ended() -> None:
    line = Line.of(tokens("my friend had pus and I have the same"))
    assert line.ended() is line.ended()


def test_a_star_matches_any_ending() -> None:
    assert found("swell*", "my cheek is swelling") == ["swelling"]


def test_a_bar_matches_either_word() -> None:
    assert found("hot|warm ... hard", "its warm and hard") == ["warm and hard"]


def test_braces_match_any_entry_of_a_word_list_even_several_words() -> None:
    assert found("{redness} ... {worse}", "the pinkness is getting bigger") == [
        "pinkness is getting bigger"
    ]


def test_a_number_range_matches_decimals_inside_it_only() -> None:
    assert found("{6-10} / 10", "pain 8.5/10") == ["8.5 / 10"]
    assert found("{6-10} / 10", "pain 4/10") == []


def test_a_gap_stops_at_the_end_of_a_sentence_and_at_a_comma() -> None:
    assert found("red ... spreading", "it is red. nothing is spreading") == []
    assert found("red ... spreading", "it is red, nothing spreading") == []
    assert found("red ... spreading", "the red bit on my cheek is spreading") != []


def test_a_gap_skips_at_most_six_words() -> None:
    assert found("red ... spreading", "red a b c d e f spreading") != []
    assert found("red ... spreading", "red a b c d e f g spreading") == []


@pytest.mark.parametrize(
    ("phrase", "problem"),
    [
        ("... pus", "must stand between words"),
        ("{nosuchlist}", "is not a word list"),
        ("{10-6}", "the first number must be the smaller"),
        ("s*", "at least two letters"),
        ("hot|38c", "one word or one {list}"),
        ('feel "{redness}"', "quotes around the whole phrase"),
    ],
)
def test_a_phrase_that_cannot_be_read_says_why(phrase: str, problem: str) -> None:
    with pytest.raises(PhraseError, match=problem.replace("{", r"\{")):
        compile_phrase(phrase, LISTS)


def test_a_number_in_any_range_of_a_word_list_matches() -> None:
    lists = {"fever": ["{37.8-42.5}", "{100-107}"]}
    index: PhraseIndex[str] = PhraseIndex()
    index.add(compile_phrase("temp {fever}", lists), "fever")
    for message, found in (("temp 100.4", 1), ("temp 38.2", 1), ("temp 60", 0)):
        assert len(index.find(Line.of(tokens(message)))) == found


def test_a_phrase_of_plain_words_is_found_wherever_all_its_words_stand() -> None:
    message = "not sure, not really sure. i am not sure"
    assert found("not sure", message) == ["not sure", "not sure"]
    assert [hit.start for hit in _hits(["not sure"], message)] == [0, 9]


def test_phrases_of_one_word_of_several_words_and_with_gaps_at_one_start_come_in_order() -> None:
    phrases = ["not", "not sure", "not ... better", "not really"]
    hits = _hits(phrases, "not sure it is not really better. not")
    assert [(hit.start, hit.value) for hit in hits] == [
        (0, "not"),
        (0, "not sure"),
        (0, "not ... better"),
        (4, "not"),
        (4, "not ... better"),
        (4, "not really"),
        (8, "not"),
    ]


def test_a_longer_phrase_of_plain_words_is_not_found_where_only_its_first_word_stands() -> None:
    assert _hits(["not sure", "not ... better"], "not now, later") == []


def test_phrases_at_one_word_are_found_whole_words_first_then_shortest_start_first() -> None:
    hits = _hits(["redd*", "red*", "redder"], "it is redder today")
    assert [hit.value for hit in hits] == ["redder", "red*", "redd*"]


def test_only_the_starts_near_the_given_ranges_are_read() -> None:
    index: PhraseIndex[str] = PhraseIndex()
    index.add(compile_phrase("no"), "no")
    line = Line.of(tokens("no no no no no no no no"))
    assert [hit.start for hit in index.find(line, [(5, 7), (1, 2), (6, 8)])] == [1, 5, 6, 7]


def test_a_word_that_started_nothing_is_read_again_once_a_phrase_starts_with_it() -> None:
    index: PhraseIndex[str] = PhraseIndex()
    index.add(compile_phrase("red lines"), "lines")
    line = Line.of(tokens("itchy skin and red lines"))
    assert [hit.value for hit in index.find(line)] == ["lines"]
    index.add(compile_phrase("itchy skin"), "itch")
    assert [hit.value for hit in index.find(line)] == ["itch", "lines"]


def test_a_phrase_opening_with_choices_is_tried_with_those_its_word_can_start() -> None:
    phrase = compile_phrase("{redness}|{worse}|7 ... lumps", LISTS)
    at_seven, at_getting = phrase.at("7"), phrase.at("getting")
    assert at_seven is not None and at_seven.plain.startswith("(?:7 )(?:")
    assert at_getting is not None
    assert at_getting.plain.startswith("(?:(?:getting bigger |spread[^ ]*+ ))(?:")
    assert phrase.at("lumps") is None


def test_a_phrase_opening_with_one_word_is_tried_as_it_is() -> None:
    phrase = compile_phrase("red ... lumps", LISTS)
    assert phrase.at("red") is phrase


def test_a_phrase_cut_to_its_choices_at_a_word_finds_what_the_whole_phrase_finds() -> None:
    message = "spreading fast and lumps. getting bigger, lumps. pink lumps"
    hits = _hits(["{redness}|{worse} ... lumps"], message)
    assert [(hit.start, hit.end, hit.skipped) for hit in hits] == [
        (0, 4, (1, 2)),
        (10, 12, ()),
    ]


def test_every_phrase_starting_at_one_word_is_found_with_its_own_end() -> None:
    hits = _hits(["red|pink ... sore", "red|pink {6-10}", "red*"], "red 7 and sore. red 11")
    assert [(hit.value, hit.start, hit.end, hit.skipped) for hit in hits] == [
        ("red|pink ... sore", 0, 4, (1, 2)),
        ("red|pink {6-10}", 0, 2, ()),
        ("red*", 0, 1, ()),
        ("red*", 5, 6, ()),
    ]


def test_a_line_knows_where_its_sentences_end() -> None:
    line = Line.of(tokens("red. hot! is it ok? fine; thanks, bye"))
    assert [line.tokens[at] for at in line.sentence_ends] == [".", "!", "?", ";"]
    assert line.sentence_ends == (1, 3, 7, 9)


def test_the_first_hit_is_the_one_find_gives_first() -> None:
    index: PhraseIndex[str] = PhraseIndex()
    for phrase in ("red*", "redder", "itchy ... skin"):
        index.add(compile_phrase(phrase), phrase)
    line = Line.of(tokens("it is itchy on my skin and redder today"))
    first = index.first(line)
    assert first is not None and first == index.find(line)[0]
    assert first.value == "itchy ... skin"


def test_no_first_hit_when_no_phrase_is_in_the_message() -> None:
    index: PhraseIndex[str] = PhraseIndex()
    index.add(compile_phrase("red*"), "red*")
    assert index.first(Line.of(tokens("it is itchy today"))) is None


def _hits(phrases: list[str], message: str) -> list[Hit[str]]:
    index: PhraseIndex[str] = PhraseIndex()
    for phrase in phrases:
        index.add(compile_phrase(phrase, LISTS), phrase)
    return index.find(Line.of(tokens(message)))


def test_a_word_that_starts_a_phrase_only_before_another_word_is_passed_over_elsewhere() -> None:
    index: PhraseIndex[str] = PhraseIndex()
    index.add(compile_phrase("my red|lips", LISTS), "mine")
    line = Line.of(tokens("my cat, my lips, my red cheek. my"))
    assert [(hit.start, hit.end) for hit in index.find(line)] == [(3, 5), (6, 8)]
    assert index.first(Line.of(tokens("my cat is red, my"))) is None


def test_the_words_that_may_follow_a_phrase_start_are_known_unless_any_may() -> None:
    assert followers(compile_phrase("my red|lips", LISTS), "my") == {"red", "lips"}
    assert followers(compile_phrase("{worse} now", LISTS), "getting") == {"bigger"}
    assert followers(compile_phrase("{worse} now", LISTS), "spreading") == {"now"}
    # A word start, a gap, or the phrase's end next: any word may follow.
    assert followers(compile_phrase("my {redness}|lips", LISTS), "my") is None
    assert followers(compile_phrase("my ... lips", LISTS), "my") is None
    assert followers(compile_phrase("hot|warm", LISTS), "hot") is None


def test_a_phrase_that_may_end_at_its_first_word_is_found_at_the_end_of_the_message() -> None:
    phrases = ["hot|warm ... face", "hot|{redness}", "red hot"]
    hits = _hits(phrases, "it is hot, red, my face is red")
    assert [(hit.start, hit.value) for hit in hits] == [
        (2, "hot|{redness}"),
        (4, "hot|{redness}"),
        (9, "hot|{redness}"),
    ]


def test_phrases_are_still_found_after_the_index_forgets_the_words_it_sorted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(phrase_index, "CACHED_TOKENS", 3)
    index: PhraseIndex[str] = PhraseIndex()
    index.add(compile_phrase("red lines"), "lines")
    index.add(compile_phrase("pus"), "pus")
    for message in ("a b c d e f red lines", "pus g h i j k", "x y z red lines and pus"):
        line = Line.of(tokens(message))
        assert [hit.value for hit in index.find(line)] == [
            value for value in ("lines", "pus") if value.replace("lines", "red lines") in message
        ]


def test_phrases_opening_alike_at_one_word_share_their_opening_in_one_quick_test() -> None:
    index: PhraseIndex[str] = PhraseIndex()
    for phrase in ("i ... feel sick", "i ... feel rough", "i ... allerg*", "i dont have it"):
        index.add(compile_phrase(phrase), phrase)
    index.find(Line.of(tokens("i")))
    quick = index._candidates["i"].quick
    assert quick is not None
    # The word and its `...` once, not once per phrase; "feel" once for both of its own.
    assert quick.pattern.count("[^ ]++") == 1
    assert quick.pattern.count("feel ") == 1


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("i think i feel rough today", [("i ... feel rough", 0, 5), ("i ... feel rough", 2, 5)]),
        ("i am allergic to it", [("i ... allerg*", 0, 3)]),
        ("i feel sick and rough", [("i ... feel sick", 0, 3)]),
        ("i feel, rough", []),
        ("i dont have it", [("i dont have it", 0, 4)]),
        ("i really really do think that i may feel sick", [("i ... feel sick", 6, 10)]),
    ],
)
def test_phrases_sharing_an_opening_are_each_found_with_their_own_end(
    message: str, expected: list[tuple[str, int, int]]
) -> None:
    # One quick test for all four says whether any matches; each is then found on its own,
    # also when only one matches by stepping back into the `...` they share.
    phrases = ["i ... feel sick", "i ... feel rough", "i ... allerg*", "i dont have it"]
    hits = _hits(phrases, message)
    assert [(hit.value, hit.start, hit.end) for hit in hits] == expected
