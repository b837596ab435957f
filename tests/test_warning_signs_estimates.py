"""A patient's own estimate ("I'd say my pain is 9 out of 10") is a report, not a
supposition; "say my face goes grey" asked as a what-if still is one."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


@pytest.mark.parametrize(
    "text",
    [
        "I'd say my pain is 9 out of 10 now",
        "honestly say my cheek is an 8/10 for pain today",
        "i must say my face is really hot and hard since this morning, day 4",
    ],
)
def test_an_estimate_of_ones_own_sign_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


def test_a_what_if_told_with_say_does_not_alert(checker: SignChecker) -> None:
    assert not checker.check("say my face goes grey, what do i do?").alert
