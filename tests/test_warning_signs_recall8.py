"""Warning signs told in words round 8's misses had no phrase for: drops and beads of what
comes out, damp under a crust, a smell called an aroma, a score "of 10", pain told by a
wince, worse told as how much more it covers or as then and now across a comma, "hot,
firm" listed with commas, a cold sore to someone who often gets them, a reaction to a
product put on first, the tongue in the way, "visual disturbance", and words typed in a
hurry. Each sign in three phrasings with no clinical word; long stories with the sign
last; and the same words for what is no sign, which must stay quiet."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker

THREE_PHRASINGS = {
    "discharge": [
        "little yellow beads keep forming on the dots on my nose and they're sticky",
        "the scabs look like brown sugar and underneath it's damp",
        "my chin is all shiny wet on the dots and won't dry out",
    ],
    "bad-smell": [
        "my cheeks have a sickly aroma, like fruit left in the sun",
        "there's a yeasty scent off my forehead that wasn't there before",
        "my jaw smells like a damp towel thats been left in a bag",
    ],
    "fever-unwell": [
        "I'm boiling then freezing and my whole body feels heavy",
        "feel like i've been hit by a bus, shivering under the duvet",
        "my teeth keep chattering and I'm sweating at the same time",
    ],
    "severe-pain": [
        "I'd put it at 9 of 10 today and it was a 3 yesterday",
        "the soreness makes me wince every time I blink",
        "two ibuprofen an hour ago and it's like I had nothing",
    ],
    "worsening-redness-swelling": [
        "the pink now covers twice as much of my face as on day 2",
        "it was pink on day 2, it's angry red now on day 6",
        "my cheek sticks out more today than at the clinic",
    ],
    "red-lines": [
        "a thin red stripe runs from my jaw down towards my collarbone",
        "there's a line like a red pen mark going down my neck",
        "a pink streaky mark is heading from my cheek to my ear",
    ],
    "hot-hard": [
        "a spot on my jaw is hot, firm and sore when I press it",
        "there's a rubbery knot under my chin that feels warm",
        "feels like a pea under my cheek and it's warm to my hand",
    ],
    "blisters-cold-sores": [
        "I get cold sores every winter and one has started on my lip today",
        "tiny see-through bubbles have come up on the edge of my lip",
        "spots that aren't spots, more like little water balloons, by my nose",
    ],
    "allergic-reaction": [
        "I put on the new toner and my cheeks went lumpy and itchy",
        "i tried the sheet mask and my eyelids puffed up and itch",
        "since I used the hydrating gel my neck is all bumpy and itching",
    ],
    "breathing-swallowing": [
        "my tongue feels like it's in the way when I talk",
        "it takes effort to get my food down and my throat feels thick",
        "my voice has gone husky and swallowing feels odd",
    ],
    "open-bleeding-after-week": [
        "day 10 and one patch still bleeds when I wash it",
        "it's been two weeks and a bit on my chin is still raw and wet",
        "day 8 and the skin by my nose keeps splitting open",
    ],
    "eye-vision": [
        "things look smeary out of my left eye since this morning",
        "the letters are swimming when I read and my eye feels gritty",
        "I have a visual disturbance in one eye since the session",
    ],
    "blood-supply": [
        "a patch by my nose has gone a dusky bluish colour",
        "one bit of my cheek went white and stays white when I press it",
        "there's a purple lacy pattern on my cheek and it's cold",
    ],
}


@pytest.mark.parametrize(
    ("sign", "text"), [(sign, text) for sign, texts in THREE_PHRASINGS.items() for text in texts]
)
def test_each_sign_alerts_in_three_more_phrasings_with_no_clinical_word(
    checker: SignChecker, sign: str, text: str
) -> None:
    found = checker.check(text)
    assert found.alert
    assert found.sign == sign


def test_every_sign_of_the_knowledge_has_three_more_phrasings(checker: SignChecker) -> None:
    assert {sign.id for sign in checker.knowledge.signs} == set(THREE_PHRASINGS)


STORY = (
    "Hello, sorry this is long. I had the treatment on Monday with the lovely nurse and I "
    "have followed the sheet to the letter: the gentle cleanser morning and night, the balm, "
    "no makeup, no gym, a clean pillowcase every night and a big hat whenever I went out. "
    "Tuesday I was pink and tight like a sunburn, Wednesday a little less, and on Thursday I "
    "went back to work and nobody noticed a thing. My daughter came round on Friday with the "
    "grandchildren and we had a quiet day in the garden in the shade. I have been drinking "
    "plenty of water and I have not touched my face once, which was hard, as it itched a bit "
    "on the second day. I stopped my usual retinol like you said and I will wait to start it "
    "again until you tell me. I also wanted to say how helpful the girl on reception was with "
    "my parking ticket, and to ask whether I can book my second session for next month, as "
    "we are away for a fortnight after that. Anyway, the reason I am writing is this. "
)


@pytest.mark.parametrize(
    ("sign", "last"),
    [
        ("discharge", "This morning little yellow drops come out of the dots on my cheek."),
        ("fever-unwell", "Since last night I have been shivering and hot and I ache all over."),
        ("worsening-redness-swelling", "Today the pink covers twice as much as on Tuesday."),
    ],
)
def test_a_sign_told_after_a_long_calm_story_alerts(
    checker: SignChecker, sign: str, last: str
) -> None:
    text = STORY + last
    assert len(text) > 1000
    found = checker.check(text)
    assert found.alert
    assert found.sign == sign


@pytest.mark.parametrize(
    "text",
    [
        "the nurse said the puffiness would settle by day 3 but on day 6 it's puffier",
        "it was pink on day 2, now it's on my neck too",
        "my cheeks were less red at the clinic than they are now",
        "at first it was only my chin, now my whole jaw is red",
    ],
)
def test_worse_told_against_the_clinic_or_an_earlier_day_alerts(
    checker: SignChecker, text: str
) -> None:
    found = checker.check(text)
    assert found.alert
    assert found.sign == "worsening-redness-swelling"


SAME_WORDS_NO_SIGN = [
    "my cheeks are less red today than yesterday, can I go for a run",
    "it was only a bit pink at first, now it's all fine, can I exfoliate",
    "used the SPF they sold me, no reaction at all, can I put makeup over it",
    "my sister tried a sheet mask and her face swelled up, should I avoid sheet masks",
    "compared to yesterday the pink has faded loads, can I wear makeup tomorrow",
    "the serum you sold me smells lovely, can I use it twice a day",
    "my gym bag smells like old socks, can i go to the gym on day 3",
    "my voice is fine and swallowing is fine, my cheeks are just tight",
    "it looks way better than on day 1, so happy",
]


@pytest.mark.parametrize("text", SAME_WORDS_NO_SIGN)
def test_the_same_words_for_no_sign_do_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert
