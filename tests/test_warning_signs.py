"""The warning-sign check with the shipped knowledge, read as patients write.

A patient (or someone speaking for a patient) who describes a warning sign now must alert
staff; a general question about warning signs gets the warning-signs answer but raises no
alert; a sign that is denied, past, hypothetical, someone else's, on another body part or
a thing, another sense of the word, or healing the knowledge calls normal does neither.
Missing a warning sign is the worst bug this product can have.
"""

from __future__ import annotations

import pytest

from bot.core.matching import Matcher
from bot.core.sign_days import day_in_text
from bot.core.signs import SignCheck, SignChecker
from bot.core.tokens import tokens
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))


@pytest.fixture(scope="module")
def checker(matcher: Matcher) -> SignChecker:
    return matcher.signs


def check(checker: SignChecker, text: str, day: int | None = None) -> SignCheck:
    return checker.check(text, day)


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

SIGNS_IN_EVERYDAY_WORDS: dict[str, list[str]] = {
    "discharge": [
        "theres yellowy gunge coming out of the little holes on my cheek",
        "my pillow was stuck to my face this morning with something sticky",
        "clear stuff keeps running down my chin and it dries crunchy",
    ],
    "bad-smell": [
        "my cheek pongs like old cheese",
        "theres a nasty whiff from my chin when i lean close to the mirror",
        "my face stinks like bin juice honestly",
    ],
    "fever-unwell": [
        "im boiling hot then freezing cold, under three blankets",
        "feel properly rough, achy all over and shaking",
        "thermometer says 38.7",
    ],
    "severe-pain": [
        "its like an 8 out of ten and rising",
        "took nurofen twice and its done nothing, still pounding",
        "hurts so much i cant sleep, worse than yesterday",
    ],
    "worsening-redness-swelling": [
        "day 5 and the red bit has crept down onto my neck",
        "my cheek is puffier today than it was on day 1",
        "the pink patch is getting bigger every day, now day 4",
    ],
    "red-lines": [
        "theres a pink stripe running from my jaw down my neck",
        "a thin red trail is heading towards my ear",
        "red streaky marks going down from my chin",
    ],
    "hot-hard": [
        "theres a lump under my cheek like a marble and its warm",
        "my jaw has gone rock hard and feels hot",
        "hot hard bump near my nose that hurts to press",
    ],
    "blisters-cold-sores": [
        "tiny bubbles full of water came up by my lip",
        "my lip is tingling and a crop of little bumps appeared",
        "watery spots popped up on my chin overnight",
    ],
    "allergic-reaction": [
        "big itchy raised bumps all over my neck since the cream",
        "my lips have blown up like a balloon",
        "came up in lumps like nettle stings everywhere",
    ],
    "breathing-swallowing": [
        "feels like im breathing through a straw",
        "my throat feels tight and water wont go down",
        "i cant catch my breath since i put the mask on",
    ],
    "open-bleeding-after-week": [
        "day 10 and theres still a raw bit on my chin that bleeds when i wash",
        "two weeks on and one spot keeps splitting open",
        "its been 9 days and my forehead still has open bits",
    ],
    "eye-vision": [
        "everything looks foggy out of my left eye",
        "my eye wont stop streaming and it stings to blink",
        "i keep seeing sparkles and my eye aches",
    ],
    "blood-supply": [
        "a patch by my nose has gone a greyish blue colour",
        "theres a purple blotch that gets darker every day",
        "part of my cheek looks like a lacy net, white and purple",
    ],
}
"""Three descriptions of each sign without its clinical word, written for these tests."""

FALSE_ALARMS: dict[str, list[str]] = {
    "denied": [
        "no pus, no fever, just pink on day 2",
        "its not hot or swollen, just a bit tight",
        "i dont have a temperature, can i go to the gym tomorrow",
    ],
    "past": [
        "i had shingles years ago, is microneedling ok for me",
        "last time i had a cold sore after my facial, should i take something",
        "it was throbbing the first night but it settled by morning",
    ],
    "hypothetical or next session": [
        "what if my face starts oozing",
        "if the redness spreads should i call you",
        "can i get microneedling if i have a cold sore",
    ],
    "someone else's story": [
        "my friend had pus after her microneedling, is that common?",
        "a girl on tiktok had her face swell up, could that happen to me",
        "my sister's eye went blurry after botox, will mine?",
    ],
    "another body part or a thing": [
        "cut my finger cooking and it's bleeding, can I still touch my face?",
        "my dog's eye is weeping, can i use my eye drops on him",
        "my fridge smells rotten, is that why my serum went off",
    ],
    "another sense of the word": [
        "burning question: when can i wear makeup",
        "im dying to know when the results show",
        "this heat is killing me, can i go in the pool",
    ],
    "normal healing the knowledge calls normal": [
        "my eyes are puffy this morning is that ok, day 1",
        "a bit swollen when i woke up on day 2",
        "tiny pinpoint bleeding right after, day 0",
    ],
}
"""One group per false-alarm cause of the brief."""


@pytest.mark.parametrize(("sign", "text"), ALERTING)
def test_a_described_warning_sign_alerts_staff(checker: SignChecker, sign: str, text: str) -> None:
    assert check(checker, text).alert, f"{sign} was missed"


@pytest.mark.parametrize(
    ("sign", "text"),
    [(sign, text) for sign, texts in SIGNS_IN_EVERYDAY_WORDS.items() for text in texts],
)
def test_each_sign_alerts_in_everyday_words(checker: SignChecker, sign: str, text: str) -> None:
    found = check(checker, text)
    assert found.alert, f"{sign} was missed"
    assert found.sign == sign


