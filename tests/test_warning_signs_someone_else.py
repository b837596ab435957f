"""Someone else's story in words written here, by the shapes a new blind round showed: a
source on the screen, a professional's client, what a friend sent, a relative ill with an
illness the writer names, a story that goes on after "and she got". Each rule sits next to
reports in the same shape that it must leave alone: the patient, or a relative or friend
they speak for, with a sign now."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker

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
