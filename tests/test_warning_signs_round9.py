"""Look-alikes of round 9 by cause, each next to a report in the same words that must still
alert: feelings and doing well told with a sign's word, a story that ended within the time
it names, the treatment day as the thing compared with, a day in chat shorthand, a thing
named before a relative clause, the face named with another body part; and reports in
words no phrase named before (a stench, a smell like drains, bleeding spots still coming,
a red string, coming down with something)."""

from __future__ import annotations

import pytest

from bot.core.sign_days import day_in_text
from bot.core.signs import SignChecker
from bot.core.tokens import tokens


def alerts(checker: SignChecker, text: str, day: int | None = None) -> bool:
    return checker.check(text, day).alert


@pytest.mark.parametrize(
    "text",
    [
        "i was breathless from laughing at my pink face, day 1",
        "winded from laughing at the photos you sent",
        "in a cold sweat about the wedding photos, will the redness be gone",
        "cold sweat over what the bill will be lol",
        "i'm on fire with this skincare routine, can I add retinol",
        "on fire at the gym this week, can I go back tomorrow",
        "day 1, achy like a mild sunburn, normal?",
        "skin feels achy like a sunburn this morning",
    ],
)
def test_a_feeling_or_doing_well_told_with_a_signs_word_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "breathless from the swelling in my throat",
        "I'm breathless and my lips are swelling up",
        "woke in a cold sweat about an hour ago, shivering",
        "my face is on fire with pain, day 3",
        "my face is on fire, the painkillers aren't helping",
        "achy like I have the flu, day 4, shivery",
        "achy all over and shivery, day 4",
    ],
)
def test_the_same_words_told_of_the_body_alert(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "The red lines I had were from the mask they put on, and they faded in an hour. Can I run?",
        "I had some clear fluid seeping right after the treatment, it stopped by bedtime. "
        "Can I book again?",
        "Day 0 the pain was 7/10, resolved by evening. Expected?",
        "I had a fever with the flu two weeks ago. I am well now. Is Friday still ok?",
        "Day 0 pain was 6/10 during treatment. Is that expected?",
    ],
)
def test_a_story_that_ended_within_the_time_it_names_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "I had red lines going down my neck this morning, they faded in an hour but now "
        "they're back",
        "clear fluid seeping from my cheek since yesterday and it hasnt stopped, day 8",
        "my pain was 8/10 this morning and it's getting worse",
        "I had a fever with the flu two weeks ago and now I have a fever again, day 3",
        "the swelling went down by lunchtime and came back worse tonight, day 4",
    ],
)
def test_a_story_that_goes_on_now_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


def test_pain_told_against_the_treatment_day_is_pain_now(checker: SignChecker) -> None:
    text = "no hard bits, but it hurts way more today than the day of the treatment"
    assert alerts(checker, text)


def test_pain_told_on_the_treatment_day_is_the_past(checker: SignChecker) -> None:
    assert not alerts(checker, "the pain was awful the day of the treatment, fine now")


def test_colour_coming_back_when_pressed_is_no_time_long_gone(checker: SignChecker) -> None:
    text = "a patch on my chin went grey and there's no colour coming back when i press it"
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "back when I was a teenager my chin went grey from frostbite",
        "back when we lived in Scotland my lips went blue every winter",
    ],
)
def test_back_when_someone_was_younger_is_a_time_long_gone(checker: SignChecker, text: str) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "my wife had microneedling a few hours ago, she asked me to message. I have welts "
        "coming up on her face and arms",
        "messaging for my daughter, she had her treatment yesterday and there are hives on "
        "her cheeks and neck and arms",
    ],
)
def test_a_sign_on_the_face_of_someone_the_patient_writes_for_alerts_with_other_parts(
    checker: SignChecker, text: str
) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "my friend has welts on her arms and legs from the gym mat",
        "my husband has hives on his back and legs after gardening",
    ],
)
def test_a_sign_on_another_persons_body_alone_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(("text", "day"), [("d1", 1), ("sorry, me again d 4", 4)])
def test_a_day_in_chat_shorthand_is_the_day_since_treatment(text: str, day: int) -> None:
    assert day_in_text(tokens(text)) == day


def test_vitamin_d_is_no_day() -> None:
    assert day_in_text(tokens("can I take vitamin d 1000 daily")) is None


