"""Itching is part of healing in its first days, as the peeling answer says, even told as
strong ("it itches like crazy, day 2"); hives, welts, swelling or spreading told with it
still alert, and so does a strong itch later on."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (2, "my face itches like crazy tonight, normal?"),
        (3, "itching like mad and flaky"),
        (5, "my cheeks are itchy like hell, is that ok"),
    ],
)
def test_a_strong_itch_in_the_first_days_does_not_alert(
    checker: SignChecker, day: int, text: str
) -> None:
    assert not checker.check(text, day).alert


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (2, "itches like crazy and my lips are swelling"),
        (2, "since the new serum it itches like crazy and there are welts"),
        (2, "itching like crazy and it keeps spreading down my neck"),
        (10, "it itches like crazy"),
    ],
)
def test_a_strong_itch_with_a_sign_or_later_on_alerts(
    checker: SignChecker, day: int, text: str
) -> None:
    assert checker.check(text, day).alert
