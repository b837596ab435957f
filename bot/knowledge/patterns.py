"""The regular expressions the knowledge uses, kept compiled in the cache: a start with
unchanged knowledge parses none of them again.

Python compiles a regular expression in two steps: parsing the pattern and generating the
matching engine's program (pure Python, a few hundred microseconds to several
milliseconds each), then handing that program to the engine (`_sre.compile`, in C,
microseconds). A one-shot `aftercare ask` compiles dozens: the core modules' own, those
the knowledge holds, and the ones the phrase index builds for the words of the message.
The compiled-knowledge cache (`bot.knowledge.compiled`) stores the programs of the first
two (the phrase index's depend on the message and are still compiled when one needs
them), and reading it back hands the programs to the engine and puts the patterns in the
`re` module's own cache, where `re.compile` and the unpickler find them, as if compiled
earlier in the same process.

Each program is made exactly as `re.compile` makes it, and checked against it when it is
written. A program is only valid for the engine that wrote it: the cache entry's key
names the Python running (`sys.version`), and the engine's version is stored and
compared too; any mismatch or damage (the engine checks every program it is given)
refuses the whole entry, which is then built again. The stored data are `marshal`led
strings, numbers and lists: nothing in them is run.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import marshal
import re
import sys
from collections.abc import Iterable
from typing import Any

_ENGINE = (re._constants.MAGIC, _sre.CODESIZE, sys.hexversion)  # type: ignore[attr-defined]
"""What a stored program depends on besides its pattern: the engine's version."""
_UNICODE = re.UNICODE.value


def dumps(patterns: Iterable[re.Pattern[str]]) -> bytes:
    """The programs of `patterns` (text patterns only), as bytes `install` reads."""
    programs = []
    for text, flags in dict.fromkeys((p.pattern, p.flags) for p in patterns):
        if not isinstance(text, str):
            continue
        program = _program(text, flags)
        if _built(program) != re.compile(text, flags):
            continue
        programs.append(program)
    return marshal.dumps((_ENGINE, programs))


def install(data: bytes) -> None:
    """Put every pattern stored in `data` in the `re` module's cache; raises `ValueError`
    (or the engine's own error) when `data` was written for another engine or is damaged."""
    engine, programs = marshal.loads(data)
    if tuple(engine) != _ENGINE:
        raise ValueError("patterns compiled for another regular expression engine")
    # All built before any is put in place: a damaged entry leaves the cache as it was.
    built = [_built(program) for program in programs]
    cache: dict[tuple[type, str, int], re.Pattern[str]] = re._cache  # type: ignore[attr-defined]
    for pattern in built:
        # `re.compile(text)` looks itself up without the Unicode flag it adds to every
        # text pattern; the unpickler, with the pattern's flags as they are.
        cache[(str, pattern.pattern, pattern.flags)] = pattern
        cache[(str, pattern.pattern, pattern.flags & ~_UNICODE)] = pattern


def _program(text: str, flags: int) -> tuple[Any, ...]:
    """What `re.compile(text, flags)` gives the engine (as `re._compiler.compile` does)."""
    parsed = re._parser.parse(text, flags)  # type: ignore[attr-defined]
    code = re._compiler._code(parsed, flags)  # type: ignore[attr-defined]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        text,
        int(flags | parsed.state.flags),
        # Some of the codes are named constants (an `int` subclass marshal does not write).
        list(map(int, code)),
        int(parsed.state.groups - 1),
        groupindex,
        tuple(indexgroup),
    )


def _built(program: tuple[Any, ...]) -> re.Pattern[str]:
    text, flags, code, groups, groupindex, indexgroup = program
    pattern: re.Pattern[str] = _sre.compile(text, flags, code, groups, groupindex, indexgroup)
    return pattern
