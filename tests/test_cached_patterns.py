"""Regular expressions kept compiled in the compiled-knowledge cache: read back, each is the
pattern `re.compile` makes, found where `re.compile` and the unpickler look; programs
written for another engine, or damaged, are refused."""

from __future__ import annotations

import marshal
import pickle
import re
from collections.abc import Iterator

import pytest

from bot.knowledge import patterns

WORDS = r"(?:red|sore)\s+(?P<part>cheeks?|chin)"


@pytest.fixture(autouse=True)
def fresh_regex_cache() -> Iterator[None]:
    """The `re` module's cache emptied before and after, so each test compiles afresh."""
    re.purge()
    yield
    re.purge()


def test_a_pattern_read_back_is_the_one_re_compile_makes() -> None:
    expected = re.compile(WORDS, re.IGNORECASE)
    data = patterns.dumps([expected])
    re.purge()
    patterns.install(data)
    found = re.compile(WORDS, re.IGNORECASE)
    assert found == expected
    matched = found.search("So Red  Cheeks today")
    assert matched is not None
    assert matched["part"] == "Cheeks"


def test_re_compile_finds_a_pattern_read_back_instead_of_compiling_it() -> None:
    data = patterns.dumps([re.compile(WORDS)])
    re.purge()
    patterns.install(data)
    assert re.compile(WORDS) is re.compile(WORDS)
    assert len(re._cache) == 2  # type: ignore[attr-defined]


def test_the_unpickler_finds_a_pattern_read_back_instead_of_compiling_it() -> None:
    written = pickle.dumps(re.compile(WORDS))
    patterns.install(patterns.dumps([re.compile(WORDS)]))
    installed = re.compile(WORDS)
    assert pickle.loads(written) is installed


def test_programs_written_for_another_engine_are_refused() -> None:
    engine, programs = marshal.loads(patterns.dumps([re.compile(WORDS)]))
    older = marshal.dumps(((engine[0] - 1, *engine[1:]), programs))
    re.purge()
    with pytest.raises(ValueError):
        patterns.install(older)
    assert len(re._cache) == 0  # type: ignore[attr-defined]


def test_a_damaged_program_is_refused_with_the_sound_ones_beside_it() -> None:
    data = patterns.dumps([re.compile(WORDS), re.compile("chin")])
    engine, [program, sound] = marshal.loads(data)
    damaged = (*program[:2], [255, *program[2][1:]], *program[3:])
    re.purge()
    with pytest.raises(RuntimeError):
        patterns.install(marshal.dumps((engine, [sound, damaged])))
    assert len(re._cache) == 0  # type: ignore[attr-defined]
