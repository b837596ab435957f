"""Many phrases found in one message at once: each phrase is indexed by the words it can
start with (`bot.core.phrases` says what a phrase is), so finding all of them in a
4,000-character message costs one look-up per word, not one pass per phrase.

Most words of a long message start no phrase, and most that can start one ("my", "i",
"it") start none where they stand: the phrases they start need a certain next word ("my
face", "it hurts"). So each token is sorted once into one of three sets: it starts
nothing; it may start a phrase whatever follows (`wild`); or only before the words the
index knows (`pairs` holds each such token with each word that may follow it). The
positions worth trying are then picked out with set look-ups in C, no Python step per
word, and only those run a regular expression."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, compress, count, repeat
from operator import or_
from typing import Generic, NamedTuple, TypeVar

from bot.core.phrases import Atom, Choice, Element, Gap, Phrase
from bot.core.tokens import CACHED_TOKENS, Line

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
        self._wild: set[str] = set()
        """Tokens that may start a phrase whatever token follows them."""
        self._pairs: set[tuple[str, str]] = set()
        """Tokens that may start a phrase only before certain tokens, with each of those
        ("" stands for the end of the message)."""

    def add(self, phrase: Phrase, value: T) -> None:
        self._forget()
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
        self._sort(line)
        # The positions where a phrase may start, picked out lazily, with no Python step
        # per word (`first` often stops at the first few); the whole message in one range,
        # with nothing to chain (most messages are short, and read by several indexes).
        starts = (
            self._possible(found, 0, len(found))
            if near is None
            else chain.from_iterable(
                self._possible(found, low, high) for low, high in _merged(near)
            )
        )
        known, token_at = self._candidates, line.token_at
        # Hits made as the tuples they are, not through the named tuple's own `__new__` (a
        # Python function): a long story has hundreds.
        new = tuple.__new__
        for start in starts:
            # Looked up here, not through a call: this runs for every possible start.
            quick, grouped, candidates, plain_words, _ = known[found[start]]
            # One regular expression tells whether any candidate that is more than plain
            # words matches here: most positions have none, and then none is tried (only
            # the plain words are, if any). Where one does, another tells which, each
            # candidate in a group of its own; and a match that says no more than where it
            # ends is not tried again.
            tried = None if quick is None else quick.match(text, offsets[start])
            if tried is None:
                if not plain_words:
                    continue
                candidates = plain_words
            elif grouped is not None:
                tried = grouped.match(text, offsets[start])
            for phrase, value, words, group, again in candidates:
                if words is not None:
                    end = start + len(words)
                    # Its first word is this token: a phrase of one word is here.
                    if end == start + 1 or found[start:end] == words:
                        yield new(Hit, (start, end, phrase, value, ()))
                elif tried is not None and tried.start(group) >= 0:
                    if again is None:
                        yield new(Hit, (start, token_at[tried.end(group)], phrase, value, ()))
                        continue
                    matched = again.match(line, start)
                    if matched is not None:
                        yield new(Hit, (start, matched[0], phrase, value, matched[1]))

    def _forget(self) -> None:
        """Empty what was learnt of tokens: the phrases changed, or there are too many."""
        self._candidates.clear()
        self._quick.clear()
        self._narrowed.clear()
        self._wild.clear()
        self._pairs.clear()

    def _sort(self, line: Line) -> None:
        """Learn what each token of `line` not seen before may start (`_starting_with`),
        and sort it into `_wild` or `_pairs` (or neither: it starts nothing)."""
        new = line.distinct.difference(self._candidates)
        if not new:
            return
        if len(self._candidates) + len(new) > CACHED_TOKENS:
            # Bounded: a bot that runs for months meets every word there is.
            self._candidates.clear()
            self._wild.clear()
            self._pairs.clear()
            new = line.distinct
        for token in new:
            entry = self._starting_with(token)
            if not entry.candidates:
                continue
            after = entry.followers
            if after is None:
                self._wild.add(token)
            else:
                self._pairs.update((token, word) for word in after)

    def _possible(self, found: Sequence[str], low: int, high: int) -> Iterable[int]:
        """The positions from `low` to `high` (exclusive) where a phrase may start."""
        here = found[low:high]
        following = found[low + 1 : high + 1]
        if high == len(found):
            following = (*following, "")
        return compress(
            range(low, high),
            map(
                or_,
                map(self._wild.__contains__, here),
                map(self._pairs.__contains__, zip(here, following, strict=False)),
            ),
        )

    def _starting_with(self, token: str) -> _Entry[T]:
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
                # Several candidates: asked only whether any matches, so the phrases that
                # open alike are tried as one ("i ... feel", "i ... allerg*"); one
                # candidate: its match says where it ends.
                re.compile(
                    _shared_openings([phrase.pieces for phrase in tested])
                    if len(tested) > 1
                    else f"(?:{tested[0].plain})"
                ),
                # One candidate: the first test is its match (its group 0).
                re.compile("".join(f"(?:(?=({phrase.plain}))|)" for phrase in tested))
                if len(tested) > 1
                else None,
            )
        quick, grouped = self._quick.get(key, (None, None))
        # The tokens that may follow this one where a phrase starts; None: any may.
        after: set[str] | None = set()
        for _, _, tried in kept:
            more = followers(tried, token)
            after = None if more is None or after is None else after | more
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
            tuple(
                (phrase, value, phrase.words, 0, None)
                for phrase, value, _ in kept
                if phrase.words is not None
            ),
            None if after is None else frozenset(after),
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
    that), one pattern testing the others at once, and those that are plain words."""

    quick: re.Pattern[str] | None
    grouped: re.Pattern[str] | None
    """When there are several candidates tested by `quick`: each in a group of its own."""
    candidates: tuple[tuple[Phrase, T, tuple[str, ...] | None, int, Phrase | None], ...]
    """Each phrase with its value; its plain words, if it is only that; else its group in
    `quick`, and the phrase to match again for the numbers and gaps in it (None: the
    group's end is all there is to know)."""
    plain_words: tuple[tuple[Phrase, T, tuple[str, ...] | None, int, Phrase | None], ...]
    """The candidates that are plain words, in the same order: all a position can hold
    when `quick` finds nothing."""
    followers: frozenset[str] | None
    """The tokens that may follow this one where one of the phrases starts ("" for the
    end of the message); None when any may."""


