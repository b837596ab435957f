"""The knowledge ready to answer (checked, indexed, its models trained), cached so that a
start with unchanged files does none of that work again.

Loading a knowledge folder (`bot.knowledge.loader`) reads and checks some fifty YAML
files, and indexing reads thousands of example phrasings: half a second or more, most of
what `aftercare ask` would cost. Once a folder has loaded without a problem, what came out
(the knowledge, what indexing its phrasings found and the keys of its two trained models)
is written to the cache folder (`bot.knowledge.cache`) under a key made of the content of
every knowledge file, the folder's path and the source of the code that reads them. A
start whose files are the same reads it back in milliseconds; any edit, or another
version of the bot, loads the folder afresh. Only good versions are ever cached, so every
problem is reported from the files themselves.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.core.lexical import Phrasings
from bot.core.matching import Matcher
from bot.core.model import KnowledgeBase
from bot.knowledge.cache import cache_dir, entry_path, read_entry, write_entry
from bot.knowledge.codec import from_json, to_json
from bot.knowledge.files import DEFAULT_KNOWLEDGE_DIR, knowledge_digest
from bot.knowledge.trained import stored_model

KIND = "knowledge"
MODEL_KINDS = {"classifier": "signs", "topic_classifier": "topics"}
"""The knowledge's model fields, and the kind each is stored as."""


@dataclass(frozen=True)
class Knowledge:
    """One consistent version of the knowledge and the matcher built from it."""

    base: KnowledgeBase
    matcher: Matcher


def compile_knowledge(directory: Path | str | None = None) -> Knowledge:
    """The knowledge of `directory` (by default the shipped one) with its matcher; raises
    `KnowledgeError` listing every problem, as `load_knowledge` does."""
    root = Path(directory) if directory is not None else DEFAULT_KNOWLEDGE_DIR
    key = _key(root)
    if key is not None:
        cached = _read(key)
        if cached is not None:
            return cached
    # Imported here: reading YAML is only needed when the cache does not fit.
    from bot.knowledge.loader import load_knowledge

    base = load_knowledge(root)
    knowledge = Knowledge(base, Matcher(base))
    # Files saved while they were being read must not be cached under the older content.
    if key is not None and _key(root) == key:
        _write(key, knowledge)
    return knowledge


def _key(root: Path) -> str | None:
    try:
        files = knowledge_digest(root)
    except OSError:
        return None
    identity = json.dumps([str(root), str(root.absolute()), files, _code_digest()])
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


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
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _read(key: str) -> Knowledge | None:
    sections = read_entry(entry_path(cache_dir(), KIND, key), key)
    if sections is None:
        return None
    try:
        entry = json.loads(sections["knowledge"])
        models = {}
        for field, kind in MODEL_KINDS.items():
            model = stored_model(kind, entry["models"][field])
            if model is None:
                # Pruned from the cache: loading the folder trains it again.
                return None
            models[field] = model
        base = from_json(KnowledgeBase, entry["knowledge"], models)
        phrasings = from_json(Phrasings, entry["phrasings"], {})
    except (ValueError, KeyError, TypeError):
        return None
    return Knowledge(base, Matcher(base, phrasings=phrasings))


def _write(key: str, knowledge: Knowledge) -> None:
    base = knowledge.base
    if base.signs is None or base.topic_classifier is None:
        return
    entry = {
        "knowledge": to_json(base),
        "phrasings": to_json(knowledge.matcher.index.phrasings),
        "models": {
            "classifier": base.signs.classifier.trained_on,
            "topic_classifier": base.topic_classifier.trained_on,
        },
    }
    sections = {"knowledge": json.dumps(entry, ensure_ascii=False).encode("utf-8")}
    write_entry(entry_path(cache_dir(), KIND, key), key, sections)
