"""Two calm tellings that set a sign aside: the patient saying on its own that they are
fine after someone else's sign ("my colleague has herpes after her needling. I am ok."),
and the patient who looked and found none ("I can't see any red lines")."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


@pytest.mark.parametrize(
    "text",
    [
        "My coworker has a cold sore on her lip after her session. I am ok.",
        "my mate got a fever after his session, im fine.",
        "I can't see any red lines or streaks, just pink",
        "couldn't spot any pus, it's just dry",
        "can't feel any lumps, it's soft",
    ],
)
def test_a_calm_telling_sets_the_sign_aside(checker: SignChecker, text: str) -> None:
    assert not checker.check(text, 4).alert


@pytest.mark.parametrize(
    "text",
    [
        "my friend had pus after hers. I am ok. but my cheek is oozing now",
        "I can't see any pus but it smells really bad",
        "I can't see anything out of my left eye",
        "I can't see any more out of my left eye",
    ],
)
def test_a_sign_of_the_patients_own_beside_it_still_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text, 4).alert
