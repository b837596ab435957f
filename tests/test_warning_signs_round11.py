"""Round 11 look-alikes by cause, in words written here: a sign's word in another sense
(cold weather, being busy or moved, a title, a dislike, hot weather, pills too big), and
a thing or another body part. Each kind sits next to reports in the same words that must
still alert: a false alarm costs a staff glance, a miss can cost a patient."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker

ANOTHER_SENSE = [
    "the heating broke at work and everyone is shivering in their coats",
    "this cold spell has the whole family shivering",
    "I'm on fire this morning, emails done and the washing out",
    "honestly burning out with the kids off school",
    "that choir video gives me the shivers every time",
    "still a bit emotionally raw after the breakup",
    "reality shows give me allergy, can't watch them",
    "we watched Saturday Night Fever again, such a classic",
    "sweltering hot day at the beach, 39 in the shade",
    "I can't swallow these massive fish oil capsules, any tips?",
]

STILL_A_REPORT = [
    "I'm shivering under the duvet and my cheeks are burning",
    "everyone says I look fine but I'm shivering and 38.4",
    "I'm on fire, my whole face is burning and the tablets do nothing",
    "the serum gives me allergy, my lips have blown up",
    "I can't swallow my tablets, my throat feels like it's closing",
    "my skin is raw and still bleeding, it's day 9",
]


@pytest.mark.parametrize("text", ANOTHER_SENSE)
def test_a_sign_word_in_another_sense_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", STILL_A_REPORT)
def test_the_same_words_said_of_the_skin_or_body_still_alert(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


A_THING_OR_A_TOOTH = [
    "my back tooth hurts so much I can barely chew",
    "my old Vaseline tub has gone grey and dusty on top",
    "the moisturiser I got has separated and its smell is off",
]

THE_FACE = [
    "my jaw hurts so much near where they needled, 8/10",
    "the skin on my cheek has gone grey and cold",
    "my face has a smell that is off, like something rotten",
]


@pytest.mark.parametrize("text", A_THING_OR_A_TOOTH)
def test_a_sign_word_said_of_a_thing_or_a_tooth_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", THE_FACE)
def test_the_same_words_said_of_the_face_alert(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


MISSED_BEFORE = [
    # A typo of "worse" is still worse.
    "my cheek pain is wrose now not better",
    # A second-language statement with its subject left out is no general question.
    "Is very painful, I cannot sleep, like burning",
    # A sad face ends the clause: the "didn't" before it denies nothing after it.
    "people will think I had filler and I didn't 😩 my lips swelling since the serum",
    # A wound that will not close is the sign, not a denial of it.
    "my wound is not closing even after two weeks",
    # A bug "going round" is what the patient may have caught, not a visit.
    "think I've got what's going round the office, 38.8 this morning and aching all over",
]


@pytest.mark.parametrize("text", MISSED_BEFORE)
def test_a_report_told_in_these_words_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


def test_a_visit_to_someone_ill_is_still_their_sign_not_mine(checker: SignChecker) -> None:
    assert not checker.check("my nan has a fever, is it ok going round to hers tomorrow?").alert


SUPPOSED_OR_DENIED = [
    "in the rare event that my throat felt tight, should I ring 999?",
    "were my cheeks to go blotchy and purple, is that urgent?",
    "if little blisters appear on my lip, does that mean herpes?",
    "if I came out in hives, or my eyes swelled, or I ran a temperature, who do I call?",
    "I haven't got any swelling, heat or oozing, just wondering what to look out for",
    "to be clear I don't have a temperature, shivers, or pus, what should I watch for?",
]

STILL_REPORTED = [
    "I don't have a temperature, or chills, but yellow pus is leaking from my chin",
    "no fever, no pus, but my cheek is hot and hard and it's spreading",
    "there are blisters on my lip now, does that mean herpes?",
]


@pytest.mark.parametrize("text", SUPPOSED_OR_DENIED)
def test_signs_supposed_or_denied_as_a_list_do_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", STILL_REPORTED)
def test_a_sign_told_after_a_denied_or_supposed_one_still_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


def test_havent_got_denies_the_sign_but_hasnt_got_better_denies_nothing(
    checker: SignChecker,
) -> None:
    assert not checker.check("I haven't got a temperature, it's just warm").alert
    assert checker.check("the swelling on my lips hasn't got any better, they're enormous").alert


NOT_THE_PATIENTS_NOW = [
    # A friend or cousin typed in a hurry is still someone else.
    "my frend had horrible pain after hers, like 8/10",
    "my cuzin got red streaks down her neck after her facial",
    # Set against the patient's own.
    "a surgeon on the radio talked about pus and fever after needling, glad that's not me",
    # The name of an illness asked about is no report of it.
    "my colleague got blisters after her peel, is it herpes?",
    # Told as better now than before.
    "yesterday my cheeks were more swollen, now they're loads better",
    "still a bit red on day 1 but way better than this morning",
    # Whether a sign is always bad is a question about signs.
    "is oozing always bad or is it sometimes fine",
]

STILL_THE_PATIENTS = [
    "it was better this morning, now it's redder than yesterday and hot",
    "yesterday my cheeks were more swollen, now they're better but my eye is swollen shut",
    "is that always serious? my chin is oozing yellow pus",
]


@pytest.mark.parametrize("text", NOT_THE_PATIENTS_NOW)
def test_a_sign_of_someone_else_or_told_as_better_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", STILL_THE_PATIENTS)
def test_a_sign_of_the_patient_now_still_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


EVERYDAY_NOT_A_SIGN = [
    "the nurse said some patients get hives afterwards, is that common?",
    "my partner says I smell like vinegar, it's the toner",
    "the varnish fumes in the hallway are choking me",
    "snowed under with paperwork, cant breathe this week",
    "the sun is making me feel dizzy, off to find some shade",
    "the scabs on day 3 did ooze a little but dried up",
    "the old tin of paint in the shed has a sour smell",
]

A_REPORT_AFTER_ALL = [
    "my cheek was weeping but stopped, now it's oozing yellow again",
    "he says I smell odd, it's not the toner, it's coming from my chin",
]


@pytest.mark.parametrize("text", EVERYDAY_NOT_A_SIGN)
def test_everyday_uses_of_a_sign_word_do_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", A_REPORT_AFTER_ALL)
def test_a_sign_that_came_back_or_is_the_skins_own_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


def test_the_face_named_as_fine_does_not_make_a_rash_on_the_arm_the_faces(
    checker: SignChecker,
) -> None:
    assert not checker.check(
        "my arm came up in hives from the nettles my face is perfectly fine"
    ).alert
    assert checker.check("my face is totally fine but my lips are swelling up fast").alert


def test_a_question_headed_by_the_next_session_asks_about_then(checker: SignChecker) -> None:
    assert not checker.check("About my next session: do I need tablets for cold sores first?").alert
    assert checker.check("Day 4 update: cold sore blisters on my lip and spreading").alert


EVERYDAY_CAUSES = [
    "my eyes keep watering from the chopped onions",
    "sobbed through the wedding, eyes all red and puffy",
    "this chilli is so spicy my tongue is on fire",
    "stayed in the steam room too long and felt dizzy",
    "hoarse after screaming at the football all afternoon",
    "my hair smells of bonfire smoke",
    "I was shivery last night after the jab but today I feel fine",
]

SAME_WORDS_A_REPORT = [
    "cried at the film and now my eyes are swollen shut and I can't see properly",
    "I'm screaming in pain, nothing helps",
    "I was shivery last night and today I feel fine but the thermometer says 38.6",
]


@pytest.mark.parametrize("text", EVERYDAY_CAUSES)
def test_a_sign_word_with_an_everyday_cause_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", SAME_WORDS_A_REPORT)
def test_a_sign_beside_an_everyday_cause_still_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


def test_swelling_from_filler_is_not_this_treatments_but_a_tight_throat_still_alerts(
    checker: SignChecker,
) -> None:
    assert not checker.check("my sister's top lip puffed up after filler").alert
    assert checker.check("my lips puffed up after filler and now my throat feels tight").alert


def test_what_a_nurse_saw_on_the_patients_skin_alerts(checker: SignChecker) -> None:
    assert checker.check("the nurse looked at my chin and she said it's infected, pus coming").alert


SOMEONE_ELSES_SCORE_OR_SURGERY = [
    "my sis had awful pain after hers, she said 9 out of 10",
    "my nan's cheeks went purple and mottled after her facelift",
]


@pytest.mark.parametrize("text", SOMEONE_ELSES_SCORE_OR_SURGERY)
def test_a_relatives_score_or_surgery_is_theirs(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


def test_a_flannel_that_comes_off_the_face_smelling_is_the_faces_smell(
    checker: SignChecker,
) -> None:
    assert checker.check("after washing my face the flannel stinks, like rotten meat").alert


def test_not_going_round_to_someone_ill_is_their_sign(checker: SignChecker) -> None:
    assert not checker.check("my sister's kid has a fever so I'm not going round this week").alert


REPORTS_IN_PLAIN_WORDS = [
    "there's goo in the tiny holes on my forehead",
    "it's gone solid on my cheek, hot and sore",
    "I've got a tight sensation in my throat since lunch",
    "the glare off the laptop is really hurting my eyes since the needling",
]


@pytest.mark.parametrize("text", REPORTS_IN_PLAIN_WORDS)
def test_a_sign_told_in_plain_words_is_found_by_the_phrases(
    checker: SignChecker, text: str
) -> None:
    check = checker.check(text)
    assert check.alert
    assert not any(t.startswith("classifier") for t in check.triggers)


GLOW_ANGER_AND_WORRY = [
    "my face is on fire this week, the glow is amazing",
    "I'm seeing red about the parking fine",
    "is it normal to get pus after needling or is that always an infection?",
]


@pytest.mark.parametrize("text", GLOW_ANGER_AND_WORRY)
def test_a_glow_anger_or_a_question_about_pus_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("day", [3, 5, None])
def test_swollen_red_and_hot_together_after_the_first_days_alerts(
    checker: SignChecker, day: int | None
) -> None:
    assert checker.check("my cheeks are puffy and red and hot", day).alert


@pytest.mark.parametrize("day", [0, 1, 2])
def test_swollen_red_and_hot_together_in_the_first_days_is_normal_healing(
    checker: SignChecker, day: int
) -> None:
    assert not checker.check("my cheeks are puffy and red and hot", day).alert
