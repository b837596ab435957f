"""Two questions in one message: how they are told apart, and when both are answered.

Each shape a patient joins two questions with ("and", "then", "btw", a comma after a
story, a new line, "or") is split into its questions, and a question that only asks the
one before it again is not; then the decision, fed rankings, answers a second question
only beside a first answered for sure; last, whole messages read with the real knowledge.
"""

from __future__ import annotations

import pytest

from bot.core.asks import split_questions
from bot.core.decision import Candidate, DecisionThresholds, decide_parts
from bot.core.matching import Matcher
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I vape, will that slow the healing, and should I keep the vape away from my face?",
            [
                "i vape, will that slow the healing",
                "should i keep the vape away from my face?",
            ],
        ),
        (
            "so i had it done tuesday, is it normal to itch this much, and when can i scratch lol",
            ["so i had it done tuesday, is it normal to itch this much", "when can i scratch lol"],
        ),
    ],
)
def test_a_question_told_after_a_story_and_a_comma_is_split_from_the_next_question(
    text: str, expected: list[str]
) -> None:
    assert split_questions(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "can i do a spin class tonight and then go swimming tmrw",
            ["can i do a spin class tonight", "then go swimming tmrw"],
        ),
        (
            "what cleanser do i use and then which cream?",
            ["what cleanser do i use", "which cream?"],
        ),
        (
            "what do i wash my face with and after that which moisturiser?",
            ["what do i wash my face with", "which moisturiser?"],
        ),
    ],
)
def test_a_second_question_after_and_then_or_and_after_that_is_split_out(
    text: str, expected: list[str]
) -> None:
    assert split_questions(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "can i shower tonight btw when can i book my next session",
        "can i shower tonight ps when can i book my next session",
        "can i shower tonight lol when can i book my next session",
    ],
)
def test_btw_ps_or_lol_between_two_questions_splits_them(text: str) -> None:
    assert split_questions(text) == ["can i shower tonight", "when can i book my next session"]


def test_two_questions_on_two_lines_are_two_questions() -> None:
    text = "can i wear foundation tomorrow\nwhen can i go swimming"
    assert split_questions(text) == ["can i wear foundation tomorrow", "when can i go swimming"]


def test_a_question_mark_then_another_question_is_two_questions() -> None:
    text = "Can I have a hot bath tonight? When can I put my retinol back on?"
    assert split_questions(text) == [
        "can i have a hot bath tonight?",
        "when can i put my retinol back on?",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "can i go to the pool party and bleach my hair after",
            ["can i go to the pool party", "bleach my hair after"],
        ),
        (
            "can we go to the wedding and dance all night",
            ["can we go to the wedding", "dance all night"],
        ),
        (
            "Could I go hiking this weekend and tan on the beach?",
            ["could i go hiking this weekend", "tan on the beach?"],
        ),
    ],
)
def test_a_second_activity_after_and_is_asked_by_the_question_before_it(
    text: str, expected: list[str]
) -> None:
    assert split_questions(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "can i put sudocrem on the spots and why r they there",
            ["can i put sudocrem on the spots", "why r they there"],
        ),
        ("is the redness normal and when does it go", ["is the redness normal", "when does it go"]),
    ],
)
def test_a_short_why_when_or_how_that_points_back_asks_something_new(
    text: str, expected: list[str]
) -> None:
    assert split_questions(text) == expected


def test_a_short_question_after_and_that_points_back_asks_something_new() -> None:
    text = "how many sessions for my stretch marks and will they fade completely"
    assert split_questions(text) == [
        "how many sessions for my stretch marks",
        "will they fade completely",
    ]


def test_a_short_question_after_a_comma_that_points_back_asks_the_one_before_again() -> None:
    assert split_questions("can i wear spf today, is it too soon") == [
        "can i wear spf today, is it too soon"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "can i pop a whitehead or will that leave a scar",
        "Is micellar water ok to take my sunscreen off or is that too harsh right now?",
        "can i use my vitamin c or is it too soon",
    ],
)
def test_a_question_after_or_that_points_back_is_the_other_side_of_the_same_question(
    text: str,
) -> None:
    assert len(split_questions(text)) == 1


def test_a_question_after_or_that_names_something_new_is_a_question_of_its_own() -> None:
    text = "can i use retinol or should i stick to hyaluronic acid"
    assert split_questions(text) == ["can i use retinol", "should i stick to hyaluronic acid"]


