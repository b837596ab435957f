"""A linear text classifier over word and character n-grams: the learned second opinion of
both the warning-sign check and the matcher.

Features, the same at training and reading time: each word, each pair of neighbouring
words, and the character 3- to 5-grams of each word (padded as "<word>", so prefixes and
suffixes count and a typo still shares most of its n-grams with the right spelling). A
model either counts every occurrence of a feature (`counted`) or each distinct feature
once; either way the values are scaled by one over the square root of how many were
counted, so a long text does not score higher for being long. The topics read best
counted, the warning signs distinct (bench/crossval_signs.py, bench/tune_thresholds.py).

Training (`bot.core.training`) uses scikit-learn (liblinear). Reading needs no library at
all: the trained weights, pruned of the near-zero ones, are kept in flat arrays of
Python's `array` module (stored and read back as bytes by `bot.knowledge.trained`).
Because a word's own features do not depend on its neighbours, a message is scored by
summing one cached vector per word: a few additions per word, even for a 4,096-character
message.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache, partial
from itertools import chain, pairwise
from operator import is_not, itemgetter
from typing import Any

from bot.core.emoji import EMOJI
from bot.core.stored_rows import FeaturesInRows, SortedRows, sorted_features

CHAR_NGRAMS = (3, 4, 5)
WORDS_CACHED = 65536
"""Distinct words whose summed weights a model remembers (a few MB at most)."""
TEXTS_CACHED = 16
"""Texts whose words the models remember: the last few messages and their parts."""
_WORD = re.compile(r"[a-z0-9]+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_APOSTROPHE = re.compile(r"[’'`´]")


def normalise(text: str) -> str:
    """Lower case, accents gone, `EMOJI` as words, apostrophes joined ("don't" -> "dont")."""
    text = text.lower()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text).translate(EMOJI))
    return _APOSTROPHE.sub("", text)


def words_of(text: str) -> list[str]:
    """The words the classifier reads in `text`."""
    return _WORD.findall(normalise(text))


@lru_cache(maxsize=WORDS_CACHED)
def word_features(word: str) -> tuple[str, ...]:
    """The features of one word on its own: the word and its character n-grams."""
    found = ["w:" + word]
    padded = f"<{word}>"
    for size in CHAR_NGRAMS:
        found.extend("c:" + padded[start : start + size] for start in range(len(padded) - size + 1))
    return tuple(found)


def word_pairs(words: Sequence[str]) -> list[str]:
    """The features of neighbouring words, in order."""
    return [f"b:{before} {after}" for before, after in pairwise(words)]


@lru_cache(maxsize=TEXTS_CACHED)
def read_words(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of `text` and the features of its neighbouring words, in order: what
    every model reads of a text. Cached: one message is read by several models (the
    warning signs', the topics', the scope's), and a long one costs a pass each."""
    words = tuple(words_of(text))
    return words, tuple(word_pairs(words))


def features(text: str) -> Counter[str]:
    """Every feature of `text` with how often it occurs (see the module docstring)."""
    words = words_of(text)
    found = Counter(chain.from_iterable(map(word_features, words)))
    found.update(word_pairs(words))
    return found


