"""Training the warning-sign classifier at knowledge load, on the staff's own examples.

Reports are one label, look-alikes (everyday questions among them) the other, so a nurse
who adds an example extends the classifier at the next reload. The topics' examples are
left out on purpose: an edit to a topic must not retrain the classifier, and measured by
bench/crossval_signs.py they change nothing. Training needs
scikit-learn, whose import alone takes about a second; a trained model is therefore kept
in memory and in a cache file (under $XDG_CACHE_HOME/aftercare or ~/.cache/aftercare),
named by a hash of everything it was trained on: unchanged examples load it back in a
few milliseconds, changed ones train anew.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.core.classifier import CHAR_NGRAMS, LinearModel, train
from bot.core.phrases import tokens

REGULARISATION = 10.0
"""scikit-learn's C; cross-validated by source with bench/crossval_signs.py."""
REPORT, CALM = "report", "calm"
_memory: dict[str, tuple[LinearModel, dict[str, dict[str, float]]]] = {}


@dataclass(frozen=True)
class Example:
    """One labelled message: a report of `label` (a sign id) or a look-alike of a cause."""

    text: str
    report: bool
    label: str
    source: str


def train_signs(examples: Iterable[Example]) -> tuple[LinearModel, dict[str, dict[str, float]]]:
    """The report/calm classifier and the per-sign word weights, trained or cached."""
    examples = list(examples)
    texts = [e.text for e in examples]
    labels = [REPORT if e.report else CALM for e in examples]
    key = _key(texts, labels)
    if key in _memory:
        return _memory[key]
    cached = _read_cache(key)
    if cached is None:
        cached = (train(texts, labels, regularisation=REGULARISATION), sign_words(examples))
        _write_cache(key, cached)
    _memory[key] = cached
    return cached


def sign_words(examples: Iterable[Example]) -> dict[str, dict[str, float]]:
    """Per word, how much more likely it is in each sign's reports than on average (log)."""
    counts: dict[str, Counter[str]] = {}
    for example in examples:
        if example.report:
            words = {t for t in tokens(example.text) if t.isalpha() and len(t) > 2}
            counts.setdefault(example.label, Counter()).update(words)
    vocabulary = {word for counter in counts.values() for word in counter}
    totals = {sign: sum(counter.values()) + len(vocabulary) for sign, counter in counts.items()}
    weights: dict[str, dict[str, float]] = {}
    for word in vocabulary:
        logs = {
            sign: math.log((counter[word] + 1) / totals[sign]) for sign, counter in counts.items()
        }
        mean = sum(logs.values()) / len(logs)
        weights[word] = {sign: value - mean for sign, value in logs.items()}
    return weights


def _key(texts: list[str], labels: list[str]) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([REGULARISATION, CHAR_NGRAMS, texts, labels]).encode())
    return digest.hexdigest()[:32]


def _cache_file(key: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aftercare" / f"signs-{key}.json"


def _read_cache(key: str) -> tuple[LinearModel, dict[str, dict[str, float]]] | None:
    try:
        data = json.loads(_cache_file(key).read_text(encoding="utf-8"))
        return LinearModel.from_json(data["model"]), _as_weights(data["sign_words"])
    except (OSError, ValueError, KeyError, TypeError):
        # No cache, or one from an older version: training again is the fix.
        return None


def _as_weights(data: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    return {str(w): {str(s): float(v) for s, v in signs.items()} for w, signs in data.items()}


def _write_cache(key: str, trained: tuple[LinearModel, dict[str, dict[str, float]]]) -> None:
    path = _cache_file(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(
            json.dumps({"model": trained[0].as_json(), "sign_words": trained[1]}),
            encoding="utf-8",
        )
        partial.replace(path)
    except OSError:
        # A read-only home only costs the next load a training run.
        return
