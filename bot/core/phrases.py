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

A phrase is matched over a message's tokens (`bot.core.tokens`); `bot.core.phrase_index`
finds many phrases in one message at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cached_property, lru_cache
from typing import NamedTuple

from bot.core.tokens import CACHED_TOKENS, Line, is_number, tokens

GAP_WORDS = 6
"""How many words `...` may skip: enough for "redness on my left cheek is spreading"."""
_RANGE = re.compile(r"^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$")


class PhraseError(ValueError):
    """A phrase staff wrote cannot be read; the message says why, for `file:line`."""


class Atom(NamedTuple):
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


class Choice(NamedTuple):
    """Any of several sequences: `hot|warm`, or the entries of a `{word list}`."""

    options: tuple[tuple[Element, ...], ...]


class Gap(NamedTuple):
    """`...`: up to GAP_WORDS tokens, never past the end of a sentence."""


Element = Atom | Choice | Gap


class Phrase:
    """A phrase as staff wrote it, ready to match.

    It is matched as one regular expression over the message's tokens joined by spaces,
    each token followed by one space: Python's regex engine walks the choices and gaps
    far faster than Python code would. The expression is compiled when the phrase is
    first tried: a start compiles none of the thousands a knowledge folder has, and a
    message compiles only those that could start at one of its words.
    """

    def __init__(self, text: str, elements: tuple[Element, ...]) -> None:
        self.text, self.elements = text, elements

    def __eq__(self, it: object) -> bool:
        return isinstance(it, Phrase) and (it.text, it.elements) == (self.text, self.elements)

    def __hash__(self) -> int:
        return hash((self.text, self.elements))

    @cached_property
    def _compiled(self) -> _Compiled:
        groups: list[tuple[str, _Ranges | Gap]] = []
        pattern = re.compile(_regex(self.elements, groups))
        numbers = tuple((name, g) for name, g in groups if isinstance(g, _Ranges))
        return _Compiled(pattern, numbers, tuple(n for n, g in groups if isinstance(g, Gap)))

    @cached_property
    def plain(self) -> str:
        """The pattern without its named groups, to join with others into one quick test."""
        return _regex(self.elements, [], named=False)

    @cached_property
    def pieces(self) -> tuple[str, ...]:
        """`plain` cut at its elements (joined, they are `plain`): several phrases that
        open with the same elements share them in one quick test (`bot.core.phrase_index`)."""
        return tuple(
            # A choice narrowed to one option is that option: "(?:i )" is "i ".
            _regex(element.options[0], [], named=False)
            if isinstance(element, Choice) and len(element.options) == 1
            else _regex((element,), [], named=False)
            for element in self.elements
        )

    @cached_property
    def ends_only(self) -> bool:
        """Whether `match` tells no more than where `plain` ends (no number, no `...`)."""
        groups: list[tuple[str, _Ranges | Gap]] = []
        _regex(self.elements, groups)
        return not groups

    @cached_property
    def words(self) -> tuple[str, ...] | None:
        """The tokens this phrase is when it is plain words only ("not sure"): those are
        found by comparing tokens, with no regular expression to compile or run."""
        found = tuple(e.word for e in self.elements if isinstance(e, Atom) and e.word)
        return found if len(found) == len(self.elements) else None

    def first_atoms(self) -> list[Atom]:
        return _first_atoms(self.elements[0])

    def at(self, token: str) -> Phrase | None:
        """This phrase with only the choices of its first element that can start at a
        token `token`: the same matches there, fewer choices tried; None if none can."""
        first = self.elements[0]
        if not isinstance(first, Choice):
            return self
        kept = tuple(option for option in first.options if _starts(option[0], token))
        if len(kept) == len(first.options) or not kept:
            return self if kept else None
        return Phrase(self.text, (Choice(kept), *self.elements[1:]))

    def match(self, line: Line, start: int) -> tuple[int, tuple[int, ...]] | None:
        """Where this phrase, started at token `start`, ends (exclusive) and which tokens
        its `...` skipped; None when it does not match there."""
        compiled = self._compiled
        found = compiled.pattern.match(line.text, line.offsets[start])
        if found is None:
            return None
        for group, atom in compiled.numbers:
            value = found.group(group)
            if value is not None and not atom.fits(value):
                return None
        skipped: list[int] = []
        for gap in compiled.gaps:
            if found.start(gap) >= 0:
                skipped += range(line.token_at[found.start(gap)], line.token_at[found.end(gap)])
        return line.token_at[found.end()], tuple(skipped)


class _Compiled(NamedTuple):
    pattern: re.Pattern[str]
    numbers: tuple[tuple[str, _Ranges], ...]
    """The named groups holding a number, and the ranges it must fall in."""
    gaps: tuple[str, ...]
    """The named groups of the `...` gaps."""


_GAP = f"(?:(?![.!?;,] )[^ ]++ ){{0,{GAP_WORDS}}}"


