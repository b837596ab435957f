"""The owner rule: whose noun a warning-sign mention is said of.

A mention is said of the nearest noun a possessor names before it ("my lunchbox smells
rotten"); a noun that no labelled report and no sign phrase uses is a thing or another
body part, whatever the lists of things say. One of the sentence rules
(`bot.core.sentence_rules`); its words are knowledge (`possessors`, `determiners` and
`owner_links` under `context:` in knowledge/warning-signs/signs.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.core.language import COMMON_WORDS
from bot.core.model import WarningSigns

_OWNER_REACH = 8
"""How far before a mention its owner may be named: "my running shorts are soaked and smell"."""
_NOUN_WORDS = 3
"""The longest noun an owner is named with ("my mascara wand", "the bath mat")."""
_RELATIVE = frozenset({"i", "we", "you", "she", "he", "they", "ive", "weve", "youve"})
"""Who opens a relative clause after a noun: "the candle i lit", "the cream she gave me"."""
_KNOWN_NOUNS = 10_000
"""How many nouns the owner rule remembers having looked up."""


class OwnerRule:
    """The owner rule of one knowledge version."""

    def __init__(self, knowledge: WarningSigns) -> None:
        self._possessors = knowledge.possessors
        self._determiners = knowledge.determiners
        # A relative clause ends the noun too: "the candle i lit smells" is the candle's.
        self._links = frozenset(knowledge.owner_links) | _RELATIVE
        self._patient_words = patient_words(knowledge)
        self._skin_words = _words_of(knowledge.treated_skin, knowledge.word_lists)
        self._unknown: dict[str, bool] = {}

    def owner(self, found: Sequence[str], start: int, first: int) -> str | None:
        """The noun that the nearest possessor before the mention at `start` names (its
        clause begins at `first`), when no report and no sign phrase uses it: "my running
        shorts are soaked and smell". The lists of things and body parts can never be
        complete; the words patients use for their own skin are in the reports."""
        near = [
            at
            for at in range(start - 1, max(first, start - _OWNER_REACH) - 1, -1)
            if found[at] in self._possessors or found[at] in self._determiners
        ]
        if not near:
            return None
        noun_end = near[0] + 1
        while noun_end < start and found[noun_end] not in self._links:
            noun_end += 1
        if not 1 <= noun_end - near[0] - 1 <= _NOUN_WORDS:
            return None
        # "my lunchbox smells": the mention says what the noun does. After "a" or "the"
        # the words up to the mention may describe it instead ("a nasty eggy smell").
        if noun_end == start and found[near[0]] not in self._possessors:
            return None
        noun = found[noun_end - 1]
        if noun not in self._unknown:
            # Bounded: a bot that runs for months meets every word there is.
            if len(self._unknown) >= _KNOWN_NOUNS:
                self._unknown.clear()
            self._unknown[noun] = self._is_unknown(noun)
        return noun if self._unknown[noun] else None

    def _is_unknown(self, noun: str) -> bool:
        if not noun.isalpha() or len(noun) < 3 or noun in self._patient_words:
            return False
        # "my vision's been blurry" reads "my visions been blurry".
        if noun.endswith("s") and noun[:-1] in self._patient_words:
            return False
        # Imported here: most messages never ask. A typo of a word patients use for their
        # skin ("cheak", "forhead") is that word: a miss costs more than a false alarm. Only
        # those words: "shorts" is no typo of "short".
        from rapidfuzz import fuzz, process

        near = process.extract(
            noun, self._skin_words, scorer=fuzz.ratio, score_cutoff=80.0, limit=5
        )
        return not any(str(word)[0] == noun[0] for word, _, _ in near)


def _words_of(phrases: Sequence[str], lists: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Every word of `phrases`, with the entries of the word lists they name."""
    texts = [*phrases]
    texts += [
        w for p in phrases for name in re.findall(r"\{(\w+)\}", p) for w in lists.get(name, ())
    ]
    return tuple(sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())}))


def patient_words(knowledge: WarningSigns) -> frozenset[str]:
    """Every word of the labelled reports, the sign phrases, their word lists, the
    symptoms and the treated skin: the words a patient may use for what they have."""
    texts = [p for sign in knowledge.signs for p in sign.phrases]
    texts += [w for words in knowledge.word_lists.values() for w in words]
    texts += [*knowledge.symptoms, *knowledge.treated_skin]
    found = {w for text in texts for w in re.findall(r"[a-z]+", text.lower())}
    return frozenset(found | set(knowledge.sign_words.counts) | COMMON_WORDS)
