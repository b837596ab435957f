"""Phrases that staff write, and finding them in a patient's message.

The warning-sign file describes signs and the words around them as short phrases a nurse
can read, not regular expressions:

- a plain word matches itself, whatever its case or accents (`dont` matches "Don't");
- `swell*` matches any word that starts with "swell";
- `hot|warm` matches either word;
- `{redness}` matches any entry of the word list named `redness`;
- `{6-10}` matches a number from 6 to 10, decimals included (8.5);
- `{redness}|{swelling}` or `{0-3}|yesterday`: a choice may name lists and ranges too;
- `...` lets up to six other words come between, within the same sentence.

A message is read once into tokens: words, numbers, a few punctuation marks (sentence and
clause ends, "/") and emoji. Every phrase is indexed by the words it can start with, so
finding all phrases in a 4,000-character message costs one look-up per word, not one
pass per phrase.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.core.text import CHAT_SPELLING

GAP_WORDS = 6
"""How many words `...` may skip: enough for "redness on my left cheek is spreading"."""
SENTENCE_ENDS = frozenset({".", "!", "?", ";"})
GAP_STOPS = SENTENCE_ENDS | {","}
"""`...` never reaches past these: "day 10, no raw bits" is two statements, not one."""
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+|[^\W\d_]+|[.!?;,/:()]|[^\w\s]")
_CHAT_WORD = re.compile(r"\b[a-z0-9]+\b")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_RANGE = re.compile(r"^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$")
_CHAT = {word: spelled for word, spelled in CHAT_SPELLING.items() if word not in {"im", "ive"}}
"""Chat spelling spelled out, except "im"/"ive": "i am"/"i have" matter to context."""


class PhraseError(ValueError):
    """A phrase staff wrote cannot be read; the message says why, for `file:line`."""


def tokens(text: str) -> list[str]:
    """The message as tokens: lower case, accents and apostrophes gone, chat spelled out."""
    text = unicodedata.normalize("NFKD", text).lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’'`´]", "", text)
    text = re.sub(r"\bim\b", "i am", text)
    text = re.sub(r"\bive\b", "i have", text)
    text = re.sub(r"\s*\n\s*", " . ", text)
    text = _CHAT_WORD.sub(lambda m: _CHAT.get(m[0], m[0]), text)
    found = []
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            token = token.replace(",", ".")
        elif unicodedata.category(token[0])[0] in "PZC" and token not in ".!?;,/:()":
            continue
        found.append(token)
    return found


def is_number(token: str) -> bool:
    return bool(_NUMBER.match(token))


@dataclass(frozen=True)
class _Atom:
    """One token test: a word, a word start (`swell*`) or a number range."""

    word: str | None = None
    prefix: str | None = None
    low: float | None = None
    high: float | None = None

    def fits(self, token: str) -> bool:
        if self.word is not None:
            return token == self.word
        if self.prefix is not None:
            return token.startswith(self.prefix) and token[0].isalpha()
        return (
            is_number(token)
            and self.low is not None
            and self.low <= float(token) <= (self.high if self.high is not None else self.low)
        )


@dataclass(frozen=True)
class _Choice:
    """Any of several sequences: `hot|warm`, or the entries of a `{word list}`."""

    options: tuple[tuple[_Element, ...], ...]


@dataclass(frozen=True)
class _Gap:
    """`...`: up to GAP_WORDS tokens, never past the end of a sentence."""


_Element = _Atom | _Choice | _Gap


@dataclass(frozen=True)
class Phrase:
    """A phrase as staff wrote it, ready to match."""

    text: str
    elements: tuple[_Element, ...]

    def ends(self, found: Sequence[str], start: int) -> Iterator[tuple[int, tuple[int, ...]]]:
        """Every way this phrase, started at `start`, can match: where it ends (exclusive)
        and which tokens its `...` skipped."""
        return _ends(self.elements, 0, found, start, ())

    def first_atoms(self) -> list[_Atom]:
        return _first_atoms(self.elements[0])


def _ends(
    elements: Sequence[_Element],
    index: int,
    found: Sequence[str],
    at: int,
    skipped: tuple[int, ...],
) -> Iterator[tuple[int, tuple[int, ...]]]:
    if index == len(elements):
        yield at, skipped
        return
    element = elements[index]
    if isinstance(element, _Gap):
        for skip in range(GAP_WORDS + 1):
            if skip and (at + skip - 1 >= len(found) or found[at + skip - 1] in GAP_STOPS):
                return
            gap = tuple(range(at, at + skip))
            yield from _ends(elements, index + 1, found, at + skip, skipped + gap)
    elif isinstance(element, _Atom):
        if at < len(found) and element.fits(found[at]):
            yield from _ends(elements, index + 1, found, at + 1, skipped)
    else:
        for option in element.options:
            for end, inner in _ends(option, 0, found, at, skipped):
                yield from _ends(elements, index + 1, found, end, inner)


def _first_atoms(element: _Element) -> list[_Atom]:
    if isinstance(element, _Atom):
        return [element]
    if isinstance(element, _Choice):
        return [atom for option in element.options for atom in _first_atoms(option[0])]
    raise PhraseError("a phrase cannot start with ...")


def compile_phrase(
    text: str, word_lists: Mapping[str, Sequence[str]] | None = None, *, nested: bool = False
) -> Phrase:
    """Read `text` (see the module docstring); raise `PhraseError` saying what is wrong."""
    if '"' in text:
        raise PhraseError(f"'{text}': put quotes around the whole phrase, not inside it")
    elements: list[_Element] = []
    for part in text.split():
        if part == "...":
            elements.append(_Gap())
        elif "|" in part:
            options = [_option(option, part, word_lists, nested) for option in part.split("|")]
            elements.append(_Choice(tuple((element,) for element in options)))
        elif part.startswith("{") and part.endswith("}"):
            elements.append(_braces(part[1:-1].strip(), word_lists or {}, nested))
        else:
            elements.extend(_word_atoms(part))
    if not elements:
        raise PhraseError("the phrase is empty")
    if isinstance(elements[0], _Gap) or isinstance(elements[-1], _Gap):
        raise PhraseError(f"'{text}': ... must stand between words, not at either end")
    return Phrase(text, tuple(elements))


def _braces(inside: str, word_lists: Mapping[str, Sequence[str]], nested: bool) -> _Element:
    numbers = _RANGE.match(inside)
    if numbers:
        low, high = float(numbers[1]), float(numbers[2])
        if low > high:
            raise PhraseError(f"{{{inside}}}: the first number must be the smaller")
        return _Atom(low=low, high=high)
    if nested:
        raise PhraseError(f"{{{inside}}}: a word list cannot name another word list")
    if inside not in word_lists:
        known = ", ".join(sorted(word_lists)) or "none"
        raise PhraseError(f"{{{inside}}} is not a word list (word lists: {known})")
    options = tuple(
        compile_phrase(entry, word_lists, nested=True).elements for entry in word_lists[inside]
    )
    return _Choice(options)


def _option(
    text: str, whole: str, word_lists: Mapping[str, Sequence[str]] | None, nested: bool
) -> _Element:
    if text.startswith("{") and text.endswith("}"):
        return _braces(text[1:-1].strip(), word_lists or {}, nested)
    atoms = _word_atoms(text) if text else []
    if len(atoms) != 1:
        raise PhraseError(f"'{whole}': each choice around | must be one word or one {{list}}")
    return atoms[0]


def _word_atoms(text: str) -> list[_Atom]:
    prefix = text.endswith("*")
    found = tokens(text.rstrip("*"))
    if not found:
        raise PhraseError(f"'{text}' has no word in it")
    atoms = [_Atom(word=token) for token in found]
    if prefix:
        if not found[-1].isalpha() or len(found[-1]) < 2:
            raise PhraseError(f"'{text}': put * after at least two letters")
        atoms[-1] = _Atom(prefix=found[-1])
    return atoms


T = TypeVar("T")


@dataclass(frozen=True)
class Hit(Generic[T]):
    """One phrase found in a message: tokens `start` to `end` (exclusive)."""

    start: int
    end: int
    phrase: Phrase
    value: T
    skipped: tuple[int, ...] = ()
    """The tokens that `...` stepped over: not the phrase's own words."""

    def words(self, found: Sequence[str]) -> str:
        return " ".join(found[self.start : self.end])


