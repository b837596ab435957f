"""Training the classifiers of `bot.core.classifier` with scikit-learn (liblinear).

Training is done in two steps, so that a caller with several models to train can build
the next one's examples while the previous one fits (liblinear lets go of the GIL while
it fits): `examples_of` turns the texts into a sparse matrix, `fit` fits it and keeps the
weights that count, in the plain arrays a `LinearModel` reads without any library.

The matrix is built straight from the words: each distinct word's features are looked up
once, and the features repeated within a text are summed by NumPy (one sort of them all)
rather than counted in Python. It is held in the compressed-rows layout liblinear reads
(`Rows`), without SciPy: importing SciPy's sparse matrices cost a start that trains a
third of a second for one sort.

Texts that read as the same words with the same label (a topic title that repeats one of
its examples, "Sell gift cards" and "sell gift cards") become one row that counts as
many times: the same problem for liblinear (the sum of the losses is unchanged, and the
balanced class weights are those of every text), without twin rows that leave its dual
solver creeping along their difference until it gives up.

liblinear is called the way scikit-learn's `LinearSVC` and `LogisticRegression` call it,
with the same settings, through scikit-learn's own wrapper imported on its own
(`_liblinear`): importing the estimators would import most of scikit-learn and
scipy.stats, a second of every start that trains; the wrapper's one need of SciPy, its
BLAS, is loaded without the rest of `scipy.linalg`.
"""

from __future__ import annotations

import sys
import threading
import warnings
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, NamedTuple

from bot.core.classifier import LinearModel, word_features, words_of

PRUNE_BELOW = 0.01
"""Weights smaller than this (in absolute value) are dropped after training: they change
no decision and would cost an addition each."""
Method = Literal["logistic", "svm"]
"""Logistic regression (probabilities that mean something: the warning-sign threshold is
set on them) or a linear support vector classifier (one label against the rest, its
scores turned into probabilities with a `sharpness`: the matcher's blend is tuned so)."""
TOLERANCE: dict[Method, float] = {"svm": 1e-2, "logistic": 3e-3}
"""liblinear's stopping tolerance (scikit-learn's default is 1e-4): on every tuning and
held-out set these missed the lines 1e-4 missed, line for line (but one question more in
the buttons, of signs_train_u's 356), and fit the topic model in about half the time; the
warning-sign model, whose alert threshold is set on its probabilities, keeps 3e-3."""
SEED = 1
"""liblinear visits the rows in a random order; a fixed seed trains the same examples to
the same model every time (scikit-learn's default drew a new one each fit)."""
_SQUARED_HINGE_DUAL, _LOGISTIC_DUAL = 1, 7
"""liblinear's numbers for its solvers (L2R_L2LOSS_SVC_DUAL, L2R_LR_DUAL)."""
_PACKAGES = {
    "sklearn": ("sklearn", ""),
    "sklearn.utils": ("sklearn", "utils"),
    "sklearn.svm": ("sklearn", "svm"),
    "scipy.linalg": ("scipy", "linalg"),
}
"""The packages above liblinear's wrapper and what it imports (SciPy's BLAS lives in
`scipy.linalg`, whose `__init__` imports all of linear algebra: half a second), each with
its distribution and its folder there."""
_IMPORTING = threading.Lock()
_FITTING = threading.Lock()
"""One liblinear fit at a time: its solvers draw their row order from one random generator
for the whole process (scikit-learn's wrapper reseeds it at the start of every fit), so
two fits at once draw from each other's sequence and train other weights at every run.
One at a time, each fit starts from `SEED` and trains the model it trains alone; a fit
still lets go of the GIL, so it runs beside the Python that builds the next matrix."""


class NotConverged(UserWarning):
    """liblinear stopped at its iteration limit, short of its optimum."""


class Rows(NamedTuple):
    """A sparse matrix as liblinear reads it (SciPy's CSR layout, which scikit-learn's
    wrapper reads attribute by attribute): row `r`'s values are `data[indptr[r]:indptr[r +
    1]]`, in the columns `indices` gives, sorted."""

    data: Any
    indices: Any
    indptr: Any
    shape: tuple[int, int]

    @property
    def nnz(self) -> int:
        return len(self.indices)

    @property
    def dtype(self) -> Any:
        return self.data.dtype


