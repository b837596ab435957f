"""The knowledge ready to answer, its matcher built, cached so that a start with unchanged
files does none of that work again.

Loading a knowledge folder (`bot.knowledge.loader`) reads and checks some fifty YAML
files, indexing reads thousands of example phrasings and the warning-sign check compiles
hundreds of phrases: half a second or more, most of what `aftercare ask` would cost. Once
a folder has loaded without a problem, what came out (the knowledge with its models and
its matcher) is written to the cache folder (`bot.knowledge.cache`, as
`bot.knowledge.codec` writes it) under a key made of the content of every knowledge
file, the folder's path, the source of the code that reads them, the Python running it
and the installed libraries that shape it. A start whose files are the same reads it back
in one pass; any edit, another version of the bot, of Python or of those libraries loads
the folder afresh. Only good versions are ever cached, so every problem is reported from
the files themselves. Beside the knowledge, the entry keeps the regular expressions that the
core compiles and the knowledge holds, compiled (`bot.knowledge.patterns`): put in place
before the knowledge is read back, so its modules compile none of them again. So are those
a match compiles for the words patients use most ("i", "can", "it"), matched once before
the entry is written, so that a one-shot `aftercare ask` compiles none of them either.
The bot's holder does not wait for the entry: a forked child writes it while the knowledge
already serves (`_write_aside`).
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys

# BLAKE2 without `hashlib`, as in `bot.knowledge.files`.
from _blake2 import blake2b
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.util import find_spec
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bot.knowledge import codec, patterns
from bot.knowledge.cache import cache_dir, entry_path, read_entry, write_entry, writing_aside
from bot.knowledge.files import DEFAULT_KNOWLEDGE_DIR, knowledge_digest

if TYPE_CHECKING:
    # Imported when used: a cached start puts the stored regular expressions in place
    # before the core's modules compile their own.
    from bot.core.matching import Matcher
    from bot.core.model import KnowledgeBase

KIND = "knowledge"
LIBRARIES = ("yaml", "snowballstemmer", "Stemmer", "rapidfuzz", "sklearn", "numpy", "scipy")
"""What reads the files (YAML), stems and corrects their words, and trains the models: an
upgrade of any of them may build other knowledge from the same files."""
COMMON_SHARE = 0.1
"""A word in at least this share of the topics' example phrasings (one in ten) has the
expressions a match compiles for it stored in the cache (`_warm_up`)."""


class Knowledge(NamedTuple):
    """One consistent version of the knowledge and the matcher built from it."""

    base: KnowledgeBase
    matcher: Matcher


def compile_knowledge(
    directory: Path | str | None = None, *, write_aside: bool = False
) -> Knowledge:
    """The knowledge of `directory` (by default the shipped one) with its matcher; raises
    `KnowledgeError` listing every problem, as `load_knowledge` does. With `write_aside`,
    a knowledge loaded from its files is returned before its entry is written, as soon as
    it can serve (`_write_aside`)."""
    root = Path(directory) if directory is not None else DEFAULT_KNOWLEDGE_DIR
    key = _key(root)
    if key is not None:
        cached = _read(key)
        if cached is not None:
            return cached
    # Imported here: reading YAML is only needed when the cache does not fit.
    from bot.core.lexical import TermIndex
    from bot.core.matching import Matcher, Thresholds
    from bot.knowledge.loader import read_knowledge

    with collector_paused():
        read = read_knowledge(root)
        # The match index reads no model: it is built while the topic models may still fit
        # (liblinear lets go of the GIL), not after them.
        thresholds = Thresholds()
        index = TermIndex(read.untrained, thresholds.lexical)
        base = read.trained()
        knowledge = Knowledge(base, Matcher(base, thresholds, index=index))
        # Files saved while they were being read must not be cached under the older content.
        if key is not None and _key(root) == key:
            (_write_aside if write_aside else _write)(key, knowledge)
    return knowledge


@contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector off meanwhile (and in the children forked meanwhile), then on
    again if it was on. A load makes hundreds of thousands of objects that live on, and
    every few hundred of them set off a collection that walks those made before: a tenth
    of the load's CPU time, for cycles it does not make. The holder collects once after a
    reload (`settle_memory`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cached_knowledge(directory: Path) -> Knowledge | None:
    """The knowledge of `directory` if the cache holds it as the files are now, else None
    (nothing is loaded): for a start that has a slower way when it is not."""
    key = _key(directory)
    return None if key is None else _read(key)


def _key(root: Path) -> str | None:
    try:
        files = knowledge_digest(root)
    except OSError:
        return None
    identity = json.dumps(
        [str(root), str(root.absolute()), files, _code_digest(), sys.version, _libraries()]
    )
    return blake2b(identity.encode("utf-8"), digest_size=16).hexdigest()


@cache
def _code_digest() -> str:
    """The source of everything that turns files into knowledge (bot/core, bot/knowledge
    and the check-in plan's types): a new version of the bot compiles afresh."""
    here = Path(__file__).resolve().parent
    sources = [
        *sorted(here.glob("*.py")),
        *sorted((here.parent / "core").glob("*.py")),
        here.parents[1] / "scheduler" / "planning.py",
    ]
    digest = blake2b(digest_size=32)
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()


@cache
def _libraries() -> list[list[object]]:
    """Each library of `LIBRARIES` as where it is installed and when, found without importing
    it (an import costs more than the whole cached start): an upgrade rewrites the files."""
    found: list[list[object]] = []
    for name in LIBRARIES:
        try:
            spec = find_spec(name)
            origin = spec.origin if spec is not None else None
            stat = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            origin, stat = None, None
        found.append(
            [name, origin, stat.st_mtime_ns if stat else None, stat.st_size if stat else None]
        )
    return found


def _read(key: str) -> Knowledge | None:
    sections = read_entry(entry_path(cache_dir(), KIND, key), key)
    if sections is None:
        return None
    try:
        patterns.install(sections["patterns"])
        knowledge = codec.loads(sections["knowledge"])
    # A sound checksum over something unreadable (written by another version, or not by
    # us at all) counts as no entry, whatever reading it raised: the folder is loaded.
    except Exception:
        return None
    if not isinstance(knowledge, Knowledge):
        return None
    # Everything just read lives until the next reload (which settles memory again, see
    # `bot.knowledge.holder`): out of the collector's reach, the first collections after
    # a start do not walk it all, three generations over.
    gc.freeze()
    return knowledge


def _write_aside(key: str, knowledge: Knowledge) -> None:
    """The entry written by a forked child, so that the knowledge serves meanwhile: turning
    it into bytes holds the GIL for a tenth of a second, the last step of a load. Written
    here by a process that may not fork (with other threads running). This process waits
    for the child before it next finds an entry's path, and before it exits
    (`bot.knowledge.cache.writing_aside`): the next start finds the entry whole."""
    # Imported here, as `Matcher` above: a cached start needs none of it.
    from bot.knowledge.forked import may_fork

    if not may_fork():
        _write(key, knowledge)
        return
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            _write(key, knowledge)
        except BaseException:
            status = 1
        finally:
            # Out at once: no exit handler of this process runs twice.
            os._exit(status)
    writing_aside(pid)


def _write(key: str, knowledge: Knowledge) -> None:
    held: list[re.Pattern[str]] = []
    data = codec.dumps(knowledge, held)
    # Warmed after it is written: the entry stays as small as the knowledge just built.
    warmed = _warm_up(knowledge)
    sections = {
        "patterns": patterns.dumps([*held, *_module_patterns(), *warmed]),
        "knowledge": data,
    }
    write_entry(entry_path(cache_dir(), KIND, key), key, sections)


def _warm_up(knowledge: Knowledge) -> list[re.Pattern[str]]:
    """The regular expressions a match compiles for the words patients use most: those
    in at least `COMMON_SHARE` of the topics' example phrasings.

    The warning-sign check compiles one for each word that may start a phrase, the first
    time it meets the word; for "i" or "it", which start hundreds, that costs a one-shot
    `aftercare ask` milliseconds. Matched once here, as one message, their expressions are
    stored with the others and are compiled already when a question brings these words.
    """
    # Imported here, as `Matcher` above: a cached start puts the stored expressions in place
    # before the core's modules are imported.
    from bot.core.text import words

    examples = [example for rule in knowledge.base.rules for example in rule.examples]
    counts = Counter(chain.from_iterable(set(words(example)) for example in examples))
    common = [word for word, count in counts.items() if count >= COMMON_SHARE * len(examples)]
    # Emptied first, so that what the match compiles is all there afterwards, even what
    # this process compiled before (another thread's are stored too: harmless).
    re.purge()
    knowledge.matcher.match(" ".join(sorted(common)))
    cache: dict[object, re.Pattern[str]] = re._cache  # type: ignore[attr-defined]
    return list(cache.values())


def _module_patterns() -> list[re.Pattern[str]]:
    """The regular expressions the modules that read the knowledge compile as they are
    imported (a cached start imports them all)."""
    # Copied before they are read: a thread still importing may add to them meanwhile.
    return [
        value
        for name, module in list(sys.modules.items())
        if codec.own_module(name)
        for value in list(vars(module).values())
        if isinstance(value, re.Pattern)
    ]
