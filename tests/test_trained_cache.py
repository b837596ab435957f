"""Trained models are kept between runs, trained again when what they learn changes, and a
stored model that cannot be trusted is never used."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.classifier import LinearModel
from bot.core.model import OFF_TOPIC
from bot.knowledge import cache, trained
from bot.knowledge.trained import TrainingSet, scope_training, topic_training, trained_models

QUESTION = "can i wear makeup tomorrow"
TOPICS = TrainingSet(
    "topics",
    ("can i wear makeup", "is foundation ok", "do i need sunscreen", "which spf"),
    ("makeup", "makeup", "sun", "sun"),
    trained.TOPICS,
)


@pytest.fixture(autouse=True)
def nothing_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no model in memory, so what it reads comes from disk."""
    monkeypatch.setattr(trained, "_memory", {})


def no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: TrainingSet) -> LinearModel:
        raise AssertionError("trained again")

    monkeypatch.setattr(TrainingSet, "train", refuse)


def stored_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("topics-*.cache"))


def test_a_second_start_reads_the_stored_model_instead_of_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [first] = trained_models([TOPICS], tmp_path)
    monkeypatch.setattr(trained, "_memory", {})
    no_training(monkeypatch)
    [again] = trained_models([TOPICS], tmp_path)
    assert again is not first
    assert again.probabilities(QUESTION) == first.probabilities(QUESTION)


def test_a_model_read_back_scores_exactly_as_the_trained_one(tmp_path: Path) -> None:
    [model] = trained_models([TOPICS], tmp_path)
    again = trained.model_from_sections(trained.model_sections(model), model.trained_on)
    assert again.scores("foundation or spf?") == model.scores("foundation or spf?")
    assert (again.labels, again.counted, again.sharpness, again.trained_on) == (
        model.labels,
        model.counted,
        model.sharpness,
        TOPICS.fingerprint,
    )


def test_an_edited_example_changes_the_fingerprint(small_knowledge: Path) -> None:
    from bot.knowledge.loader import load_knowledge

    rules = load_knowledge(small_knowledge).rules
    first, *rest = rules
    edited = (first._replace(examples=(*first.examples, "one more way to ask")), *rest)
    assert topic_training(edited).fingerprint != topic_training(rules).fingerprint


def test_the_scope_classifier_learns_which_examples_are_off_topic(
    small_knowledge: Path,
) -> None:
    from bot.knowledge.loader import load_knowledge

    rules = load_knowledge(small_knowledge).rules
    training = scope_training(rules)
    off_topic = {text for rule in rules if rule.scope == OFF_TOPIC for text in rule.examples}
    assert set(training.labels) == {OFF_TOPIC, trained.IN_SCOPE}
    assert all(
        (label == OFF_TOPIC) == (text in off_topic)
        for text, label in zip(training.texts, training.labels, strict=True)
        if text not in {t for rule in rules for t in (*rule.keywords, rule.title)}
    )


def test_other_training_settings_change_the_fingerprint() -> None:
    sharper = replace(TOPICS, settings=replace(TOPICS.settings, sharpness=9.0))
    assert sharper.fingerprint != TOPICS.fingerprint


def test_a_cache_that_cannot_be_written_still_gives_a_trained_model(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    [model] = trained_models([TOPICS], blocked)
    assert model.ranked(QUESTION)[0][0] == "makeup"


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"not a cache file",
        lambda data: data[: len(data) // 2],
        lambda data: data[:-9] + bytes(9),
        lambda data: data.replace(b'"format": 1', b'"format": 99'),
    ],
    ids=["garbage", "truncated", "bytes-changed", "other-format"],
)
def test_a_damaged_stored_model_is_trained_again_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    assert callable(damage)
    trained_models([TOPICS], tmp_path)
    [stored] = stored_files(tmp_path)
    stored.write_bytes(damage(stored.read_bytes()))
    monkeypatch.setattr(trained, "_memory", {})
    [model] = trained_models([TOPICS], tmp_path)
    assert model.ranked(QUESTION)[0][0] == "makeup"
    monkeypatch.setattr(trained, "_memory", {})
    no_training(monkeypatch)
    [again] = trained_models([TOPICS], tmp_path)
    assert again.probabilities(QUESTION) == model.probabilities(QUESTION)


