"""A sign told in the past that the patient says is back or the same now ("years ago I
had cellulitis and now my cheek feels the same") is theirs now, and alerts; a story that
ended, or a question about the treatment again, stays the past."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


@pytest.mark.parametrize(
    "text",
    [
        "years ago I had cellulitis and now my cheek feels the same",
        "when I was a teenager I got impetigo, the crusts look the same now",
        "I had a cold sore last year and now it's back",
        "last summer my lips swelled up after a facial and now they're doing it again",
        "I had a fever last month and I've got one again",
        "back in uni I had shingles on my face and this feels exactly like that",
        "I had a reaction with a rash in the past, my face is blotchy and itchy again",
    ],
)
def test_a_sign_from_the_past_told_as_back_now_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text, 5).alert


@pytest.mark.parametrize(
    "text",
    [
        "years ago I had cellulitis, now I am fine",
        "I had a cold sore last year. Will I have it again after the treatment?",
        "I had a fever last month, now I am fine. can I have it done again?",
        "years ago I had a cold sore, is the aftercare the same?",
        "I had a cold sore last year, I'm back for my second session",
    ],
)
def test_a_past_sign_with_nothing_saying_it_is_back_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text, 5).alert
