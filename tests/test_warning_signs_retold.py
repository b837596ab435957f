"""Look-alikes whose cause is told outside the mention's clause: words taken back in the
next sentence ("IN A GOOD WAY", "jk"), a friend's story told with "she" and "her" long
after the friend was named; and a few causes told in new shapes (feelings told with a
sign's word, a consequence asked about, filler settling, the sunburn feel of the first
days, harmless questions that name the face). Each sits next to reports it must never
silence, in the same shapes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.model import KnowledgeError
from bot.core.signs import SignChecker
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.knowledge.trained import signs_training

TAKEN_BACK = [
    "my face is burning!! in a good way lol, it's that tingly fresh feeling",
    "SKIN IS ON FIRE. Joking, it's just warm and pink",
    "lips feel like they're blowing up lol jk they're fine, just dry",
    "my cheeks are swelling up. not really, just a bit puffy in the mirror haha",
    "I think I'm dying. jk I'm fine, just dramatic",
    "my face is literally melting off. kidding!! it's just a bit shiny from the balm",
    "it's oozing glow. in the best way, no filter needed",
]
NOT_TAKEN_BACK = [
    "my face is on fire and not in a good way, it keeps getting worse",
    "I'm not joking, my lips are swelling up and my throat feels tight",
    "no joke, there's yellow pus coming out of my cheek",
    "lips blowing up like a balloon after the serum, this is not a joke",
    "day 8 and it's still bleeding in spots, not kidding",
    "Omg my lip has swollen to twice its size since this morning, not even joking",
    "lol i know it sounds silly but theres green gunk oozing from my chin",
    "my skin is glowing in a good way but my lip has come up in blisters",
    "jk about earlier, it's actually worse, the redness is spreading down my neck",
]


@pytest.mark.parametrize("text", TAKEN_BACK)
def test_a_sign_taken_back_after_it_or_in_the_next_sentence_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", NOT_TAKEN_BACK)
def test_a_sign_not_taken_back_or_told_after_the_retraction_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


def test_the_words_that_took_a_sign_back_are_shown_to_staff(checker: SignChecker) -> None:
    ruled_out = " ".join(checker.check("MY SKIN IS ON FIRE!!! IN A GOOD WAY!!!").ruled_out)
    assert "taken back ('in a good way')" in ruled_out


TOLD_OF_SOMEONE_ELSE = [
    "My best friend who has been going to the same clinic for about three years now and "
    "swears by the place told me that after her last session she had a fever for two days",
    "My sister in law, who works as a nurse on a busy surgical ward and knows a lot more "
    "than me about all of this, said that after hers her cheeks were oozing yellow stuff",
    "A client of mine (I'm a hairdresser) had microneedling last week and her forehead was "
    "weeping, can I still colour her hair?",
    "a girl at my gym who had it done somewhere cheap last year ended up with an infection "
    "and said her whole jaw was hot and hard for weeks",
    "so this influencer I follow, who always posts her skincare routine, did a video where "
    "her face was covered in blisters after it",
    "One of the girls in my office had a horrible infection after hers, with pus and a fever, "
    "she was off for a week",
    "my gym buddy had a nightmare after hers, blisters, a fever, the lot",
    "My brother's girlfriend had hers done last month and said her cheeks were oozing",
    "one of the mums at the school gate, the one with amazing skin, told me her face went "
    "grey and patchy after a treatment",
]
TOLD_OF_THE_PATIENT_OR_FAMILY = [
    "my daughter had it done on Monday, she's 17, and her face is oozing yellow stuff today",
    "my mum is 68, she had microneedling yesterday and her lips have swollen up massively",
    "Hi, I'm Jess's mum. Her flatmates are a nightmare with the kitchen. She rang an hour "
    "ago, she was shivering under her duvet all afternoon and her thermometer read 38.7",
    "my friend had hers the same day and she has a temperature of 39 now, what should she do",
    "my friend came over and she said my face smells really bad, like rotten",
    "My best mate had hers done with me and was fine, but I've got a fever of 38.9",
    "my friend's daughter came with me and she said my cheek was oozing yellow stuff",
    "Me and my bestie both got it done, she's fine but my eye is swollen shut and blurry",
    "My mate drove me home, she was lovely, face swelling up like a balloon on the way",
    "My sister came round, she brought soup, fever of 39 and shaking since lunch",
    "my colleague had hers last year, she was fine, but I have a fever of 38.8 since yesterday",
    "the nurse checked me, she was happy, then two hours later, lips swelling and throat tight",
    "my son's girlfriend is staying with us, she had it done Monday and her face has swollen up",
]


@pytest.mark.parametrize("text", TOLD_OF_SOMEONE_ELSE)
def test_a_sign_told_with_her_of_a_friend_named_long_before_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", TOLD_OF_THE_PATIENT_OR_FAMILY)
def test_a_sign_told_of_the_patient_family_or_a_friend_now_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


IN_NEW_SHAPES = [
    (None, "my face is burning up with embarrassment, i cried at the clinic lol"),
    (None, "the wait to see results is killing me haha"),
    (None, "that price gave me chills lol, how many sessions do i need"),
    (None, "my face is dying of boredom waiting to wear makeup again"),
    (None, "could I end up with blisters if I use my retinol too early?"),
    (None, "would I end up with an infection if I wore makeup on day 1?"),
    (None, "i had lip filler 3 days ago and my lips are a bit lumpy, can I get it done next week?"),
    (None, "lip filler lumpy, is that from the filler?"),
    (2, "face is red like I've been in the sun and feels warm"),
    (0, "feels like a day at the beach without suncream, hot and tight"),
    (None, "Eyeliner and mascara ok if they only treated my cheeks?"),
    (None, "they did my forehead and chin, when can I get my eyebrows waxed?"),
]
SIGNS_IN_THE_SAME_SHAPES = [
    (None, "my face is burning up and I'm shivering, 38.6"),
    (None, "this pain is killing me, paracetamol does nothing"),
    (None, "I've ended up with blisters all over my lip since the needling"),
    (None, "there's a hot hard lump on my cheek where they needled, no filler there ever"),
    (4, "face is red like I've been in the sun and it is spreading to my neck"),
    (5, "my cheeks were pink on day 2 and now on day 5 they're beetroot"),
    (None, "woke up drenched in sweat and freezing at the same time"),
    (None, "the swelling has moved down into my neck"),
    (3, "flaking round my nostrils and there's yellow pus coming out of my chin"),
    (2, "cheeks warm and flushed and now my eyelids are swelling shut"),
    (None, "they treated my cheeks and now they're oozing yellow crust"),
]


@pytest.mark.parametrize(("day", "text"), IN_NEW_SHAPES)
def test_a_look_alike_in_a_new_shape_does_not_alert(
    checker: SignChecker, day: int | None, text: str
) -> None:
    assert not checker.check(text, day).alert


@pytest.mark.parametrize(("day", "text"), SIGNS_IN_THE_SAME_SHAPES)
def test_a_sign_in_the_same_shape_as_a_look_alike_alerts(
    checker: SignChecker, day: int | None, text: str
) -> None:
    assert checker.check(text, day).alert


def test_normal_healing_told_as_a_list_does_not_alert_on_the_grammar_words_left(
    checker: SignChecker,
) -> None:
    # Once "red", "hot" and "tight" are ruled out on day 0, "so and so and so" is left:
    # "and" alone reads like a report to the classifier (reports list signs).
    assert not checker.check("so red and so hot and so tight", 0).alert


def test_a_sign_told_after_a_list_of_normal_healing_still_alerts(checker: SignChecker) -> None:
    assert checker.check("so red and so hot and my lips are swelling up fast", 0).alert


def test_where_a_symptom_normal_on_the_day_is_tells_the_classifier_nothing() -> None:
    # A classifier that learned the face from reports, as the shipped one partly does.
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR).signs
    assert knowledge is not None
    model = signs_training(
        [(text, True) for text in ("my nose", "my chin", "nose and chin", "on my nose")]
        + [(text, False) for text in ("can i", "when can i", "ok to", "is it ok")]
    ).train()
    checker = SignChecker(knowledge._replace(classifier=model))
    text = "day 4, flaking around my nose and chin"
    assert model.probabilities(text)["report"] > knowledge.alert_probability
    assert not checker.check(text).alert


def test_an_unknown_field_of_the_experiencer_rule_is_reported_with_file_and_line(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, copy)
    signs = copy / "warning-signs" / "signs.yaml"
    text = signs.read_text(encoding="utf-8")
    signs.write_text(text.replace("  experiencer:\n", "  experiencer:\n    speakers: [x]\n"))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(copy)
    assert "signs.yaml:" in str(error.value) and "speakers" in str(error.value)
