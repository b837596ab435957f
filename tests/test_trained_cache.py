"""The trained classifier is kept between runs, and trained again when the knowledge changes."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.classifier import LinearModel
from bot.knowledge import trained
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase

QUESTION = "can i wear makeup tomorrow"


@pytest.fixture
def knowledge(small_knowledge: Path) -> KnowledgeBase:
    return load_knowledge(small_knowledge)


def test_a_second_load_reads_the_stored_model_instead_of_training(
    knowledge: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = trained.classifier_for(knowledge, folder=tmp_path)

    def no_training(*_: object) -> LinearModel:
        raise AssertionError("trained again")

    monkeypatch.setattr(trained, "train_topics", no_training)
    again = trained.classifier_for(knowledge, folder=tmp_path)
    assert again.probabilities(QUESTION) == first.probabilities(QUESTION)


def test_a_knowledge_edit_trains_a_new_model(knowledge: KnowledgeBase) -> None:
    first, *rest = knowledge.rules
    more = replace(first, examples=(*first.examples, "one more way to ask"))
    edited = replace(knowledge, rules=(more, *rest))
    assert trained.fingerprint(edited, trained.Thresholds()) != trained.fingerprint(
        knowledge, trained.Thresholds()
    )


def test_a_cache_that_cannot_be_written_still_gives_a_trained_model(
    knowledge: KnowledgeBase, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    model = trained.classifier_for(knowledge, folder=blocked)
    assert model.ranked(QUESTION)[0][0] == "makeup"


def test_a_damaged_stored_model_is_trained_around(knowledge: KnowledgeBase, tmp_path: Path) -> None:
    trained.classifier_for(knowledge, folder=tmp_path)
    for stored in tmp_path.glob("classifier-*.npz"):
        stored.write_bytes(b"not a numpy file")
    model = trained.classifier_for(knowledge, folder=tmp_path)
    assert model.ranked(QUESTION)[0][0] == "makeup"


def test_only_the_last_few_trained_models_are_kept(tmp_path: Path) -> None:
    for index in range(trained.KEEP + 2):
        old = tmp_path / f"classifier-{index}.npz"
        old.write_bytes(b"")
        os.utime(old, (index, index))
    (tmp_path / "signs-other.json").write_text("{}")
    trained.forget_old_models(tmp_path)
    kept = sorted(p.name for p in tmp_path.glob("classifier-*.npz"))
    assert kept == [f"classifier-{i}.npz" for i in range(2, trained.KEEP + 2)]
    assert (tmp_path / "signs-other.json").exists()
