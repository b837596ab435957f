"""Warning signs told the way patients write them, with no clinical word: what comes out
told by its look, a smell called a scent or named in Tagalog, pain told by its beat or
rising by the hour, worse told as better before, deep red after a comma, a red line typed
in a hurry, a comparison with a thing, see-through bumps, a reaction one "comes up in",
air that is not enough, words that swim, lights with a glow, sight dim out of one eye,
and a lump asked about that is the patient's own. Each shape sits next to look-alikes in
the same words that must stay quiet: a scent of a thing, better than expected, a cracked
screen, a question about signs in general."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker

NEW_PHRASINGS = [
    ("discharge", "the dots have turned into little yellow pimples all over where they needled"),
    ("bad-smell", "po my face has bad amoy like panis food"),
    ("severe-pain", "the ache behind my cheekbone has a heartbeat"),
    (
        "worsening-redness-swelling",
        "It is now day five and the pink area has crept out beyond where the treatment was",
    ),
    ("worsening-redness-swelling", "my face looked better on day 2 than it does now on day 5"),
    (
        "worsening-redness-swelling",
        "when I left the clinic I was pink, now day 4 I'm scarlet from ear to chin",
    ),
    ("red-lines", "a red lin is goin from my cheak down to my nek"),
    (
        "hot-hard",
        "I touched my wife's cheek and it was hot like a radiator and hard as a rock in one spot",
    ),
    (
        "blisters-cold-sores",
        "on day 1 my lip just felt tight, now there's a row of little see-through bumps",
    ),
    (
        "allergic-reaction",
        "before the serum my face was just pink, now I look like I've been stung by bees",
    ),
    (
        "allergic-reaction",
        "the new moisturiser made my face come up in bumps and it's itchy as anything",
    ),
    ("breathing-swallowing", "I keep having to take big breaths, can't seem to get enough air"),
    ("eye-vision", "yesterday I could read my phone fine, today the words are swimming"),
    ("eye-vision", "lights have a glow around them now"),
    ("eye-vision", "everything is a bit dim out of one eye"),
    ("severe-pain", "it burns more every hour, nothing cools it"),
    ("allergic-reaction", "my skin went bumpy like orange peel and itches after the cream"),
    ("hot-hard", "should I worry about a hard warm lump on my jaw? it appeared yesterday"),
]


@pytest.mark.parametrize(("sign", "text"), NEW_PHRASINGS)
def test_each_sign_alerts_in_a_new_phrasing_with_no_clinical_word(
    checker: SignChecker, sign: str, text: str
) -> None:
    found = checker.check(text)
    assert found.alert
    assert found.sign == sign


SAME_WORDS_NO_SIGN = [
    "the candle my sister gave me has a horrible scent",
    "this serum has a lovely scent, can I use it from day 3?",
    "my face was better than I expected today, day 3",
    "the words on my laptop screen are swimming because it's cracked",
    "I'm scarlet with embarrassment now, my boss saw my face",
    "what if one of the dots bursts with thick cloudy stuff, do I call you?",
    "when should I worry about swelling?",
    "should I worry about the redness on my cheeks on day 1?",
]


@pytest.mark.parametrize("text", SAME_WORDS_NO_SIGN)
def test_the_same_words_about_a_thing_a_feeling_or_a_what_if_do_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert
