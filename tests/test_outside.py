"""Which questions are outside aftercare even with aftercare words in them."""

from __future__ import annotations

import pytest

from bot.core.matching import Matcher
from bot.core.outside import (
    TREATMENT_TERM,
    Tokens,
    general_advice,
    said_of_a_thing,
    tied_to_treatment,
)
from bot.core.text import words
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))


def no_terms() -> Tokens:
    return []


def tied(question: str) -> bool:
    return tied_to_treatment(words(question), no_terms)


@pytest.mark.parametrize(
    "question",
    [
        "how much protein should i eat in a day",
        "is 2 cups of coffee per day too many",
        "how many glasses of water a day is healthy",
    ],
)
def test_a_rate_does_not_tie_a_question_to_the_days_since_treatment(question: str) -> None:
    assert not tied(question)


@pytest.mark.parametrize(
    "question",
    ["can i wear makeup a day after", "is it ok to skip sunscreen for a day or two"],
)
def test_a_day_counted_from_the_treatment_still_ties_a_question_to_it(question: str) -> None:
    assert tied(question)


def test_the_sessions_words_do_not_tie_a_question_about_the_session_itself() -> None:
    assert not tied("what serum do you put on during the treatment")


@pytest.mark.parametrize(
    "question", ["what is involved in the treatment", "what does the session involve"]
)
def test_what_the_session_involves_is_a_question_about_the_session_itself(question: str) -> None:
    assert not tied(question)


def test_a_question_about_the_session_that_asks_about_healing_stays_tied() -> None:
    assert tied("i bled during the session, is it still normal to be bleeding now")


def test_the_treatments_name_does_not_tie_a_question_about_the_session_itself() -> None:
    def needling() -> Tokens:
        return [(5, TREATMENT_TERM)]

    assert not tied_to_treatment(words("what device do you use while needling"), needling)
    assert tied_to_treatment(words("what device should i get for needling"), needling)


def test_the_clinics_words_do_not_tie_a_question_asking_for_another_service() -> None:
    assert not tied("do you offer hydrafacials at the clinic")
    assert tied("when can i book the clinic for my next one")


@pytest.mark.parametrize(
    "question",
    [
        "what serum do you put on while needling",
        "can i book in for a facial with you",
        "how much protein should i eat in a day",
    ],
)
def test_a_question_outside_aftercare_that_borrows_its_words_is_not_answered(
    matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).decision != "answer"


def test_a_procedure_already_had_makes_the_question_that_procedures_business(
    matcher: Matcher,
) -> None:
    assert matcher.index.about_another_procedure("i had a chemical peel friday, can i moisturise")


def test_a_procedure_still_to_come_is_timing_around_this_treatment(matcher: Matcher) -> None:
    assert not matcher.index.about_another_procedure(
        "i had a chemical peel booked for next month, can i still have it"
    )


def test_a_habit_coming_back_next_week_does_not_make_a_procedure_had_one_to_come(
    matcher: Matcher,
) -> None:
    assert matcher.index.about_another_procedure(
        "i got my belly button pierced on saturday, can i go in the sea next week"
    )


def test_my_procedure_from_the_past_is_a_procedure_had(matcher: Matcher) -> None:
    assert matcher.index.about_another_procedure(
        "my lip filler from the summer still feels lumpy, can i massage it"
    )


def test_my_procedure_still_to_come_is_not_a_procedure_had(matcher: Matcher) -> None:
    assert not matcher.index.about_another_procedure(
        "my botox was booked for next week, is that too soon"
    )


def test_waxing_and_dermaplaning_are_procedures_of_their_own_after_which_to_care(
    matcher: Matcher,
) -> None:
    assert matcher.index.about_another_procedure("how soon can i wear makeup after dermaplaning")
    assert matcher.index.about_another_procedure("after waxing my legs can i use a scrub")


@pytest.mark.parametrize(
    "question",
    [
        "after a brazilian wax can i go swimming",
        "after my eyebrow tint can i wash my face",
        "can i wear mascara after a lash lift",
    ],
)
def test_a_procedures_name_may_have_a_word_before_it(matcher: Matcher, question: str) -> None:
    assert matcher.index.about_another_procedure(question)


@pytest.mark.parametrize(
    "question",
    [
        "i had my brows laminated today, when can i wash my face",
        "my brows were laminated yesterday, can i moisturise",
        "my brow lamination was today can i wash my face tonight",
    ],
)
def test_a_procedure_said_to_be_done_is_a_procedure_had(matcher: Matcher, question: str) -> None:
    assert matcher.index.about_another_procedure(question)


@pytest.mark.parametrize(
    "question",
    [
        "can i use my lip tint after",
        "had my treatment yesterday, when can i wax my lip",
        "when can i get my brows laminated again",
    ],
)
def test_a_procedure_still_to_be_had_is_not_a_procedure_had(
    matcher: Matcher, question: str
) -> None:
    assert not matcher.index.about_another_procedure(question)


def test_how_long_to_wait_before_a_procedure_is_timing_around_this_treatment(
    matcher: Matcher,
) -> None:
    assert not matcher.index.about_another_procedure(
        "how long should i wait before getting filler in my cheeks"
    )
    assert matcher.index.about_another_procedure("how long should i wait after filler to run")


