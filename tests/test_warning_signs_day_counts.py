"""A count of days is not a warning sign: "4 days ago" is the answer a patient most often
gives to "When was your treatment?", and it reaches the check before the date is read.
The same count next to a sign still alerts."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


@pytest.mark.parametrize(
    "text",
    [
        "7 days ago",
        "13 days ago",
        "it was 8 days ago I think",
        "5 days ago lol",
        "had the treatment six days ago",
        "4 days ago, on the cheeks",
    ],
)
def test_a_day_count_given_as_the_treatment_date_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text, None).alert


@pytest.mark.parametrize(
    "text",
    [
        "13 days ago and my chin is still bleeding",
        "it was 8 days ago and there's pus coming out now",
        "5 days ago, now I've got a fever and chills",
    ],
)
def test_a_day_count_next_to_a_sign_still_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text, None).alert
