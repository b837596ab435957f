"""The learned second opinion: a linear classifier over word and character n-grams."""

from __future__ import annotations

import json

import pytest

from bot.core.classifier import LinearModel, features, train

MAKEUP = ["can i wear makeup", "is foundation ok", "when can i put concealer on", "mascara?"]
SUN = ["do i need sunscreen", "can i sunbathe", "which spf", "is the sun bad for me"]


@pytest.fixture(scope="module")
def topics() -> LinearModel:
    return train(MAKEUP + SUN, ["makeup"] * 4 + ["sun"] * 4)


def test_features_hold_words_word_pairs_and_character_ngrams() -> None:
    found = features("Can't sunbathe")
    assert {"w:cant", "w:sunbathe", "b:cant sunbathe", "c:<su", "c:the>"} <= found


def test_a_typo_still_shares_most_features_with_the_right_spelling() -> None:
    right, typo = features("foundation"), features("foundaton")
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
    from sklearn.linear_model import LogisticRegression

    rows = [dict.fromkeys(features(t), 1 / len(features(t)) ** 0.5) for t in MAKEUP + SUN]
    vectoriser = DictVectorizer()
    reference = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
    reference.fit(vectoriser.fit_transform(rows), [0] * 4 + [1] * 4)
    text = "when is makeup ok again"
    found = features(text)
    row = vectoriser.transform([dict.fromkeys(found, 1 / len(found) ** 0.5)])
    expected = reference.predict_proba(row)[0][1]
    # Unknown features still count in the vector's length, as they do here.
    assert topics.probabilities(text)["sun"] == pytest.approx(expected, abs=0.02)


def test_a_model_survives_a_round_trip_through_json(topics: LinearModel) -> None:
    again = LinearModel.from_json(json.loads(json.dumps(topics.as_json())))
    assert again.probabilities("spf?") == topics.probabilities("spf?")


def test_training_needs_two_labels() -> None:
    with pytest.raises(ValueError, match="two different labels"):
        train(MAKEUP, ["makeup"] * 4)