class LinearModel:
    """A trained classifier: per feature, the (label index, weight) pairs that are not ~0,
    kept flat: feature `features[i]` owns entries `offsets[i]` to `offsets[i + 1]` of
    `label_index` and `weights`.

    With two labels the model scores the second one only (the binary form). `sharpness`
    turns the linear scores into probabilities: the sigmoid (two labels) or the softmax
    of the scores times it; logistic regression's own probabilities have sharpness 1.

    Compared by identity. A plain class: a dataclass would cost every start of `aftercare
    ask` the compiling of its generated methods (see `bot.core.model`).
    """

    _rows: dict[str, int] | SortedRows
    _vector: Any
    _word_vector: Any
    _word_rows: Any

    def __init__(
        self,
        labels: tuple[str, ...],
        bias: tuple[float, ...],
        features: Sequence[str],
        offsets: array[int],
        label_index: array[int],
        weights: array[float],
        counted: bool,
        sharpness: float = 1.0,
        trained_on: str = "",
    ) -> None:
        self.labels = labels
        self.bias = bias
        self.features = features
        self.offsets = offsets
        self.label_index = label_index
        self.weights = weights
        self.counted = counted
        self.sharpness = sharpness
        self.trained_on = trained_on
        """A fingerprint of what it learned, the key it is stored under
        (`bot.knowledge.trained`)."""
        self.index_rows()
        self._empty_caches()

    def index_rows(self) -> None:
        """Every feature's row in a dict (the fastest lookup, once built)."""
        object.__setattr__(self, "_rows", {f: i for i, f in enumerate(self.features)})

    def _empty_caches(self) -> None:
        cached = lru_cache(maxsize=WORDS_CACHED)
        object.__setattr__(self, "_vector", cached(self._row_weights))
        object.__setattr__(self, "_word_vector", cached(self._word_vector_uncached))
        object.__setattr__(self, "_word_rows", cached(self._word_rows_uncached))

    def __getstate__(self) -> tuple[object, ...]:
        # How the compiled-knowledge cache stores a model: its features sorted in blocks
        # (`bot.core.stored_rows`), so that reading it back makes no string per feature;
        # no caches (made again empty).
        # A model read back that way (from the cache, or trained in a forked child) still
        # has them: stored again as they are, not sorted again.
        rows = self._rows
        stored = (getattr(self, name) for name in _STORED)
        if isinstance(rows, SortedRows):
            return (*stored, rows.text, rows.order, rows.firsts, rows.starts)
        return (*stored, *sorted_features(self.features))

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        *stored, text, order, firsts, starts = state
        for name, value in zip(_STORED, stored, strict=True):
            object.__setattr__(self, name, value)
        rows = SortedRows(self, text, order, firsts, starts)
        object.__setattr__(self, "features", FeaturesInRows(rows))
        object.__setattr__(self, "_rows", rows)
        self._empty_caches()

    @property
    def binary(self) -> bool:
        return len(self.labels) == 2

    def feature_weights(self, feature: str) -> list[float]:
        """The weight of `feature` for each scored label (one when binary; 0: unknown)."""
        row = self._rows.get(feature)
        return [0.0] * len(self.bias) if row is None else list(self._vector(row))

    def _row_weights(self, row: int) -> list[float]:
        totals = [0.0] * len(self.bias)
        start, end = self.offsets[row], self.offsets[row + 1]
        for label, weight in zip(self.label_index[start:end], self.weights[start:end], strict=True):
            totals[label] += weight
        return totals

    def _word_rows_uncached(self, word: str) -> dict[str, Any]:
        """The weights of each of a word's own features, zero when the model does not know
        it (which adds nothing); one weight, not a list of one, when binary."""
        rows, binary = self._rows, len(self.bias) == 1
        zero: Any = 0.0 if binary else (0.0,) * len(self.bias)
        return {
            f: (self._vector(rows[f])[0] if binary else self._vector(rows[f]))
            if f in rows
            else zero
            for f in word_features(word)
        }

    def _word_vector_uncached(self, word: str) -> tuple[int, list[float] | None]:
        """How many features a word has, and those the model knows summed, each occurrence
        counted (None when none is known)."""
        found = word_features(word)
        rows = [self._rows[f] for f in found if f in self._rows]
        if not rows:
            return len(found), None
        return len(found), [sum(column) for column in zip(*map(self._vector, rows), strict=True)]

    def scores(self, text: str) -> list[float]:
        """The linear score of each scored label (one score when binary)."""
        words, pairs = read_words(text)
        rows = self._rows
        if self.counted:
            # One cached lookup per word gives both its number of features and its vector.
            read = list(map(self._word_vector, words))
            count = sum(map(itemgetter(0), read)) + len(pairs)
            vectors = [vector for _, vector in read if vector is not None]
            known_pairs = [row for row in map(rows.get, pairs) if row is not None]
            vectors.extend(map(self._vector, known_pairs))
        else:
            pairs = tuple(dict.fromkeys(pairs))
            # Each distinct feature once, even when several words have it ("<ca" in "can"
            # and "care"), in the order first met: one dict of them counts them all and
            # holds their weights (one update per distinct word, in C).
            known: dict[str, Any] = {}
            for weights in map(self._word_rows, dict.fromkeys(words)):
                known.update(weights)
            count = len(known) + len(pairs)
            # Each pair looked up once: most of a long story's pairs are unknown.
            pair_rows = list(filter(partial(is_not, None), map(rows.get, pairs)))
            if len(self.bias) == 1 and count:
                # The binary form has one column: summed directly (a long story's weights
                # in the order first met, as a list of rows would add them).
                pair_weights = map(itemgetter(0), map(self._vector, pair_rows))
                total = sum(chain(known.values(), pair_weights))
                return [self.bias[0] + total * (1.0 / math.sqrt(count))]
            vectors = [*known.values(), *map(self._vector, pair_rows)]
        if not vectors:
            return list(self.bias)
        scale = 1.0 / math.sqrt(count)
        if len(self.bias) == 1:
            # The binary form has one column: summed directly, not transposed first (the
            # same additions in the same order, at a fraction of the cost on a long story).
            return [self.bias[0] + sum(map(itemgetter(0), vectors)) * scale]
        return [
            bias + total * scale
            for bias, total in zip(self.bias, map(sum, zip(*vectors, strict=True)), strict=True)
        ]

    def probability_list(self, text: str) -> list[float]:
        """How likely each label is for `text`, in the order of `labels`; they add up to 1."""
        scores = [score * self.sharpness for score in self.scores(text)]
        if self.binary:
            positive = _sigmoid(scores[0])
            return [1.0 - positive, positive]
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return [value / total for value in exps]

    def probabilities(self, text: str) -> dict[str, float]:
        """`probability_list` by label."""
        return dict(zip(self.labels, self.probability_list(text), strict=True))

    def ranked(self, text: str) -> list[tuple[str, float]]:
        """Every label with its probability, most likely first."""
        return sorted(self.probabilities(text).items(), key=lambda pair: (-pair[1], pair[0]))

    def with_sharpness(self, sharpness: float) -> LinearModel:
        """The same weights read with another sharpness (for tuning the blend)."""
        return LinearModel(
            self.labels,
            self.bias,
            self.features,
            self.offsets,
            self.label_index,
            self.weights,
            self.counted,
            sharpness,
            self.trained_on,
        )


_STORED = (
    "labels",
    "bias",
    "offsets",
    "label_index",
    "weights",
    "counted",
    "sharpness",
    "trained_on",
)
"""The fields of `LinearModel` stored as they are (its features are stored as one text)."""


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)
