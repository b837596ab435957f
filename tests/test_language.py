"""A message in a language the bot cannot read reaches staff; English chat never does."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.core.language import LanguageGate
from bot.core.matching import Matcher
from bot.core.tokens import fold, tokens
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.knowledge.signs_examples import english_words

FOREIGN_REPORTS = {
    "ru": "У меня гной на щеке и температура 38, что делать?",
    "de": "Ich habe seit gestern Eiter im Gesicht und Fieber",
    "es": "Tengo pus en la cara y fiebre desde ayer",
}
SHORT_CHAT = ["k", "ok", "lol", "ty", "CeraVe?", "danke", "thx x", "omg ngl tbh", "gracias!"]


class FakeIdentifier:
    """Stands in for py3langid: answers one language and records what it was asked."""

    def __init__(self, language: str, probability: float) -> None:
        self.answer = (language, probability)
        self.asked: list[str] = []

    def __call__(self, text: str) -> tuple[str, float]:
        self.asked.append(text)
        return self.answer


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))


@pytest.mark.parametrize(("language", "text"), sorted(FOREIGN_REPORTS.items()))
def test_a_report_in_another_language_alerts_as_unreadable(
    matcher: Matcher, language: str, text: str
) -> None:
    match = matcher.match(text)
    assert match.red_flag
    assert match.sign == "unreadable"
    assert match.triggers == (f"language: {language}",)
    assert match.answer == matcher.knowledge.wording["unreadable_answer"]


@pytest.mark.parametrize("text", SHORT_CHAT)
def test_short_english_chat_is_never_taken_for_another_language(
    matcher: Matcher, text: str
) -> None:
    assert matcher.match(text).sign != "unreadable"


def test_the_unreadable_answer_gives_the_clinics_phone(matcher: Matcher) -> None:
    wording = matcher.knowledge.wording
    assert wording["clinic_phone"] in wording["unreadable_answer"]


def test_english_never_reaches_the_language_identifier() -> None:
    identify = FakeIdentifier("de", 0.99)
    gate = LanguageGate({"face", "swollen", "since", "yesterday"}, identify)
    assert gate.unreadable("my face is swollen since yesterday") is None
    assert identify.asked == []


def test_a_message_of_unknown_words_is_what_the_identifier_says() -> None:
    identify = FakeIdentifier("es", 0.9)
    assert LanguageGate(set(), identify).unreadable("tengo pus en la cara") == "es"
    assert identify.asked == ["tengo pus en la cara"]


def test_unknown_words_the_identifier_is_unsure_about_stay_english() -> None:
    gate = LanguageGate(set(), FakeIdentifier("sv", 0.4))
    assert gate.unreadable("innit bruv peng") is None


def test_unknown_words_the_identifier_calls_english_stay_english() -> None:
    gate = LanguageGate(set(), FakeIdentifier("en", 0.9))
    assert gate.unreadable("zorbly flimp quandle") is None


def test_another_alphabet_is_unreadable_whatever_the_identifier_is_sure_of() -> None:
    gate = LanguageGate(set(), FakeIdentifier("ru", 0.2))
    assert gate.unreadable("Помогите") == "ru"


def test_a_clause_in_another_language_is_read_on_its_own() -> None:
    identify = FakeIdentifier("es", 0.9)
    gate = LanguageGate({"what", "is", "happening", "face"}, identify)
    assert gate.unreadable("mi mejilla dura y caliente, what is happening with my face") == "es"
    assert "mi mejilla dura y caliente" in identify.asked


LONG_ENGLISH = "my face is red and swollen since yesterday, " * 90
"""About 4,000 characters of English, every word known, in ninety clauses."""


def test_a_clause_in_another_language_at_the_end_of_a_long_message_is_read() -> None:
    identify = FakeIdentifier("es", 0.9)
    gate = LanguageGate({"face", "red", "swollen", "since", "yesterday"}, identify)
    assert gate.unreadable(LONG_ENGLISH + "mi mejilla dura y caliente") == "es"
    assert [asked.strip() for asked in identify.asked] == ["mi mejilla dura y caliente"]


def test_a_clause_with_one_unknown_word_never_reaches_the_identifier() -> None:
    identify = FakeIdentifier("es", 0.9)
    gate = LanguageGate({"face", "red", "swollen", "since", "yesterday"}, identify)
    text = LONG_ENGLISH.replace("red and", "zorbly and").replace("swollen since", "flimp since")
    assert gate.unreadable(text) is None
    assert identify.asked == []


def test_a_clause_holding_an_unknown_word_twice_is_read() -> None:
    identify = FakeIdentifier("es", 0.9)
    gate = LanguageGate({"face", "red", "swollen", "since", "yesterday"}, identify)
    assert gate.unreadable(LONG_ENGLISH + "muy muy red") == "es"
    assert [asked.strip() for asked in identify.asked] == ["muy muy red"]


def test_a_report_half_in_spanish_alerts_as_unreadable(matcher: Matcher) -> None:
    match = matcher.match("mi mejilla está dura y caliente, what is happening?")
    assert (match.red_flag, match.sign) == (True, "unreadable")


def test_spanish_examples_do_not_teach_the_gate_spanish(matcher: Matcher) -> None:
    signs = matcher.knowledge.signs
    assert signs is not None
    assert {"tengo", "fiebre", "mejilla"}.isdisjoint(signs.vocabulary)
    assert {"swollen", "pus", "cheek"} <= signs.vocabulary


def test_ask_json_shows_an_unreadable_message_as_a_red_flag() -> None:
    result = CliRunner().invoke(main, ["ask", FOREIGN_REPORTS["de"], "--json"])
    answer = json.loads(result.stdout)
    assert (answer["red_flag"], answer["sign"]) == (True, "unreadable")


def test_a_single_unknown_word_said_once_never_reaches_the_identifier() -> None:
    identify = FakeIdentifier("es", 0.9)
    gate = LanguageGate({"face", "red", "swollen", "since", "yesterday"}, identify)
    assert gate.unreadable(LONG_ENGLISH + "muy red") is None
    assert identify.asked == []


def test_a_message_given_with_its_folded_text_is_read_as_without_it() -> None:
    text = LONG_ENGLISH + "Mi mejilla está dura y caliente…"
    answers = []
    for given in (False, True):
        identify = FakeIdentifier("es", 0.9)
        gate = LanguageGate({"face", "red", "swollen", "since", "yesterday"}, identify)
        if given:
            answers.append((gate.unreadable(text, tokens(text), fold(text)), identify.asked))
        else:
            answers.append((gate.unreadable(text), identify.asked))
    assert answers[0] == answers[1]
    assert answers[0][0] == "es"


def test_a_run_of_spanish_inside_an_english_example_teaches_the_gate_no_spanish() -> None:
    known = {"know", "hard", "bump", "warm", "face", "sore"}
    story = "which is how I know that tengo un bulto duro, a hard bump, it is warm"
    assert english_words([story], known).isdisjoint({"tengo", "un", "bulto", "duro"})


def test_a_new_word_between_known_words_of_an_example_is_learned() -> None:
    assert "gunky" in english_words(["my face is gunky and sore"], {"face", "sore"})
