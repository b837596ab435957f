"""The warning-sign check, read as the patient writes: lowercase, typos, slang, emoji.

A patient (or someone speaking for a patient) who describes a warning sign now must alert
staff; a general question about warning signs names the sign but raises no alert; ordinary
healing does neither. Missing a warning sign is the worst bug this product can have.
"""

from __future__ import annotations

import pytest

from bot.core.red_flags import check_red_flags

DESCRIBED_SIGNS: dict[str, list[str]] = {
    "discharge": [
        "theres pus on my chin",
        "yellow stuff oozing out of my cheek rn",
        "my face is weeping some clear fluid??",
        "honey coloured crusts all over my forehead 😩",
        "got crusty yellow scabs round my nose",
        "green gunk coming out of a spot on my jaw",
        "somethin wet n sticky keeps leaking from my cheek",
        "my skin is oozing day 3",
        "wiped my face and theres like goo on the tissue",
        "honey colored crust on my chin, is that ok",
    ],
    "bad smell": [
        "my face smells weird",
        "theres a funky smell coming from my cheek",
        "it stinks 🤢 like actually stinks",
        "smells kinda rotten near my jaw",
        "bad odour from where they did the needling",
        "my skin smells off since yesterday",
        "nasty smell coming off the scab on my chin",
        "face smells like somethin gone off lol not joking",
    ],
    "fever, chills or feeling unwell": [
        "i have a fever",
        "temp is 38.5",
        "feeling hot and cold and shivery",
        "got the chills 2nite",
        "i feel really sick and achy since yesterday",
        "running a temp rn",
        "feel awful like i have flu",
        "38.9 this morning 🤒",
        "feel feverish and wiped out day 2",
        "been shivering all night cant get warm",
    ],
    "severe, rising or unrelieved pain": [
        "pain is like 8/10",
        "the pain is getting worse every day",
        "ibuprofen isnt helping at all",
        "it hurts so bad i cant sleep",
        "took 2 paracetamol and it still kills",
        "throbbing pain and its worse than yesterday",
        "pain 7 out of 10 rn",
        "my face hurts like hell 😭",
        "the pain is unbearable",
        "painkillers do nothing, cheek is agony",
    ],
    "redness or swelling spreading or worsening after day 2-3": [
        "day 4 and the redness is spreading to my neck",
        "its day 5 and my face is redder than yesterday",
        "swelling got worse on day 3",
        "day 6 and the red patch is getting bigger",
        "4 days out and the swelling keeps getting worse",
        "day 3 n the red is spreading past where they did it",
        "red area grew overnight, im on day 5",
        "redness moving down my neck",
        "was fine day 2 but now day 4 my cheek is way more swollen",
        "5 days since and its more red not less??",
    ],
    "red lines": [
        "theres a red line going down my neck",
        "red streaks coming from my cheek",
        "red streak running towards my ear",
        "i can see red lines spreading from the spot",
        "thin red lines moving down to my jaw",
        "red stripe going down my neck from the treated bit",
        "streaky red marks spreading out from my chin",
        "got these red lines creeping down from my cheek 😳",
    ],
    "hot and hard skin": [
        "my cheek is hot and hard",
        "skin feels hot n firm to touch",
        "theres a hard hot lump on my jaw",
        "chin is rock hard and warm",
        "area is hot to the touch and really hard",
        "hot hard swollen spot near my nose",
        "it feels hard like a knot and its boiling hot",
        "side of my face gone all hard and its hot",
    ],
    "blisters or cold sores": [
        "got blisters on my cheek",
        "got a cold sore on my lip 2day",
        "little blisters popped up by my mouth",
        "fever blister came out this morning",
        "tiny water bubbles on my skin",
        "blistery patch next to my nose",
        "herpes flare up on my lip since the treatment",
        "coldsore starting i can feel the tingle and theres a bump",
    ],
    "hives, welts or swelling of lips, eyes or throat": [
        "im covered in hives",
        "big itchy welts on my neck",
        "my lips r puffed up like crazy",
        "cant open my eye its so swollen",
        "my throat feels swollen",
        "eyes swollen shut this morning",
        "my mouth is swelling up",
        "lip swelled up after the numbing cream",
        "raised itchy blotches all over my face n neck",
    ],
    "trouble breathing or swallowing": [
        "cant breathe properly",
        "its hard to swallow",
        "chest feels tight and im wheezing",
        "struggling to catch my breath",
        "throat is closing up",
        "hurts to swallow and my throat feels tight",
        "short of breath since i put the serum on",
        "having trouble breathing rn",
    ],
    "skin still open or bleeding after a week": [
        "day 8 and still bleeding",
        "its been 10 days and theres still open patches",
        "2 weeks later my cheek is still raw and bleeds when i wash",
        "day 9 still got open bits on my chin",
        "over a week and it wont stop bleeding",
        "day 11 and the skin still hasnt closed",
        "its been 12 days n theres still a bleeding spot on my forehead",
        "week and a half and my chin is still open",
    ],
}

SIGNS_WITH_ANOTHER_TOPIC = [
    "put my foundation on and now theres blisters",
    "can i wear makeup if theres yellow crust on my chin",
    "went to the gym and now my cheek is hot and hard",
    "used my vit c serum and my lips swelled up",
    "can i shower? i have a fever",
    "had a sauna yday and now theres pus",
    "is it ok to put moisturiser on the oozing bits",
    "started my retinol again and now my face smells bad",
    "when can i book my next session, face still bleeding on day 10",
    "is a glass of wine ok tonight? feeling shivery and rubbish",
    "can i put sunscreen on, day 4 and the redness is spreading",
]

