"""A linear text classifier over word and character n-grams: the learned second opinion.

Training uses scikit-learn's linear support vector classifier (liblinear, one label
against the rest), imported only when a model is trained: at knowledge load, a fraction
of a second for a few thousand examples. Reading a message needs no library at all: the
trained weights are kept as plain dicts, pruned of the near-zero ones, so `aftercare ask`
reads messages without NumPy.

Features, the same at training and reading time: each word, each pair of neighbouring
words, and the character 3- to 5-grams of each word (padded as "<word>", so prefixes and
suffixes count and a typo still shares most of its n-grams with the right spelling).
Every occurrence counts, and the sum is scaled by one over the square root of the number
of occurrences, so a long text does not score higher for being long. Because a word's
features do not depend on its neighbours, reading sums one cached vector per word:
scoring a message costs a few additions per word.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

CHAR_NGRAMS = (3, 4, 5)
PRUNE_BELOW = 0.01
"""Weights smaller than this (in absolute value) are dropped after training: they change
no decision and would cost a look-up each."""
MAX_TEXT_CHARS = 1000
"""Longer texts are cut, as the matcher cuts them."""
_WORD = re.compile(r"[a-z0-9]+")

WordVector = tuple[tuple[float, ...], int]
"""A word's summed weights per scored label, and how many features it has."""


def normalise(text: str) -> str:
    """Lower case, accents gone, apostrophes joined ("don't" -> "dont")."""
    text = unicodedata.normalize("NFKD", text[:MAX_TEXT_CHARS]).lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[’'`´]", "", text)


@lru_cache(maxsize=65536)
def word_features(word: str) -> tuple[str, ...]:
    """The features of one word on its own: the word and its character n-grams."""
    found = ["w:" + word]
    padded = f"<{word}>"
    for size in CHAR_NGRAMS:
        found.extend("c:" + padded[start : start + size] for start in range(len(padded) - size + 1))
    return tuple(found)


def features(text: str) -> Counter[str]:
    """Every feature of `text` with how often it occurs (see the module docstring)."""
    words = _WORD.findall(normalise(text))
    found: Counter[str] = Counter()
    for index, word in enumerate(words):
        found.update(word_features(word))
        if index:
            found[f"b:{words[index - 1]} {word}"] += 1
    return found


def scaled(found: Counter[str]) -> dict[str, float]:
    """Feature values as the model reads them: counts over the root of their sum."""
    total = sum(found.values())
    scale = 1.0 / math.sqrt(total) if total else 0.0
    return {feature: count * scale for feature, count in found.items()}


@dataclass(frozen=True)
class LinearModel:
    """A trained classifier: per feature, the (label index, weight) pairs that are not ~0.

    With two labels the model scores the second one only (the binary form): the second
    label's probability is the sigmoid of that score. `sharpness` turns the linear scores
    into probabilities (a softmax of the scores times it); it is part of the model.
    """

    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[tuple[int, float], ...]]
    sharpness: float = 1.0
    _words: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_words", lru_cache(maxsize=65536)(self._word_vector))

    @property
    def binary(self) -> bool:
        return len(self.labels) == 2

    def _word_vector(self, word: str) -> WordVector:
        totals = [0.0] * len(self.bias)
        found = word_features(word)
        for feature in found:
            for label_index, weight in self.weights.get(feature, ()):
                totals[label_index] += weight
        return tuple(totals), len(found)

    def scores(self, text: str) -> list[float]:
        """The linear score of each scored label (one score when binary)."""
        words = _WORD.findall(normalise(text))
        totals = [0.0] * len(self.bias)
        count = 0
        previous = None
        for word in words:
            vector, size = self._words(word)
            totals = [a + b for a, b in zip(totals, vector, strict=True)]
            count += size
            if previous is not None:
                count += 1
                for label_index, weight in self.weights.get(f"b:{previous} {word}", ()):
                    totals[label_index] += weight
            previous = word
        scale = 1.0 / math.sqrt(count) if count else 0.0
        return [bias + total * scale for bias, total in zip(self.bias, totals, strict=True)]

    def probabilities(self, text: str) -> dict[str, float]:
        """How likely each label is for `text`; the values add up to 1."""
        scores = [score * self.sharpness for score in self.scores(text)]
        if self.binary:
            positive = _sigmoid(scores[0])
            return {self.labels[0]: 1.0 - positive, self.labels[1]: positive}
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {label: value / total for label, value in zip(self.labels, exps, strict=True)}

    def ranked(self, text: str) -> list[tuple[str, float]]:
        """Every label with its probability, most likely first."""
        return sorted(self.probabilities(text).items(), key=lambda pair: (-pair[1], pair[0]))

    def as_json(self) -> dict[str, Any]:
        """A plain-JSON form of the model, for storing a trained model."""
        return {
            "labels": list(self.labels),
            "bias": list(self.bias),
            "sharpness": self.sharpness,
            "weights": {f: [[i, w] for i, w in pairs] for f, pairs in self.weights.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        weights = {
            str(feature): tuple((int(i), float(w)) for i, w in pairs)
            for feature, pairs in data["weights"].items()
        }
        return cls(
            tuple(data["labels"]),
            tuple(float(b) for b in data["bias"]),
            weights,
            float(data.get("sharpness", 1.0)),
        )


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    regularisation: float = 1.0,
    sharpness: float = 1.0,
) -> LinearModel:
    """Fit a linear classifier on `texts` labelled `labels` (at least two distinct).

    `regularisation` is scikit-learn's C: larger fits the examples more closely.
    Balanced class weights keep a label with few examples from being drowned out.
    """
    if len(texts) != len(labels):
        raise ValueError("one label per text")
    names = tuple(sorted(set(labels)))
    if len(names) < 2:
        raise ValueError("a classifier needs at least two different labels")
    # Imported here: scikit-learn takes a second or more to import, and only training
    # needs it.
    import numpy
    from scipy.sparse import csr_matrix
    from sklearn.svm import LinearSVC

    columns: dict[str, int] = {}
    values: list[float] = []
    indices: list[int] = []
    indptr = [0]
    for text in texts:
        for feature, value in scaled(features(text)).items():
            indices.append(columns.setdefault(feature, len(columns)))
            values.append(value)
        indptr.append(len(indices))
    # liblinear takes 32-bit indices only.
    matrix = csr_matrix(
        (
            numpy.asarray(values),
            numpy.asarray(indices, dtype=numpy.int32),
            numpy.asarray(indptr, dtype=numpy.int32),
        ),
        shape=(len(texts), len(columns)),
    )
    model = LinearSVC(C=regularisation, class_weight="balanced")
    model.fit(matrix, [names.index(label) for label in labels])
    names_by_column = list(columns)
    weights: dict[str, list[tuple[int, float]]] = {}
    for label_index, row in enumerate(model.coef_):
        kept = numpy.flatnonzero(numpy.abs(row) >= PRUNE_BELOW)
        for column, weight in zip(kept.tolist(), row[kept].tolist(), strict=True):
            weights.setdefault(names_by_column[column], []).append((label_index, weight))
    return LinearModel(
        names,
        tuple(float(b) for b in model.intercept_),
        {feature: tuple(pairs) for feature, pairs in weights.items()},
        sharpness,
    )
