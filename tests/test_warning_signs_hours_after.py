""" "An hour ago", "a few hours after the session" tell the treatment day itself: healing
the knowledge calls normal on day 0 is read as such when the message gives no other
day, and a sign told hours after still alerts."""

from __future__ import annotations

import pytest

from bot.core.sign_days import day_in_text
from bot.core.signs import SignChecker
from bot.core.tokens import fold, folded_tokens


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("left the clinic an hour ago", 0),
        ("a few hours after the session", 0),
        ("a couple of hours since my treatment", 0),
        ("day 5 and an hour ago it started", 5),
        ("an hour of sleep", None),
    ],
)
def test_hours_after_the_treatment_tell_day_zero(text: str, day: int | None) -> None:
    assert day_in_text(folded_tokens(fold(text))) == day


def test_redder_than_when_leaving_the_clinic_an_hour_ago_does_not_alert(
    checker: SignChecker,
) -> None:
    text = "my cheeks look pinker now than when i left the clinic an hour ago, numbing wearing off?"
    assert not checker.check(text, None).alert


@pytest.mark.parametrize(
    "text",
    [
        "an hour after the session my lips are swelling up badly and my throat feels tight",
        "a few hours after the treatment there's yellow pus coming out",
    ],
)
def test_a_sign_told_hours_after_still_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text, None).alert
