"""Many phrases found in one message at once: each phrase is indexed by the words it can
start with (`bot.core.phrases` says what a phrase is), so finding all of them in a
4,000-character message costs one look-up per word, not one pass per phrase."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, compress, count, repeat
from operator import not_
from typing import Generic, NamedTuple, TypeVar

from bot.core.phrases import CACHED_TOKENS, Line, Phrase

T = TypeVar("T")


class Hit(NamedTuple, Generic[T]):
    """One phrase found in a message: tokens `start` to `end` (exclusive). A named tuple:
    a long story makes hundreds, each built faster than a frozen dataclass."""

    start: int
    end: int
    phrase: Phrase
    value: T
    skipped: tuple[int, ...] = ()
    """The tokens that `...` stepped over: not the phrase's own words."""

    def words(self, found: Sequence[str]) -> str:
        return " ".join(found[self.start : self.end])


class PhraseIndex(Generic[T]):
    """Many phrases, each with a value, indexed by the tokens they can start with."""

    def __init__(self) -> None:
        self.by_word: dict[str, list[tuple[Phrase, T]]] = {}
        self.by_prefix: dict[str, list[tuple[Phrase, T]]] = {}
        self.by_number: list[tuple[Phrase, T]] = []
        self.prefix_sizes: set[int] = set()
        self._candidates: dict[str, _Entry[T]] = {}
        self._quick: dict[tuple[int, ...], _Tests] = {}
        self._narrowed: dict[tuple[int, object], Phrase] = {}
        """Phrases cut to the choices of their first element that a token can start, shared
        by the tokens that can start the same ones ("swelling", "swollen")."""
        self._starts_nothing: set[str] = set()
        """Tokens no phrase can start with: most of a message's words, skipped before the
        loop."""

    def add(self, phrase: Phrase, value: T) -> None:
        self._candidates.clear()
        self._quick.clear()
        self._narrowed.clear()
        self._starts_nothing.clear()
        for atom in phrase.first_atoms():
            if atom.word is not None:
                self.by_word.setdefault(atom.word, []).append((phrase, value))
            elif atom.prefix is not None:
                self.by_prefix.setdefault(atom.prefix, []).append((phrase, value))
                self.prefix_sizes.add(len(atom.prefix))
            elif (phrase, value) not in self.by_number:
                self.by_number.append((phrase, value))

    def find(self, line: Line, near: Sequence[tuple[int, int]] | None = None) -> list[Hit[T]]:
        """Every phrase in the message `line`, at every position where it starts; only
        starts inside the token ranges `near` when given (what context can reach)."""
        return list(self._hits(line, near))

    def first(self, line: Line, near: Sequence[tuple[int, int]] | None = None) -> Hit[T] | None:
        """The first hit `find` would give, the rest of the message not read: a rule that
        only asks whether a phrase is anywhere stops at the first."""
        return next(self._hits(line, near), None)

    def _hits(self, line: Line, near: Sequence[tuple[int, int]] | None) -> Iterator[Hit[T]]:
        found, text, offsets = line.tokens, line.text, line.offsets
        nothing = self._starts_nothing
        starts: Iterable[int]
        if near is None:
            # The whole message: its words that may start a phrase picked out lazily, with
            # no Python step per word (`first` often stops at the first few).
            starts = compress(count(), map(not_, map(nothing.__contains__, found)))
        else:
            starts = _positions(near, found, nothing)
        known, token_at = self._candidates, line.token_at
        for start in starts:
            # Looked up here, not through a call: this runs for every word of the message.
            entry = known.get(found[start]) or self._starting_with(found[start])
            quick, grouped, candidates, plain_words = entry
            # One regular expression tells whether any candidate that is more than plain
            # words matches here: most positions have none, and then none is tried. Where
            # one does, another tells which, each candidate in a group of its own; and a
            # match that says no more than where it ends is not tried again.
            tried = None if quick is None else quick.match(text, offsets[start])
            if tried is None:
                if not plain_words:
                    continue
            elif grouped is not None:
                tried = grouped.match(text, offsets[start])
            for phrase, value, words, group, again in candidates:
                if words is not None:
                    end = start + len(words)
                    if found[start:end] == words:
                        yield Hit(start, end, phrase, value)
                elif tried is not None and tried.start(group) >= 0:
                    if again is None:
                        yield Hit(start, token_at[tried.end(group)], phrase, value)
                        continue
                    matched = again.match(line, start)
                    if matched is not None:
                        yield Hit(start, matched[0], phrase, value, matched[1])

    def _starting_with(self, token: str) -> _Entry[T]:
        cached = self._candidates.get(token)
        if cached is not None:
            return cached
        candidates = list(self.by_word.get(token, ()))
        # Shorter word starts first, whatever order the set keeps: the order of hits at
        # one position is the order of their phrases.
        for size in sorted(self.prefix_sizes):
            if size <= len(token):
                candidates.extend(self.by_prefix.get(token[:size], ()))
        if token[0].isdigit():
            candidates.extend(self.by_number)
        unique = {id(phrase): (phrase, value) for phrase, value in candidates}.values()
        # Each phrase as tried here; one that cannot start here at all is left out (it
        # would find nothing).
        kept = [
            (phrase, value, tried)
            for phrase, value in unique
            if (tried := self._tried(phrase, token)) is not None
        ]
        tested = [tried for phrase, _, tried in kept if phrase.words is None]
        key = tuple(map(id, tested))
        if tested and key not in self._quick:
            self._quick[key] = (
                re.compile("|".join(f"(?:{phrase.plain})" for phrase in tested)),
                # One candidate: the first test is its match (its group 0).
                re.compile("".join(f"(?:(?=({phrase.plain}))|)" for phrase in tested))
                if len(tested) > 1
                else None,
            )
        quick, grouped = self._quick.get(key, (None, None))
        if len(self._candidates) > CACHED_TOKENS:
            self._candidates.clear()
            self._starts_nothing.clear()
        if not kept:
            self._starts_nothing.add(token)
        groups = count(1) if len(tested) > 1 else repeat(0)
        entry = _Entry(
            quick,
            grouped,
            tuple(
                (phrase, value, phrase.words, 0, None)
                if phrase.words is not None
                else (phrase, value, None, next(groups), None if tried.ends_only else tried)
                for phrase, value, tried in kept
            ),
            any(phrase.words is not None for phrase, _, _ in kept),
        )
        self._candidates[token] = entry
        return entry

    def _tried(self, phrase: Phrase, token: str) -> Phrase | None:
        """`phrase` as tried at a token `token` (`Phrase.at`), the same for the tokens
        that keep the same choices ("swelling", "swollen"), or None if it cannot start."""
        narrowed = phrase.at(token)
        if narrowed is None or narrowed is phrase:
            return narrowed
        return self._narrowed.setdefault((id(phrase), narrowed.elements[0]), narrowed)


_Tests = tuple[re.Pattern[str], re.Pattern[str] | None]
"""The two expressions of `_Entry`: `quick` and `grouped`."""


class _Entry(NamedTuple, Generic[T]):
    """What can start at one token: the phrases (each with its plain words, if it is only
    that), one pattern testing the others at once, and whether any is plain words."""

    quick: re.Pattern[str] | None
    grouped: re.Pattern[str] | None
    """When there are several candidates tested by `quick`: each in a group of its own."""
    candidates: tuple[tuple[Phrase, T, tuple[str, ...] | None, int, Phrase | None], ...]
    """Each phrase with its value; its plain words, if it is only that; else its group in
    `quick`, and the phrase to match again for the numbers and gaps in it (None: the
    group's end is all there is to know)."""
    plain_words: bool


def _positions(
    ranges: Sequence[tuple[int, int]], found: Sequence[str], nothing: set[str]
) -> Iterable[int]:
    """The token positions inside any of `ranges`, each once, in order, but those whose
    token is in `nothing` (picked out range by range with no Python step per word)."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        elif low < high:
            merged.append((low, high))
    return chain.from_iterable(
        compress(range(low, high), map(not_, map(nothing.__contains__, found[low:high])))
        for low, high in merged
    )
