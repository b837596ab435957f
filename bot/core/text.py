"""Turning a patient's message into comparable words.

The matcher reads the knowledge and every message through the same steps: lower case,
chat spelling spelled out ("tmrw" -> "tomorrow"), emoji and punctuation dropped, words
stemmed ("peeling" -> "peel"), and filler words that every question shares ("can",
"after", "microneedling") removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import chain

import snowballstemmer

from bot.core.emoji import EMOJI

MAX_MESSAGE_CHARS = 1000
"""Longer messages are cut before matching: the question is near the start, and a
4,000-character paste must not cost more than a normal one."""

CHAT_SPELLING = {
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmrow": "tomorrow",
    "tmoro": "tomorrow",
    "tomoz": "tomorrow",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "tommorow": "tomorrow",
    "tomorow": "tomorrow",
    "2day": "today",
    "tday": "today",
    "2nite": "tonight",
    "2night": "tonight",
    "tonite": "tonight",
    "u": "you",
    "ya": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "rn": "now",
    "atm": "now",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "b4": "before",
    "w": "with",
    "wk": "week",
    "wks": "weeks",
    "hr": "hour",
    "hrs": "hours",
    "min": "minute",
    "mins": "minutes",
    "yday": "yesterday",
    "yest": "yesterday",
    "thx": "thanks",
    "thnx": "thanks",
    "ty": "thanks",
    "tysm": "thanks",
    "wat": "what",
    "wot": "what",
    "wen": "when",
    "hw": "how",
    "shud": "should",
    "cud": "could",
    "wud": "would",
    "gna": "going",
    "gonna": "going",
    "wanna": "want",
    "abt": "about",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "pic": "picture",
    "n": "and",
    "nd": "and",
    "im": "i",
    "ive": "i",
    "id": "i",
    "ok": "okay",
    "k": "okay",
    "kk": "okay",
    "oki": "okay",
    "okey": "okay",
}
_SPELLED = {word: tuple(spelled.split()) for word, spelled in CHAT_SPELLING.items()}
"""Chat spelling spelled out, word by word."""

STOP_WORDS = frozenset(
    """
    a about above again am an and any anyone anything are as at be been being but by can
    could did do does doing done for from get gets getting got had has have having he her
    here hers him his how i if in into is it its just let me might mine more most must my
    myself no not now of off on once only or other our out over own please really same she
    should so some still such than that the their them then there these they this those
    through to too up very was we were what when where which while who whom why will with
    would you your yours yourself okay ok fine alright allowed safe normal usual want wanted
    need needs help know tell told wondering wonder question quick
    hmm um uh lol ngl tbh like also even yet ever already bit little lot much many thing
    super so quite totally kinda kind of sorta yeah yep yes nope oh ah ahh omg x xx xxx
    things stuff really literally actually basically pretty kind sort go going use using
    put putting apply applying one ones good best recommend recommendation suggest hour hours
    microneedling microneedle microneedled microneedl micro needling
    derma dermapen induction procedure treatment treated after post following
    since face skin day days
    """.split()
)
"""Words that say nothing about which topic is meant: grammar, chat filler, and the words
every question here shares ("microneedling", "after", "face")."""

TIME_WORDS = frozenset(
    """
    today tonight tomorrow yesterday morning mornings evening evenings night nights
    afternoon weekend later soon earlier now currently week weeks month months
    """.split()
)
"""When, not what: they never make a message about a topic on their own."""

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHES = re.compile(r"[’'`´]")
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=64)
def fold(text: str) -> str:
    """Lower case, accents gone, emoji as their word or gone (`bot.core.emoji.EMOJI`),
    apostrophes joined ("don't" -> "dont")."""
    text = text[:MAX_MESSAGE_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(EMOJI)
        # The marks looked up once each, not character by character: a long story with
        # one emoji would otherwise pay for every one of its letters.
        marks = [ch for ch in set(text) if unicodedata.combining(ch)]
        if marks:
            text = text.translate(dict.fromkeys(map(ord, marks)))
    return _APOSTROPHES.sub("", text.lower())


def words(text: str) -> list[str]:
    """The message as plain words, with chat spelling spelled out."""
    return list(_words(text))


@lru_cache(maxsize=64)
def _words(text: str) -> tuple[str, ...]:
    found = _WORD.findall(fold(text))
    # Most messages have no chat spelling: their words are all there is.
    if _SPELLED.keys().isdisjoint(found):
        return tuple(found)
    return tuple(chain.from_iterable(_SPELLED.get(word, (word,)) for word in found))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def is_stop_word(word: str) -> bool:
    return word in STOP_WORDS
