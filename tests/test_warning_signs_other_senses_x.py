"""A sign's word said of a worry, a chore or a cost ("the deadline is giving me a fever",
"that news gave me chills", "the quote made my eyes water"), or of a feeling ("couldn't
breathe from laughing", "breathless at how good my skin looks"), is another sense: no
alert. The same words said of the treatment or of someone who may pass on an illness
still alert."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


@pytest.mark.parametrize(
    "text",
    [
        "The exam results are giving me a fever honestly",
        "my boss gave me chills with that email",
        "the quote for the wedding made my eyes water",
        "the prices at that salon make my eyes water!",
        "honestly the bill at the garage was eye watering",
        "couldn't breathe from laughing at the video",
        "breathless at how good my skin looks today",
        "can't swallow how much they charge for the serum",
        "the smell of money lol",
        "im allergic to early starts haha",
        "this heatwave is actually killing me",
        "my inbox is on fire today, sorry for the late reply",
    ],
)
def test_a_signs_word_in_another_sense_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text, 4).alert


@pytest.mark.parametrize(
    "text",
    [
        "the treatment gave me chills and a fever tonight",
        "my daughter gave me a fever and now my face is oozing",
        "I can't swallow what do I do",
        "I get breathless from walking up the stairs since the treatment",
        "my eyes keep watering and it's blurry on the left",
    ],
)
def test_the_same_words_said_of_the_patient_still_alert(checker: SignChecker, text: str) -> None:
    assert checker.check(text, 4).alert
