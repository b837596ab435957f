"""The compiled-knowledge cache: what makes an entry stale, and entries that must never be
trusted (damaged, foreign, or naming code to run)."""

from __future__ import annotations

import gc
import marshal
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core.signs import IMPROVING
from bot.knowledge import codec, compiled, forked, loader
from bot.knowledge.cache import cache_dir, entry_path, read_entry, write_entry
from bot.knowledge.compiled import compile_knowledge
from bot.knowledge.holder import KnowledgeHolder

QUESTION = "can i wear makeup tomorrow"
ran: list[str] = []
"""What `Intruder` managed to run while being read (nothing, if the reader is safe)."""


def record(what: str) -> str:
    ran.append(what)
    return what


class Intruder:
    """An object that, when unpickled by a plain unpickler, calls `record`."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return record, ("ran",)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every folder loaded from its files (not read back from the cache) from now on."""
    loaded: list[Path] = []
    load = loader.read_knowledge

    def counted(directory: Path) -> object:
        loaded.append(Path(directory))
        return load(directory)

    monkeypatch.setattr(loader, "read_knowledge", counted)
    return loaded


def entry_of(knowledge_copy: Path) -> Path:
    key = compiled._key(knowledge_copy)
    assert key is not None
    return entry_path(cache_dir(), compiled.KIND, key)


def test_another_python_loads_the_folder_afresh(
    knowledge_copy: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    compile_knowledge(knowledge_copy)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    compile_knowledge(knowledge_copy)
    assert loads == [knowledge_copy, knowledge_copy]


def test_an_upgraded_library_loads_the_folder_afresh(
    knowledge_copy: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    compile_knowledge(knowledge_copy)
    upgraded = [[*library[:2], 0, 0] for library in compiled._libraries()]
    monkeypatch.setattr(compiled, "_libraries", lambda: upgraded)
    compile_knowledge(knowledge_copy)
    assert loads == [knowledge_copy, knowledge_copy]


def test_another_version_of_the_bot_loads_the_folder_afresh(
    knowledge_copy: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    compile_knowledge(knowledge_copy)
    monkeypatch.setattr(compiled, "_code_digest", lambda: "another version")
    compile_knowledge(knowledge_copy)
    assert loads == [knowledge_copy, knowledge_copy]


def test_an_entry_holding_garbage_under_a_sound_checksum_is_rebuilt(
    knowledge_copy: Path, loads: list[Path]
) -> None:
    expected = compile_knowledge(knowledge_copy).matcher.match(QUESTION).as_json()
    entry = entry_of(knowledge_copy)
    write_entry(entry, entry.stem.split("-", 1)[1], {"knowledge": b"\x80\x05garbage"})
    assert compile_knowledge(knowledge_copy).matcher.match(QUESTION).as_json() == expected
    assert loads == [knowledge_copy, knowledge_copy]
    assert compile_knowledge(knowledge_copy).matcher.match(QUESTION).as_json() == expected
    assert loads == [knowledge_copy, knowledge_copy]


def test_an_entry_naming_code_to_run_is_refused_without_running_it(
    knowledge_copy: Path, loads: list[Path]
) -> None:
    compile_knowledge(knowledge_copy)
    entry = entry_of(knowledge_copy)
    write_entry(entry, entry.stem.split("-", 1)[1], {"knowledge": pickle.dumps(Intruder())})
    ran.clear()
    compile_knowledge(knowledge_copy)
    assert ran == []
    assert loads == [knowledge_copy, knowledge_copy]


def test_reading_refuses_any_name_but_the_knowledge_types() -> None:
    with pytest.raises(pickle.UnpicklingError):
        codec.loads(pickle.dumps(Intruder()))


def test_a_cached_method_must_be_a_method_of_a_knowledge_class(knowledge_copy: Path) -> None:
    matcher = compile_knowledge(knowledge_copy).matcher
    with pytest.raises(pickle.UnpicklingError):
        codec.cached_method(matcher, "__class__", 1)


def test_the_matchers_method_caches_are_read_back_empty(knowledge_copy: Path) -> None:
    matcher = compile_knowledge(knowledge_copy).matcher
    matcher.terms(QUESTION)
    read = codec.loads(codec.dumps(matcher))
    assert isinstance(read, type(matcher))
    assert read.index._cached_terms.cache_info().currsize == 0
    assert read.terms(QUESTION) == matcher.terms(QUESTION)


def test_a_constant_compared_by_identity_is_read_back_as_itself() -> None:
    read = codec.loads(codec.dumps([IMPROVING]))
    assert isinstance(read, list)
    assert read[0] is IMPROVING


def test_a_constant_must_be_a_knowledge_object() -> None:
    with pytest.raises(pickle.UnpicklingError):
        codec.constant("bot.core.signs", "re")


def test_an_entry_whose_patterns_another_engine_compiled_is_rebuilt(
    knowledge_copy: Path, loads: list[Path]
) -> None:
    expected = compile_knowledge(knowledge_copy).matcher.match(QUESTION).as_json()
    entry = entry_of(knowledge_copy)
    sections = read_entry(entry, entry.stem.split("-", 1)[1])
    assert sections is not None
    engine, programs = marshal.loads(sections["patterns"])
    foreign = marshal.dumps(((engine[0] + 1, *engine[1:]), programs))
    write_entry(entry, entry.stem.split("-", 1)[1], {**sections, "patterns": foreign})
    assert compile_knowledge(knowledge_copy).matcher.match(QUESTION).as_json() == expected
    assert compile_knowledge(knowledge_copy).matcher.match(QUESTION).as_json() == expected
    assert loads == [knowledge_copy, knowledge_copy]


def test_a_cached_start_compiles_none_of_the_cores_regular_expressions(
    knowledge_copy: Path,
) -> None:
    compile_knowledge(knowledge_copy)
    started = subprocess.run(
        [sys.executable, "-c", COUNT_COMPILES, str(knowledge_copy)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert started.stdout.split("\n")[:2] == ["read back", "compiled by bot: []"]


def test_a_cached_start_compiles_nothing_to_answer_a_question_of_the_commonest_words(
    knowledge_copy: Path,
) -> None:
    # "can" and "i" start hundreds of warning-sign phrases: each would be compiled afresh.
    compile_knowledge(knowledge_copy)
    code = COUNT_COMPILES + f"cached_knowledge(Path(sys.argv[1])).matcher.match({QUESTION!r})\n"
    code += "print('compiled while matching:', ours[len(before):])\n"
    started = subprocess.run(
        [sys.executable, "-c", code, str(knowledge_copy)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert started.stdout.split("\n")[2] == "compiled while matching: []"


COUNT_COMPILES = """
import re, sys
from pathlib import Path
from bot.knowledge.compiled import cached_knowledge
ours = []
compile_one = re._compiler.compile
def counted(pattern, flags=0):
    caller = sys._getframe(1)
    while caller.f_globals["__name__"] == "re":
        caller = caller.f_back
    if caller.f_globals["__name__"].startswith(("bot.", "scheduler.")):
        ours.append(pattern)
    return compile_one(pattern, flags)
re._compiler.compile = counted
print("read back" if cached_knowledge(Path(sys.argv[1])) else "loaded")
print("compiled by bot:", ours)
before = list(ours)
"""
"""A fresh Python that reads the knowledge back, printing the patterns the bot's modules
compiled meanwhile (the standard library's own are not the cache's to keep)."""


def test_the_garbage_collector_is_off_while_a_folder_loads_and_on_again_after(
    small_knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    seen: list[bool] = []
    load = loader.read_knowledge

    def watched(directory: Path) -> loader.ReadKnowledge:
        seen.append(gc.isenabled())
        return load(directory)

    monkeypatch.setattr(loader, "read_knowledge", watched)
    assert gc.isenabled()
    compile_knowledge(small_knowledge)
    assert seen == [False]
    assert gc.isenabled()


def test_a_holder_serves_before_a_child_writes_its_entry_which_the_next_load_reads_whole(
    small_knowledge: Path, tmp_path: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # Whatever threads earlier tests left idle in this process.
    monkeypatch.setattr(forked, "may_fork", lambda: True)
    writers = tmp_path / "writers"
    write = compiled._write

    def slow_write(key: str, knowledge: compiled.Knowledge) -> None:
        time.sleep(0.5)
        write(key, knowledge)
        with writers.open("a") as file:
            file.write(f"{os.getpid()}\n")

    monkeypatch.setattr(compiled, "_write", slow_write)
    served = KnowledgeHolder(small_knowledge).current
    assert not writers.exists()
    again = compile_knowledge(small_knowledge)
    assert writers.read_text().split() != [str(os.getpid())]
    assert len(writers.read_text().split()) == 1
    assert loads == [small_knowledge]
    assert again.matcher.match(QUESTION).as_json() == served.matcher.match(QUESTION).as_json()


def test_a_process_whose_holder_wrote_its_entry_aside_leaves_it_written_when_it_exits(
    small_knowledge: Path, tmp_path: Path
) -> None:
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from bot.knowledge import compiled\n"
        "from bot.knowledge.holder import KnowledgeHolder\n"
        "write = compiled._write\n"
        "compiled._write = lambda *a: (time.sleep(1), write(*a))\n"
        "KnowledgeHolder(Path(sys.argv[1]))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", code, str(small_knowledge)], env=env, check=True)
    assert list((tmp_path / "cache" / "aftercare").glob(f"{compiled.KIND}-*.cache"))