def _regex(
    elements: Sequence[Element], groups: list[tuple[str, _Ranges | Gap]], *, named: bool = True
) -> str:
    parts: list[str] = []
    for element in elements:
        if isinstance(element, Gap):
            gap = f"g{len(groups)}"
            groups.append((gap, element))
            parts.append(f"(?P<{gap}>{_GAP})" if named else f"(?:{_GAP})")
        elif isinstance(element, Atom):
            parts.append(_atom_regex(element, groups, named))
        else:
            # Numbers are one group checked against every range: "100.4" must not stop at
            # a first range 37.8-42.5 when another option allows 100-107.
            ranges = [o[0] for o in element.options if len(o) == 1 and _is_range(o[0])]
            rest = [o for o in element.options if not (len(o) == 1 and _is_range(o[0]))]
            # Longer options first: "getting bigger" before "getting".
            choices = [_regex(o, groups, named=named) for o in sorted(rest, key=len, reverse=True)]
            if ranges:
                choices.append(
                    _numbers_regex(tuple(a for a in ranges if isinstance(a, Atom)), groups, named)
                )
            parts.append("(?:" + "|".join(choices) + ")")
    return "".join(parts)


def _is_range(element: Element) -> bool:
    return isinstance(element, Atom) and element.low is not None


def _atom_regex(atom: Atom, groups: list[tuple[str, _Ranges | Gap]], named: bool) -> str:
    if atom.word is not None:
        return re.escape(atom.word) + " "
    if atom.prefix is not None:
        return re.escape(atom.prefix) + "[^ ]*+ "
    return _numbers_regex((atom,), groups, named)


def _numbers_regex(
    atoms: tuple[Atom, ...], groups: list[tuple[str, _Ranges | Gap]], named: bool
) -> str:
    if not named:
        return r"\d+(?:\.\d+)? "
    name = f"n{len(groups)}"
    groups.append((name, _Ranges(atoms)))
    return rf"(?P<{name}>\d+(?:\.\d+)?) "


class _Ranges(NamedTuple):
    """The number ranges one matched number must fall in (any of them)."""

    atoms: tuple[Atom, ...]

    def fits(self, token: str) -> bool:
        return any(atom.fits(token) for atom in self.atoms)


def _starts(element: Element, token: str) -> bool:
    """Whether the expression of `element` can match from a token `token`."""
    atoms = _first_atoms(element)
    if any(atom.word == token or (atom.prefix and token.startswith(atom.prefix)) for atom in atoms):
        return True
    return is_number(token) and any(atom.low is not None for atom in atoms)


def _first_atoms(element: Element) -> list[Atom]:
    if isinstance(element, Atom):
        return [element]
    if isinstance(element, Choice):
        return [atom for option in element.options for atom in _first_atoms(option[0])]
    raise PhraseError("a phrase cannot start with ...")


def compile_phrase(
    text: str, word_lists: Mapping[str, Sequence[str]] | None = None, *, nested: bool = False
) -> Phrase:
    """Read `text` (see the module docstring); raise `PhraseError` saying what is wrong."""
    if '"' in text:
        raise PhraseError(f"'{text}': put quotes around the whole phrase, not inside it")
    elements: list[Element] = []
    for part in text.split():
        if part == "...":
            elements.append(Gap())
        elif "|" in part:
            options = [_option(option, part, word_lists, nested) for option in part.split("|")]
            elements.append(Choice(tuple((element,) for element in options)))
        elif part.startswith("{") and part.endswith("}"):
            elements.append(_braces(part[1:-1].strip(), word_lists or {}, nested))
        else:
            elements.extend(_word_atoms(part))
    if not elements:
        raise PhraseError("the phrase is empty")
    if isinstance(elements[0], Gap) or isinstance(elements[-1], Gap):
        raise PhraseError(f"'{text}': ... must stand between words, not at either end")
    return Phrase(text, tuple(elements))


def _braces(inside: str, word_lists: Mapping[str, Sequence[str]], nested: bool) -> Element:
    numbers = _RANGE.match(inside)
    if numbers:
        low, high = float(numbers[1]), float(numbers[2])
        if low > high:
            raise PhraseError(f"{{{inside}}}: the first number must be the smaller")
        return Atom(low=low, high=high)
    if nested:
        raise PhraseError(f"{{{inside}}}: a word list cannot name another word list")
    if inside not in word_lists:
        known = ", ".join(sorted(word_lists)) or "none"
        raise PhraseError(f"{{{inside}}} is not a word list (word lists: {known})")
    options = tuple(
        compile_phrase(entry, word_lists, nested=True).elements for entry in word_lists[inside]
    )
    return Choice(options)


def _option(
    text: str, whole: str, word_lists: Mapping[str, Sequence[str]] | None, nested: bool
) -> Element:
    if text.startswith("{") and text.endswith("}"):
        return _braces(text[1:-1].strip(), word_lists or {}, nested)
    atoms = _word_atoms(text) if text else []
    if len(atoms) != 1:
        raise PhraseError(f"'{whole}': each choice around | must be one word or one {{list}}")
    return atoms[0]


@lru_cache(maxsize=CACHED_TOKENS)
def _word_atoms(text: str) -> tuple[Atom, ...]:
    # Cached: the same few thousand words recur across every phrase and word list.
    prefix = text.endswith("*")
    found = tokens(text.rstrip("*"))
    if not found:
        raise PhraseError(f"'{text}' has no word in it")
    atoms = [Atom(word=token) for token in found]
    if prefix:
        if not found[-1].isalpha() or len(found[-1]) < 2:
            raise PhraseError(f"'{text}': put * after at least two letters")
        atoms[-1] = Atom(prefix=found[-1])
    return tuple(atoms)