def test_a_story_sentence_that_only_says_normal_is_not_a_question_of_its_own() -> None:
    text = "Nothing weird, just normal pinkness. Can I go in the sun with SPF"
    assert split_questions(text) == ["can i go in the sun with spf"]


def test_or_anything_goes_on_with_the_story_told_before_a_question() -> None:
    text = "no itching or anything now, can I go to the beach?"
    assert len(split_questions(text)) == 1


LIMITS = DecisionThresholds(
    answer=60.0,
    margin=16.0,
    part_answer=68.0,
    part_clear=60.0,
    part_clear_margin=30.0,
    second_answer=50.0,
    second_margin=20.0,
    short_message=25,
)

WHOLE = [Candidate("peeling", 89.0), Candidate("price", 21.0, False), Candidate("washing", 20.0)]
"""The whole of "how do I wash without scrubbing the flakes, and when will the flaking stop?"
(a topic outside aftercare in between)."""
WASHING_LESS_SURE = [Candidate("washing", 55.0), Candidate("peeling", 34.0)]
FLAKING_SURE = [Candidate("peeling", 105.0), Candidate("other", 24.0)]


def test_a_question_less_sure_of_its_topic_is_answered_beside_one_answered_for_sure() -> None:
    verdict = decide_parts(
        WHOLE, [WASHING_LESS_SURE, FLAKING_SURE], LIMITS, (False, False), words=15
    )
    assert (verdict.decision, verdict.topics) == ("answer", ("washing", "peeling"))


def test_a_question_less_sure_of_its_topic_keeps_its_place_when_asked_second() -> None:
    verdict = decide_parts(
        WHOLE, [FLAKING_SURE, WASHING_LESS_SURE], LIMITS, (False, False), words=15
    )
    assert verdict.topics == ("peeling", "washing")


def test_a_question_less_sure_of_its_topic_is_answered_when_the_whole_ranks_it_third() -> None:
    # "can i bleach my hair fri and wear lashes sat": two other topics come before makeup.
    whole = [
        Candidate("peeling", 89.0),
        Candidate("redness", 30.0),
        Candidate("price", 25.0, False),
        Candidate("sun", 24.0),
        Candidate("washing", 20.0),
    ]
    verdict = decide_parts(
        whole, [WASHING_LESS_SURE, FLAKING_SURE], LIMITS, (False, False), words=15
    )
    assert verdict.topics == ("washing", "peeling")


def test_a_question_less_sure_of_its_topic_is_not_answered_when_the_whole_ranks_it_further() -> (
    None
):
    whole = [
        Candidate("peeling", 89.0),
        Candidate("redness", 30.0),
        Candidate("sun", 25.0),
        Candidate("serums", 22.0),
        Candidate("washing", 20.0),
    ]
    verdict = decide_parts(
        whole, [WASHING_LESS_SURE, FLAKING_SURE], LIMITS, (False, False), words=15
    )
    assert verdict.topics == ("peeling",)


def test_a_question_less_sure_of_a_topic_the_whole_hardly_scores_is_not_answered() -> None:
    # "Can I dermaroll and use self-tanner?" asks about self-tanner, not a home device.
    whole = [Candidate("peeling", 89.0), Candidate("washing", 5.0)]
    verdict = decide_parts(
        whole, [WASHING_LESS_SURE, FLAKING_SURE], LIMITS, (False, False), words=15
    )
    assert verdict.topics == ("peeling",)


def test_a_question_that_leads_its_topic_too_narrowly_is_not_answered() -> None:
    # "which cleanser should I use and how gently": "how gently" is no question of its own.
    # Its lead counts over the topics the other question does not answer, in either order.
    narrow = [Candidate("washing", 55.0), Candidate("peeling", 40.0), Candidate("exercise", 38.0)]
    verdict = decide_parts(WHOLE, [narrow, FLAKING_SURE], LIMITS, (False, False), words=8)
    assert verdict.topics == ("peeling",)
    verdict = decide_parts(WHOLE, [FLAKING_SURE, narrow], LIMITS, (False, False), words=8)
    assert verdict.topics == ("peeling",)


def test_a_question_that_leads_by_as_much_as_a_clear_part_joins_the_other_at_any_score() -> None:
    # "How I book next appointment and how many I need?"
    whole = [Candidate("contact", 85.0), Candidate("sessions", 42.0)]
    booking = [Candidate("contact", 94.0), Candidate("sessions", 33.0)]
    how_many = [Candidate("sessions", 35.0), Candidate("shaving", 0.0)]
    verdict = decide_parts(whole, [booking, how_many], LIMITS, (False, False), words=9)
    assert verdict.topics == ("contact", "sessions")