def test_a_stored_model_under_another_fingerprint_is_not_used(tmp_path: Path) -> None:
    trained_models([TOPICS], tmp_path)
    [stored] = stored_files(tmp_path)
    other = replace(TOPICS, labels=("sun", "sun", "makeup", "makeup"))
    stored.rename(cache.entry_path(tmp_path, "topics", other.fingerprint))
    [model] = trained_models([other], tmp_path)
    assert model.ranked(QUESTION)[0][0] == "sun"


def test_a_stored_model_whose_parts_do_not_fit_is_refused(tmp_path: Path) -> None:
    [model] = trained_models([TOPICS], tmp_path)
    sections = trained.model_sections(model)
    sections["offsets"] = sections["offsets"][:-4]
    with pytest.raises(ValueError, match="do not fit"):
        trained.model_from_sections(sections, model.trained_on)


def test_only_the_last_few_entries_of_each_kind_are_kept(tmp_path: Path) -> None:
    for index in range(cache.KEEP + 2):
        old = tmp_path / f"topics-{index}.cache"
        old.write_bytes(b"")
        os.utime(old, (index, index))
    (tmp_path / "signs-other.cache").write_text("{}")
    cache.prune(tmp_path, "topics")
    kept = sorted(p.name for p in stored_files(tmp_path))
    assert kept == [f"topics-{i}.cache" for i in range(2, cache.KEEP + 2)]
    assert (tmp_path / "signs-other.cache").exists()


def test_reading_an_entry_marks_it_as_used_so_pruning_keeps_it(tmp_path: Path) -> None:
    trained_models([TOPICS], tmp_path)
    [stored] = stored_files(tmp_path)
    os.utime(stored, (0, 0))
    for index in range(cache.KEEP - 1):
        newer = tmp_path / f"topics-{index}.cache"
        newer.write_bytes(b"")
        os.utime(newer, (10 + index, 10 + index))
    assert cache.read_entry(stored, TOPICS.fingerprint) is not None
    (tmp_path / "topics-newest.cache").write_bytes(b"")
    cache.prune(tmp_path, "topics")
    assert stored.exists()


def test_models_trained_side_by_side_come_back_in_the_order_asked_and_are_stored(
    tmp_path: Path,
) -> None:
    signs = TrainingSet(
        "signs",
        ("pus and fever", "a little red", "hot and spreading", "tight"),
        ("report", "calm", "report", "calm"),
        trained.SIGNS,
    )
    greetings = replace(TOPICS, texts=(*TOPICS.texts, "hello"), labels=(*TOPICS.labels, "hi"))
    [stored] = trained_models([TOPICS], tmp_path)
    models = trained_models([signs, TOPICS, greetings], tmp_path)
    assert [model.labels for model in models] == [
        ("calm", "report"),
        ("makeup", "sun"),
        ("hi", "makeup", "sun"),
    ]
    assert models[1] is stored
    assert len(list(tmp_path.glob("*.cache"))) == 3


def test_models_trained_in_the_background_come_back_in_the_order_asked(tmp_path: Path) -> None:
    greetings = replace(TOPICS, texts=(*TOPICS.texts, "hello"), labels=(*TOPICS.labels, "hi"))
    models = trained.Training([greetings, TOPICS], tmp_path).models()
    assert [model.trained_on for model in models] == [greetings.fingerprint, TOPICS.fingerprint]


def test_a_background_training_that_fails_raises_in_the_thread_that_asks(tmp_path: Path) -> None:
    one_label = replace(TOPICS, labels=("makeup",) * len(TOPICS.texts))
    training = trained.Training([one_label], tmp_path)
    with pytest.raises(ValueError, match="two different labels"):
        training.models()
