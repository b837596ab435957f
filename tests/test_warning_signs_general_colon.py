"""A question about signs in general may open after a heading and a colon, as after a
greeting and a comma ("general question: when is pain too much?"); a question that names
the patient's own skin still alerts."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


@pytest.mark.parametrize(
    "text",
    [
        "general question: when is pain after microneedling too much",
        "random one: when does swelling count as an emergency",
        "question: what does pus mean",
    ],
)
def test_a_general_question_after_a_colon_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text, 3).alert


@pytest.mark.parametrize(
    "text",
    ["update: is it normal that my cheek is oozing pus?", "help: is this pus?"],
)
def test_a_question_about_the_patients_own_skin_after_a_colon_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text, 3).alert
