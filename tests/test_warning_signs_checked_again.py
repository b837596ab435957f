"""Look-alikes of round 7, one group a cause, each next to the reports it must never
silence: a sign checked and taken back a sentence or two later, a thermometer reading no
one calls a fever, laughter told as breathlessness, a fear of what might happen, the first
night told as over, puffy eyes and pink cheeks together on the first days, small bumps
while the skin settles, a pet's eye or a child's temperature, a hot day; and reports told
without a clinical word (painkillers that make no difference, "twice as swollen")."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker

CHECKED_AND_TAKEN_BACK = [
    "my cheek looked like it was oozing yellow. turned the light on. actually no its fine",
    "I thought my lip was swelling up. Checked in the mirror. Actually no, it's fine.",
    "Freaked out bc i thought there was pus on my chin. Wiped it. Nope it was just dried serum",
]
CHECKED_AND_STILL_THERE = [
    "the scab on my chin is soggy and yellow underneath. Actually no I'm sure it's nothing. "
    "But it does look wet.",
    "there's pus on my chin. Wiped it. Nope, it's still oozing",
    "my lip is swelling up. Actually no. My throat feels tight too",
]


@pytest.mark.parametrize("text", CHECKED_AND_TAKEN_BACK)
def test_a_sign_taken_back_at_the_start_of_one_of_the_next_two_sentences_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", CHECKED_AND_STILL_THERE)
def test_a_sign_said_again_after_it_was_taken_back_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


NORMAL_READINGS = [
    ("Thermometer said 36.7 this morning so no fever, I just feel a bit tired", 2),
    ("temp was 37.1, i read that's normal. face just sore-ish", 2),
    ("My temperature is normal (98.4F), face just pink", 1),
    ("i checked with a thermometer, 36.7, so no fever i guess", 4),
]
FEVER_READINGS = [
    ("temp 38.2 this evening and I feel shivery", 3),
    ("Thermometer says 100.8 and I feel like garbage", 3),
    ("my temp was 36.9 this morning but tonight it's 38.4", 3),
    ("temp 37.2 but I'm shaking and can't get warm", 3),
    ("i checked with a thermometer, 38.7, and i feel awful", 3),
]


@pytest.mark.parametrize(("text", "day"), NORMAL_READINGS)
def test_a_thermometer_reading_no_one_calls_a_fever_does_not_alert(
    checker: SignChecker, text: str, day: int
) -> None:
    assert not checker.check(text, day).alert


@pytest.mark.parametrize(("text", "day"), FEVER_READINGS)
def test_a_fever_reading_or_chills_beside_a_normal_reading_alert(
    checker: SignChecker, text: str, day: int
) -> None:
    assert checker.check(text, day).alert


LAUGHING = [
    "can't breathe 😭😭 my bf just sent me a pic of my face with the numbing cream on",
    "I can't breathe 😂 the nurse's face when I asked if I could go clubbing tonight",
    "can't breathe 😂😂 my mum just asked if microneedling is like acupuncture",
    "can't breathe lmaooo my dog just licked my face and I screamed",
    "can't breathe, I'm laughing so hard at my before photo 😂",
]
NOT_LAUGHING = [
    "i cant breathe 😭 help",
    "cant breathe properly, my throat feels tight 😭😭",
    "i cant breathe 😭 my lips and tongue are swelling up after the serum",
]


@pytest.mark.parametrize("text", LAUGHING)
def test_laughter_told_as_breathlessness_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", NOT_LAUGHING)
def test_breathlessness_told_with_a_crying_face_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


OTHER_LOOK_ALIKES = [
    ("at my next appointment can you use less numbing cream, I'm scared my lips would swell", None),
    ("the first night was agony ngl but now it's just a bit tender", 4),
    ("morning after and my eyes are a bit puffy and my cheeks are pink, normal right?", 1),
    ("day 4 and I have small bumps all over my chin, not sore, just bumpy", 4),
    ("my little boy has a temperature of 38.5, can he touch my face", 2),
    ("my roommate has a cold sore, can I use the same bathroom?", 2),
    ("there's a yellow crusty bit on my cat's eye, off to the vet", 4),
    ("this heat is unbearable, 38 degrees in Perth today, can I go outside with my face", 2),
    ("yellow streaks in my hair from the sun, can I dye it this week", 5),
    ("My husband thinks my face looks swollen but I can't see it myself", 3),
    ("my pillowcase smells of the balm, should I change it every night", 3),
    ("my flannel smells musty, should I use a new one on my face", 3),
    ("the milk's gone off and smells rotten, anyway can I drink alcohol tonight", None),
    ("my lip balm smells rancid, can I still use it on my lips after treatment?", 2),
    ("There's a red line right across my phone screen, it's cracked", 2),
    ("got a blister on my tongue from hot tea, can I still use the mouthwash", 2),
    ("After my last microneedling I had a small cold sore, the nurse said to mention it", None),
    ("my flatmate has flu, how do i avoid catching it while im healing", 3),
    ("my flatmate's got conjunctivitis, her eyes are all gunky. how do I keep it away from me", 2),
    ("My grandson has impetigo with crusty yellow sores round his mouth", 2),
    ("Woke up puffy round the eyes and a bit red, feels like a mild sunburn", 1),
    ("the skin round my nose is crusty and dry, I'm not picking it", 5),
    ("not getting worse, if anything it's better than yesterday", 4),
]
REPORTS_IN_THE_SAME_SHAPES = [
    ("I'm scared, my lips are swelling up and my throat feels tight", 1),
    ("the first night was fine but now the pain is agony and the ibuprofen does nothing", 3),
    ("my eyes are puffy and my cheeks are red and it's getting worse every hour", 1),
    ("day 4 and I have small itchy bumps all over my face like hives since the new cream", 4),
    ("my son is 19 and had it done, now he has a temperature of 38.6", 3),
    ("there's yellow crusty stuff on my cheek that keeps weeping", 4),
    ("I've got a temperature of 38.4 and it's not even hot today", 3),
    ("there's a red streak going from my cheek down my neck", 3),
    ("my eye is so swollen I can't see out of it", 2),
    ("my face smells really bad, like something rotten", 5),
    ("when i wash my face the flannel smells gross, like bad breath", 5),
    ("My grandson has been staying. Now I have crusty yellow sores round my mouth", 4),
    ("Woke up with my eyes puffy and bloodshot and they are getting worse", 1),
    ("the skin round my nose is crusty and weeping yellow", 5),
    ("it was better than yesterday but now it's come back worse and it's spreading", 4),
    ("my lip is blistering and I haven't had any hot tea or coffee", 3),
    ("I had a cold sore after my last microneedling and now there's a new cold sore", 3),
]


@pytest.mark.parametrize(("text", "day"), OTHER_LOOK_ALIKES)
def test_a_fear_the_past_normal_healing_a_pet_a_child_or_a_thing_does_not_alert(
    checker: SignChecker, text: str, day: int | None
) -> None:
    assert not checker.check(text, day).alert


@pytest.mark.parametrize(("text", "day"), REPORTS_IN_THE_SAME_SHAPES)
def test_a_report_in_the_shape_of_a_look_alike_alerts(
    checker: SignChecker, text: str, day: int | None
) -> None:
    assert checker.check(text, day).alert


PLAIN_REPORTS = [
    "I've taken advil twice and it hasn't made any difference at all",
    "Even the strongest Tylenol I have only takes it down from a 9 to an 8",
    "My friend took me to the clinic on Friday and now my face is twice as swollen as it was",
    "my friend said it looks like a red line going down my neck from my jaw",
    "swallowing feels like trying to get a pill down with no water, every single time",
    "hurts that much I'm in tears, nothing's helping",
    "yesterday it was a 4, today it's a 7",
]


@pytest.mark.parametrize("text", PLAIN_REPORTS)
def test_a_report_without_a_clinical_word_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


OTHER_SENSES = [
    "that was an eye watering price but so worth it",
    "I nearly choked on my tea when I saw myself in the mirror lol, so red",
    "my skin looks so sick rn, can I wear mascara",
]
FEELING_SICK = [
    "i feel so sick and dizzy since this afternoon and my face is really hot",
    "my skin is so red and I feel so sick",
    "I feel super sick and my skin is burning",
]


@pytest.mark.parametrize("text", OTHER_SENSES)
def test_a_price_food_gone_down_the_wrong_way_or_slang_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", FEELING_SICK)
def test_feeling_sick_is_never_read_as_slang(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert
