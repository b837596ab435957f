"""Look-alikes of a new blind round by cause, in words written here: a source on the
screen, a professional's client, past told with "before my appointment" or "but today
not", a thing a smell comes from, another cause of a hand's blister. Each rule sits next
to reports in the same shape that it must leave alone: a false alarm costs a staff
glance, a miss can cost a patient."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge


@pytest.fixture(scope="module")
def checker() -> SignChecker:
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR).signs
    assert knowledge is not None
    return SignChecker(knowledge)


ON_THE_SCREEN = [
    "in the show last night one of them had an allergic reaction and couldnt breathe",
    "watching a drama and some guy's throat was closing up, had to look away",
    "the character's wound went all green and smelly on telly tonight, gross",
]

SEEN_WHILE_WATCHING = [
    "I was watching the show and my face swelled up so much my eyes are nearly shut",
    "watching tv tonight and my cheek is oozing yellow stuff",
    "on the sofa watching a film and my lips are swelling",
]


@pytest.mark.parametrize("text", ON_THE_SCREEN)
def test_a_sign_of_someone_on_the_screen_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", SEEN_WHILE_WATCHING)
def test_a_sign_of_the_patient_while_watching_the_screen_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


A_PROFESSIONALS_CLIENT = [
    "i am a beautician and my client today has small blisters on her lip from a cold sore",
    "my patient at the dental office had her lip swell after the anaesthetic",
    "the beautician told me one of her ladies had an infection that smelled awful",
    "I did not treat her, but my customer is covered in a rash",
]

A_CLIENT_OF_THE_CLINIC = [
    "I'm a client of yours and my face has pus coming out of it",
    "as a patient of the clinic, I have a fever of 39 since yesterday",
    "one of my spots is oozing yellow stuff",
]


@pytest.mark.parametrize("text", A_PROFESSIONALS_CLIENT)
def test_a_sign_of_a_professionals_client_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", A_CLIENT_OF_THE_CLINIC)
def test_a_patient_who_calls_themselves_a_client_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


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


CARING_FOR_FAMILY = [
    "my little brother has a really bad fever, can i still look after him?",
    "My daughter has chickenpox and is covered in blisters, can I still hug her?",
    "My roommate has a cold sore, should I avoid sharing towels with her?",
]

FAMILY_WITH_A_SIGN = [
    "my little brother had it done with me and he has a fever of 39",
    "my daughter's face is covered in blisters since her session",
    "my son has pus coming out of his cheek, what do I do?",
]


@pytest.mark.parametrize("text", CARING_FOR_FAMILY)
def test_caring_for_someone_ill_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", FAMILY_WITH_A_SIGN)
def test_a_relative_with_a_sign_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


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


SENT_BY_SOMEONE_ELSE = [
    "my ex had microneedling and got a massive infection, karma tbh lol",
    "omg my friend sent me a pic of her face oozing after microneedling at some dodgy place",
    "my mate forwarded me a post about a girl whose cheeks went grey",
]

SENT_BY_THE_PATIENT = [
    "my friend sent me a pic she took of my cheek and it's oozing yellow",
    "I sent my friend a pic and she says my face looks grey",
    "sent you a photo, my chin is leaking pus",
]


@pytest.mark.parametrize("text", SENT_BY_SOMEONE_ELSE)
def test_a_sign_someone_else_had_or_sent_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", SENT_BY_THE_PATIENT)
def test_a_sign_of_the_patient_in_a_sent_picture_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


A_RELATIVE_ILL_WITH_SOMETHING_NAMED = [
    "my mum's sick with the flu so im looking after myself lol",
    "My daughter's got a throat infection and can barely swallow, so I'm on nurse duty",
    "My daughter has a fever from daycare germs, unrelated but I might cancel my follow-up",
    "my boyfriend's sunburn is peeling and blistering, he never listens about sunscreen",
]

A_RELATIVE_WITH_A_SIGN_AND_A_GUESS = [
    "my son has a fever could it be a virus or is it from his session",
    "My daughter has a fever is it from a virus or the microneedling",
    "my daughter had microneedling yesterday and she has a fever now, is it the flu?",
    "my husband's got a cold sore on his lip where they needled him on monday",
    "My daughter's cheek has a pale white patch that feels cold",
    "my wife has a fever of 39 and her face is hot and red since the needling, not flu",
]


@pytest.mark.parametrize("text", A_RELATIVE_ILL_WITH_SOMETHING_NAMED)
def test_a_relative_ill_with_an_illness_the_writer_names_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", A_RELATIVE_WITH_A_SIGN_AND_A_GUESS)
def test_a_relative_with_a_sign_alerts_whatever_the_writer_guesses(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


def test_the_patients_own_fever_alerts_whatever_they_think_caused_it(
    checker: SignChecker,
) -> None:
    assert checker.check("I have a fever from the flu I think, day 2 after my treatment").alert


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


A_STORY_THAT_GOES_ON = [
    "My twin sister had hers done too. Hers was a different story, her face swelled up loads"
    " on day 2 and she got these yellow crusts on her cheeks, she went to the GP.",
    "I work at a dental surgery and yesterday a patient came in whose whole face was swollen"
    " and weeping after a treatment at a salon. Is there anything I should look out for?",
    "my colleague had hers done last month and she got a fever and her cheeks went hard",
]

A_STORY_THEN_THE_PATIENT_NOW = [
    "my friend had hers done with me and she has a fever now and pus on her chin",
    "my sister had it done and she is oozing yellow from her cheek since this morning",
    "my colleague had hers done and I got a fever and my cheeks went hard",
    "as a patient I had a fever after the treatment and it is still 38.5",
]


@pytest.mark.parametrize("text", A_STORY_THAT_GOES_ON)
def test_someone_elses_story_going_on_after_and_she_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", A_STORY_THEN_THE_PATIENT_NOW)
def test_a_story_that_turns_to_the_patient_or_to_now_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


SHES_ALWAYS_HAD = [
    "my friend had hers done last year, she's always had sensitive skin and her face was"
    " weeping for a week",
    "my colleague had it at a cheap place, she's always had bad luck, her cheeks oozed for days",
    "my cousin went somewhere dodgy, he's always had spots and his chin went crusty yellow",
]

SHES_GOT_NOW = [
    "my friend had it done, she's got pus coming out of her cheek",
    "my friend had hers done with me, she's been shivery with a fever since last night",
    "my mate had it done, she's still oozing yellow from her chin",
]


@pytest.mark.parametrize("text", SHES_ALWAYS_HAD)
def test_a_story_going_on_with_shes_always_had_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", SHES_GOT_NOW)
def test_a_friend_who_has_a_sign_now_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert
