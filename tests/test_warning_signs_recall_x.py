"""Reports in words the phrases missed: swallowing or breathing told as work or out of
breath at rest, a fever that comes over the patient ("come over all feverish", not a
visit), a cold sore told as an outbreak round the mouth, and a sign asked about that the
patient then says they have ("is it normal for the skin to smell? mine does since
yesterday")."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


@pytest.mark.parametrize(
    "text",
    [
        "it's an effort to swallow water",
        "swallowing is a battle, even my own spit",
        "getting winded just sitting on the sofa",
        "breathing takes effort since this morning",
        "I've come over all shivery and hot",
        "never had cold sores before but now I have a big outbreak round my mouth",
        "is it normal for the skin to smell after needling? mine does since yesterday",
        "can microneedling cause a fever? I've had one since last night",
        "is it normal to get cold sores after this? I have one already",
    ],
)
def test_a_report_in_these_words_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text, 2).alert


@pytest.mark.parametrize(
    "text",
    [
        "my friend has a fever, can she come over?",
        "my mate is going to come over tonight, he has the flu",
        "is pus normal? mine is fine",
        "if I get a fever, will mine be worse?",
        "I made the effort to breathe deeply and relax during the session, it helped",
    ],
)
def test_the_look_alikes_of_those_words_do_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text, 2).alert
