"""Finding the parts of a message that ask something."""

from __future__ import annotations

import pytest

from bot.core.asks import (
    asks_something,
    clause_focus,
    focus,
    other_sides,
    questions,
    sentences,
    split_asked,
    split_questions,
)
from bot.core.things_asked import coordinated


def test_a_message_is_cut_into_its_sentences() -> None:
    text = "Had it done Monday. Feeling fine! Can I wear makeup?"
    assert sentences(text) == ["Had it done Monday.", "Feeling fine!", "Can I wear makeup?"]


def test_numbered_and_lettered_items_are_sentences_of_their_own() -> None:
    text = "Two questions 1) can I swim (2) can I drink a) wine"
    assert sentences(text) == ["Two questions", "can I swim", "can I drink", "wine"]


def test_numbers_and_brackets_that_number_nothing_leave_a_sentence_whole() -> None:
    text = "Day 3 and 2 spots, 10 minutes in the sun (a bit) is fine?"
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "sentence",
    [
        "can i wear makeup tomorrow",
        "is it normal to be this red",
        "Just wondering if the gym is ok",
        "any tips for the flaking",
        "when do i book the next one",
        "makeup?",
        "I would like to know when I can use my face powder.",
    ],
)
def test_questions_and_requests_ask_something(sentence: str) -> None:
    assert asks_something(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["had it done on tuesday", "honestly feeling a bit self conscious", "back at work tomorrow"],
)
def test_story_and_feelings_ask_nothing(sentence: str) -> None:
    assert not asks_something(sentence)


def test_the_asking_sentences_are_kept_in_order() -> None:
    text = "ok so day 2. honestly feeling a bit self conscious. can i put concealer on?"
    assert questions(text) == ["can i put concealer on?"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "can i wear makeup tomorrow and when can i go to the gym?",
            ["can i wear makeup tomorrow", "when can i go to the gym?"],
        ),
        (
            "can i use my vitamin c and go for a run today?",
            ["can i use my vitamin c", "go for a run today?"],
        ),
        (
            "my skin is peeling, can i pick it? also when can i exfoliate again",
            ["my skin is peeling, can i pick it?", "when can i exfoliate again"],
        ),
        (
            "can i drink wine tonight and go to the gym tomorrow",
            ["can i drink wine tonight", "go to the gym tomorrow"],
        ),
        (
            "can i swim in the sea, and what about the plane journey",
            ["can i swim in the sea", "what about the plane journey"],
        ),
        (
            "firstly can i wash with water and secondly can i use my cream",
            ["firstly can i wash with water", "can i use my cream"],
        ),
    ],
)
def test_two_questions_in_one_message_are_split_in_the_order_asked(
    text: str, expected: list[str]
) -> None:
    assert split_questions(text) == expected


@pytest.mark.parametrize(
    "text", ["how long will the redness and swelling last", "can i go and see my mum"]
)
def test_one_question_about_two_things_stays_one_question(text: str) -> None:
    assert split_questions(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "can i put spf on today or is it too soon?",
        "Can I put SPF on today? Is it too soon?",
    ],
)
def test_a_short_question_that_points_back_asks_the_question_before_it_again(
    text: str,
) -> None:
    assert len(split_questions(text)) == 1


def test_a_question_with_an_it_that_points_nowhere_is_a_question_of_its_own() -> None:
    text = "can i dye my hair on saturday, and is it ok to fly on monday?"
    assert split_questions(text) == ["can i dye my hair on saturday", "is it ok to fly on monday?"]


def test_only_the_first_questions_asked_are_split_out_when_a_limit_is_given() -> None:
    text = "can i wash? can i run? can i swim? can i fly?"
    assert split_questions(text, 2) == ["can i wash?", "can i run?"]


STORY = " ".join(
    [
        "Had it done on Monday and honestly it went fine.",
        "Can I wear makeup to work tomorrow?",
        "My sister says it looked worse on her.",
        "Also is it ok to go for a run tonight?",
    ]
    * 40
)
"""About 6,000 characters: asking sentences with a story around them, all through."""


@pytest.mark.parametrize("most", [1, 37, 1000, 2000])
def test_the_focus_cut_to_its_first_characters_is_the_whole_focus_cut_there(most: int) -> None:
    whole = focus(STORY)
    assert whole is not None and len(whole) > 2000
    assert focus(STORY, most) == whole[:most]


