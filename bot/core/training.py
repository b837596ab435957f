"""Training the classifiers of `bot.core.classifier` with scikit-learn (liblinear).

Training is done in two steps, so that a caller with several models to train can build
the next one's examples while the previous one fits (liblinear lets go of the GIL while
it fits): `examples_of` turns the texts into a sparse matrix, `fit` fits it and keeps the
weights that count, in the plain arrays a `LinearModel` reads without any library.

The matrix is built straight from the words: each distinct word's features are looked up
once, and the features repeated within a text are summed by SciPy rather than counted in
Python. Texts that read as the same words with the same label (a topic title that
repeats one of its examples, "Sell gift cards" and "sell gift cards") become one row that
counts as many times: the same problem for liblinear (the sum of the losses is
unchanged, and the balanced class weights are those of every text), without twin rows
that leave its dual solver creeping along their difference until it gives up.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.core.classifier import LinearModel, word_features, word_pairs, words_of

PRUNE_BELOW = 0.01
"""Weights smaller than this (in absolute value) are dropped after training: they change
no decision and would cost an addition each."""
Method = Literal["logistic", "svm"]
"""Logistic regression (probabilities that mean something: the warning-sign threshold is
set on them) or a linear support vector classifier (one label against the rest, its
scores turned into probabilities with a `sharpness`: the matcher's blend is tuned so)."""


@dataclass(frozen=True, eq=False)
class Examples:
    """Texts ready to fit: one row of `matrix` per distinct text and label, its label's
    index in `labels` in `targets`, how many texts it stands for in `counts`; the columns
    are `features`, numbered in the order they are first met."""

    labels: tuple[str, ...]
    features: list[str]
    matrix: Any
    targets: Any
    counts: Any
    class_weights: dict[int, float]
    counted: bool


def examples_of(texts: Iterable[str], labels: Sequence[str], *, counted: bool) -> Examples:
    """`texts` labelled `labels` (at least two distinct) as a matrix of the values a
    `LinearModel` reads: each feature's count (or 1 when `counted` is False) over the
    square root of how many were counted in its text."""
    texts = list(texts)
    if len(texts) != len(labels):
        raise ValueError("one label per text")
    names = tuple(sorted(set(labels)))
    if len(names) < 2:
        raise ValueError("a classifier needs at least two different labels")
    # Imported here: only training needs them (scikit-learn brings both).
    import numpy
    from scipy.sparse import csr_matrix

    label_index = {name: i for i, name in enumerate(names)}
    columns: dict[str, int] = {}
    word_columns: dict[str, list[int]] = {}
    rows: dict[tuple[tuple[str, ...], int], int] = {}
    targets: list[int] = []
    counts: list[int] = []
    entries: list[int] = []
    row_ends = [0]
    for text, label in zip(texts, labels, strict=True):
        words = tuple(words_of(text))
        key = (words, label_index[label])
        if key in rows:
            counts[rows[key]] += 1
            continue
        rows[key] = len(targets)
        targets.append(key[1])
        counts.append(1)
        for word in words:
            found = word_columns.get(word)
            if found is None:
                found = [columns.setdefault(f, len(columns)) for f in word_features(word)]
                word_columns[word] = found
            entries.extend(found)
        entries.extend([columns.setdefault(pair, len(columns)) for pair in word_pairs(words)])
        row_ends.append(len(entries))
    # liblinear takes 32-bit indices only. Each occurrence counts one; summing them gives
    # each feature's count in its text, its columns sorted.
    matrix = csr_matrix(
        (
            numpy.ones(len(entries)),
            numpy.asarray(entries, dtype=numpy.int32),
            numpy.asarray(row_ends, dtype=numpy.int32),
        ),
        shape=(len(targets), len(columns)),
    )
    matrix.sum_duplicates()
    row_of = numpy.repeat(numpy.arange(len(targets)), numpy.diff(matrix.indptr))
    # A text with no word has no value to scale (and would divide by zero).
    if counted:
        occurrences = numpy.maximum(numpy.diff(numpy.asarray(row_ends)), 1)
        matrix.data *= (1.0 / numpy.sqrt(occurrences))[row_of]
    else:
        distinct = numpy.maximum(numpy.diff(matrix.indptr), 1)
        matrix.data[:] = (1.0 / numpy.sqrt(distinct))[row_of]
    # Balanced as scikit-learn balances: over every text, not over the distinct rows.
    per_label = numpy.bincount([label_index[label] for label in labels], minlength=len(names))
    balanced = len(texts) / (len(names) * per_label.astype(numpy.float64))
    return Examples(
        names,
        list(columns),
        matrix,
        numpy.asarray(targets),
        numpy.asarray(counts, dtype=numpy.float64),
        dict(enumerate(balanced.tolist())),
        counted,
    )


def fit(
    examples: Examples, *, method: Method, regularisation: float, sharpness: float = 1.0
) -> LinearModel:
    """A classifier fitted on `examples`; `regularisation` is scikit-learn's C: larger fits
    the examples more closely. Balanced class weights keep a label with few examples from
    being drowned out."""
    import numpy

    model = _estimator(method, regularisation, len(examples.labels), examples.class_weights)
    model.fit(examples.matrix, examples.targets, sample_weight=examples.counts)
    by_feature = model.coef_.T
    kept = numpy.abs(by_feature) >= PRUNE_BELOW
    used = kept.any(axis=1)
    kept = kept[used]
    _, label_index = numpy.nonzero(kept)
    offsets = numpy.concatenate(([0], numpy.cumsum(kept.sum(axis=1))))
    names = examples.features
    return LinearModel(
        examples.labels,
        tuple(float(b) for b in model.intercept_),
        tuple(names[column] for column in numpy.flatnonzero(used).tolist()),
        array("I", offsets.tolist()),
        array("H", label_index.tolist()),
        # Single precision, as stored: a model read back scores exactly as it did here.
        array("f", by_feature[used][kept].tolist()),
        examples.counted,
        sharpness,
    )


def train(
    texts: Iterable[str],
    labels: Sequence[str],
    *,
    method: Method,
    regularisation: float,
    counted: bool,
    sharpness: float = 1.0,
) -> LinearModel:
    """Fit a classifier on `texts` labelled `labels` (`examples_of`, then `fit`)."""
    return fit(
        examples_of(texts, labels, counted=counted),
        method=method,
        regularisation=regularisation,
        sharpness=sharpness,
    )


def _estimator(
    method: Method, regularisation: float, label_count: int, class_weights: dict[int, float]
) -> Any:
    if method == "svm":
        from sklearn.svm import LinearSVC

        return LinearSVC(C=regularisation, class_weight=class_weights)
    from sklearn.linear_model import LogisticRegression

    # liblinear fits two labels several times faster than the default solver, to the
    # same decisions (bench/crossval_signs.py); it cannot fit three or more.
    solver = "liblinear" if label_count == 2 else "lbfgs"
    # With far more features than examples liblinear's dual form reaches the same optimum
    # (probabilities within 1e-4) in about half the time.
    return LogisticRegression(
        C=regularisation,
        max_iter=2000,
        class_weight=class_weights,
        solver=solver,
        dual=solver == "liblinear",
    )
