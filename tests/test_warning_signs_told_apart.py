"""Look-alikes of a new blind round by cause, in words written here: past told with
"before my appointment" or "but today not", a thing a smell comes from, another part
told on after a comma, another sense of a sign's word, healing on its day. Each rule sits
next to reports in the same shape that it must leave alone: a false alarm costs a staff
glance, a miss can cost a patient."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker

OVER_BY_NOW = [
    "I had a fever on Sunday but that was before my appointment, it was a cold",
    "yesterday morning the eyes was puffy but today not",
    "had a couple of pus spots on day 3 but they've dried up and gone",
    "i had a cold sore two weeks ago, now healed, can i do my next microneedling?",
]

STILL_THERE = [
    "I had a fever on Sunday after my appointment and it's 38.5 today",
    "my eyes were puffy yesterday but today they are swollen shut",
    "had a couple of pus spots on day 3 and now they're oozing more",
    "i had a cold sore two weeks ago, now healed, but today there are new blisters on my lip",
]


@pytest.mark.parametrize("text", OVER_BY_NOW)
def test_a_sign_over_by_now_or_before_the_appointment_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", STILL_THERE)
def test_a_sign_told_with_the_past_but_there_now_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


FROM_A_THING = [
    "there's a weird smell from my makeup bag, I think my old foundation has gone off",
    "a rotten smell coming from the fridge, should i clean it",
    "funny smell off my jade roller, should I wash it?",
]

FROM_THE_FACE = [
    "there's a weird smell from my cheek where it's scabbed",
    "a rotten smell coming from the holes on my chin",
    "funny smell off my skin and yellow stuff on it",
]


@pytest.mark.parametrize("text", FROM_A_THING)
def test_a_smell_from_a_thing_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", FROM_THE_FACE)
def test_a_smell_from_the_face_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


A_LIST_ABOUT_THE_HAND = [
    "my hand is burned from cooking, small blister",
    "my finger is sore from the bread knife, a cut",
    "my knee is grazed from the fall, some scabs",
]

A_LIST_ABOUT_THE_FACE = [
    "my hand is burned from cooking, small blisters on my lip too",
    "my finger is sore, and a blister on my cheek is leaking",
    "my knee is grazed, some yellow crust on my chin",
]


@pytest.mark.parametrize("text", A_LIST_ABOUT_THE_HAND)
def test_what_a_hand_has_told_after_a_comma_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", A_LIST_ABOUT_THE_FACE)
def test_what_the_face_has_told_after_a_hand_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


AS_IF = [
    "I feel as if my throat is narrowing and swallowing my tea was painful",
    "feels as though my tongue is getting thicker",
    "it's as if my lips are swelling up by the minute",
]

WHAT_IF = [
    "what if my throat starts closing up, who do I call?",
    "if my lips swell up should I ring you?",
    "just in case, what would I do if my tongue got thick?",
]


@pytest.mark.parametrize("text", AS_IF)
def test_a_sign_told_as_if_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


@pytest.mark.parametrize("text", WHAT_IF)
def test_a_sign_told_with_what_if_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


WHY_WOULD = [
    "why would a bit of my forehead be white and blotchy when the rest is pink?",
    "why would the side of my nose go grey and cold?",
    "why would my cheek be oozing yellow on day 5",
]


@pytest.mark.parametrize("text", WHY_WOULD)
def test_asking_why_a_sign_is_there_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


def test_asking_why_a_sign_happens_to_people_does_not_alert(checker: SignChecker) -> None:
    assert not checker.check("why would a rash happen after microneedling?").alert


def test_a_bruise_fading_yellow_is_healing_on_day_5(checker: SignChecker) -> None:
    assert not checker.check("the bruising near my eye is yellow now", 5).alert


def test_swelling_told_as_going_down_after_a_comma_does_not_alert(checker: SignChecker) -> None:
    assert not checker.check("little bit swelling on cheek and red, it's going down", 1).alert


def test_red_streaks_spelt_strekes_going_down_the_neck_alert(checker: SignChecker) -> None:
    assert checker.check("red strekes going down my nek from my cheek").alert


A_PRODUCTS_OWN_SMELL = [
    "the numbing cream smelled like rotten eggs but whatever",
    "this new serum smells weird, like vinegar, is it off?",
    "the sunscreen stinks of chemicals, can I use a different one?",
]

THE_FACE_SMELLS_AFTER_A_PRODUCT = [
    "my face smells like rotten eggs since I put the cream on",
    "I put the serum on and now my skin smells rotten",
    "my cheek is oozing and smells like cheese",
]


@pytest.mark.parametrize("text", A_PRODUCTS_OWN_SMELL)
def test_a_products_own_smell_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", THE_FACE_SMELLS_AFTER_A_PRODUCT)
def test_the_face_smelling_after_a_product_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


EYES_RED_FROM_SOMETHING_ELSE = [
    "my eyes are bloodshot from crying at a movie lol",
    "eyes are red and itchy from hay fever, can I use eye drops?",
    "my eyes are a bit sore from chlorine after swimming with the kids",
]

EYES_AFTER_THE_TREATMENT = [
    "my eyes are red and sore since the treatment, and my vision is blurry",
    "my eye is bloodshot and I can't see properly",
    "I was crying because my eye is swollen shut since the needling",
]


@pytest.mark.parametrize("text", EYES_RED_FROM_SOMETHING_ELSE)
def test_eyes_red_from_something_else_do_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", EYES_AFTER_THE_TREATMENT)
def test_eyes_with_a_sign_after_the_treatment_alert(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


ANOTHER_PART_AGAIN = [
    "my toe is infected from an ingrown nail, oozing a bit, is it ok to have my follow up?",
    "my armpits smell after spin class, is deodorant ok after microneedling?",
    "cut my finger on a tin, bleeding a lot, can I still do my skincare?",
]

THE_FACE_AFTER_ANOTHER_PART = [
    "I stubbed my toe, and my cheek is oozing yellow pus",
    "my finger is cut, and there's yellow pus coming out of my chin",
    "my armpit is fine but my jaw is hot, hard and swollen",
]


@pytest.mark.parametrize("text", ANOTHER_PART_AGAIN)
def test_a_sign_of_another_part_told_on_after_a_comma_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", THE_FACE_AFTER_ANOTHER_PART)
def test_a_sign_of_the_face_after_another_part_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


def test_warm_and_a_bit_tender_to_touch_is_healing_on_day_2(checker: SignChecker) -> None:
    assert not checker.check("face is warm and a bit tender to touch", 2).alert


def test_warm_and_tender_to_touch_alerts_when_the_redness_spreads(checker: SignChecker) -> None:
    text = "my face is warm and tender to touch and the redness is spreading"
    assert checker.check(text, 2).alert


ARM_TREATED = [
    "had the stretch marks on my arm needled and now red lines are going up towards my armpit",
    "my treated upper arm is hot and swollen right up into my armpit",
    "the needled scars near my armpit are oozing and smell bad",
]


@pytest.mark.parametrize("text", ARM_TREATED)
def test_a_sign_near_the_armpit_of_a_treated_arm_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


ANOTHER_PART_NOT_TREATED = [
    "my knee is hot and swollen from football, nothing to do with my face",
    "my arm is red and sore from the flu jab",
    "the back of my hand is swollen from a wasp sting",
]


@pytest.mark.parametrize("text", ANOTHER_PART_NOT_TREATED)
def test_another_part_not_called_treated_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


ASKED_OF_THE_PATIENTS_OWN = [
    "the needled scars near my armpit are oozing and smell bad",
    "are these yellow crusty blisters bad?",
    "my cheeks are oozing and the smell is bad",
]


@pytest.mark.parametrize("text", ASKED_OF_THE_PATIENTS_OWN)
def test_a_sign_told_with_bad_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


def test_asking_whether_a_sign_is_bad_in_general_does_not_alert(checker: SignChecker) -> None:
    assert not checker.check("are blisters bad after microneedling?").alert


TRAVELLING = [
    "at the clinic it was just pink, now it's angry red and going down my neck",
    "the swelling is moving down to my jaw and neck",
    "red and creeping up to my eye since this morning",
]

GOING_DOWN = [
    "the swelling is going down, my neck feels fine too",
    "the redness went down to my normal colour by the evening",
    "red is going down, just a bit pink on my chin now",
]


@pytest.mark.parametrize("text", TRAVELLING)
def test_redness_or_swelling_travelling_down_the_neck_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


@pytest.mark.parametrize("text", GOING_DOWN)
def test_redness_or_swelling_going_down_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text, 2).alert


EYES_NARROWED = [
    "face feels tight like a drum and my eyes are getting smaller",
    "my eyes have gone tiny from the swelling",
    "my eyes are like slits this morning",
]

EYES_SMALL_OTHERWISE = [
    "my eyes look smaller without mascara lol, when can I wear it again?",
    "I have small eyes anyway, will the under eye area be done too?",
    "smaller eye cream tubes are cheaper, which one do you sell?",
]


@pytest.mark.parametrize("text", EYES_NARROWED)
def test_eyes_narrowed_by_swelling_alert(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


@pytest.mark.parametrize("text", EYES_SMALL_OTHERWISE)
def test_eyes_small_for_another_reason_do_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


EYES_PUFFY_ON_WAKING = [
    "my under eyes look swollen when I woke up, it's going down now",
    "eyes were swollen this morning, better by lunch",
    "my eyelids look a bit swollen in the morning",
]

EYES_SWOLLEN_AND_MORE = [
    "my eyes are swollen shut this morning",
    "my eyes are so swollen I cant see this morning",
    "eyes swollen since I woke up and my throat feels tight",
]


@pytest.mark.parametrize("text", EYES_PUFFY_ON_WAKING)
def test_eyes_swollen_on_waking_are_healing_on_day_1(checker: SignChecker, text: str) -> None:
    assert not checker.check(text, 1).alert


@pytest.mark.parametrize("text", EYES_SWOLLEN_AND_MORE)
def test_eyes_swollen_on_waking_with_a_sign_alert_on_day_1(checker: SignChecker, text: str) -> None:
    assert checker.check(text, 1).alert


WHITE_SAID_OF_SOMETHING_ELSE = [
    "is it normal to have little white bumps",
    "is it ok that there are tiny white spots on my forehead",
    "is this normal, a few white dots came up overnight",
]

SKIN_GONE_WHITE = [
    "is it normal that my cheek is white",
    "my chin is really pale and cold",
    "the skin under my eye is white",
    "my nose is completely white where they did it",
]


@pytest.mark.parametrize("text", WHITE_SAID_OF_SOMETHING_ELSE)
def test_a_question_with_is_and_white_far_apart_names_no_skin_gone_white(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", SKIN_GONE_WHITE)
def test_skin_said_to_be_white_or_pale_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


OTHER_USES = [
    "Can I shampoo after dying my hair?",
    "im dying my hair tomorrow is that ok",
    "got my lips done with filler yesterday, can i drink through a straw",
]

THE_SIGN_ITSELF = [
    "the skin on my cheek looks like its dying",
    "the patch near my lip is dying",
    "it feels like breathing through a straw",
]


@pytest.mark.parametrize("text", OTHER_USES)
def test_a_hair_dye_or_a_drinking_straw_is_no_sign(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", THE_SIGN_ITSELF)
def test_skin_dying_or_breathing_through_a_straw_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert
