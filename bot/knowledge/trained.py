"""The trained models of a knowledge version: the warning-sign classifier (reports against
look-alikes), the topic classifier (every topic's example phrasings) and the scope
classifier (aftercare phrasings against the off-topic and social ones).

Training imports NumPy, SciPy and liblinear and takes a second or more of CPU: too slow
for every start. So each model is kept in the cache folder (`bot.knowledge.cache`),
keyed by a fingerprint of everything it alone was trained on: its texts, their labels,
its training settings and the source of `bot.core.classifier` and `bot.core.training`.
A start with unchanged examples reads the models back in a few milliseconds without
importing any of those; an edit trains only the models it feeds (an answer none, a
topic's examples the topic and scope models, a warning-sign example the warning-sign
model), side by side when there are several (`Training`, `trained_models`).
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from array import array
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, cached_property, partial
from pathlib import Path

from bot.core import classifier, emoji, training
from bot.core.classifier import LinearModel
from bot.core.model import OFF_TOPIC, Rule
from bot.core.training import Examples, Method, TextReader
from bot.knowledge.cache import cache_dir, entry_path, read_entry, write_entry
from bot.knowledge.forked import Job, Workers, may_fork

REPORT, CALM = "report", "calm"


@dataclass(frozen=True)
class TrainingSettings:
    """How a model is trained (see `bot.core.classifier`): the method, scikit-learn's C
    (larger fits the examples more closely), whether features are counted, and the
    sharpness its scores are read with."""

    method: Method
    regularisation: float
    counted: bool
    sharpness: float = 1.0


SIGNS = TrainingSettings("logistic", regularisation=10.0, counted=False)
"""Cross-validated by source with bench/crossval_signs.py; the alert threshold in
signs.yaml is set on these probabilities."""
TOPICS = TrainingSettings("svm", regularisation=2.0, counted=True, sharpness=5.0)
"""Chosen with bench/tune_thresholds.py together with the matcher's blend."""
SCOPE = TrainingSettings("logistic", regularisation=3.0, counted=False)
"""Two labels, so liblinear fits it in a fraction of the topic classifier's time; C chosen
on the tuning sets with the knowledge's near-duplicates of each set left out."""
IN_SCOPE = "in scope"
"""The scope classifier's label for a message of an aftercare or social topic."""


@dataclass(frozen=True)
class TrainingSet:
    """What one model learns from: `kind` names it in the cache ("signs", "topics")."""

    kind: str
    texts: tuple[str, ...]
    labels: tuple[str, ...]
    settings: TrainingSettings

    @cached_property
    def fingerprint(self) -> str:
        settings = self.settings
        payload = json.dumps(
            [
                _classifier_source(),
                [settings.method, settings.regularisation, settings.counted, settings.sharpness],
                self.texts,
                self.labels,
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    def train(self) -> LinearModel:
        """A model trained now (scikit-learn needed)."""
        return self.fit(self.examples())

    def examples(self, reader: TextReader | None = None) -> Examples:
        """The texts as the matrix `fit` takes (holds the GIL: Python builds it), read by
        `reader` when given (one reader per distinct `texts`: see `TextReader`)."""
        return training.examples_of(
            self.texts, self.labels, counted=self.settings.counted, reader=reader
        )

    def fit(self, examples: Examples) -> LinearModel:
        """The model fitted on `examples` (liblinear lets go of the GIL meanwhile)."""
        settings = self.settings
        model = training.fit(
            examples,
            method=settings.method,
            regularisation=settings.regularisation,
            sharpness=settings.sharpness,
        )
        # Just made here and shared with no one: named in place, its rows not indexed again.
        model.trained_on = self.fingerprint
        return model


def topic_training(rules: Iterable[Rule]) -> TrainingSet:
    """The topic classifier learns every topic's examples, keywords and title."""
    texts: list[str] = []
    labels: list[str] = []
    for rule in rules:
        for text in (*rule.examples, *rule.keywords, rule.title):
            texts.append(text)
            labels.append(rule.id)
    return TrainingSet("topics", tuple(texts), tuple(labels), TOPICS)


def scope_training(rules: Iterable[Rule]) -> TrainingSet:
    """The scope classifier learns every topic's examples as off-topic or not (aftercare
    and social topics): whether a message is outside what the bot answers, whichever
    topic it would be. One opinion over all the off-topic examples generalises to
    questions no single off-topic example is near ("least damaging hair dye?")."""
    texts: list[str] = []
    labels: list[str] = []
    for rule in rules:
        for text in (*rule.examples, *rule.keywords, rule.title):
            texts.append(text)
            labels.append(OFF_TOPIC if rule.scope == OFF_TOPIC else IN_SCOPE)
    return TrainingSet("scope", tuple(texts), tuple(labels), SCOPE)


def signs_training(examples: Iterable[tuple[str, bool]]) -> TrainingSet:
    """The warning-sign classifier learns reports (True) against look-alikes (False).

    The topics' examples are left out on purpose: an edit to a topic must not retrain it,
    and measured by bench/crossval_signs.py they change nothing."""
    pairs = list(examples)
    return TrainingSet(
        "signs",
        tuple(text for text, _ in pairs),
        tuple(REPORT if report else CALM for _, report in pairs),
        SIGNS,
    )


_memory: dict[str, LinearModel] = {}
"""Models this process has read or trained, by fingerprint: a reload that changed only
the topics reads the warning-sign model from here."""
MEMORY_KEEP = 8


def trained_models(sets: Sequence[TrainingSet], folder: Path | None = None) -> list[LinearModel]:
    """A model for each of `sets`, in order: remembered, stored (in `folder`, by default
    the cache folder, or shipped) or trained now and stored."""
    folder = folder if folder is not None else cache_dir()
    stored = [_stored(each.kind, each.fingerprint, folder) for each in sets]
    missing = [each for each, model in zip(sets, stored, strict=True) if model is None]
    if len(missing) > 1:
        # liblinear lets go of the GIL while it fits, so each model fits in a thread of
        # its own while this one builds the next matrix (which holds the GIL). The set
        # with the most labels goes first: one fit per label, its fit is the longest.
        # The topic and scope models learn the same texts: read once, for both.
        readers: dict[tuple[str, ...], TextReader] = {}
        with ThreadPoolExecutor(max_workers=len(missing)) as pool:
            first = sorted(missing, key=lambda each: -len(set(each.labels)))
            fits = {
                id(each): pool.submit(
                    each.fit, each.examples(readers.setdefault(each.texts, TextReader()))
                )
                for each in first
            }
            fresh = [fits[id(each)].result() for each in missing]
    else:
        fresh = [each.train() for each in missing]
    for training_set, model in zip(missing, fresh, strict=True):
        key = training_set.fingerprint
        write_entry(entry_path(folder, training_set.kind, key), key, model_sections(model))
        _remember(key, model)
    trained = iter(fresh)
    return [model if model is not None else next(trained) for model in stored]


class Training:
    """The models of `sets`, read back now when stored, the others trained from now on
    while the caller goes on reading the other files: by a forked child when given its
    `job` (`bot.knowledge.forked`: building a matrix holds the GIL, so in a thread it ran
    in turns with that reading), else in a thread (liblinear lets go of the GIL while it
    fits, so the fits at least run beside the reading). The thread is a daemon, and a
    child is stopped when nobody reads its models: a process that stops at a problem in
    the files does not wait for models nobody will read (one still stored is harmless:
    it is keyed by what it learned)."""

    def __init__(
        self, sets: Sequence[TrainingSet], folder: Path | None = None, job: Job | None = None
    ) -> None:
        folder = folder if folder is not None else cache_dir()
        self._stored = [_stored(each.kind, each.fingerprint, folder) for each in sets]
        self._missing = [
            each for each, model in zip(sets, self._stored, strict=True) if model is None
        ]
        self._models: list[LinearModel] = []
        self._error: Exception | None = None
        self._job: Job | None = None
        self._thread: threading.Thread | None = None
        if not self._missing:
            if job is not None:
                job.skip()
            return
        if job is not None:
            # Handed back pickled: a model's features sorted for the compiled knowledge's
            # cache in the child, not here (see `LinearModel.__getstate__`).
            job.send(partial(trained_models, self._missing, folder))
            self._job = job
            return
        self._thread = threading.Thread(
            target=self._train, args=(self._missing, folder), name="training", daemon=True
        )
        self._thread.start()

    def _train(self, sets: list[TrainingSet], folder: Path) -> None:
        try:
            self._models = trained_models(sets, folder)
        # Raised again in the caller's thread, by `models`.
        except Exception as error:
            self._error = error

    def models(self) -> list[LinearModel]:
        """The models, once trained (or read back), in the order of the sets."""
        if self._job is not None:
            self._models = self._job.result()
            self._job = None
            for each, model in zip(self._missing, self._models, strict=True):
                _remember(each.fingerprint, model)
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        fresh = iter(self._models)
        return [model if model is not None else next(fresh) for model in self._stored]


def training_workers() -> Workers | None:
    """Two children to train the topic and scope models and the warning-sign model, forked
    as a load begins, when this process may fork (else None: train in threads)."""
    return Workers(2, training.load_solver) if may_fork() else None


def _stored(kind: str, key: str, folder: Path) -> LinearModel | None:
    if key in _memory:
        return _memory[key]
    sections = read_entry(entry_path(folder, kind, key), key, touch=True)
    if sections is None:
        return None
    try:
        model = model_from_sections(sections, key)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    _remember(key, model)
    return model


def _remember(key: str, model: LinearModel) -> None:
    if len(_memory) >= MEMORY_KEEP and key not in _memory:
        del _memory[next(iter(_memory))]
    _memory[key] = model


def model_sections(model: LinearModel) -> dict[str, bytes]:
    """`model` as cache sections: a JSON head, the feature names, the raw arrays."""
    meta = {
        "labels": list(model.labels),
        "bias": list(model.bias),
        "counted": model.counted,
        "sharpness": model.sharpness,
        "byteorder": sys.byteorder,
    }
    return {
        "meta": json.dumps(meta).encode(),
        "features": "\n".join(model.features).encode("utf-8"),
        "offsets": model.offsets.tobytes(),
        "label_index": model.label_index.tobytes(),
        "weights": model.weights.tobytes(),
    }


def model_from_sections(sections: dict[str, bytes], key: str) -> LinearModel:
    """The model `model_sections` stored under `key`; ValueError when the parts do not fit
    together."""
    meta = json.loads(sections["meta"])
    text = sections["features"].decode("utf-8")
    features = tuple(text.split("\n")) if text else ()
    offsets, label_index, weights = array("I"), array("H"), array("f")
    offsets.frombytes(sections["offsets"])
    label_index.frombytes(sections["label_index"])
    weights.frombytes(sections["weights"])
    if meta["byteorder"] != sys.byteorder:
        for values in (offsets, label_index, weights):
            values.byteswap()
    labels = tuple(str(label) for label in meta["labels"])
    bias = tuple(float(value) for value in meta["bias"])
    scored = 1 if len(labels) == 2 else len(labels)
    if (
        len(labels) < 2
        or len(bias) != scored
        or len(offsets) != len(features) + 1
        or offsets[0] != 0
        or offsets[-1] != len(weights)
        or len(label_index) != len(weights)
        or max(label_index, default=0) >= scored
    ):
        raise ValueError("the stored model's parts do not fit together")
    return LinearModel(
        labels,
        bias,
        features,
        offsets,
        label_index,
        weights,
        bool(meta["counted"]),
        float(meta["sharpness"]),
        key,
    )


@cache
def _classifier_source() -> str:
    """A hash of the classifier's and the training's code and of the emoji it reads as
    words: a change to the features or to how they are fitted retrains every model."""
    digest = hashlib.sha256(Path(classifier.__file__).read_bytes())
    digest.update(Path(training.__file__).read_bytes())
    digest.update(Path(emoji.__file__).read_bytes())
    return digest.hexdigest()