def test_every_sign_of_the_knowledge_has_three_everyday_descriptions(
    checker: SignChecker,
) -> None:
    signs = {sign.id for sign in checker.knowledge.signs}
    assert signs == set(SIGNS_IN_EVERYDAY_WORDS)
    assert all(len(texts) >= 3 for texts in SIGNS_IN_EVERYDAY_WORDS.values())


@pytest.mark.parametrize(
    ("cause", "text"), [(cause, text) for cause, texts in FALSE_ALARMS.items() for text in texts]
)
def test_a_look_alike_does_not_alert(checker: SignChecker, cause: str, text: str) -> None:
    found = check(checker, text)
    assert not found.alert, f"{cause}: alerted on {found.triggers}"


@pytest.mark.parametrize("text", GENERAL_QUESTIONS + QUESTIONS_ABOUT_WARNING_SIGNS_IN_GENERAL)
def test_a_general_question_about_warning_signs_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not check(checker, text).alert


@pytest.mark.parametrize("text", GENERAL_QUESTIONS + QUESTIONS_ABOUT_WARNING_SIGNS_IN_GENERAL)
def test_a_general_question_about_warning_signs_gets_the_warning_signs_answer(
    matcher: Matcher, text: str
) -> None:
    match = matcher.match(text)
    assert (match.rule, match.red_flag) == ("warning-signs", False)


@pytest.mark.parametrize("text", NORMAL_HEALING)
def test_normal_healing_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not check(checker, text).alert


@pytest.mark.parametrize("text", EVERY_MESSAGE)
def test_every_alert_names_a_sign(checker: SignChecker, text: str) -> None:
    found = check(checker, text)
    assert not found.alert or found.sign is not None


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
def test_signs_described_in_words_or_comparisons_alert(checker: SignChecker, message: str) -> None:
    assert check(checker, message).alert


@pytest.mark.parametrize(
    "message",
    [
        "can i get my flu jab this week",
        "ice pack on my cheeks ok? 🥶",
        "is yellow crust bad? nothing like that yet, just want to know what to watch for",
    ],
)
def test_look_alikes_of_signs_do_not_alert(checker: SignChecker, message: str) -> None:
    assert not check(checker, message).alert


def test_a_sign_in_the_last_sentence_of_a_long_message_alerts(matcher: Matcher) -> None:
    story = "I had my treatment on Monday and the nurse was lovely, thank you all. " * 20
    message = story + "Anyway since last night there is yellow pus coming out of my chin."
    assert len(message) > 1000
    match = matcher.match(message)
    assert match.red_flag
    assert match.sign == "discharge"


def test_a_full_telegram_message_is_checked_to_its_last_character(checker: SignChecker) -> None:
    message = ("all fine here, " * 400)[:4070] + " pus on my chin"
    assert len(message) <= 4096
    assert check(checker, message).alert


def test_morning_puffiness_is_normal_on_day_1_but_alerts_on_day_5(checker: SignChecker) -> None:
    message = "my eyes are puffy this morning is that ok"
    assert not check(checker, message, day=1).alert
    assert check(checker, message, day=5).alert


def test_puffiness_the_knowledge_calls_normal_gets_the_redness_answer(matcher: Matcher) -> None:
    match = matcher.match("my eyes are puffy this morning is that ok", 1)
    assert not match.red_flag
    assert "puffiness" in matcher.knowledge.rule("redness-swelling").answer_for(1)


def test_bleeding_is_a_sign_only_after_the_first_week(checker: SignChecker) -> None:
    assert not check(checker, "still bleeding a little from one spot", day=2).alert
    assert check(checker, "still bleeding a little from one spot", day=9).alert


def test_an_alert_says_which_words_triggered_it(checker: SignChecker) -> None:
    found = check(checker, "theres yellow crust on my chin and it feels hot")
    assert found.sign == "discharge"
    assert any("yellow crust" in words for words in found.triggers)


def test_a_mention_ruled_out_says_by_what(checker: SignChecker) -> None:
    found = check(checker, "no pus at all, just pink")
    assert not found.alert
    assert found.ruled_out == ("discharge: 'pus' negated by 'no'",)


def test_the_classifier_alone_alerts_on_a_report_no_phrase_describes(
    checker: SignChecker,
) -> None:
    found = check(checker, "help my face looks horrible, gone all weird and angry since yesterday")
    assert found.alert
    assert found.triggers[0].startswith("classifier")


def test_the_classifier_alone_does_not_alert_on_symptoms_of_another_body_part(
    checker: SignChecker,
) -> None:
    found = check(checker, "my wrist is sore and red and hot since yesterday")
    assert found.probability is not None
    assert found.probability >= checker.knowledge.alert_probability
    assert not found.alert
    assert "symptom: 'red' elsewhere by 'wrist'" in found.ruled_out


def test_a_symptom_normal_on_the_day_leaves_the_rest_of_its_sentence_to_the_classifier(
    checker: SignChecker,
) -> None:
    assert check(checker, "my teeth are chattering and I cant warm up, day 2").alert


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("it's only been 4 hours since the treatment", 0),
        ("48 hours after my session and still pink", 2),
        ("my face is hot, it's the same evening", 0),
    ],
)
def test_the_day_is_read_from_hours_and_the_same_evening(text: str, day: int) -> None:
    assert day_in_text(tokens(text)) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("little bit puffy around the eyes this morning, day one", 1),
        ("two days after my session and still pink", 2),
    ],
)
def test_the_day_is_read_from_a_number_in_words(text: str, day: int) -> None:
    assert day_in_text(tokens(text)) == day
