"""The training matrix built with NumPy alone, and liblinear loaded without SciPy's
linear algebra: what a start that trains no longer imports."""

from __future__ import annotations

import random
import subprocess
import sys
import threading

import numpy
import pytest
from scipy.sparse import csr_matrix

from bot.core import training
from bot.core.classifier import LinearModel
from bot.core.training import TextReader, examples_of, fit, summed_rows, train


def test_a_column_listed_twice_in_a_row_is_held_once_with_the_value_two() -> None:
    rows = summed_rows(
        numpy.array([4, 1, 4], dtype=numpy.int32), numpy.array([0, 3], dtype=numpy.int32), 5
    )
    assert rows.indices.tolist() == [1, 4]
    assert rows.data.tolist() == [1.0, 2.0]


def test_summed_rows_are_the_matrix_scipys_sum_duplicates_leaves() -> None:
    generator = numpy.random.default_rng(7)
    ends = numpy.concatenate(([0], numpy.cumsum(generator.integers(0, 30, 200)))).astype(
        numpy.int32
    )
    columns = generator.integers(0, 50, int(ends[-1])).astype(numpy.int32)
    rows = summed_rows(columns, ends, 50)
    expected = csr_matrix((numpy.ones(len(columns)), columns, ends), shape=(200, 50))
    expected.sum_duplicates()
    assert rows.shape == expected.shape
    assert rows.nnz == expected.nnz
    assert rows.indptr.tolist() == expected.indptr.tolist()
    assert rows.indices.tolist() == expected.indices.tolist()
    assert rows.data.tolist() == expected.data.tolist()


def test_a_row_with_no_columns_holds_nothing_and_its_neighbours_keep_theirs() -> None:
    rows = summed_rows(
        numpy.array([2, 0], dtype=numpy.int32), numpy.array([0, 1, 1, 2], dtype=numpy.int32), 3
    )
    assert rows.indptr.tolist() == [0, 1, 1, 2]
    assert rows.indices.tolist() == [2, 0]


TEXTS = ["can i wear makeup", "is foundation ok", "which spf", "can i wear makeup", "hi there"]
TOPICS = ["makeup", "makeup", "sun", "makeup", "hello"]
SCOPES = ["in scope", "in scope", "in scope", "in scope", "off-topic"]


def test_two_sets_of_the_same_texts_read_by_one_reader_get_the_matrices_of_two_readers() -> None:
    reader = TextReader()
    for labels, counted in ((TOPICS, True), (SCOPES, False)):
        shared = examples_of(TEXTS, labels, counted=counted, reader=reader)
        alone = examples_of(TEXTS, labels, counted=counted)
        assert shared.features == alone.features
        assert shared.matrix.indptr.tolist() == alone.matrix.indptr.tolist()
        assert shared.matrix.indices.tolist() == alone.matrix.indices.tolist()
        assert shared.matrix.data.tolist() == alone.matrix.data.tolist()
        assert shared.counts.tolist() == alone.counts.tolist()


def test_a_reader_reads_no_text_it_has_read_already(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = TextReader()
    first = examples_of(TEXTS, TOPICS, counted=True, reader=reader)

    def unread(text: str) -> list[str]:
        raise AssertionError(f"{text!r} was read again")

    monkeypatch.setattr(training, "words_of", unread)
    monkeypatch.setattr(training, "word_features", unread)
    again = examples_of(TEXTS, SCOPES, counted=True, reader=reader)
    assert again.features == first.features


def test_training_imports_neither_scipys_sparse_matrices_nor_its_linear_algebra() -> None:
    # A fresh process: this one has imported SciPy for other tests.
    code = (
        "import sys\n"
        "from bot.core.training import train\n"
        "train(['can i wear makeup', 'which spf'], ['makeup', 'sun'], method='svm',"
        " counted=True, regularisation=1.0)\n"
        "print(sorted(m for m in ('scipy.sparse', 'scipy.linalg') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_scipys_linear_algebra_imported_after_training_is_the_whole_package() -> None:
    code = (
        "from bot.core.training import train\n"
        "train(['can i wear makeup', 'which spf'], ['makeup', 'sun'], method='svm',"
        " counted=True, regularisation=1.0)\n"
        "import scipy.linalg\n"
        "print(scipy.linalg.norm([3.0, 4.0]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "5.0"


def test_three_labels_with_the_logistic_loss_still_train() -> None:
    model = train(
        ["can i wear makeup", "is foundation ok", "which spf", "is the sun bad", "hi", "hello"],
        ["makeup", "makeup", "sun", "sun", "hi", "hi"],
        method="logistic",
        counted=False,
        regularisation=10.0,
    )
    assert model.ranked("can i wear foundation")[0][0] == "makeup"
    assert sum(model.probability_list("which spf")) == pytest.approx(1.0)


def test_models_fitted_at_the_same_time_get_the_weights_each_gets_alone() -> None:
    # liblinear's random row order comes from one generator for the whole process.
    generator = random.Random(3)
    vocabulary = [f"word{n}" for n in range(200)]
    texts = [" ".join(generator.choices(vocabulary, k=8)) for _ in range(800)]
    labels = [f"topic{generator.randrange(3)}" for _ in texts]
    sets = [
        examples_of(texts, labels, counted=True),
        examples_of(texts[::-1], labels, counted=True),
    ]

    def fitted(index: int) -> LinearModel:
        return fit(sets[index], method="svm", regularisation=2.0)

    alone = [fitted(0), fitted(1)]
    together: dict[int, LinearModel] = {}
    start = threading.Barrier(2)

    def fit_together(index: int) -> None:
        start.wait()
        together[index] = fitted(index)

    threads = [threading.Thread(target=fit_together, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index, model in enumerate(alone):
        assert together[index].weights.tobytes() == model.weights.tobytes()