def test_the_evening_of_the_treatment_is_day_0() -> None:
    assert day_in_text(tokens("a bit hot on the evening of the treatment")) == 0


@pytest.mark.parametrize(
    "text",
    [
        "sorry, me again, a little swollen around my eyes this morning d1, fine?",
        "d2, looking slightly swollen under the eyes on waking. standard?",
        "Just a bit hot to touch on the evening of the treatment. When can I book the next one?",
    ],
)
def test_healing_on_a_day_told_in_shorthand_or_by_the_evening_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "d9 and my eyes are swollen and it's spreading to my cheeks",
        "swollen around my eyes this morning, d10, and getting puffier",
        "hot to touch and hard, like a marble under the skin, on the evening of the treatment",
    ],
)
def test_a_sign_on_a_day_told_in_shorthand_or_by_the_evening_alerts(
    checker: SignChecker, text: str
) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "the scrunchie I wore smells funky, can I wash my face yet?",
        "the yoga mat I borrowed stinks, can I exercise on day 3?",
    ],
)
def test_a_thing_named_before_a_relative_clause_owns_the_sign(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "the bit they needled smells weird, day 6",
        "the area I picked is oozing, day 5",
        "the spot I popped yesterday smells off, day 4",
    ],
)
def test_the_skin_named_before_a_relative_clause_keeps_the_sign(
    checker: SignChecker, text: str
) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "Today a sour stench from the sore on my jaw, day 8",
        "bit embarrassing but my face honks, like bins on a hot day",
        "my chin smells like drains, day 6",
        "tiny bleeding spots are still coming up, 16 days post",
        "blood spots keep appearing on my cheek, day 12",
        "day 13, feel like i'm coming down with something, aches, hot forehead",
        "like a red string under my skin heading down my neck, day 12",
    ],
)
def test_a_sign_in_words_no_phrase_named_before_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "there's a stench from the bins outside my flat",
        "the kitchen smells like drains, what a day. can I wear makeup?",
        "tiny bleeding spots still coming up on my forehead, day 1",
        "my son is coming down with something, can I still hug him?",
        "I tied a red string round my wrist for luck, can I wear it tomorrow?",
    ],
)
def test_the_same_new_words_of_a_thing_a_day_or_someone_else_do_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "looked it up and active acne means oozing or crusting, mine isn't any of those, day 5",
        "the list says pus, fever or red streaks, mine are none of those, day 4",
    ],
)
def test_signs_read_somewhere_and_denied_after_the_list_do_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "looked it up and infection means oozing or heat, mine is both of those, day 6",
        "I don't have any of those but my lip has blisters, day 4",
        "mine isn't any of those, but there's pus on my chin now, day 5",
    ],
)
def test_a_sign_told_after_a_denial_of_the_list_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "feeling a bit blue today, can I go for a walk in the sun",
        "I felt a bit blue after seeing the photos",
        "this weather makes my blood boil, can i go outside",
        "my cheeks hurt from smiling so much at the results",
        "the fish I cooked last night stinks out the whole flat, can I use my LED mask today?",
    ],
)
def test_a_mood_a_smile_or_a_smell_filling_a_place_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "my lips feel a bit blue and tingly, day 2",
        "my lips are feeling numb and look a bit blue",
        "there's a boil on my chin full of pus",
        "my cheek hurts from smiling, it's hard and hot, day 6",
        "my face stinks, it fills the whole room, day 7",
    ],
)
def test_the_same_words_told_of_the_skin_alert(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


def test_a_sign_that_turned_out_to_be_the_balm_does_not_alert(checker: SignChecker) -> None:
    assert not alerts(checker, "I thought it was oozing but it was just the balm, all fine")


@pytest.mark.parametrize(
    "text",
    [
        "my cheek is oozing and I thought it was just the balm but it smells, day 5",
        "there's yellow crust on my chin, I thought it was just the serum drying but it's "
        "still there, day 6",
    ],
)
def test_a_sign_still_there_after_blaming_the_balm_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    ["20 days ago", "13 days ago", "my treatment was 17 days ago", "had it done 19 days ago"],
)
def test_a_treatment_date_typed_alone_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not alerts(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "20 days ago and my cheek is oozing yellow",
        "12 days ago, now there's a hard hot lump on my jaw",
    ],
)
def test_a_treatment_date_with_a_sign_alerts(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text)
