"""The learned second opinion: a linear classifier over word and character n-grams."""

from __future__ import annotations

import math
import pickle
import subprocess
import sys
import warnings
from collections import Counter

import pytest

from bot.core import stored_rows
from bot.core.classifier import LinearModel, features, read_words, word_pairs, words_of
from bot.core.training import Method, NotConverged, examples_of, train

MAKEUP = ["can i wear makeup", "is foundation ok", "when can i put concealer on", "mascara?"]
SUN = ["do i need sunscreen", "can i sunbathe", "which spf", "is the sun bad for me"]
ITEMS = ["makeup", "foundation", "concealer", "mascara", "blush", "lipstick", "powder", "bronzer"]
SUNNY = ["sunscreen", "spf", "sunbathing", "a tan", "the beach", "sunbeds", "sunshine", "a hat"]
KINDS: list[tuple[Method, bool, float]] = [("logistic", False, 10.0), ("svm", True, 1.0)]
"""As the warning signs and the topics are trained: (method, counted, C)."""


@pytest.fixture(scope="module", params=KINDS, ids=["logistic-distinct", "svm-counted"])
def topics(request: pytest.FixtureRequest) -> LinearModel:
    method, counted, regularisation = request.param
    return train(
        MAKEUP + SUN,
        ["makeup"] * 4 + ["sun"] * 4,
        method=method,
        counted=counted,
        regularisation=regularisation,
    )


def naive_scores(model: LinearModel, text: str) -> list[float]:
    """The scores computed the slow, obvious way: every feature of the text looked up."""
    found = features(text) if model.counted else Counter(set(features(text)))
    totals = [0.0] * len(model.bias)
    for feature, count in found.items():
        for label, weight in enumerate(model.feature_weights(feature)):
            totals[label] += count * weight
    scale = 1 / math.sqrt(found.total())
    return [bias + total * scale for bias, total in zip(model.bias, totals, strict=True)]


def test_features_hold_words_word_pairs_and_character_ngrams() -> None:
    found = features("Can't sunbathe")
    assert {"w:cant", "w:sunbathe", "b:cant sunbathe", "c:<su", "c:the>"} <= set(found)


def test_a_feature_that_occurs_twice_counts_twice() -> None:
    assert features("peel peel")["w:peel"] == 2


def test_accents_and_apostrophes_do_not_change_the_words() -> None:
    assert words_of("Don’t touch the crème") == ["dont", "touch", "the", "creme"]


def test_a_typo_still_shares_most_features_with_the_right_spelling() -> None:
    right, typo = set(features("foundation")), set(features("foundaton"))
    assert len(right & typo) / len(right) > 0.5


def test_a_text_is_read_as_its_words_and_the_pairs_of_its_neighbouring_words() -> None:
    text = "Can't wear makeup, can I?"
    assert read_words(text) == (tuple(words_of(text)), tuple(word_pairs(words_of(text))))


def test_a_text_read_by_several_models_is_cut_into_words_once() -> None:
    text = "is foundation ok the day after, or only sunscreen?"
    assert read_words(text) is read_words(text)


def test_a_trained_model_prefers_the_label_of_similar_examples(topics: LinearModel) -> None:
    assert topics.ranked("can i put on some foundation tomorrow")[0][0] == "makeup"
    assert topics.ranked("need spf for the beach?")[0][0] == "sun"


def test_probabilities_add_up_to_one(topics: LinearModel) -> None:
    assert sum(topics.probabilities("anything at all").values()) == pytest.approx(1.0)


def test_reading_word_by_word_scores_what_every_feature_looked_up_scores(
    topics: LinearModel,
) -> None:
    # Repeated words, and different words sharing n-grams ("can", "cant", "canned").
    text = "can i cant i canned makeup makeup spf, can i? sunscreen sun sun"
    assert topics.scores(text) == pytest.approx(naive_scores(topics, text), abs=1e-9)


@pytest.mark.parametrize("method", ["logistic", "svm"])
def test_three_labels_get_a_score_each(method: Method) -> None:
    model = train(
        MAKEUP + SUN + ["hi", "hello", "hey there"],
        ["m"] * 4 + ["s"] * 4 + ["g"] * 3,
        method=method,
        counted=method == "svm",
        regularisation=10.0,
    )
    assert set(model.probabilities("hello")) == {"m", "s", "g"}
    assert model.ranked("hello there")[0][0] == "g"


def test_reading_without_scikit_learn_gives_what_logistic_regression_gives() -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    model = train(
        MAKEUP + SUN, ["makeup"] * 4 + ["sun"] * 4, method="logistic", counted=False,
        regularisation=10.0,
    )  # fmt: skip
    rows = [dict.fromkeys(features(t), 1 / len(features(t)) ** 0.5) for t in MAKEUP + SUN]
    vectoriser = DictVectorizer()
    reference = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
    reference.fit(vectoriser.fit_transform(rows), [0] * 4 + [1] * 4)
    text = "when is makeup ok again"
    found = features(text)
    row = vectoriser.transform([dict.fromkeys(found, 1 / len(found) ** 0.5)])
    expected = reference.predict_proba(row)[0][1]
    # Unknown features still count in the vector's length, as they do here.
    assert model.probabilities(text)["sun"] == pytest.approx(expected, abs=0.02)


def test_reading_without_scikit_learn_gives_what_the_support_vector_classifier_gives() -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.svm import LinearSVC

    model = train(
        MAKEUP + SUN, ["makeup"] * 4 + ["sun"] * 4, method="svm", counted=True,
        regularisation=1.0,
    )  # fmt: skip

    def scaled(text: str) -> dict[str, float]:
        found = features(text)
        return {f: count / found.total() ** 0.5 for f, count in found.items()}

    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform([scaled(t) for t in MAKEUP + SUN])
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    reference = LinearSVC(C=1.0, class_weight="balanced").fit(matrix, [0] * 4 + [1] * 4)
    text = "when is makeup ok again"
    expected = reference.decision_function(vectoriser.transform([scaled(text)]))[0]
    # Unknown features still count in the scaling, as they do here; pruning moves little.
    assert model.scores(text)[0] == pytest.approx(expected, abs=0.02)


def test_sharper_probabilities_favour_the_best_label_more(topics: LinearModel) -> None:
    mild = topics.with_sharpness(1.0).probabilities("foundation tomorrow?")
    sharp = topics.with_sharpness(4.0).probabilities("foundation tomorrow?")
    assert sharp["makeup"] > mild["makeup"] > 0.5


def test_a_text_with_no_word_scores_the_bias_alone(topics: LinearModel) -> None:
    assert topics.scores("🙂 !!") == list(topics.bias)


def test_training_needs_two_labels() -> None:
    with pytest.raises(ValueError, match="two different labels"):
        train(MAKEUP, ["makeup"] * 4, method="svm", counted=True, regularisation=1.0)


def test_a_model_read_back_scores_every_text_as_the_trained_one(topics: LinearModel) -> None:
    again = pickle.loads(pickle.dumps(topics))
    for text in [*MAKEUP, *SUN, "can i wear spf makeup", "zzz", ""]:
        assert again.scores(text) == topics.scores(text)


def test_a_model_read_back_finds_every_feature_and_no_other(topics: LinearModel) -> None:
    again = pickle.loads(pickle.dumps(topics))
    for feature in [*topics.features, "w:unknown", "c:<zz", ""]:
        assert again.feature_weights(feature) == topics.feature_weights(feature)


def test_a_model_read_back_builds_its_dict_once_it_has_looked_up_enough_features(
    topics: LinearModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stored_rows, "ROWS_SEARCHED", 3)
    again = pickle.loads(pickle.dumps(topics))
    for feature in topics.features[:2]:
        again.feature_weights(feature)
    assert not isinstance(again._rows, dict)
    again.feature_weights(topics.features[2])
    assert again._rows == dict(zip(topics.features, range(len(topics.features)), strict=True))


def test_the_training_matrix_holds_the_values_a_model_reads() -> None:
    texts = ["peel peel peel?", "can i wear makeup", "spf"]
    for counted in (True, False):
        training = examples_of(texts, ["a", "b", "a"], counted=counted)
        for row, text in enumerate(texts):
            found = features(text) if counted else Counter(set(features(text)))
            scale = 1 / math.sqrt(found.total())
            start, end = training.matrix.indptr[row], training.matrix.indptr[row + 1]
            held = {
                training.features[column]: value
                for column, value in zip(
                    training.matrix.indices[start:end], training.matrix.data[start:end], strict=True
                )
            }
            assert held == pytest.approx({f: count * scale for f, count in found.items()})


def test_texts_that_read_as_the_same_words_are_one_row_that_counts_twice() -> None:
    training = examples_of(
        ["Sell gift cards", "sell gift cards!", "do you sell gift cards", "spf"],
        ["gift", "gift", "gift", "sun"],
        counted=True,
    )
    assert training.matrix.shape[0] == 3
    assert list(training.counts) == [2, 1, 1]


