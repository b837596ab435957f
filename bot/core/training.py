"""Training the classifiers of `bot.core.classifier` with scikit-learn (liblinear).

Training is done in three steps, so that a caller with several models to train can keep
both cores busy: `featurise` reads the texts once (two models of the same texts share
it), `examples_of` makes the sparse matrix one model fits, and `solvers` splits the fit
into parts that each run in a thread of their own (liblinear lets go of the GIL while it
fits); `model_of` keeps the weights that count, in the plain arrays a `LinearModel`
reads without any library. `train` does all of it in turn.

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
from collections.abc import Callable, Iterable, Sequence
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
SVM_TOLERANCE = 1e-3
"""liblinear's stopping tolerance for the support vector classifier (scikit-learn's
default is 1e-4): a quarter fewer passes over the rows; the topic probabilities move by
0.005 at most and no decision on the tuning sets changes (bench/decisions_snapshot.py)."""
Solution = tuple[Any, Any]
"""What one part of a fit found: the weights of the labels it scores (one row each, one
column per feature) and their intercepts."""


@dataclass(frozen=True, eq=False)
class Featurised:
    """Texts read as features: each text's words and the columns of every feature it has
    (repeats included, pairs of words last), the columns named by `features` in the order
    they are first met."""

    words: list[tuple[str, ...]]
    columns: list[array[int]]
    features: list[str]


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


def featurise(texts: Iterable[str]) -> Featurised:
    """`texts` as the columns of their features (see `Featurised`)."""
    columns: dict[str, int] = {}
    word_columns: dict[str, array[int]] = {}
    read: dict[tuple[str, ...], array[int]] = {}
    every_words: list[tuple[str, ...]] = []
    every_columns: list[array[int]] = []
    for text in texts:
        words = tuple(words_of(text))
        found = read.get(words)
        if found is None:
            found = array("i")
            for word in words:
                own = word_columns.get(word)
                if own is None:
                    own = array(
                        "i", [columns.setdefault(f, len(columns)) for f in word_features(word)]
                    )
                    word_columns[word] = own
                found.extend(own)
            found.extend(
                array("i", [columns.setdefault(p, len(columns)) for p in word_pairs(words)])
            )
            read[words] = found
        every_words.append(words)
        every_columns.append(found)
    return Featurised(every_words, every_columns, list(columns))


def examples_of(
    texts: Iterable[str] | Featurised, labels: Sequence[str], *, counted: bool
) -> Examples:
    """`texts` labelled `labels` (at least two distinct) as a matrix of the values a
    `LinearModel` reads: each feature's count (or 1 when `counted` is False) over the
    square root of how many were counted in its text."""
    read = texts if isinstance(texts, Featurised) else featurise(texts)
    if len(read.words) != len(labels):
        raise ValueError("one label per text")
    names = tuple(sorted(set(labels)))
    if len(names) < 2:
        raise ValueError("a classifier needs at least two different labels")
    # Imported here: only training needs them (scikit-learn brings both).
    import numpy
    from scipy.sparse import csr_matrix

    label_index = {name: i for i, name in enumerate(names)}
    rows: dict[tuple[tuple[str, ...], int], int] = {}
    targets: list[int] = []
    counts: list[int] = []
    entries = array("i")
    row_ends = array("i", [0])
    for words, found, label in zip(read.words, read.columns, labels, strict=True):
        key = (words, label_index[label])
        row = rows.get(key)
        if row is not None:
            counts[row] += 1
            continue
        rows[key] = len(targets)
        targets.append(key[1])
        counts.append(1)
        entries.extend(found)
        row_ends.append(len(entries))
    # liblinear takes 32-bit indices only (C's int, as `array("i")` holds them), read in
    # place. Each occurrence counts one; summing them gives each feature's count in its
    # text, its columns sorted.
    indptr = numpy.frombuffer(row_ends, dtype=numpy.intc)
    # Before the sum, which rewrites the row ends in place.
    occurrences = numpy.maximum(numpy.diff(indptr), 1)
    matrix = csr_matrix(
        (numpy.ones(len(entries)), numpy.frombuffer(entries, dtype=numpy.intc), indptr),
        shape=(len(targets), len(read.features)),
    )
    matrix.sum_duplicates()
    row_of = numpy.repeat(numpy.arange(len(targets)), numpy.diff(matrix.indptr))
    # A text with no word has no value to scale (and would divide by zero).
    if counted:
        matrix.data *= (1.0 / numpy.sqrt(occurrences))[row_of]
    else:
        distinct = numpy.maximum(numpy.diff(matrix.indptr), 1)
        matrix.data[:] = (1.0 / numpy.sqrt(distinct))[row_of]
    # Balanced as scikit-learn balances: over every text, not over the distinct rows.
    per_label = numpy.bincount([label_index[label] for label in labels], minlength=len(names))
    balanced = len(labels) / (len(names) * per_label.astype(numpy.float64))
    return Examples(
        names,
        read.features,
        matrix,
        numpy.asarray(targets),
        numpy.asarray(counts, dtype=numpy.float64),
        dict(enumerate(balanced.tolist())),
        counted,
    )


def load_solvers() -> None:
    """Import what fits (scikit-learn takes a second or more): a caller may start it in a
    thread while it builds the matrices."""
    import sklearn.linear_model
    import sklearn.svm  # noqa: F401


def solvers(
    examples: Examples, *, method: Method, regularisation: float
) -> list[Callable[[], Solution]]:
    """The parts of a fit of `examples`, to run in any order, each in any thread;
    `regularisation` is scikit-learn's C: larger fits the examples more closely.
    Balanced class weights keep a label with few examples from being drowned out.

    A support vector classifier of three labels or more is one label against the rest,
    once per label: liblinear fits those one after the other, here each is a part of its
    own (the same problem: the label's rows weighted by its class weight, every other row
    by 1)."""
    if method == "svm" and len(examples.labels) > 2:
        return [
            _one_against_the_rest(examples, label, regularisation)
            for label in range(len(examples.labels))
        ]
    estimator = _estimator(method, regularisation, len(examples.labels), examples.class_weights)

    def solve() -> Solution:
        estimator.fit(examples.matrix, examples.targets, sample_weight=examples.counts)
        return estimator.coef_, estimator.intercept_

    return [solve]


def model_of(
    examples: Examples, solutions: Sequence[Solution], *, sharpness: float = 1.0
) -> LinearModel:
    """The model the `solutions` of every part of `solvers` make, in their order."""
    import numpy

    by_feature = numpy.vstack([weights for weights, _ in solutions]).T
    intercepts = numpy.concatenate([bias for _, bias in solutions])
    kept = numpy.abs(by_feature) >= PRUNE_BELOW
    used = kept.any(axis=1)
    kept = kept[used]
    _, label_index = numpy.nonzero(kept)
    offsets = numpy.concatenate(([0], numpy.cumsum(kept.sum(axis=1))))
    names = examples.features
    return LinearModel(
        examples.labels,
        tuple(float(b) for b in intercepts),
        tuple(names[column] for column in numpy.flatnonzero(used).tolist()),
        array("I", offsets.tolist()),
        array("H", label_index.tolist()),
        # Single precision, as stored: a model read back scores exactly as it did here.
        array("f", by_feature[used][kept].tolist()),
        examples.counted,
        sharpness,
    )


def fit(
    examples: Examples, *, method: Method, regularisation: float, sharpness: float = 1.0
) -> LinearModel:
    """A classifier fitted on `examples`, its parts one after the other (`solvers`)."""
    parts = solvers(examples, method=method, regularisation=regularisation)
    return model_of(examples, [solve() for solve in parts], sharpness=sharpness)


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


def _one_against_the_rest(
    examples: Examples, label: int, regularisation: float
) -> Callable[[], Solution]:
    def solve() -> Solution:
        from sklearn.svm import LinearSVC

        weights = {0: 1.0, 1: examples.class_weights[label]}
        estimator = LinearSVC(C=regularisation, class_weight=weights, tol=SVM_TOLERANCE)
        is_label = (examples.targets == label).astype(examples.targets.dtype)
        estimator.fit(examples.matrix, is_label, sample_weight=examples.counts)
        return estimator.coef_, estimator.intercept_

    return solve


def _estimator(
    method: Method, regularisation: float, label_count: int, class_weights: dict[int, float]
) -> Any:
    if method == "svm":
        from sklearn.svm import LinearSVC

        return LinearSVC(C=regularisation, class_weight=class_weights, tol=SVM_TOLERANCE)
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
