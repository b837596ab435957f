"""Turning a patient's message into comparable words (bot.core.text)."""

from __future__ import annotations

import unicodedata

from bot.core.text import fold, words


def test_folding_drops_accents_and_every_other_combining_mark() -> None:
    marked = "Cre\u0300me a\u20d0nd ka\u3099na"
    assert fold(marked) == "creme and kana"


def test_folding_keeps_emoji_and_letters_without_marks() -> None:
    assert fold("Day 2 😭 — CAFÉ") == "day 2 😭 — cafe"


def test_folding_a_long_story_drops_the_same_marks_as_folding_it_letter_by_letter() -> None:
    story = ("Ça brûle un peu, déjà 3 jours 😭 " * 30)[:1000]
    decomposed = unicodedata.normalize("NFKD", story.lower())
    one_by_one = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    assert fold(story) == one_by_one


def test_an_emoji_that_stands_for_an_activity_is_read_as_its_word() -> None:
    assert words("🚴 tomorrow? 🍺🍺") == ["cycling", "tomorrow", "beer", "beer"]
    assert words("✈️ on friday") == ["fly", "on", "friday"]


def test_an_emoji_that_stands_for_no_word_is_dropped() -> None:
    assert words("so tired 😭😭 lol") == ["so", "tired", "lol"]
