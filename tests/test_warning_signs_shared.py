"""A patient who says they have what someone else had ("mine is worse", "me too", "I've
got one too") reports it: someone else's sign told before it is the patient's as well.
The calm words set against it ("mine is fine", "mine didn't") still keep it the other's."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker
from bot.core.tokens import Line, tokens


def alerts(checker: SignChecker, text: str, day: int | None = None) -> bool:
    return checker.check(text, day).alert


@pytest.mark.parametrize(
    "text",
    [
        "my cousin got pus in the spots after her session, mine is worse",
        "my sister in law had oozing yellow crusts after hers and mine looks the same today",
        "my flatmate had pus after hers, mine is similar",
        "a girl at work had a fever after hers, i have one too",
        "my mate ran a temperature after his. I've got it too",
        "the girl at the salon had pus in the dots after hers, me too",
        "my coworker had yellow pus after her treatment and mine too",
        "my friend got a fever after her microneedling. Same here",
        "my friend got a fever after her microneedling, same with me",
        "my colleague had pus coming out after hers, so do i",
        "my friend had pus after her session and I've got the same",
        "my neighbour had oozing crusts after hers, i have the same now",
        "my friend had a fever after hers and it happened to me too",
    ],
)
def test_saying_you_share_someone_elses_sign_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text, 4)


@pytest.mark.parametrize(
    "text",
    [
        "my friend had pus after hers, mine is fine",
        "my cousin had pus, mine is totally fine",
        "hers got infected, mine didn't",
        "my friend had a fever after her session, I didn't have any",
    ],
)
def test_setting_your_own_calm_skin_against_someone_elses_sign_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text, 4)


def test_the_same_clinic_is_not_the_same_sign(checker: SignChecker) -> None:
    assert not alerts(checker, "my friend had pus after hers and I have the same clinic", 4)


@pytest.mark.parametrize(
    "text",
    ["", "same here", "my friend had pus.\n\nMe too 😭 café, 8/10", "a long story, " * 300],
)
def test_a_line_ended_with_a_full_stop_is_the_line_built_from_its_tokens_and_one(
    text: str,
) -> None:
    found = tokens(text)
    got, built = Line.of(found).ended(), Line.of([*found, "."])
    assert (got.tokens, got.text, got.offsets, got.token_at, got.distinct) == (
        built.tokens,
        built.text,
        built.offsets,
        built.token_at,
        built.distinct,
    )