def _shared_openings(phrases: Sequence[Sequence[str]]) -> str:
    """One expression matching where any of `phrases` (each the pieces of a pattern, one
    per element) matches: the phrases that open with the same pieces share them, as a
    tree of choices, so the regex engine reads a shared opening (a word, a `...`) once,
    not once per phrase. A phrase that ends where others go on makes the rest of them
    needless: it matches wherever they do."""
    if any(not pieces for pieces in phrases):
        return ""
    after: dict[str, list[Sequence[str]]] = {}
    for pieces in phrases:
        after.setdefault(pieces[0], []).append(pieces[1:])
    choices = [opening + _shared_openings(rest) for opening, rest in after.items()]
    return choices[0] if len(choices) == 1 else "(?:" + "|".join(choices) + ")"


def _merged(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """`ranges` of token positions joined where they overlap, in order, the empty left out."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        elif low < high:
            merged.append((low, high))
    return merged


def followers(phrase: Phrase, token: str) -> set[str] | None:
    """The tokens that may come right after `token` where `phrase` starts with it ("" for
    the end of the message); None when any may (the phrase may end there, or what comes
    next is no plain word: a `...`, a word start, a number)."""
    return _after_first(phrase.elements, (), token)


def _after_first(
    elements: Sequence[Element], rest: Sequence[Element], token: str
) -> set[str] | None:
    """`followers` of the sequence `elements` then `rest`, its first element at `token`."""
    first = elements[0]
    if isinstance(first, Choice):
        found: set[str] = set()
        for option in first.options:
            # Only the options that may start at `token`; more would only widen the set.
            if _may_start(option[0], token):
                more = _after_first(option, (*elements[1:], *rest), token)
                if more is None:
                    return None
                found |= more
        return found
    return _first_tokens((*elements[1:], *rest))


def _first_tokens(elements: Sequence[Element]) -> set[str] | None:
    """The tokens the sequence `elements` may start with; None when it may be empty or
    start with anything but a plain word."""
    if not elements:
        return None
    first = elements[0]
    if isinstance(first, Gap):
        return None
    if isinstance(first, Atom):
        return {first.word} if first.word is not None else None
    found: set[str] = set()
    for option in first.options:
        more = _first_tokens((*option, *elements[1:]))
        if more is None:
            return None
        found |= more
    return found


def _may_start(element: Element, token: str) -> bool:
    """Whether `element` may match `token` (erring towards yes)."""
    if isinstance(element, Gap):
        return False
    if isinstance(element, Choice):
        return any(_may_start(option[0], token) for option in element.options)
    if element.word is not None:
        return element.word == token
    if element.prefix is not None:
        return token.startswith(element.prefix)
    return token[:1].isdigit()
