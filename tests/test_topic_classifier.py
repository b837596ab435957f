"""The learned second opinion: a linear classifier over word and character n-grams."""

from __future__ import annotations

import pytest

from bot.core.topic_classifier import LinearModel, features, scaled, train

MAKEUP = ["can i wear makeup", "is foundation ok", "when can i put concealer on", "mascara?"]
SUN = ["do i need sunscreen", "can i sunbathe", "which spf", "is the sun bad for me"]


@pytest.fixture(scope="module")
def topics() -> LinearModel:
    return train(MAKEUP + SUN, ["makeup"] * 4 + ["sun"] * 4)


def test_features_hold_words_word_pairs_and_character_ngrams() -> None:
    found = features("Can't sunbathe")
    assert {"w:cant", "w:sunbathe", "b:cant sunbathe", "c:<su", "c:the>"} <= set(found)


def test_a_feature_that_occurs_twice_counts_twice() -> None:
    assert features("peel peel")["w:peel"] == 2


def test_a_typo_still_shares_most_features_with_the_right_spelling() -> None:
    right, typo = set(features("foundation")), set(features("foundaton"))
    assert len(right & typo) / len(right) > 0.5


def test_a_trained_model_prefers_the_label_of_similar_examples(topics: LinearModel) -> None:
    assert topics.ranked("can i put on some foundation tomorrow")[0][0] == "makeup"
    assert topics.ranked("need spf for the beach?")[0][0] == "sun"


def test_probabilities_add_up_to_one(topics: LinearModel) -> None:
    assert sum(topics.probabilities("anything at all").values()) == pytest.approx(1.0)


def test_three_labels_get_a_score_each() -> None:
    model = train(MAKEUP + SUN + ["hi", "hello", "hey there"], ["m"] * 4 + ["s"] * 4 + ["g"] * 3)
    assert set(model.probabilities("hello")) == {"m", "s", "g"}
    assert model.ranked("hello there")[0][0] == "g"


def test_reading_without_scikit_learn_gives_what_scikit_learn_gives(topics: LinearModel) -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.svm import LinearSVC

    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform([scaled(features(t)) for t in MAKEUP + SUN])
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    reference = LinearSVC(C=1.0, class_weight="balanced").fit(matrix, [0] * 4 + [1] * 4)
    text = "when is makeup ok again"
    expected = reference.decision_function(vectoriser.transform([scaled(features(text))]))[0]
    # Unknown features still count in the scaling, as they do here; pruning moves little.
    assert topics.scores(text)[0] == pytest.approx(expected, abs=0.02)


def test_sharper_probabilities_favour_the_best_label_more() -> None:
    texts, labels = MAKEUP + SUN, ["makeup"] * 4 + ["sun"] * 4
    mild = train(texts, labels, sharpness=1.0).probabilities("foundation tomorrow?")
    sharp = train(texts, labels, sharpness=4.0).probabilities("foundation tomorrow?")
    assert sharp["makeup"] > mild["makeup"] > 0.5


def test_a_model_survives_a_round_trip_through_plain_arrays(topics: LinearModel) -> None:
    again = LinearModel.from_arrays(topics.as_arrays())
    assert again.probabilities("spf?") == topics.probabilities("spf?")


def test_training_needs_two_labels() -> None:
    with pytest.raises(ValueError, match="two different labels"):
        train(MAKEUP, ["makeup"] * 4)
