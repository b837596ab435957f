"""Round 10, warning signs: reports that words around them hid (a count of days read as
day one, painkillers that "haven't touched" the pain, a size told by a fingertip, a meal
told as a time, an idiom that stopped the classifier reading the rest); reports in words
no phrase named before (a breath that whistles, "can not" in two words, pain that goes
up and up or stings even after painkillers, puffy and itchy after a product); and
look-alikes set aside by their context: a list of what might go wrong, how one would
notice, a fear of what might come, a low score out of ten, skin too tight to smile in
the first days, the clinic's serum still on the skin, a story that ended with "it's
gone". Each look-alike sits next to a report in like words that must still alert."""

from __future__ import annotations

import pytest

from bot.core.sign_days import day_in_text
from bot.core.signs import SignChecker
from bot.core.tokens import tokens


def alerts(checker: SignChecker, text: str, day: int | None = None) -> bool:
    return checker.check(text, day).alert


def test_a_count_of_days_followed_by_one_names_no_day_one() -> None:
    assert day_in_text(tokens("after 12 days one spot on my chin is still open")) is None
    assert day_in_text(tokens("day one and my cheeks are pink")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "after 12 days one spot on my chin is still like an open sore, not healing",
        "had two nurofen an hour ago and it hasn't touched the ache in my cheek",
        "over a week now and a spot the size of my thumbnail hasn't skinned over",
        "sick of waiting at home. since lunch my eyelids have puffed up so I can only just see",
        "I'm sick of this rain. the spots on my cheek have white tops and keep filling up again",
        "dying to go out tonight but the new cream is making my cheeks swell up",
        "I'm sick of this weather. There are lines, pink, running from my jaw down my neck",
    ],
)
def test_a_report_hidden_by_the_words_around_it_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("should something go wrong in the night like a high temperature, what do I do", None),
        ("how would I notice my skin isn't healing right", None),
        ("should I be scared of my skin going grey like in that video?", None),
        ("day 2 and my skin is so tight I can't smile properly", 2),
        ("face is dry and tight, I can't smile", 2),
        ("the serum from the clinic is still sitting sticky on my skin", 0),
        ("I had a temperature on Monday, turned out a cold and it's gone. ok to exercise?", None),
        ("it barely hurts, I'd say pain is 1/10, is that ok?", 1),
    ],
)
def test_a_sign_asked_about_normal_on_the_day_or_over_does_not_alert(
    checker: SignChecker, text: str, day: int | None
) -> None:
    assert not alerts(checker, text, day)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("something has gone wrong, I have a fever and pus on my chin", None),
        ("my skin is going grey by my nose and feels cold", None),
        ("day 2 and my skin is so tight I can't smile and it's getting worse every hour", 2),
        ("the serum from the clinic is still sticky on my skin, now it's yellow and oozing", 0),
        ("I had a temperature on Monday and it's gone up again to 38.6 tonight", None),
        ("my cheek was oozing yesterday and it's gone yellow and crusty", 3),
        ("pain was 2 out of 10 this morning but now it's 8/10 and throbbing", 2),
    ],
)
def test_the_same_words_told_as_a_report_still_alert(
    checker: SignChecker, text: str, day: int | None
) -> None:
    assert alerts(checker, text, day)


@pytest.mark.parametrize(
    "text",
    [
        "it's whistly when I breathe out tonight",
        "tonight I can not breathe well",
        "it stings even after two nurofen",
        "the burning is going up and up tonight",
        "my forehead went puffy and itchy after the new serum",
        "I put the new retinol serum on last night and this morning my whole face is swollen",
        "the redness goes all the way to my ears today",
        "so much pain tonight",
    ],
)
def test_a_report_in_words_no_phrase_named_before_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("my face is a bit puffy after the clinic's serum, is that ok?", 1),
        ("the pain went down after two paracetamol", None),
        ("I can not wait to see the results, can I wear a sheet mask?", None),
        ("my face is so tender I can't wait to get back to normal", 2),
        ("not so much pain now, just tight", 3),
    ],
)
def test_look_alikes_of_the_new_phrases_do_not_alert(
    checker: SignChecker, text: str, day: int | None
) -> None:
    assert not alerts(checker, text, day)


@pytest.mark.parametrize(
    ("text", "day", "alert"),
    [
        ("my cheeks look a bit pinker than when I left the clinic, normal?", 1, False),
        ("my cheeks are pinker than when I left the clinic and it's spreading to my ears", 1, True),
        ("under my eyes is still a little puffy, is that ok?", 3, False),
        ("under my eyes is still a little puffy and now my vision is blurry", 3, True),
    ],
)
def test_healing_the_knowledge_calls_normal_on_the_day_does_not_alert_unless_it_grows(
    checker: SignChecker, text: str, day: int, alert: bool
) -> None:
    assert alerts(checker, text, day) is alert
