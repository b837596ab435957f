"""A tool for the face is a thing: "my face roller is leaking" is the roller's. What is
then told on the face after a thing is the face's: "since the jade roller there's pus on
my chin" is a report. A mood told as suffocating is no airway: "the tension is
suffocating, I can barely breathe"."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


def alerts(checker: SignChecker, text: str, day: int | None = None) -> bool:
    return checker.check(text, day).alert


@pytest.mark.parametrize(
    "text",
    [
        "the face roller I keep in the fridge is leaking its blue gel, can I still use it",
        "my face rollers are cracked and leaking, should I bin them",
    ],
)
def test_a_face_roller_leaking_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not alerts(checker, text, 5)


@pytest.mark.parametrize(
    "text",
    [
        "since I started using my jade roller there's yellow pus on my chin",
        "after the face roller last night there is pus in my skin",
        "been using the jade roller and there's yellow ooze all across my forehead",
    ],
)
def test_a_sign_told_on_the_face_after_a_thing_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text, 5)


@pytest.mark.parametrize(
    "text",
    [
        "the atmosphere in that meeting was suffocating, you could barely breathe, can I wear spf",
        "the pressure at uni is stifling, I can hardly breathe with these exams, can I use retinol",
    ],
)
def test_a_mood_told_as_suffocating_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not alerts(checker, text, 5)


def test_a_suffocating_mood_beside_a_sign_still_alerts(checker: SignChecker) -> None:
    assert alerts(
        checker, "the stress is suffocating, I can barely breathe and my lips are swelling", 5
    )
