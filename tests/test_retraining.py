"""What a knowledge edit trains again: each model is stored under a fingerprint of what it
learns alone, so an edit retrains only the models it feeds, and a model stored before an
edit never answers for the edited knowledge."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core import emoji
from bot.core.classifier import LinearModel
from bot.core.training import Examples
from bot.knowledge import trained
from bot.knowledge.loader import load_knowledge
from bot.knowledge.trained import TrainingSet, topic_training

SIGN_EXAMPLES = Path("warning-signs") / "examples" / "everyday-face-questions.yaml"


@pytest.fixture
def fitted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds of model fitted from now on, in a cache folder of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(trained, "_memory", {})
    kinds: list[str] = []
    fit = TrainingSet.fit

    def recorded(self: TrainingSet, examples: Examples) -> LinearModel:
        kinds.append(self.kind)
        return fit(self, examples)

    monkeypatch.setattr(TrainingSet, "fit", recorded)
    # Trained in this process, where the calls are seen (a forked child's are not).
    monkeypatch.setattr(trained, "may_fork", lambda: False)
    return kinds


def restart(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new process remembers: nothing but the cache folder."""
    monkeypatch.setattr(trained, "_memory", {})


def edit_topic(folder: Path, topic: str, field: str, change: object) -> None:
    path = folder / "topics" / f"{topic}.yaml"
    rule = yaml.safe_load(path.read_text(encoding="utf-8"))
    rule[field] = change(rule[field]) if callable(change) else change
    path.write_text(yaml.safe_dump(rule, sort_keys=False), encoding="utf-8")


def test_a_first_load_trains_every_model(small_knowledge: Path, fitted: list[str]) -> None:
    load_knowledge(small_knowledge)
    assert sorted(fitted) == ["scope", "signs", "topics"]


def test_an_edit_to_an_answer_trains_no_model(
    small_knowledge: Path, fitted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_knowledge(small_knowledge)
    restart(monkeypatch)
    fitted.clear()
    edit_topic(small_knowledge, "sun-protection", "answer", "Sunscreen every day, SPF 50.")
    load_knowledge(small_knowledge)
    assert fitted == []


def test_an_edit_to_a_topic_example_trains_the_topic_and_scope_models_only(
    small_knowledge: Path, fitted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_knowledge(small_knowledge)
    restart(monkeypatch)
    fitted.clear()
    edit_topic(
        small_knowledge, "sun-protection", "examples", lambda found: [*found, "is a sunbed ok"]
    )
    load_knowledge(small_knowledge)
    assert sorted(fitted) == ["scope", "topics"]


def test_an_edit_to_a_warning_sign_example_trains_the_warning_sign_model_only(
    small_knowledge: Path, fitted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_knowledge(small_knowledge)
    restart(monkeypatch)
    fitted.clear()
    path = small_knowledge / SIGN_EXAMPLES
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("more ibuprofen", "more paracetamol", 1), encoding="utf-8")
    load_knowledge(small_knowledge)
    assert fitted == ["signs"]


def test_a_topic_model_stored_before_an_edit_never_answers_for_the_edited_knowledge(
    small_knowledge: Path, fitted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = load_knowledge(small_knowledge).topic_classifier
    restart(monkeypatch)
    edit_topic(
        small_knowledge, "sun-protection", "examples", lambda found: [*found, "is a sunbed ok"]
    )
    edited = load_knowledge(small_knowledge)
    model = edited.topic_classifier
    assert before is not None and model is not None
    assert model.trained_on == topic_training(edited.rules).fingerprint != before.trained_on
    assert "w:sunbed" in model.features


def test_a_change_to_the_emoji_read_as_words_retrains_every_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = trained._classifier_source()
    edited = tmp_path / "emoji.py"
    edited.write_text(Path(emoji.__file__).read_text(encoding="utf-8") + "# 🧁 cake\n")
    monkeypatch.setattr(emoji, "__file__", str(edited))
    trained._classifier_source.cache_clear()
    try:
        assert trained._classifier_source() != before
    finally:
        monkeypatch.undo()
        trained._classifier_source.cache_clear()
    assert trained._classifier_source() == before
