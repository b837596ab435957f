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


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (7, "I had a temperature on the second night but that passed days ago. can I exfoliate?"),
        (8, "there was a bit of yellow crust on day 2 but now it is just dry, day 8"),
        (10, "in the first week a few spots were bleeding but now all healed. when is session 2?"),
        (
            5,
            "the first 2 days were rough, I was swollen under the eyes and a spot wept on the "
            "pillow, but it all calmed down by day 3",
        ),
        (9, "on day 2 my lips were puffy but that was days ago"),
        (9, "a few spots oozed early on, that all dried up by day 4"),
    ],
)
def test_a_sign_on_an_earlier_day_told_as_over_does_not_alert(
    checker: SignChecker, day: int, text: str
) -> None:
    assert not checker.check(text, day).alert


@pytest.mark.parametrize(
    "text",
    [
        "there was pus on day 2 but now it is just getting worse",
        "it was oozing yesterday but now it's spreading",
        "there was a bit of yellow crust on day 2 but now it is just dry and the pus is back",
    ],
)
def test_a_sign_told_as_over_then_worse_or_back_still_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text, 5).alert


@pytest.mark.parametrize(
    "text",
    [
        "i had a cold sore in year 9 and got teased for it",
        "with my previous clinic my face oozed for days, that was 2019",
        "when I had it done at another place my lips swelled, this time all good",
        "a decade ago I had cellulitis on my cheek",
        "previously I had a bad reaction to a retinol, my face swelled, but that was before",
    ],
)
def test_a_sign_from_school_days_another_clinic_or_a_year_long_gone_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text, 3).alert


@pytest.mark.parametrize(
    "text",
    [
        "I went to another clinic for a second opinion because my cheek is oozing pus",
        "my cheek has been oozing since day 1, previously it was just red",
        "a decade ago I had cellulitis and now my cheek looks the same",
    ],
)
def test_a_sign_told_now_beside_another_clinic_or_the_past_still_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text, 3).alert