def test_twin_examples_of_a_small_topic_train_to_convergence() -> None:
    # A staff draft whose title repeats its one example: as two rows, the small topic's
    # weight left liblinear short of its optimum after 1,000 iterations.
    days = range(25)
    makeup = [f"can i wear {item} on day {day}" for item in ITEMS for day in days]
    sun = [f"is {thing} ok on day {day}" for thing in SUNNY for day in days]
    gift = ["sell gift cards", "Sell gift cards"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", NotConverged)
        model = train(
            makeup + sun + gift,
            ["makeup"] * len(makeup) + ["sun"] * len(sun) + ["gift"] * len(gift),
            method="svm",
            counted=True,
            regularisation=2.0,
        )
    assert model.ranked("do you sell gift cards?")[0][0] == "gift"


def test_a_long_story_scores_exactly_its_distinct_features_summed_in_the_order_first_met() -> None:
    labels = ["makeup"] * 4 + ["sun"] * 4
    model = train(MAKEUP + SUN, labels, method="logistic", counted=False, regularisation=10.0)
    story = " ".join(MAKEUP + SUN + ITEMS + SUNNY) * 20
    found = list(features(story))
    total = sum(model.feature_weights(feature)[0] for feature in found)
    assert model.scores(story) == [model.bias[0] + total * (1.0 / math.sqrt(len(found)))]


def test_a_long_story_read_by_three_labels_scores_exactly_each_label_summed_in_order() -> None:
    examples = MAKEUP + SUN + ["hi", "hello", "hey there"]
    labels = ["m"] * 4 + ["s"] * 4 + ["g"] * 3
    model = train(examples, labels, method="logistic", counted=False, regularisation=10.0)
    story = " ".join(MAKEUP + SUN + ITEMS + SUNNY + ["hello there, zzqx"]) * 20
    found = list(features(story))
    scale = 1.0 / math.sqrt(len(found))
    totals = [sum(model.feature_weights(f)[label] for f in found) for label in range(3)]
    assert model.scores(story) == [b + t * scale for b, t in zip(model.bias, totals, strict=True)]


def test_training_imports_neither_scikit_learn_itself_nor_scipy_stats() -> None:
    # A fresh process: this one may have imported scikit-learn for other tests.
    code = (
        "import sys\n"
        "from bot.core.training import train\n"
        "train(['can i wear makeup', 'which spf'], ['makeup', 'sun'], method='svm',"
        " counted=True, regularisation=1.0)\n"
        "print(sorted(m for m in ('sklearn', 'sklearn.base', 'scipy.stats') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_scikit_learn_imported_after_training_is_the_whole_package() -> None:
    code = (
        "from bot.core.training import train\n"
        "train(['can i wear makeup', 'which spf'], ['makeup', 'sun'], method='logistic',"
        " counted=False, regularisation=1.0)\n"
        "from sklearn.svm import LinearSVC\n"
        "print(LinearSVC().fit([[0.0], [1.0]], [0, 1]).predict([[1.0]])[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1"


def test_the_same_examples_train_to_the_same_weights_every_time() -> None:
    labels = ["makeup"] * 4 + ["sun"] * 4
    first, second = (
        train(MAKEUP + SUN, labels, method="svm", counted=True, regularisation=2.0)
        for _ in range(2)
    )
    assert (first.features, first.weights, first.bias) == (
        second.features,
        second.weights,
        second.bias,
    )


def test_a_model_read_back_in_small_blocks_finds_every_feature_and_no_other(
    topics: LinearModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stored_rows, "BLOCK", 2)
    again = pickle.loads(pickle.dumps(topics))
    for feature in [*sorted(topics.features), "", "a", "w:zzzz", "c:<ma", "\n", "c:<ma\nc:<mak"]:
        assert again.feature_weights(feature) == topics.feature_weights(feature)


def test_a_model_read_back_lists_its_features_in_their_order(topics: LinearModel) -> None:
    again = pickle.loads(pickle.dumps(topics))
    assert len(again.features) == len(topics.features)
    assert list(again.features) == list(topics.features)
    assert again.features[-1] == topics.features[-1]


def test_a_model_read_back_is_stored_again_as_it_was_stored(topics: LinearModel) -> None:
    stored = pickle.dumps(topics)
    again = pickle.loads(stored)
    assert pickle.dumps(again) == stored


def test_a_model_read_back_that_built_its_dict_is_stored_again_as_it_was_stored(
    topics: LinearModel,
) -> None:
    stored = pickle.dumps(topics)
    again = pickle.loads(stored)
    again.index_rows()
    assert pickle.dumps(again) == stored
