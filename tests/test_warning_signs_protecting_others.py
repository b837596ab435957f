"""A patient who has a sign and asks how to keep others safe from it still gets the urgent
answer; worry about catching someone else's sign does not alert."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker

OWN_SIGN_WITH_A_WORRY_FOR_OTHERS = [
    "my face is swollen and hot and I've got a fever, should I stay away from my kids?",
    "my lips are swelling and I've got blisters, should I keep away from my baby?",
    "theres yellow stuff oozing from my cheek, do i need to stay away from my nan",
    "burning up with chills since last night, should i be around my pregnant sister",
]

SOMEONE_ELSES_SIGN = [
    "she has a cold sore, should I stay away from her before my treatment?",
    "my husband has a cold sore, should i keep away from him this week?",
]


@pytest.mark.parametrize("text", OWN_SIGN_WITH_A_WORRY_FOR_OTHERS)
def test_a_sign_of_ones_own_with_a_question_about_staying_away_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


@pytest.mark.parametrize("text", SOMEONE_ELSES_SIGN)
def test_staying_away_from_someone_who_has_the_sign_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert
