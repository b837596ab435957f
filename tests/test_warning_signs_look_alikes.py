"""Look-alikes of round 8 by cause, each next to a report in the same words that must still
alert: a body part named in an earlier clause, a face word another body part owns, other
senses of a sign's word, a question about what might happen or what is usual, a story
that ended, someone else's story the patient says they do not share."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


def alerts(checker: SignChecker, text: str, day: int | None = None) -> bool:
    return checker.check(text, day).alert


@pytest.mark.parametrize(
    "text",
    [
        "my husband burned his hand on the oven, there's a blister",
        "got sunburnt on my shoulders at the beach, blistering now, face was covered though",
        "Paronychia on my left thumb, pus present.",
    ],
)
def test_a_sign_in_the_clause_after_another_body_part_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "scratched my cheek with my nails, there's a blister",
        "I touched my chin with my fingers, now there's pus",
        "my hand brushed my face on the oven door, there's a blister",
    ],
)
def test_a_sign_after_another_body_part_alerts_when_the_face_came_first(
    checker: SignChecker, text: str
) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    ["the skin on my arm is oozing", "My knee replacement scar is still weeping"],
)
def test_a_face_word_another_body_part_owns_does_not_keep_a_sign_on_it(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text", ["the skin on my face is oozing", "my acne scar on my cheek is still weeping"]
)
def test_the_same_face_word_on_the_face_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (None, "footy finals, the whole town's at fever pitch, anyway thanks for the tips"),
        (None, "I have the fever of shopping, which SPF you sell?"),
        (2, "small bumps like goosebumps on my skin"),
        (1, "face is flushed and warm, bit like a hot flush that won't go"),
        (0, "my face is giving tomato energy rn, chill?"),
        (None, "that song sends chills down my spine"),
        (None, "the photo you sent is blurry"),
        (None, "my mood is feverish with excitement"),
    ],
)
def test_another_sense_of_a_signs_word_does_not_alert(
    checker: SignChecker, day: int | None, text: str
) -> None:
    assert not alerts(checker, text, day)


@pytest.mark.parametrize(
    "text",
    [
        "I have a fever and the whole house is freezing",
        "my daughter had it done tuesday and shes got a fever of 39",
        "I've got goosebumps and I'm shivering",
        "I have a chill right now and feel awful",
        "I have chills and a fever",
        "my vision is blurry since the treatment",
    ],
)
def test_the_same_words_told_of_the_patient_alert(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "Should anything happen in the night, such as a high temperature, who do I ring?",
        "In the case of fever, who I call?",
        "Pain 9 out of 10 would be an emergency?",
        "Hypothetically, if there's pus, what then?",
        "What signs of infection should I watch for, like pus or heat?",
    ],
)
def test_a_question_about_what_might_happen_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "I have a high temperature, who do I ring?",
        "I have fever, who I call?",
        "my friends said it's nothing but I'm in agony",
        "Pain is 9 out of 10, is that an emergency?",
        "not hypothetically, my lips are swelling up",
    ],
)
def test_the_same_signs_had_now_alert(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


def test_a_question_about_what_is_usual_does_not_alert(checker: SignChecker) -> None:
    assert not alerts(checker, "Is it bad if it's still open after a week, generally?")


def test_a_sign_after_a_question_about_what_is_usual_alerts(checker: SignChecker) -> None:
    assert alerts(checker, "is it normal, generally? my cheek is oozing yellow stuff")


@pytest.mark.parametrize(
    "text",
    [
        "The first night my eyes were puffy, now it is gone. It is normal it happened?",
        "the first evening my lips were puffy, now it is gone, was that normal?",
    ],
)
def test_a_story_that_ended_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "the first night was sore, now it is fine, but today there is pus",
        "the pain resolved by morning then came back at 9/10",
    ],
)
def test_a_sign_now_after_one_that_ended_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "is it usual for the pain to be 9/10 on day 3?",
        "is it expected that the pain is getting worse every day?",
        "I was told I'd be in agony and I am, it's a 9",
    ],
)
def test_asking_whether_ones_own_sign_is_usual_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


def test_someone_elses_sign_the_patient_says_they_do_not_have_does_not_alert(
    checker: SignChecker,
) -> None:
    text = "My friend had a hot, hard lump after her treatment at a salon. I don't have this."
    assert not alerts(checker, text)


def test_someone_elses_sign_the_patient_has_too_alerts(checker: SignChecker) -> None:
    text = "My friend had a hot, hard lump after her treatment. I have this too, on my jaw."
    assert alerts(checker, text)