def summed_rows(columns: Any, row_ends: Any, width: int) -> Rows:
    """Row `r` holding the columns `columns[row_ends[r]:row_ends[r + 1]]` (NumPy int32
    arrays), each column's value the number of times it is listed there: its columns
    sorted, each once, as SciPy's `sum_duplicates` leaves them."""
    import numpy

    height = len(row_ends) - 1
    row_of = numpy.repeat(numpy.arange(height, dtype=numpy.int64), numpy.diff(row_ends))
    # Row-major keys: sorted, every row is. In sorted runs, a stable sort is numpy.unique's x1/3.
    keys = numpy.sort(row_of * width + columns, kind="stable")
    starts = numpy.flatnonzero(numpy.diff(keys, prepend=-1))
    keys, counts = keys[starts], numpy.diff(starts, append=len(keys))
    per_row = numpy.bincount(keys // width, minlength=height) if width else numpy.zeros(height)
    indptr = numpy.concatenate(([0], numpy.cumsum(per_row))).astype(numpy.int32)
    indices = (keys % width if width else keys).astype(numpy.int32)
    return Rows(counts.astype(numpy.float64), indices, indptr, (height, width))


@dataclass(frozen=True, eq=False)
class Examples:
    """Texts ready to fit: one row of `matrix` per distinct text and label, its label's
    index in `labels` in `targets`, how many texts it stands for in `counts`; the columns
    are `features`, numbered in the order they are first met."""

    labels: tuple[str, ...]
    features: list[str]
    matrix: Rows
    targets: Any
    counts: Any
    class_weights: dict[int, float]
    counted: bool


class TextReader:
    """The columns of texts' features, numbered in the order first met, each distinct text,
    word and pair of words read once. Two training sets of the same texts (the topic and
    the scope models learn the same phrasings) share one: the second reads nothing."""

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}
        self._words_of: dict[str, tuple[str, ...]] = {}
        # A word's columns, and a text's, as machine arrays: extending one copies memory.
        self._word_columns: dict[str, array[int]] = {}
        self._pair_columns: dict[tuple[str, str], int] = {}
        self._text_columns: dict[tuple[str, ...], array[int]] = {}

    def words(self, text: str) -> tuple[str, ...]:
        found = self._words_of.get(text)
        if found is None:
            found = self._words_of[text] = tuple(words_of(text))
        return found

    def text_columns(self, words: tuple[str, ...]) -> array[int]:
        """The column of each feature of a text of `words`, once per occurrence (liblinear
        takes 32-bit indices only)."""
        found = self._text_columns.get(words)
        if found is not None:
            return found
        columns, by_word, by_pair = self.columns, self._word_columns, self._pair_columns
        found = array("i")
        for word in words:
            ones = by_word.get(word)
            if ones is None:
                ones = array(
                    "i", [columns.setdefault(f, len(columns)) for f in word_features(word)]
                )
                by_word[word] = ones
            found.extend(ones)
        for pair in pairwise(words):
            column = by_pair.get(pair)
            if column is None:
                # As `word_pairs` writes a pair.
                name = f"b:{pair[0]} {pair[1]}"
                column = by_pair[pair] = columns.setdefault(name, len(columns))
            found.append(column)
        self._text_columns[words] = found
        return found


def examples_of(
    texts: Iterable[str],
    labels: Sequence[str],
    *,
    counted: bool,
    reader: TextReader | None = None,
) -> Examples:
    """`texts` labelled `labels` (at least two distinct) as a matrix of the values a
    `LinearModel` reads: each feature's count (or 1 when `counted` is False) over the
    square root of how many were counted in its text. A `reader` that has read other
    texts numbers the columns otherwise: share one only between sets of the same texts."""
    texts = list(texts)
    if len(texts) != len(labels):
        raise ValueError("one label per text")
    names = tuple(sorted(set(labels)))
    if len(names) < 2:
        raise ValueError("a classifier needs at least two different labels")
    # Imported here: only training needs it (scikit-learn brings it).
    import numpy

    reader = reader if reader is not None else TextReader()
    label_index = {name: i for i, name in enumerate(names)}
    rows: dict[tuple[tuple[str, ...], int], int] = {}
    targets: list[int] = []
    counts: list[int] = []
    entries = array("i")
    row_ends = array("i", [0])
    for text, label in zip(texts, labels, strict=True):
        words = reader.words(text)
        key = (words, label_index[label])
        if key in rows:
            counts[rows[key]] += 1
            continue
        rows[key] = len(targets)
        targets.append(key[1])
        counts.append(1)
        entries.extend(reader.text_columns(words))
        row_ends.append(len(entries))
    columns = reader.columns
    # Each occurrence counts one; summing them gives each feature's count in its text.
    ends = numpy.frombuffer(row_ends, dtype=numpy.int32)
    matrix = summed_rows(numpy.frombuffer(entries, dtype=numpy.int32), ends, len(columns))
    row_of = numpy.repeat(numpy.arange(len(targets)), numpy.diff(matrix.indptr))
    # A text with no word has no value to scale (and would divide by zero).
    if counted:
        occurrences = numpy.maximum(numpy.diff(ends), 1)
        matrix.data[:] *= (1.0 / numpy.sqrt(occurrences))[row_of]
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

    if method == "svm" or len(examples.labels) == 2:
        coefficients, intercepts = _liblinear_fit(examples, method, regularisation)
    else:
        from scipy.sparse import csr_matrix

        model = _multinomial(regularisation, examples.class_weights)
        rows = examples.matrix
        matrix = csr_matrix((rows.data, rows.indices, rows.indptr), shape=rows.shape)
        model.fit(matrix, examples.targets, sample_weight=examples.counts)
        coefficients, intercepts = model.coef_, model.intercept_
    by_feature = coefficients.T
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


def _liblinear_fit(examples: Examples, method: Method, regularisation: float) -> tuple[Any, Any]:
    """The weights and intercepts liblinear fits, called as scikit-learn's `LinearSVC` and
    `LogisticRegression(solver="liblinear", dual=True)` call it, to the same numbers: the
    squared hinge loss one label against the rest (dual), or the logistic loss of two
    labels (dual: with far more features than examples it reaches the same optimum,
    probabilities within 1e-4, in about half the time). The intercept is a feature of
    value 1, penalised like the others, as scikit-learn's `intercept_scaling=1` has it."""
    import numpy

    class_weights = numpy.array([examples.class_weights[i] for i in range(len(examples.labels))])
    targets = examples.targets.astype(numpy.float64)
    if method == "svm":
        solver, iterations = _SQUARED_HINGE_DUAL, 1000
        label_weights, row_weights = class_weights, examples.counts
    else:
        # As `LogisticRegression` passes them: the class weights folded into each row's.
        solver, iterations = _LOGISTIC_DUAL, 2000
        label_weights = numpy.ones(2)
        row_weights = examples.counts * class_weights[examples.targets]
    wrapper = _liblinear()
    with _FITTING:
        weights, rounds = wrapper.train_wrap(
            examples.matrix,
            targets,
            True,
            solver,
            TOLERANCE[method],
            1.0,
            regularisation,
            label_weights,
            iterations,
            SEED,
            0.1,
            row_weights,
        )
    if int(numpy.max(rounds)) >= iterations:
        warnings.warn(
            f"liblinear stopped after {iterations} rounds, short of its optimum",
            NotConverged,
            stacklevel=3,
        )
    return weights[:, :-1], weights[:, -1]


def load_solver() -> None:
    """Import liblinear's wrapper (and NumPy with it) now, before forking the trainers."""
    _liblinear()


def _liblinear() -> Any:
    """scikit-learn's wrapper of liblinear, imported without the rest of scikit-learn.

    `import sklearn` runs scikit-learn's `__init__`, which imports most of it and
    scipy.stats: about a second of CPU, most of a cold start's imports, for one compiled
    function. The wrapper itself needs only NumPy and SciPy's BLAS (a module inside
    `scipy.linalg`), so while it loads the packages above it and above the BLAS stand in
    as bare namespaces (their folders, none of their code); they are taken out again at
    once, so that a later `import sklearn` or `import scipy.linalg` runs the real ones and
    finds the wrapper and the BLAS already loaded. Under a lock: models fit in threads."""
    with _IMPORTING:
        wrapper = _import_liblinear()
        # liblinear prints its progress to standard output unless told not to.
        wrapper.set_verbosity_wrap(0)
        return wrapper


def _import_liblinear() -> Any:
    loaded = sys.modules.get("sklearn.svm._liblinear")
    if loaded is not None:
        return loaded
    if "sklearn" in sys.modules:
        from sklearn.svm import _liblinear

        return _liblinear
    roots: dict[str, Path] = {}
    for distribution in ("sklearn", "scipy"):
        spec = find_spec(distribution)
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("scikit-learn is needed to train the classifiers")
        roots[distribution] = Path(next(iter(spec.submodule_search_locations)))
    # A package already imported (`scipy.linalg` by other code) is the real one: kept.
    standing_in = [package for package in _PACKAGES if package not in sys.modules]
    for package in standing_in:
        distribution, folder = _PACKAGES[package]
        stand_in = ModuleType(package)
        stand_in.__path__ = [str(roots[distribution] / folder)]
        sys.modules[package] = stand_in
    try:
        return import_module("sklearn.svm._liblinear")
    finally:
        for package in standing_in:
            del sys.modules[package]


def _multinomial(regularisation: float, class_weights: dict[int, float]) -> Any:
    # Three labels or more with the logistic loss are beyond liblinear (no model of the
    # shipped knowledge is one): scikit-learn's default solver fits them all at once.
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=regularisation, max_iter=2000, class_weight=class_weights)