def test_injectables_and_other_devices_are_procedures_of_their_own(matcher: Matcher) -> None:
    assert matcher.index.about_another_procedure("how soon can i exercise after profhilo")
    assert matcher.index.about_another_procedure("can i wash my face after hifu")


def test_rf_microneedling_is_this_treatment_not_another_procedure(matcher: Matcher) -> None:
    assert not matcher.index.about_another_procedure("how long is the downtime after morpheus8")


@pytest.mark.parametrize(
    "question",
    ["do you sell the hyaluronic serum you used", "do you guys also do brows and lashes"],
)
def test_asking_what_the_clinic_offers_is_not_answered_with_aftercare(
    matcher: Matcher, question: str
) -> None:
    match = matcher.match(question)
    assert match.decision != "answer" and match.rule is None


@pytest.mark.parametrize(
    "question", ["do you do follow up appointments", "do you do anything for the redness"]
)
def test_asking_what_the_clinic_does_for_the_patients_own_care_is_not_an_offer(
    matcher: Matcher, question: str
) -> None:
    assert not matcher.index.asks_what_is_offered(question)


def test_a_procedures_name_may_start_with_words_of_its_own(matcher: Matcher) -> None:
    assert matcher.index.about_another_procedure("can i swim after my hernia repair surgery")


def test_a_treatment_the_message_says_it_is_not_ties_nothing(matcher: Matcher) -> None:
    assert matcher.index.about_another_procedure(
        "had a salon peel on monday (not microneedling), can i moisturise"
    )


def test_a_sign_of_healing_skin_ties_a_question_to_the_treatment(matcher: Matcher) -> None:
    assert matcher.index.tied_to_treatment("how much longer will the flaking go on")


def test_a_sign_felt_somewhere_else_does_not_tie_a_question_to_the_treatment(
    matcher: Matcher,
) -> None:
    assert not matcher.index.tied_to_treatment("my knee has been sore for a week")


@pytest.mark.parametrize(
    "question", ["whats your phone number", "what are your opening hours", "your email?"]
)
def test_how_to_reach_the_clinic_ties_a_question_to_the_patients_own_care(question: str) -> None:
    assert tied(question)


def peeling_said_of(question: str, things: frozenset[str]) -> bool:
    """`said_of_a_thing` with "peeling" as the only healing word and `things` as the things."""
    plain = words(question)

    def tokens() -> Tokens:
        return [(i, "c:peel" if w == "peeling" else w) for i, w in enumerate(plain)]

    return said_of_a_thing(plain, tokens, things.__contains__)


def test_a_healing_word_said_of_a_thing_is_about_the_thing() -> None:
    assert peeling_said_of("the varnish on my front door is all peeling", frozenset({"door"}))


def test_a_healing_word_said_of_the_patients_skin_is_about_the_skin() -> None:
    assert not peeling_said_of("my chin is peeling", frozenset({"door"}))


def test_a_noun_right_before_a_healing_word_describes_it_rather_than_owns_it() -> None:
    assert not peeling_said_of("the annoying door peeling", frozenset({"door"}))


def test_a_question_about_how_a_thing_looks_gets_no_aftercare_answer(matcher: Matcher) -> None:
    match = matcher.match("the varnish on my garden bench is peeling")
    assert match.decision != "answer"


def test_the_patients_own_skin_still_gets_the_aftercare_answer(matcher: Matcher) -> None:
    assert matcher.match("the skin on my chin is peeling, what should i use").decision == "answer"


@pytest.mark.parametrize(
    "question",
    [
        "how do i keep my mascara from smudging (no treatment, just asking)",
        "best night cream for winter, nothing to do with my microneedling",
        "is a hydrating face mask good before a night out, not microneedling related",
        "which sunscreen lasts longest at the beach, just asking in general",
    ],
)
def test_a_question_said_not_to_be_about_the_treatment_is_general_advice(question: str) -> None:
    assert general_advice(words(question))


@pytest.mark.parametrize(
    "question",
    [
        "no treatment yet, can i keep using my retinol",
        "is it normal or not? the treatment was monday",
    ],
)
def test_a_treatment_not_had_yet_or_a_new_sentence_is_still_the_patients_own(question: str) -> None:
    assert not general_advice(words(question))


def test_a_product_put_on_someone_else_is_general_advice() -> None:
    assert general_advice(words("what sun cream should i put on my toddler"))


@pytest.mark.parametrize("question", ["fillers?", "hair bleach", "perm"])
def test_a_bare_name_sent_to_the_bot_asks_about_the_patients_own_care(question: str) -> None:
    assert tied(question)


@pytest.mark.parametrize(
    ("question", "topic"), [("fillers?", "other-treatments"), ("hair bleach", "hair-dye")]
)
def test_a_bare_name_of_an_aftercare_subject_is_answered_at_once(
    matcher: Matcher, question: str, topic: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.rules) == ("answer", (topic,))


def test_three_words_naming_a_product_are_still_read_as_a_general_question() -> None:
    assert not tied("cheapest hair bleach")
