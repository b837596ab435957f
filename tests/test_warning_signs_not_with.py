"""A sign denied as "not with" it ("spots but not with pus", written so by many who learned
English second) is no report: the negation's scope starts after "with", the word that ends
a negation's scope elsewhere ("no fever with pus coming out" still alerts). A sign told
after the denial, or with no denial, still alerts."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


@pytest.mark.parametrize(
    "text",
    [
        "a few spots on my chin but not with pus",
        "some little bumps came up, none with pus in them",
        "pimples yes but no with pus, is normal?",
        "the dots are not with pus, only dry and flaky",
    ],
)
def test_a_sign_denied_as_not_with_it_does_not_alert(checker: SignChecker, text: str) -> None:
    result = checker.check(text, 4)
    assert not result.alert
    assert any("with" in reason for reason in result.ruled_out)


@pytest.mark.parametrize(
    "text",
    [
        "spots not with pus but my cheek is hot and hard",
        "the spots are not with pus, they are weeping yellow crust",
        "my cheek is swollen with pus in the holes",
        "no fever with pus coming out of the spots",
    ],
)
def test_a_sign_told_beside_not_with_still_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text, 4).alert
