"""A linear text classifier over word and character n-grams: the learned second opinion.

Training uses scikit-learn's logistic regression, imported only when a model is trained
(at knowledge load, when no cached model fits the knowledge files). Reading a message
needs no library at all: the trained weights are kept as plain dicts, pruned of the
near-zero ones, so scoring a message is a few hundred dict look-ups and `aftercare ask`
starts without loading NumPy.

Features, the same at training and reading time: word unigrams and bigrams, and the
character 3- to 5-grams of each word (padded as "<word>", so prefixes and suffixes count
and a typo still shares most of its n-grams with the right spelling). Each present
feature counts once and the vector has unit length, so a long text does not score higher
for being long.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

CHAR_NGRAMS = (3, 4, 5)
PRUNE_BELOW = 0.01
"""Weights smaller than this (in absolute value) are dropped after training: they change
no decision and would cost a look-up each."""
_WORD = re.compile(r"[a-z0-9]+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_APOSTROPHE = re.compile(r"[’'`´]")


def normalise(text: str) -> str:
    """Lower case, accents gone, apostrophes joined ("don't" -> "dont")."""
    text = text.lower()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _APOSTROPHE.sub("", text)


def features(text: str) -> set[str]:
    """The distinct features of `text` (see the module docstring)."""
    words = _WORD.findall(normalise(text))
    found: set[str] = set()
    for index, word in enumerate(words):
        if index:
            found.add(f"b:{words[index - 1]} {word}")
        found.update(_word_features(word))
    return found


@lru_cache(maxsize=65536)
def _word_features(word: str) -> frozenset[str]:
    """A word's own features, computed once: a long message repeats most of its words."""
    padded = f"<{word}>"
    grams = {
        "c:" + padded[start : start + size]
        for size in CHAR_NGRAMS
        for start in range(len(padded) - size + 1)
    }
    return frozenset({"w:" + word, *grams})


@dataclass(frozen=True)
class LinearModel:
    """A trained classifier: per feature, the (label index, weight) pairs that are not ~0.

    With two labels the model scores the second one only (logistic regression's binary
    form): `probabilities` gives it the sigmoid of the score and the first label the rest.
    """

    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[tuple[int, float], ...]]

    @property
    def binary(self) -> bool:
        return len(self.labels) == 2

    def scores(self, text: str) -> list[float]:
        """The linear score of each scored label (one score when binary)."""
        return self.scores_of(features(text))

    def scores_of(self, found: Iterable[str]) -> list[float]:
        totals = [0.0] * len(self.bias)
        count = 0
        for feature in found:
            count += 1
            for label_index, weight in self.weights.get(feature, ()):
                totals[label_index] += weight
        scale = 1.0 / math.sqrt(count) if count else 0.0
        return [bias + total * scale for bias, total in zip(self.bias, totals, strict=True)]

    def probabilities(self, text: str) -> dict[str, float]:
        """How likely each label is for `text`; the values add up to 1."""
        return self.probabilities_of(features(text))

    def probabilities_of(self, found: Iterable[str]) -> dict[str, float]:
        scores = self.scores_of(found)
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
        """A plain-JSON form of the model, for the compiled-knowledge cache."""
        return {
            "labels": list(self.labels),
            "bias": list(self.bias),
            "weights": {f: [[i, w] for i, w in pairs] for f, pairs in self.weights.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        weights = {
            str(feature): tuple((int(i), float(w)) for i, w in pairs)
            for feature, pairs in data["weights"].items()
        }
        return cls(tuple(data["labels"]), tuple(float(b) for b in data["bias"]), weights)


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    regularisation: float = 10.0,
    class_weight: str | None = "balanced",
) -> LinearModel:
    """Fit a logistic regression on `texts` labelled `labels` (at least two distinct).

    `regularisation` is scikit-learn's C: larger fits the examples more closely.
    "balanced" class weights keep a label with few examples from being drowned out.
    """
    if len(texts) != len(labels):
        raise ValueError("one label per text")
    names = tuple(sorted(set(labels)))
    if len(names) < 2:
        raise ValueError("a classifier needs at least two different labels")
    # Imported here: scikit-learn takes most of a second to import, and only training
    # needs it.
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    # The sparse matrix is built directly, each present feature 1/sqrt(count) as in
    # `scores_of`: scikit-learn's DictVectorizer does the same three times slower.
    columns: dict[str, int] = {}
    indices: list[int] = []
    values: list[float] = []
    row_starts = [0]
    for text in texts:
        found = features(text)
        value = 1.0 / math.sqrt(len(found)) if found else 0.0
        indices.extend(columns.setdefault(feature, len(columns)) for feature in found)
        values.extend([value] * len(found))
        row_starts.append(len(indices))
    matrix = csr_matrix((values, indices, row_starts), shape=(len(texts), len(columns)))
    # liblinear fits two labels several times faster than the default solver, to the
    # same decisions (bench/crossval_signs.py); it cannot fit three or more.
    solver = "liblinear" if len(names) == 2 else "lbfgs"
    model = LogisticRegression(
        C=regularisation, max_iter=2000, class_weight=class_weight, solver=solver
    )
    model.fit(matrix, [names.index(label) for label in labels])
    coefficients = model.coef_
    weights: dict[str, list[tuple[int, float]]] = {}
    for feature, column in columns.items():
        for label_index in range(coefficients.shape[0]):
            weight = float(coefficients[label_index, column])
            if abs(weight) >= PRUNE_BELOW:
                weights.setdefault(feature, []).append((label_index, weight))
    return LinearModel(
        names,
        tuple(float(b) for b in model.intercept_),
        {feature: tuple(pairs) for feature, pairs in weights.items()},
    )
