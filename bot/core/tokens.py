"""Reading a patient's message into tokens, and the tokenised message (`Line`).

A message is read once into tokens: words, numbers, a few punctuation marks (sentence and
clause ends, "/") and emoji, lower case, accents and apostrophes gone, chat spelling
spelled out. The phrases staff write (`bot.core.phrases`) are matched over these tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cached_property, lru_cache
from itertools import accumulate, chain, compress, count
from operator import add

from bot.core.text import CHAT_SPELLING

CACHED_TOKENS = 50_000
"""Distinct tokens whose candidate phrases an index remembers (a few MB at most)."""
SENTENCE_ENDS = frozenset({".", "!", "?", ";"})
_TOKEN = re.compile(r" *([a-z]+|\d+(?:[.,]\d+)?|[^\W\d_]+|[.!?;,/:()]|[^\w\s])")
"""One token (the group), the spaces before it taken in the same step: the regex engine
then tries no token at every space. Plain words first, as most tokens are."""
_COMBINING = re.compile(r"[\u0300-\u036f]")
"""The accents NFKD splits off Latin letters ("é" -> "e" + U+0301)."""
_APOSTROPHE = re.compile(r"[’'`´]")
_NEWLINE = re.compile(r"\n\s*")
"""A line break and the blank lines after it: one sentence end (spaces make no token)."""
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_SPELLED = {
    **{word: tuple(spelled.split()) for word, spelled in CHAT_SPELLING.items()},
    "im": ("i", "am"),
    "ive": ("i", "have"),
}
"""Chat spelling spelled out; "im" and "ive" keep their verb, which context reads."""
_DIGIT_CHAT = {word: spelled for word, spelled in CHAT_SPELLING.items() if not word.isalpha()}
_DIGIT_CHAT_WORD = re.compile(r"\b(?:" + "|".join(map(re.escape, _DIGIT_CHAT)) + r")\b")
"""Chat words with digits ("2nite", "b4"), spelled out before numbers are split off."""
_KEPT_MARKS = frozenset(".!?;,/:()>")
"""Punctuation that ends sentences and clauses, or stands in "8/10" and "3 -> 7"."""


def tokens(text: str) -> list[str]:
    """The message as tokens: lower case, accents and apostrophes gone, chat spelled out."""
    return folded_tokens(fold(text))


def folded_tokens(folded: str) -> list[str]:
    """`tokens` of text already `fold`ed: a caller that also needs the folded text (the
    language gate) folds a long message once."""
    if "\n" in folded:
        folded = _NEWLINE.sub(" . ", folded)
    return cut(folded)


def fold(text: str) -> str:
    """Lower case, accents and apostrophes gone, chat words with digits spelled out: the
    text `tokens` reads, its line breaks not yet sentence ends. Each character is folded
    on its own, but for those chat words (see `bot.core.language` for what that allows)."""
    text = text.lower()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = _APOSTROPHE.sub("", text)
    # Most messages have none of these words: the cheap test spares a regex over the text.
    if any(word in text for word in _DIGIT_CHAT):
        text = _DIGIT_CHAT_WORD.sub(lambda m: _DIGIT_CHAT[m[0]], text)
    return text


def cut(folded: str) -> list[str]:
    """The tokens of text already `fold`ed (a line break in it is not a sentence end)."""
    return list(chain.from_iterable(map(_read, _TOKEN.findall(folded))))


@lru_cache(maxsize=CACHED_TOKENS)
def _read(token: str) -> tuple[str, ...]:
    """What one piece the tokenizer cut becomes: itself, its spelling out, or nothing.
    Cached: a long message repeats the same few hundred words, read once each."""
    first = token[0]
    if first.isdigit():
        return (token.replace(",", "."),)
    if first.isalpha():
        return _SPELLED.get(token, (token,))
    if token in _KEPT_MARKS or (
        not first.isascii() and unicodedata.category(first)[0] not in "PZC"
    ):
        return (token,)
    return ()


def is_number(token: str) -> bool:
    return bool(_NUMBER.match(token))


class Line:
    """A tokenised message, joined as the phrases' regular expressions read it: build it
    once per message with `Line.of(tokens)` and give it to every index."""

    def __init__(
        self, tokens: tuple[str, ...], text: str, offsets: tuple[int, ...], token_at: dict[int, int]
    ) -> None:
        self.tokens, self.text, self.offsets, self.token_at = tokens, text, offsets, token_at
        self.distinct = frozenset(tokens)  # gathered once for every index that reads it
        self._ended: Line | None = None

    @cached_property
    def sentence_ends(self) -> tuple[int, ...]:
        """Where the tokens that end a sentence are: found once per message, for ConText
        and the sentence rules alike."""
        return tuple(compress(count(), map(SENTENCE_ENDS.__contains__, self.tokens)))

    def ended(self) -> Line:
        """This line with a full stop after its last token: what `Line.of` builds of its
        tokens and ".", from its own offsets (a long story is not joined and counted again).
        Built once per line: each phrase index that reads it ended gets the same one."""
        if self._ended is None:
            text, size = self.text, len(self.tokens)
            token_at = {**self.token_at, len(text) + 2: size + 1}
            self._ended = Line(
                (*self.tokens, "."), text + ". ", (*self.offsets, len(text)), token_at
            )
        return self._ended

    @classmethod
    def of(cls, found: Sequence[str]) -> Line:
        # Where each token starts, and the end: the letters before it and a space after
        # each token, added up without a Python loop (a long message has ~900 tokens).
        starts = tuple(map(add, accumulate(map(len, found), initial=0), count()))
        text = " ".join(found) + " " if found else ""
        return cls(tuple(found), text, starts[:-1], dict(zip(starts, count())))
