"""Look-alikes by cause, in words nobody here wrote before: healing the knowledge calls
normal on the patient's day, another sense of a sign's word, someone else's story. Each
rule that silences them sits next to reports it must never silence: a false alarm costs a
staff glance, a miss can cost a patient."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.model import KnowledgeError
from bot.core.sign_days import day_in_text
from bot.core.signs import SignChecker
from bot.core.tokens import tokens
from bot.knowledge.loader import load_knowledge

NORMAL_ON_THE_DAY = [
    (0, "face is beetroot red and radiating heat, is that normal tonight?"),
    (0, "cheeks are bright red and hot like a sunburn tonight"),
    (0, "there's some clear sticky stuff on my face from the serum they put on at the end"),
    (1, "little bit of swelling under my eyes"),
    (1, "bit of swelling this morning around my jaw"),
    (1, "woke up a bit puffy round the eyes"),
    (1, "woke up with puffy eyes, is that normal"),
    (1, "little bit of bleeding dots on day one when i washed"),
    (2, "bit of heat coming off my face still"),
    (2, "skin feels like sandpaper and a bit itchy"),
    (2, "few tiny bumps on my chin, like little whiteheads"),
    (3, "little tiny bumps all over my forehead, not painful"),
    (3, "flakey and rough on day 3, when will it stop"),
]

WORSE_ON_THE_SAME_DAY = [
    (0, "pinpoint bleeding but it wont stop"),
    (1, "little bit of swelling under my eyes and its getting worse"),
    (1, "bit puffy this morning and the swelling is moving down to my neck"),
    (1, "puffy eyes this morning and now I cant open them"),
    (1, "mild swelling but it's getting bigger by the hour"),
    (2, "bit of heat coming off my face still and it's spreading"),
    (3, "tiny bumps all over my forehead and they're spreading down my neck"),
    (3, "little bumps everywhere and they're spreading and itchy"),
]


@pytest.mark.parametrize(("day", "text"), NORMAL_ON_THE_DAY)
def test_healing_the_knowledge_calls_normal_on_the_day_does_not_alert(
    checker: SignChecker, day: int, text: str
) -> None:
    assert not checker.check(text, day).alert


@pytest.mark.parametrize(("day", "text"), WORSE_ON_THE_SAME_DAY)
def test_normal_healing_told_as_getting_worse_alerts_on_the_same_day(
    checker: SignChecker, day: int, text: str
) -> None:
    assert checker.check(text, day).alert


def test_the_day_a_message_tells_is_no_evidence_of_a_sign_for_the_classifier(
    checker: SignChecker,
) -> None:
    assert not checker.check("2 days after and my face is still a bit swollen").alert


def test_small_bumps_normal_on_day_3_alert_on_day_9(checker: SignChecker) -> None:
    text = "little tiny bumps all over my forehead, not painful"
    assert not checker.check(text, 3).alert
    assert checker.check(text, 9).alert


def test_the_morning_after_a_session_is_day_1() -> None:
    assert day_in_text(tokens("this morning after my session my eyes were puffy")) == 1


def test_yesterday_told_as_the_day_of_the_session_is_day_1() -> None:
    assert day_in_text(tokens("yesterday was my session, woke up with puffy eyes")) == 1


def test_yesterday_as_when_something_started_is_no_day_since_treatment() -> None:
    assert day_in_text(tokens("yesterday i noticed my treated skin was hot")) is None


def test_swelling_that_takes_the_sight_alerts_on_day_1(checker: SignChecker) -> None:
    assert checker.check("day 1, my face is so swollen I can barely see", 1).alert


def test_morning_puffiness_told_with_the_morning_after_does_not_alert(
    checker: SignChecker,
) -> None:
    assert not checker.check("this morning after my session my eyes were puffy").alert


OTHER_SENSES = [
    "I'm dying of curiosity about the results",
    "dying of boredom waiting for my skin to heal",
    "I'm so swollen with pride at how good it looks",
    "I'm burning with impatience to wear makeup again",
    "my eyes are on fire reading this aftercare sheet lol",
    "ngl my eyes are bleeding reading all these aftercare rules",
    "it stinks that I can't go to the gym this week",
    "it stinks that i have to skip my spin class",
    "this smells fishy, the other clinic said no retinol for a week",
    "This aftercare thing is killing me o, so many rules. When can I start wearing makeup?",
    "was booking three sessions a rash decision lol",
    "it's a scorcher out there today, 38 degrees, how careful do I need to be with my face?",
]

SIGNS_IN_THE_SAME_WORDS = [
    "it stinks 🤢 like actually stinks",
    "it stinks that bad i can smell it myself",
    "that smells fishy and there's yellow pus",
    "I'm dying, the pain is unbearable",
    "my face is on fire, reading the leaflet didnt help",
    "my cheek is burning and I was reading about infection",
    "there's a rash spreading across my cheeks",
    "its 38 degrees outside and I have a fever, day 2",
    "my eyes are burning from staring at my laptop all day, can i use eye drops?",
]


@pytest.mark.parametrize("text", OTHER_SENSES)
def test_another_sense_of_a_signs_word_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", SIGNS_IN_THE_SAME_WORDS)
def test_a_sign_told_with_an_idioms_words_still_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


SOMEONE_ELSES_STORY = [
    "an influencer said her face was oozing for days",
    "an influencer I follow said her skin was weeping for days",
    "a youtuber I watch had red lines on her cheek after microneedling",
    "my gym buddy went to spin class the next day after hers and broke out in pus spots",
    "my flatmate got a fever the day after hers",
    "the girl at work got a massive fever after hers, should I be worried",
    "my aunt had her face done and it was all oozing for a week, will mine be like that",
    "my bf said his face went all swollen after his microneedling",
    "watched a youtube video where her whole face was covered in blisters",
]

SPOKEN_FOR_OR_MINE = [
    "my daughter's face is leaking since her treatment",
    "my friend has red lines going down her neck",
    "my son has a fever since his session yesterday",
    "my friend had it done with me and she has a fever now, what should she do",
    "mate had it done friday and now there's pus coming out of her cheek",
    "my friend had it done too but I'm the one with pus coming out",
    "my sister had hers done with me on monday and she has a fever of 39 now",
]


@pytest.mark.parametrize("text", SOMEONE_ELSES_STORY)
def test_someone_elses_story_in_new_words_does_not_alert(checker: SignChecker, text: str) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", SPOKEN_FOR_OR_MINE)
def test_a_sign_the_patient_or_someone_they_speak_for_has_now_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


def test_a_broken_getting_worse_phrase_is_reported_with_file_and_line(
    knowledge_copy: Path,
) -> None:
    signs = knowledge_copy / "warning-signs" / "signs.yaml"
    text = signs.read_text()
    signs.write_text(text.replace("getting_worse:\n", 'getting_worse:\n  - "{no_such_list}"\n', 1))
    line = text.splitlines().index("getting_worse:") + 2
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_copy)
    where = f"knowledge/warning-signs/signs.yaml:{line}:"
    assert any(str(problem).startswith(where) for problem in caught.value.problems)


THEIR_STORY_TOLD_ON = [
    "my cousin's microneedling went wrong and her cheeks were oozing yellow for a week",
    "my daughter's friend had a horrible infection at a salon, her face was oozing pus",
    "my colleague had a reaction to the numbing cream, she said her lips swelled right up",
    "my son's girlfriend had microneedling and her face went all blotchy and grey",
    "so my sister in law had this done and she got a rash all over her neck",
    "girl at my gym had hers done, she said her face leaked clear fluid for 2 days",
]

THEIR_STORY_THEN_MINE = [
    "my friend had hers done, her face was fine but my cheek has gone grey",
    "my colleague had a reaction to the numbing cream and now my lips are swelling",
    "my cousin had it done with me, she was fine, I've got pus coming out of my chin",
    "my daughter had it done yesterday and her face swelled up overnight",
    "my son had microneedling on tuesday, his cheek went hot and there's yellow crust",
    "my mate had it done, she says her face is oozing and hot since yesterday",
]


@pytest.mark.parametrize("text", THEIR_STORY_TOLD_ON)
def test_someone_elses_story_told_on_in_the_past_over_and_or_a_comma_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert


@pytest.mark.parametrize("text", THEIR_STORY_THEN_MINE)
def test_a_sign_of_the_patient_a_relative_or_a_friend_now_after_a_story_still_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


TOLD_OF_MY_FACE = [
    "my colleague looked at my face and said it looks like there's pus in the holes",
    "my friend came round, saw my cheek and told me it smells off",
    "my flatmate stared at my face and said the patch by my nose is going grey",
]


@pytest.mark.parametrize("text", TOLD_OF_MY_FACE)
def test_what_someone_says_after_looking_at_the_patients_face_alerts(
    checker: SignChecker, text: str
) -> None:
    assert checker.check(text).alert


def test_an_aside_about_the_patient_inside_a_source_is_still_the_source(
    checker: SignChecker,
) -> None:
    assert not checker.check("an influencer I follow said her skin was weeping for days").alert


COLOUR_CHANGING = [
    "its turning purple round the edges",
    "mine has gone a bit grey near the nose",
    "it's going blue at the tip",
    "my aunt said her face went purple after hers, and now mine is going purple too",
]

COLOUR_OF_A_THING = [
    "it's a purple serum, is it ok to use?",
    "its a black bottle with a pump, can i use it",
    "mine is the blue one in the picture, which serum do i use first",
]


@pytest.mark.parametrize("text", COLOUR_CHANGING)
def test_skin_told_as_it_or_mine_changing_colour_alerts(checker: SignChecker, text: str) -> None:
    assert checker.check(text).alert


@pytest.mark.parametrize("text", COLOUR_OF_A_THING)
def test_the_colour_of_a_thing_told_as_it_or_mine_does_not_alert(
    checker: SignChecker, text: str
) -> None:
    assert not checker.check(text).alert