def test_two_questions_both_less_sure_of_their_topics_are_decided_as_one() -> None:
    whole = [Candidate("peeling", 50.0), Candidate("washing", 40.0)]
    flaking = [Candidate("peeling", 55.0), Candidate("washing", 30.0)]
    verdict = decide_parts(whole, [WASHING_LESS_SURE, flaking], LIMITS, (False, False), words=15)
    assert (verdict.decision, verdict.topics) == ("suggest", ())


def test_a_part_that_leads_with_a_topic_already_answered_lends_it_no_runner_up() -> None:
    # "what spf should I use and how often should I reapply": the second part leads with
    # sunscreen again; its runner-up is no question asked.
    whole = [Candidate("sun", 95.0), Candidate("moisturiser", 25.0)]
    first = [Candidate("sun", 118.0), Candidate("moisturiser", 25.0)]
    again = [Candidate("sun", 90.0), Candidate("moisturiser", 45.0), Candidate("other", 5.0)]
    verdict = decide_parts(whole, [first, again], LIMITS, (False, False), words=10)
    assert verdict.topics == ("sun",)


def test_a_long_story_gets_no_answer_for_a_question_less_sure_of_its_topic() -> None:
    verdict = decide_parts(
        WHOLE, [WASHING_LESS_SURE, FLAKING_SURE], LIMITS, (False, False), words=60
    )
    assert verdict.topics == ("peeling",)


def test_of_three_questions_one_less_sure_of_its_topic_is_not_answered() -> None:
    unsure = [Candidate("other", 20.0), Candidate("price", 10.0, False)]
    parts = [WASHING_LESS_SURE, FLAKING_SURE, unsure]
    verdict = decide_parts(WHOLE, parts, LIMITS, (False, False, False), words=20)
    assert verdict.topics == ("peeling",)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        (
            "can i do a spin class tonight and then go swimming tmrw",
            ("exercise-sweating", "swimming-heat"),
        ),
        (
            "what do i wash my face with and after that which moisturiser?",
            ("washing-cleansing", "moisturizer-hydration"),
        ),
        (
            "mate can i shave tmrw lol when can i hit the gym",
            ("shaving-hair-removal", "exercise-sweating"),
        ),
        ("can i go to the pool party and bleach my hair after", ("swimming-heat", "hair-dye")),
        (
            "Can I have a hot bath tonight? When can I put my retinol back on?",
            ("swimming-heat", "actives-to-avoid"),
        ),
    ],
)
def test_a_message_asking_two_things_gets_both_answers_in_the_order_asked(
    matcher: Matcher, text: str, topics: tuple[str, ...]
) -> None:
    match = matcher.match(text)
    assert (match.decision, match.rules) == ("answer", topics)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("can i pop a whitehead or will that leave a scar", "breakouts"),
        (
            "Is micellar water ok to take my sunscreen off or is that too harsh right now?",
            "washing-cleansing",
        ),
    ],
)
def test_a_message_asking_one_thing_two_ways_gets_one_answer(
    matcher: Matcher, text: str, topic: str
) -> None:
    match = matcher.match(text)
    assert (match.decision, match.rules) == ("answer", (topic,))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "rinse my face with what and when can i put blusher on",
            ["rinse my face with what", "when can i put blusher on"],
        ),
        (
            "brows tinted when, and can i go to the park",
            ["brows tinted when", "can i go to the park"],
        ),
    ],
)
def test_a_question_word_at_the_end_of_a_part_makes_it_a_question_of_its_own(
    text: str, expected: list[str]
) -> None:
    assert split_questions(text) == expected


@pytest.mark.parametrize(
    "preface",
    ["I want to ask:", "Hi, I wanted to ask you something."],
)
def test_a_sentence_that_only_says_questions_follow_is_no_question_of_its_own(
    preface: str,
) -> None:
    text = f"{preface} Can I go to the steam room tonight? And can I have a glass of wine?"
    assert split_questions(text) == [
        "can i go to the steam room tonight?",
        "can i have a glass of wine?",
    ]


def test_a_sentence_that_says_what_it_wants_to_ask_about_is_kept() -> None:
    text = "I want to ask about my retinol. Can I swim tomorrow?"
    assert split_questions(text)[0] == "i want to ask about my retinol."