@pytest.mark.parametrize(
    "text",
    [
        "Can I wear makeup? Is it ok to run?",
        "Had it done on Monday. It went fine.",
        "Had it done on Monday. It went fine. " * 40 + "Can I wear makeup?",
    ],
)
def test_a_focus_shorter_than_the_cut_or_none_is_the_same_with_the_cut(text: str) -> None:
    assert focus(text, 1000) == focus(text)


def test_a_short_question_that_points_back_is_read_with_the_sentence_before_it() -> None:
    text = "Sorry to bother you on a Sunday. My serum has glycolic acid in it. Can I use it?"
    assert focus(text) == "My serum has glycolic acid in it. Can I use it?"


def test_a_question_that_says_what_it_asks_about_is_read_without_the_sentence_before() -> None:
    text = "Sorry to bother you on a Sunday. My serum has glycolic acid. Can I use my toner?"
    assert focus(text) == "Can I use my toner?"


def test_a_question_split_out_keeps_the_sentence_it_points_back_to() -> None:
    text = "I slept on my face. Does that matter? Also can I wear makeup?"
    assert split_questions(text) == ["i slept on my face. does that matter?", "can i wear makeup?"]


def test_a_greeting_is_not_read_as_naming_what_is_asked() -> None:
    text = "Hi there! Had it done on Monday, it went well. Can I wear makeup?"
    assert focus(text) == "Can I wear makeup?"


def test_a_long_story_told_in_one_sentence_is_read_by_the_clauses_that_ask() -> None:
    story = (
        "so the kids were off school all week and the house has been chaos, i barely slept,"
        " my sister came round with wine on friday, anyway it's day 3 now, can i exfoliate?"
    )
    assert clause_focus(story) == "can i exfoliate?"


def test_a_short_message_is_not_cut_into_clauses() -> None:
    assert clause_focus("day 3 now, can i exfoliate?") is None


def test_a_question_after_or_is_marked_as_the_other_side_of_the_one_before() -> None:
    parts = split_asked("is my skin ok to go out on friday or will i still look blotchy")
    assert other_sides(parts) == (False, True)


def test_a_question_after_and_is_a_question_of_its_own() -> None:
    parts = split_asked("can i dye my fringe tomorrow and can i sit in the sauna")
    assert other_sides(parts) == (False, False)


def test_a_few_words_after_or_weigh_the_question_before_rather_than_ask_another() -> None:
    assert split_questions("are these little bumps normal or should i worry") == [
        "are these little bumps normal, should i worry"
    ]


def test_a_bare_question_word_or_two_asks_more_of_the_question_before() -> None:
    assert split_questions("can i put ice on my cheeks? how long") == [
        "can i put ice on my cheeks? how long"
    ]


def test_a_word_or_two_naming_a_topic_is_still_a_question_of_its_own() -> None:
    assert split_questions("can i put ice on my cheeks? makeup?") == [
        "can i put ice on my cheeks?",
        "makeup?",
    ]


@pytest.mark.parametrize("title", ["Dr.", "dr.", "Mrs.", "Mr.", "Ms."])
def test_a_title_with_a_full_stop_does_not_end_a_sentence(title: str) -> None:
    text = f"My nurse and {title} Okafor said to ask here. Can I wear my glasses?"
    assert sentences(text) == [
        f"My nurse and {title} Okafor said to ask here.",
        "Can I wear my glasses?",
    ]


def test_an_and_in_a_clause_that_describes_does_not_cut_what_is_asked() -> None:
    assert (
        coordinated("can i go to the party saturday, it's a small flat but hot and crowded") == []
    )


def test_an_and_in_the_clause_that_asks_still_cuts_what_is_asked() -> None:
    assert coordinated("can i use my toner and my oil cleanser, it's day 4") == [
        "can i use my toner",
        "my oil cleanser",
    ]
    assert coordinated("can i wear mascara, and lip gloss?") == [
        "can i wear mascara,",
        "lip gloss?",
    ]


def test_a_question_that_names_nothing_is_read_with_the_story_before_it() -> None:
    text = "My chin feels tight and itchy. Can I use an ice pack? What do I do?"
    assert split_questions(text) == [
        "can i use an ice pack?",
        "my chin feels tight and itchy. what do i do?",
    ]
    assert split_questions("Cheeks are blotchy today. Why?") == ["cheeks are blotchy today. why?"]


def test_a_question_that_names_something_is_read_without_the_story() -> None:
    text = "My chin feels tight and itchy. Can I use an ice pack? Can I swim on friday?"
    assert split_questions(text) == ["can i use an ice pack?", "can i swim on friday?"]
