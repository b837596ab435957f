"""Is a message written in a language the bot cannot read?

The bot reads English only. A message in another language must reach staff rather than
get a cheerful fallback, yet short English chat ("k", "ty", "lol", "CeraVe?") must never
be taken for another language. So a cheap gate runs first, on every message:

- letters mostly outside the Latin alphabet (Cyrillic, Greek, Arabic, CJK...): the bot
  cannot read it, whatever the language;
- Latin letters: at least three words, and fewer than half of them known (an English
  word the knowledge itself uses, or a common English word), in the whole message or in
  one of its clauses (a message half in English, half in Spanish).

Only a message that passes the gate is given to py3langid, a maintained language
identifier. It needs NumPy and takes about a second to load its model, so it is
imported on first use: most patients never pay for it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from itertools import accumulate

from bot.core.tokens import cut, fold, tokens

SAMPLE = 150
"""Tokens of a message the gate reads."""
MIN_WORDS = 3
"""Fewer Latin-script words than this are chat ("ok ty", "danke"), never a language."""
KNOWN_SHARE = 0.5
"""A message with more than this share of known words is English."""
CONFIDENT = 0.5
"""py3langid's probability (among LANGUAGES) above which its language is believed: foreign
messages score 0.56 and more, three-word English slang ("innit bruv peng") up to 0.44."""
LANGUAGES = (
    "en es de fr it pt nl pl ru uk ro tr ar zh hi ur bn pa fa vi th tl ja ko el hu cs sk sv da "
    "no fi lt lv bg sr hr sq so sw he ms id"
).split()
"""The languages py3langid chooses from: those a clinic's patients write in, not its 97,
so slang and brand names are not taken for Breton or Latin."""
COMMON_WORDS = frozenset(
    """
    a about after again all also am an and any are as at be because been before being but
    by can cant could did didnt do does doesnt dont down for from get got had has have he
    her here him his how i if in into is it its just like me more my no not now of off on
    one or our out over so some still than that the their them then there these they this
    to too up was we were what when where which who why will with would yes you your
    """.split()
)
"""Grammar words every English message shares, whatever the knowledge says."""

_LETTER = re.compile(r"[^\W\d_]")
_CLAUSE_MARKS = ",.;:!?\n"
_CLAUSE = re.compile(f"[{_CLAUSE_MARKS}]+")
_CLAUSE_KEPT = re.compile(f"([{_CLAUSE_MARKS}]+)")
"""As `_CLAUSE`, the marks kept between the clauses (where each clause starts)."""
_OTHER_ALPHABET = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
"""Letters outside the Latin alphabet (accented Latin letters such as é, ł, ş are in it)."""

Identify = Callable[[str], tuple[str, float]]
"""A language identifier: text -> (ISO 639 code, probability)."""


class LanguageGate:
    """Says which language a message is in when the bot cannot read it (else None)."""

    def __init__(self, vocabulary: Iterable[str], identify: Identify | None = None) -> None:
        self._known = frozenset(vocabulary) | COMMON_WORDS
        self._identify = identify

    def unreadable(
        self, text: str, found: Sequence[str] | None = None, folded: str | None = None
    ) -> str | None:
        """The language of `text` when it is not English, or None when it is (or may be).
        `found` are its tokens (`bot.core.tokens.tokens`) and `folded` the text folded
        (`bot.core.tokens.fold`) when the caller has them."""
        if not text.isascii() and _OTHER_ALPHABET.search(text):
            letters = len(_LETTER.findall(text))
            if letters and len(_OTHER_ALPHABET.findall(text)) > letters / 2:
                language, _ = (self._identify or _py3langid)(text)
                return language if language != "en" else "unknown"
        found = found or tokens(text)
        # The first words tell the language of a long message as well as all of them.
        whole = self._latin(text, found[:SAMPLE])
        if whole is not None:
            return whole
        # A message half in English ("mi mejilla esta dura y caliente, what is happening?")
        # passes as English as a whole: each clause of it is read on its own too. A clause
        # is another language only if at least two of its words are unknown (fewer leave
        # a known majority of its three or more words), and a clause's words are words of
        # the whole message: most long messages have no clause to read at all.
        unknown = self._unknown(found)
        if not unknown:
            return None
        clauses = _CLAUSE.split(text)
        folded = fold(text) if folded is None else folded
        pieces = _CLAUSE_KEPT.split(folded)
        folded_clauses = pieces[::2]
        if len(folded_clauses) == len(clauses) and _marks(folded) == _marks(text):
            # Folded once, not clause by clause, when folding made no clause end (as from
            # "…") and joined none (dropping the apostrophe in ",',"): then the folded
            # text's clauses are the clauses folded, and only those holding two unknown
            # words are read.
            unclear = _clauses_with_two(folded, pieces, unknown)
            for index in sorted(i for i in unclear if i < SAMPLE):
                in_clause = self._latin(clauses[index], cut(folded_clauses[index]))
                if in_clause is not None:
                    return in_clause
            return None
        for clause in clauses[:SAMPLE]:
            in_clause = self._latin(clause, tokens(clause))
            if in_clause is not None:
                return in_clause
        return None

    def _unknown(self, found: Sequence[str]) -> frozenset[str]:
        """The distinct words of `found` that the gate counts as unknown, when they occur
        at least twice in all (else none: no clause could have two)."""
        unknown = frozenset(
            token
            for token in set(found).difference(self._known)
            if token.isalpha() and len(token) > 1 and token.isascii()
        )
        # Two distinct unknown words occur twice in all; one must occur twice itself.
        if not unknown or (len(unknown) == 1 and found.count(next(iter(unknown))) < 2):
            return frozenset()
        return unknown

    def _latin(self, text: str, found: Sequence[str]) -> str | None:
        # Most clauses are settled at once: too few tokens for a language, or all known.
        if len(found) < MIN_WORDS or self._known.issuperset(found):
            return None
        words = [t for t in found if t.isalpha() and len(t) > 1 and t.isascii()]
        if len(words) < MIN_WORDS:
            return None
        known = sum(1 for word in words if word in self._known)
        if known > KNOWN_SHARE * len(words):
            return None
        language, probability = (self._identify or _py3langid)(text)
        if language == "en" or probability < CONFIDENT:
            return None
        return language


def _clauses_with_two(folded: str, pieces: Sequence[str], unknown: Iterable[str]) -> set[int]:
    """The clauses of `folded` (split with their marks kept: `pieces`) in which the words
    `unknown` occur at least twice. Found as text, not as tokens: a word found inside a
    longer word counts too, so no clause with two unknown words is ever left out."""
    starts = list(accumulate(map(len, pieces), initial=0))[::2]
    seen: dict[int, int] = {}
    for word in unknown:
        at = folded.find(word)
        while at >= 0:
            clause = bisect_right(starts, at) - 1
            seen[clause] = seen.get(clause, 0) + 1
            at = folded.find(word, at + len(word))
    return {clause for clause, count in seen.items() if count >= 2}


def _marks(text: str) -> int:
    """How many clause-ending characters `text` has."""
    return sum(map(text.count, _CLAUSE_MARKS))


@cache
def _identifier() -> Identify:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model.set_languages(LANGUAGES)

    def identify(text: str) -> tuple[str, float]:
        language, probability = model.classify(re.sub(r"\s+", " ", text))
        return str(language), float(probability)

    return identify


def _py3langid(text: str) -> tuple[str, float]:
    return _identifier()(text)
