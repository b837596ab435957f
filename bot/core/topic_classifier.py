"""A linear text classifier over word and character n-grams: the learned second opinion.

Training uses scikit-learn's linear support vector classifier (liblinear, one label
against the rest), imported only when a model is trained: at knowledge load, a fraction
of a second for a few thousand examples. Reading a message needs no scikit-learn: the
trained weights are kept as plain dicts, pruned of the near-zero ones, and summed with
NumPy, so a model read back from JSON works without scikit-learn installed.

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

import numpy

CHAR_NGRAMS = (3, 4, 5)
PRUNE_BELOW = 0.01
"""Weights smaller than this (in absolute value) are dropped after training: they change
no decision and would cost a look-up each."""
MAX_TEXT_CHARS = 1000
"""Longer texts are cut, as the matcher cuts them."""
_WORD = re.compile(r"[a-z0-9]+")

WordVector = tuple[numpy.ndarray, int]
"""A word's summed weights per scored label, and how many features it has."""


def normalise(text: str) -> str:
    """Lower case, accents gone, apostrophes joined ("don't" -> "dont")."""
    text = text[:MAX_TEXT_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[’'`´]", "", text.lower())


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


@dataclass(frozen=True, eq=False)
class LinearModel:
    """A trained classifier: per feature, the (label index, weight) pairs that are not ~0,
    kept as flat arrays (feature `features[i]` owns entries `offsets[i]` to
    `offsets[i + 1]` of `label_index` and `weights`), which store and load quickly.

    With two labels the model scores the second one only (the binary form): the second
    label's probability is the sigmoid of that score. `sharpness` turns the linear scores
    into probabilities (a softmax of the scores times it); it is part of the model.
    """

    labels: tuple[str, ...]
    bias: tuple[float, ...]
    features: tuple[str, ...]
    offsets: numpy.ndarray
    label_index: numpy.ndarray
    weights: numpy.ndarray
    sharpness: float = 1.0
    _rows: Any = field(init=False, repr=False)
    _words: Any = field(init=False, repr=False)
    _pairs: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rows", {f: i for i, f in enumerate(self.features)})
        object.__setattr__(self, "_words", lru_cache(maxsize=65536)(self._word_vector))
        object.__setattr__(self, "_pairs", lru_cache(maxsize=65536)(self._pair_vector))

    @property
    def binary(self) -> bool:
        return len(self.labels) == 2

    def _add_feature(self, totals: numpy.ndarray, feature: str) -> bool:
        row = self._rows.get(feature)
        if row is None:
            return False
        start, end = self.offsets[row], self.offsets[row + 1]
        totals[self.label_index[start:end]] += self.weights[start:end]
        return True

    def _word_vector(self, word: str) -> WordVector:
        totals = numpy.zeros(len(self.bias))
        found = word_features(word)
        for feature in found:
            self._add_feature(totals, feature)
        return totals, len(found)

    def _pair_vector(self, feature: str) -> numpy.ndarray | None:
        totals = numpy.zeros(len(self.bias))
        return totals if self._add_feature(totals, feature) else None

    def scores(self, text: str) -> list[float]:
        """The linear score of each scored label (one score when binary)."""
        return [float(score) for score in self._scores(text)]

    def _scores(self, text: str) -> numpy.ndarray:
        totals = numpy.zeros(len(self.bias))
        count = 0
        previous = None
        for word in _WORD.findall(normalise(text)):
            vector, size = self._words(word)
            totals += vector
            count += size
            if previous is not None:
                count += 1
                pair = self._pairs(f"b:{previous} {word}")
                if pair is not None:
                    totals += pair
            previous = word
        scale = 1.0 / math.sqrt(count) if count else 0.0
        return numpy.asarray(self.bias) + totals * scale

    def probabilities(self, text: str) -> dict[str, float]:
        """How likely each label is for `text`; the values add up to 1."""
        return dict(zip(self.labels, self.probability_array(text).tolist(), strict=True))

    def probability_array(self, text: str) -> numpy.ndarray:
        """`probabilities` as an array in the order of `labels`."""
        scores = self._scores(text) * self.sharpness
        if self.binary:
            positive = _sigmoid(float(scores[0]))
            return numpy.asarray([1.0 - positive, positive])
        exps = numpy.exp(scores - scores.max())
        return exps / exps.sum()

    def ranked(self, text: str) -> list[tuple[str, float]]:
        """Every label with its probability, most likely first."""
        return sorted(self.probabilities(text).items(), key=lambda pair: (-pair[1], pair[0]))

    def as_arrays(self) -> dict[str, numpy.ndarray]:
        """The model as plain arrays (no Python objects), for `numpy.savez`."""
        return {
            "labels": numpy.asarray(self.labels, dtype=str),
            "bias": numpy.asarray(self.bias),
            "features": numpy.asarray(self.features, dtype=str),
            "offsets": self.offsets,
            "label_index": self.label_index,
            "weights": self.weights,
            "sharpness": numpy.asarray(self.sharpness),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, numpy.ndarray]) -> LinearModel:
        """The model `as_arrays` gave (read with `numpy.load(..., allow_pickle=False)`)."""
        return cls(
            tuple(str(label) for label in arrays["labels"].tolist()),
            tuple(float(b) for b in arrays["bias"].tolist()),
            tuple(arrays["features"].tolist()),
            numpy.asarray(arrays["offsets"], dtype=numpy.intp),
            numpy.asarray(arrays["label_index"], dtype=numpy.intp),
            numpy.asarray(arrays["weights"], dtype=float),
            float(arrays["sharpness"]),
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
    by_feature = model.coef_.T
    kept = numpy.abs(by_feature) >= PRUNE_BELOW
    used = kept.any(axis=1)
    kept = kept[used]
    _, label_index = numpy.nonzero(kept)
    offsets = numpy.concatenate(([0], numpy.cumsum(kept.sum(axis=1))))
    names_by_column = numpy.asarray(list(columns), dtype=object)[used]
    return LinearModel(
        names,
        tuple(float(b) for b in model.intercept_),
        tuple(str(name) for name in names_by_column),
        offsets.astype(numpy.intp),
        label_index.astype(numpy.intp),
        by_feature[used][kept],
        sharpness,
    )