SIGNS_SPOKEN_FOR_SOMEONE_ELSE = [
    "my daughter's face is oozing",
    "my wife has a fever after her microneedling",
    "my son says it hurts 9/10",
    "my mums lips are all swollen",
    "my gf has blisters on her cheek",
    "my husband cant breathe properly",
    "my sisters skin smells bad",
    "my friend has red lines going down her neck",
    "my partners cheek is hot and hard",
    "asking for my mom: day 5 and her redness is spreading",
]

GENERAL_QUESTIONS = [
    "what does an infection look like?",
    "what if i get a fever?",
    "how do i know if its infected",
    "wat r the signs of infection",
    "how wud i know if its infected lol",
    "what if i get a temp tmrw?",
    "should i worry if i see pus?",
    "what should i do if i get blisters",
    "can microneedling cause cold sores",
    "what if my face starts oozing",
    "what if the redness spreads",
    "what if my lips swell up",
    "what does an allergic reaction look like",
    "signs of a bad reaction?",
    "what if i cant breathe after it",
    "what if painkillers dont work",
    "should i worry about red lines",
    "what if it starts to smell",
    "can you get hives from the serums",
    "what if i get chills",
    "what if it goes hot and hard",
    "what happens if it gets infected",
    "what if the pain gets worse instead of better",
    "what if its still bleeding after a week?",
    "is it bad if u get a cold sore after microneedling?",
]

QUESTIONS_ABOUT_WARNING_SIGNS_IN_GENERAL = [
    "what are the warning signs",
    "how much pain is too much",
    "how long is too long for bleeding",
    "when should i call the clinic urgently",
]

NORMAL_HEALING = [
    "bit red on day 1",
    "skin feels tight",
    "itchy day 3",
    "tiny pinpoint bleeding right after the treatment",
    "face looks sunburnt 2day",
    "day 2 still a bit pink",
    "skin is flaking day 4",
    "feels dry n rough like sandpaper",
    "little bit swollen this morning, day 1",
    "stings a bit when i put moisturiser on",
    "feels warm like a sunburn, day 0",
    "redness is fading day 3 🙂",
    "swelling going down nicely",
    "some peeling on my chin",
    "few tiny dots of blood right after",
    "pink like a mild sunburn",
    "tender when i touch it day 1",
    "a bit sore tonight",
    "skin feels tight and dry day 2",
    "mild bruising on my forehead",
    "face is less red than yesterday",
    "itchy n flaky day 5 is that ok",
    "still a bit red on day 2 but less than yesterday",
    "some dryness round my mouth",
    "took one paracetamol and the soreness is gone",
    "dry patches on my forehead day 4",
    "redness almost gone day 4 yay",
    "swelling went down overnight",
    "got a little pimple on my forehead",
    "no fever or anything, just a bit pink",
    "tingles a little after i wash it",
]

ALERTING = [
    *((sign, text) for sign, texts in DESCRIBED_SIGNS.items() for text in texts),
    *(("with another topic", text) for text in SIGNS_WITH_ANOTHER_TOPIC),
    *(("spoken for someone else", text) for text in SIGNS_SPOKEN_FOR_SOMEONE_ELSE),
]

EVERY_MESSAGE = [
    *(text for _, text in ALERTING),
    *GENERAL_QUESTIONS,
    *QUESTIONS_ABOUT_WARNING_SIGNS_IN_GENERAL,
    *NORMAL_HEALING,
]


@pytest.mark.parametrize(("sign", "text"), ALERTING)
def test_a_described_warning_sign_alerts_staff(sign: str, text: str) -> None:
    assert check_red_flags(text).alert, f"{sign} was missed"


@pytest.mark.parametrize("text", GENERAL_QUESTIONS)
def test_a_general_question_about_warning_signs_names_a_sign(text: str) -> None:
    assert check_red_flags(text).sign is not None


@pytest.mark.parametrize("text", GENERAL_QUESTIONS + QUESTIONS_ABOUT_WARNING_SIGNS_IN_GENERAL)
def test_a_general_question_about_warning_signs_does_not_alert(text: str) -> None:
    assert not check_red_flags(text).alert


@pytest.mark.parametrize("text", NORMAL_HEALING)
def test_normal_healing_does_not_alert(text: str) -> None:
    assert not check_red_flags(text).alert


@pytest.mark.parametrize("text", EVERY_MESSAGE)
def test_every_alert_names_a_sign(text: str) -> None:
    check = check_red_flags(text)
    assert not check.alert or check.sign is not None


@pytest.mark.parametrize(
    "message",
    [
        "on a scale of one to ten the soreness is about a nine",
        "the pain keeps getting stronger every day",
        "the redness is creeping down towards my collarbone, day 5",
        "her cheek is puffier today than it was on day 1",
        "little fluid-filled spots along my lip line",
    ],
)
def test_signs_described_in_words_or_comparisons_alert(message: str) -> None:
    assert check_red_flags(message).alert


@pytest.mark.parametrize(
    "message",
    [
        "can i get my flu jab this week",
        "ice pack on my cheeks ok? 🥶",
        "is yellow crust bad? nothing like that yet, just want to know what to watch for",
    ],
)
def test_look_alikes_of_signs_do_not_alert(message: str) -> None:
    assert not check_red_flags(message).alert
