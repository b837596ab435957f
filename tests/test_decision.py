"""The decision step, fed rankings: answer, "Did you mean", or the fallback."""

from __future__ import annotations

from collections.abc import Iterator

from bot.core.decision import (
    Candidate,
    DecisionThresholds,
    SecondLook,
    decide,
    decide_parts,
    several_possible,
    within_reach,
)

LIMITS = DecisionThresholds(
    answer=50.0,
    margin=10.0,
    suggest=20.0,
    part_answer=55.0,
    outside=0.6,
    agreed_answer=40.0,
    agreed_margin=20.0,
    agreed_learned=0.7,
    agreed_outside=0.4,
    sure_answer=36.0,
    sure_learned=0.9,
)


def ranking(*scores: tuple[str, float]) -> list[Candidate]:
    return [Candidate(topic, score) for topic, score in scores]


def test_a_confident_clear_winner_is_answered() -> None:
    verdict = decide(ranking(("makeup", 80.0), ("sun-protection", 30.0)), LIMITS)
    assert (verdict.decision, verdict.topics) == ("answer", ("makeup",))


def test_a_winner_too_close_to_the_runner_up_is_a_did_you_mean() -> None:
    verdict = decide(ranking(("makeup", 80.0), ("sun-protection", 75.0)), LIMITS)
    assert verdict.decision == "suggest"
    assert verdict.suggestions == ("makeup", "sun-protection")


def test_a_middling_score_is_a_did_you_mean_with_the_top_three() -> None:
    verdict = decide(
        ranking(("makeup", 40.0), ("sun-protection", 20.0), ("serums", 10.0), ("breakouts", 5.0)),
        LIMITS,
    )
    assert verdict.decision == "suggest"
    assert verdict.suggestions == ("makeup", "sun-protection", "serums")


def test_a_weak_score_falls_back() -> None:
    assert decide(ranking(("makeup", 15.0), ("serums", 2.0)), LIMITS).decision == "fallback"


def test_nothing_to_rank_falls_back() -> None:
    assert decide([], LIMITS).decision == "fallback"


def test_a_confident_winner_in_a_message_likely_outside_aftercare_is_a_did_you_mean() -> None:
    top = ranking(("touching-hygiene", 80.0), ("sun-protection", 30.0))
    verdict = decide(top, LIMITS, SecondLook(outside=0.7))
    assert (verdict.decision, verdict.suggestions[0]) == ("suggest", "touching-hygiene")


def test_a_message_less_likely_outside_aftercare_keeps_its_confident_answer() -> None:
    top = ranking(("touching-hygiene", 80.0), ("sun-protection", 30.0))
    verdict = decide(top, LIMITS, SecondLook(outside=0.5))
    assert (verdict.decision, verdict.topics) == ("answer", ("touching-hygiene",))


def test_a_middling_clear_winner_the_classifier_also_names_is_answered() -> None:
    top = ranking(("makeup", 45.0), ("sun-protection", 20.0))
    verdict = decide(top, LIMITS, SecondLook(learned=0.8))
    assert (verdict.decision, verdict.topics) == ("answer", ("makeup",))


def test_a_middling_winner_the_classifier_is_unsure_of_is_a_did_you_mean() -> None:
    top = ranking(("makeup", 45.0), ("sun-protection", 20.0))
    assert decide(top, LIMITS, SecondLook(learned=0.5)).decision == "suggest"


def test_a_middling_winner_in_a_message_that_may_be_outside_aftercare_is_a_did_you_mean() -> None:
    top = ranking(("makeup", 45.0), ("sun-protection", 20.0))
    assert decide(top, LIMITS, SecondLook(outside=0.5, learned=0.9)).decision == "suggest"


def test_a_low_clear_winner_the_classifier_is_very_sure_of_is_answered() -> None:
    top = ranking(("exercise-sweating", 37.0), ("swimming-heat", 12.0))
    verdict = decide(top, LIMITS, SecondLook(learned=0.95))
    assert (verdict.decision, verdict.topics) == ("answer", ("exercise-sweating",))


def test_a_low_winner_the_classifier_is_only_fairly_sure_of_is_a_did_you_mean() -> None:
    top = ranking(("exercise-sweating", 37.0), ("swimming-heat", 12.0))
    assert decide(top, LIMITS, SecondLook(learned=0.8)).decision == "suggest"


def test_a_low_winner_the_classifier_is_very_sure_of_needs_a_clear_lead() -> None:
    top = ranking(("exercise-sweating", 37.0), ("swimming-heat", 25.0))
    assert decide(top, LIMITS, SecondLook(learned=0.95)).decision == "suggest"


def test_a_low_winner_the_classifier_is_very_sure_of_is_a_did_you_mean_when_maybe_outside() -> None:
    top = ranking(("lifestyle-diet", 37.0), ("sun-protection", 10.0))
    verdict = decide(top, LIMITS, SecondLook(outside=0.45, learned=0.95))
    assert verdict.decision == "suggest"


def test_a_low_winner_of_a_story_telling_of_a_sign_set_aside_is_a_did_you_mean() -> None:
    top = ranking(("home-devices", 37.0), ("warning-signs", 12.0))
    look = SecondLook(learned=0.95, sign_set_aside=True)
    assert decide(top, LIMITS, look).decision == "suggest"


def test_a_sign_set_aside_leaves_a_clear_agreed_winner_answered() -> None:
    top = ranking(("home-devices", 45.0), ("warning-signs", 20.0))
    look = SecondLook(learned=0.95, sign_set_aside=True)
    assert decide(top, LIMITS, look).topics == ("home-devices",)


def test_a_winner_too_low_even_for_a_very_sure_classifier_is_a_did_you_mean() -> None:
    top = ranking(("makeup", 30.0), ("sun-protection", 5.0))
    assert decide(top, LIMITS, SecondLook(learned=0.99)).decision == "suggest"


def test_a_low_clear_winner_is_within_reach_of_a_very_sure_classifier() -> None:
    assert within_reach(ranking(("makeup", 37.0), ("serums", 15.0)), LIMITS)
    assert not within_reach(ranking(("makeup", 33.0), ("serums", 5.0)), LIMITS)


def test_an_off_topic_winner_gets_its_own_reply_not_an_aftercare_answer() -> None:
    top = [Candidate("price-payment", 90.0, aftercare=False), Candidate("makeup", 30.0)]
    verdict = decide(top, LIMITS)
    assert (verdict.decision, verdict.intent, verdict.topics) == ("fallback", "price-payment", ())


def test_a_weak_off_topic_winner_is_a_plain_fallback() -> None:
    verdict = decide([Candidate("price-payment", 10.0, aftercare=False)], LIMITS)
    assert (verdict.decision, verdict.intent) == ("fallback", None)


def test_buttons_offer_aftercare_topics_only() -> None:
    top = [Candidate("makeup", 40.0), Candidate("small-talk", 35.0, aftercare=False)]
    assert decide(top, LIMITS).suggestions == ("makeup",)


def test_two_confident_parts_are_both_answered_in_the_order_asked() -> None:
    whole = ranking(("exercise-sweating", 60.0), ("serums", 55.0))
    parts = [ranking(("serums", 90.0), ("makeup", 5.0)), ranking(("exercise-sweating", 85.0))]
    verdict = decide_parts(whole, parts, LIMITS, [False] * len(parts))
    assert (verdict.decision, verdict.topics) == ("answer", ("serums", "exercise-sweating"))


def test_a_part_that_is_not_confident_is_left_out_and_the_whole_decides() -> None:
    whole = ranking(("serums", 70.0), ("makeup", 40.0))
    parts = [ranking(("serums", 90.0)), ranking(("makeup", 40.0), ("sun-protection", 35.0))]
    verdict = decide_parts(whole, parts, LIMITS, [False] * len(parts))
    assert (verdict.decision, verdict.topics) == ("answer", ("serums",))


def test_a_fragment_cannot_bring_a_topic_the_whole_message_does_not_support() -> None:
    whole = ranking(("pain-discomfort", 80.0), ("redness-swelling", 30.0), ("makeup", 5.0))
    fragment = ranking(("sessions-followup", 70.0), ("results-timeline", 50.0))
    parts = [ranking(("pain-discomfort", 85.0)), fragment]
    verdict = decide_parts(whole, parts, LIMITS, [False] * len(parts))
    assert verdict.topics == ("pain-discomfort",)


def test_a_second_question_leading_by_far_is_answered_though_the_first_drowns_it() -> None:
    whole = ranking(("pain-discomfort", 90.0), ("contact-clinic", 21.0), ("makeup", 20.0))
    second = ranking(("sessions-followup", 62.0), ("contact-clinic", 30.0))
    parts = [ranking(("pain-discomfort", 100.0)), second]
    verdict = decide_parts(whole, parts, LIMITS, [False] * len(parts))
    assert verdict.topics == ("pain-discomfort", "sessions-followup")


def test_the_other_side_of_an_either_or_question_brings_no_topic_of_its_own() -> None:
    whole = ranking(("pain-discomfort", 90.0), ("contact-clinic", 21.0), ("makeup", 20.0))
    second = ranking(("sessions-followup", 62.0), ("contact-clinic", 30.0))
    parts = [ranking(("pain-discomfort", 100.0)), second]
    verdict = decide_parts(whole, parts, LIMITS, (False, True), words=12)
    assert verdict.topics == ("pain-discomfort",)


def test_the_other_side_of_an_either_or_question_keeps_a_topic_the_whole_supports() -> None:
    whole = ranking(("washing-cleansing", 60.0), ("swimming-heat", 55.0))
    parts = [ranking(("washing-cleansing", 90.0)), ranking(("swimming-heat", 85.0))]
    verdict = decide_parts(whole, parts, LIMITS, (False, True))
    assert verdict.topics == ("washing-cleansing", "swimming-heat")


def test_the_part_leading_with_the_whole_messages_answer_is_answered_in_its_place() -> None:
    whole = ranking(("work-going-out", 70.0), ("peeling-flaking", 25.0))
    first = ranking(("peeling-flaking", 100.0), ("other-treatments", 30.0))
    second = ranking(("work-going-out", 50.0), ("results-timeline", 45.0))
    verdict = decide_parts(whole, [first, second], LIMITS, (False, False))
    assert verdict.topics == ("peeling-flaking", "work-going-out")


def test_the_same_topic_asked_twice_is_answered_once() -> None:
    whole = ranking(("makeup", 80.0), ("serums", 10.0))
    parts = [ranking(("makeup", 90.0)), ranking(("makeup", 88.0))]
    assert decide_parts(whole, parts, LIMITS, [False] * len(parts)).topics == ("makeup",)


def test_a_second_question_leading_with_a_topic_already_answered_adds_its_next_topic() -> None:
    whole = ranking(("swimming-heat", 90.0), ("lifestyle-diet", 40.0))
    second = ranking(("swimming-heat", 95.0), ("lifestyle-diet", 80.0), ("makeup", 10.0))
    parts = [ranking(("swimming-heat", 100.0)), second]
    verdict = decide_parts(whole, parts, LIMITS, [False] * len(parts))
    assert verdict.topics == ("swimming-heat", "lifestyle-diet")


def test_a_second_question_adds_no_topic_that_is_unsure_once_the_answered_one_is_set_aside() -> (
    None
):
    whole = ranking(("swimming-heat", 90.0), ("lifestyle-diet", 40.0))
    second = ranking(("swimming-heat", 95.0), ("lifestyle-diet", 50.0), ("makeup", 45.0))
    parts = [ranking(("swimming-heat", 100.0)), second]
    assert decide_parts(whole, parts, LIMITS, [False] * len(parts)).topics == ("swimming-heat",)


def test_an_off_topic_message_is_not_answered_part_by_part() -> None:
    whole = [Candidate("price-payment", 90.0, aftercare=False), Candidate("makeup", 60.0)]
    parts = [ranking(("makeup", 90.0)), ranking(("serums", 90.0))]
    verdict = decide_parts(whole, parts, LIMITS, [False] * len(parts))
    assert (verdict.decision, verdict.intent) == ("fallback", "price-payment")


def test_a_message_likely_outside_aftercare_is_not_answered_part_by_part() -> None:
    whole = ranking(("exercise-sweating", 60.0), ("serums", 55.0))
    parts = [ranking(("serums", 90.0), ("makeup", 5.0)), ranking(("exercise-sweating", 85.0))]
    verdict = decide_parts(whole, parts, LIMITS, [False] * len(parts), SecondLook(outside=0.9))
    assert (verdict.decision, verdict.topics) == ("suggest", ())


def test_two_clear_questions_in_a_message_that_may_be_outside_aftercare_are_both_answered() -> None:
    # "when henna for hair and when threading eyebrow?" reads as a general question whole.
    whole = ranking(("shaving-hair-removal", 58.0), ("hair-dye", 35.0))
    parts = [
        ranking(("hair-dye", 102.0), ("other", 33.0)),
        ranking(("shaving-hair-removal", 107.0)),
    ]
    verdict = decide_parts(whole, parts, LIMITS, [False] * len(parts), SecondLook(outside=0.65))
    assert (verdict.decision, verdict.topics) == ("answer", ("hair-dye", "shaving-hair-removal"))


def test_a_message_that_may_be_outside_aftercare_with_one_clear_question_is_a_did_you_mean() -> (
    None
):
    whole = ranking(("hair-dye", 95.0), ("other", 30.0))
    parts = [ranking(("hair-dye", 103.0), ("other", 27.0)), ranking(("other", 40.0), ("x", 35.0))]
    verdict = decide_parts(whole, parts, LIMITS, [False] * len(parts), SecondLook(outside=0.65))
    assert (verdict.decision, verdict.topics) == ("suggest", ())


def test_several_answers_are_possible_only_with_two_supported_topics() -> None:
    assert several_possible(ranking(("makeup", 80.0), ("serums", 60.0)), LIMITS)
    assert not several_possible(ranking(("makeup", 80.0), ("serums", 5.0)), LIMITS)
    assert not several_possible(ranking(("makeup", 80.0), ("serums", 5.0)), LIMITS, words=40)


def test_a_short_message_may_ask_several_things_whatever_its_whole_ranking() -> None:
    assert several_possible(ranking(("makeup", 80.0), ("serums", 5.0)), LIMITS, words=12)


def test_a_short_message_answers_a_clear_part_the_whole_ranking_drowned() -> None:
    whole = ranking(("serums", 88.0), ("exercise-sweating", 15.0), ("home-devices", 10.0))
    first = ranking(("exercise-sweating", 77.0), ("sessions-followup", 12.0))
    second = ranking(("serums", 119.0), ("home-devices", 16.0))
    verdict = decide_parts(whole, [first, second], LIMITS, (False, False), words=18)
    assert verdict.topics == ("exercise-sweating", "serums")


def test_a_long_story_answers_only_the_topics_its_whole_ranking_supports() -> None:
    whole = ranking(("serums", 88.0), ("exercise-sweating", 15.0), ("home-devices", 10.0))
    first = ranking(("serums", 119.0), ("home-devices", 16.0))
    aside = ranking(("exercise-sweating", 77.0), ("sessions-followup", 12.0))
    verdict = decide_parts(whole, [first, aside], LIMITS, (False, False), words=90)
    assert verdict.topics == ("serums",)


def test_parts_are_not_ranked_once_two_answers_are_out_of_reach() -> None:
    whole = ranking(("makeup", 80.0), ("serums", 60.0))
    ranked: list[str] = []

    def lazily(*topics: str) -> Iterator[list[Candidate]]:
        for topic in topics:
            ranked.append(topic)
            yield ranking((topic, 30.0))

    decide_parts(whole, lazily("serums", "makeup"), LIMITS, (False, False))
    assert ranked == ["serums"]


def test_parts_are_not_ranked_once_every_supported_topic_is_answered() -> None:
    whole = ranking(("makeup", 80.0), ("serums", 60.0), ("sun-protection", 5.0))
    ranked: list[str] = []

    def lazily(*topics: str) -> Iterator[list[Candidate]]:
        for topic in topics:
            ranked.append(topic)
            yield ranking((topic, 90.0))

    decide_parts(
        whole, lazily("makeup", "serums", "makeup", "serums"), LIMITS, (False, False, False, False)
    )
    assert ranked == ["makeup", "serums"]


def test_the_classifiers_are_asked_only_when_an_answer_is_within_reach() -> None:
    assert within_reach(ranking(("makeup", 45.0), ("serums", 20.0)), LIMITS)
    assert not within_reach(ranking(("makeup", 35.0), ("serums", 5.0)), LIMITS)
    assert not within_reach(ranking(("makeup", 80.0), ("serums", 75.0)), LIMITS)
    assert not within_reach([], LIMITS)


def test_a_first_question_leads_with_its_own_topic_over_the_topic_the_second_one_answers() -> None:
    # "can I rub the flakes off with a scrub, and when can I go back to my acids?"
    whole = ranking(("actives-to-avoid", 90.0), ("peeling-flaking", 22.0), ("makeup", 10.0))
    first = ranking(("peeling-flaking", 52.0), ("actives-to-avoid", 40.0), ("makeup", 10.0))
    second = ranking(("actives-to-avoid", 85.0), ("serums", 12.0))
    verdict = decide_parts(whole, [first, second], LIMITS, (False, False), words=16)
    assert verdict.topics == ("peeling-flaking", "actives-to-avoid")


def test_the_same_two_questions_get_the_same_answers_in_either_order() -> None:
    whole = ranking(("actives-to-avoid", 90.0), ("peeling-flaking", 22.0), ("makeup", 10.0))
    scrub = ranking(("peeling-flaking", 52.0), ("actives-to-avoid", 40.0), ("makeup", 10.0))
    acids = ranking(("actives-to-avoid", 85.0), ("serums", 12.0))
    before = decide_parts(whole, [scrub, acids], LIMITS, (False, False), words=16)
    after = decide_parts(whole, [acids, scrub], LIMITS, (False, False), words=16)
    assert before.topics == tuple(reversed(after.topics)) == ("peeling-flaking", "actives-to-avoid")


def test_a_question_close_to_a_third_topic_is_not_answered_beside_the_other() -> None:
    whole = ranking(("actives-to-avoid", 90.0), ("peeling-flaking", 22.0), ("makeup", 20.0))
    first = ranking(("peeling-flaking", 52.0), ("makeup", 45.0), ("actives-to-avoid", 40.0))
    second = ranking(("actives-to-avoid", 85.0), ("serums", 12.0))
    verdict = decide_parts(whole, [first, second], LIMITS, (False, False), words=16)
    assert verdict.topics == ("actives-to-avoid",)
