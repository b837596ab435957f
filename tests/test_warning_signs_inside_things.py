"""A sign's word said of what is inside a thing ("a hard lump in my mattress"), or of
another body part while the face is named only as fine ("my shin is still open after 10
days, face is fine though"), is no report; said of the face, or on a thing that came off
it ("pus on my towel"), it still alerts."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


@pytest.mark.parametrize(
    "text",
    [
        "There is a hard lump in the sofa cushion that digs into my back",
        "found a hard lump in my mattress, so annoying",
        "my knee has a scab that's leaking yellow stuff - face is ok though",
        "my elbow graze is weeping yellow stuff — face is fine tho",
    ],
)
def test_a_sign_inside_a_thing_or_on_another_part_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text, 9).alert


@pytest.mark.parametrize(
    "text",
    [
        "there's yellow pus on my towel this morning",
        "there's a lump in my cheek that's hot and hard",
        "face is fine though my cheek is oozing yellow",
        "my face is fine. but there's pus in one of the dots",
    ],
)
def test_a_sign_on_the_face_or_off_it_still_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text, 9).alert
