"""Look-alikes of round 10 by cause, each next to a report in near words that must still
alert: a sign's word in an everyday sense (eyes watering from yawning, rough after a night
out, traffic choking a city, a film so bad it hurt, a product's own smell), another body
part (an armpit, a lap), a thing the patient does something with ("the candle I lit"),
and someone else's sign set against the patient's own ("mine is fine")."""

from __future__ import annotations

import pytest

from bot.core.signs import SignChecker


def alerts(checker: SignChecker, text: str, day: int | None = None) -> bool:
    return checker.check(text, day).alert


@pytest.mark.parametrize(
    "text",
    [
        "up all night, my eyes keep watering from yawning, can I nap face down?",
        "eyes streaming from chopping onions for dinner, can I rub them?",
        "so knackered my eyes are watering, when can I wear mascara",
        "my eyes keep watering in the cold wind, can I wear sunglasses",
        "i'm feeling rough after a night out with the girls, can I put makeup on",
        "I feel really rough from the hangover, can I drink coffee",
        "traffic was choking the town centre today, is the car fumes bad for my skin",
        "that film was so bad it hurts, can I watch a screen at night",
        "my face smells of the numbing cream still, should I wash it off",
        "it smells like the serum they used, is that ok",
    ],
)
def test_a_signs_word_in_an_everyday_sense_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not alerts(checker, text, 2)


@pytest.mark.parametrize(
    "text",
    [
        "my eyes keep watering and my sight has gone blurry",
        "feeling rough and shivery, 38.6 this morning",
        "my throat feels like it's choking me and I can't swallow",
        "the pain is so bad it hurts to open my mouth",
        "my face smells rotten, worse than the cream ever did",
    ],
)
def test_the_same_words_of_a_real_sign_still_alert(checker: SignChecker, text: str) -> None:
    assert alerts(checker, text, 2)


@pytest.mark.parametrize(
    "text",
    [
        "there's a sore hard lump in my armpit since I shaved, can I use deodorant",
        "my laptop gets so hot on my lap that it's hard to hold, can I use it in bed",
        "the candle I lit smells like burnt toast, can I open a window",
    ],
)
def test_another_body_part_or_a_thing_the_patient_uses_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text, 2)


@pytest.mark.parametrize(
    "text",
    [
        "the flannel I used is fine but my cheek has a funny smell",
        # A flannel that smells after washing the face may be the face's smell.
        "when I wash my face the flannel smells rank, like old socks",
        "a hard hot lump under my jaw that hurts",
        # Where a red line runs to is no other part with the sign.
        "they did my upper arm and now a red streak is creeping up towards my armpit",
        "my cheek feels hot and hard and it is spreading",
    ],
)
def test_the_treated_skin_next_to_a_thing_or_another_part_still_alerts(
    checker: SignChecker, text: str
) -> None:
    assert alerts(checker, text, 2)


@pytest.mark.parametrize(
    "text",
    [
        "my flatmate she has a fever and chills since friday. me im fine, just pink",
        "a girl at work had awful pain after, maybe 8 out of 10. mine was more like a 3",
        "my mate is burning up with a fever today, me im fine",
    ],
)
def test_someone_elses_sign_set_against_the_patients_calm_own_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text, 2)


@pytest.mark.parametrize(
    "text",
    [
        # Family: the patient may be writing for them.
        "my daughter had hers done yesterday, her lips are swelling now. mine is fine",
        # The patient's own sign after the contrast.
        "my friend had a little redness, mine is fine but my cheek has yellow pus now",
        # Not calm: the patient's own may be the same.
        "my flatmate has a fever since her session and mine is the same, 38.5",
        # The patient's own words after the other's name.
        "my friend says my face has a red line going down my neck, mine is fine otherwise",
    ],
)
def test_a_contrast_never_silences_family_or_the_patients_own_sign(
    checker: SignChecker, text: str
) -> None:
    assert alerts(checker, text, 2)


@pytest.mark.parametrize(
    "text",
    [
        "my beard is growing back and itching like mad, can I trim it",
        "the pillow I use has a yellow stain from drool, can I still sleep on it",
        "my mates said I'd be in agony, can I go back to work monday",
    ],
)
def test_stubble_a_stain_something_else_left_or_a_friends_forecast_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not alerts(checker, text, 2)


@pytest.mark.parametrize(
    "text",
    [
        "my cheeks itch like mad and came up in hives after the serum",
        "my pillowcase has yellow stains from my cheek weeping overnight",
        "my friend said I'd be fine but the pain is a 9 out of 10 now",
        "I could not breathe properly last night and my lips feel tight",
        "I can not swallow my tea, it feels blocked",
    ],
)
def test_the_same_words_told_of_the_patients_own_skin_still_alert(
    checker: SignChecker, text: str
) -> None:
    assert alerts(checker, text, 2)