@dataclass
class PhraseIndex(Generic[T]):
    """Many phrases, each with a value, indexed by the tokens they can start with."""

    by_word: dict[str, list[tuple[Phrase, T]]] = field(default_factory=dict)
    by_prefix: dict[str, list[tuple[Phrase, T]]] = field(default_factory=dict)
    by_number: list[tuple[Phrase, T]] = field(default_factory=list)
    prefix_sizes: set[int] = field(default_factory=set)

    def add(self, phrase: Phrase, value: T) -> None:
        for atom in phrase.first_atoms():
            if atom.word is not None:
                self.by_word.setdefault(atom.word, []).append((phrase, value))
            elif atom.prefix is not None:
                self.by_prefix.setdefault(atom.prefix, []).append((phrase, value))
                self.prefix_sizes.add(len(atom.prefix))
            elif (phrase, value) not in self.by_number:
                self.by_number.append((phrase, value))

    def find(self, found: Sequence[str]) -> list[Hit[T]]:
        """Every phrase in `found`, longest first at each start position."""
        hits: list[Hit[T]] = []
        for start, token in enumerate(found):
            candidates = list(self.by_word.get(token, ()))
            for size in self.prefix_sizes:
                if size <= len(token):
                    candidates.extend(self.by_prefix.get(token[:size], ()))
            if token[0].isdigit():
                candidates.extend(self.by_number)
            seen: set[int] = set()
            for phrase, value in candidates:
                if id(phrase) in seen:
                    continue
                seen.add(id(phrase))
                longest = max(phrase.ends(found, start), default=None, key=lambda m: m[0])
                if longest is not None:
                    hits.append(Hit(start, longest[0], phrase, value, longest[1]))
        return hits
