"""Work handed to a forked child: its result or its error comes back, a child nobody
reads is stopped, and models trained in a child are those trained here."""

from __future__ import annotations

import gc
import os
import threading
import time
from pathlib import Path

import pytest

from bot.core.classifier import LinearModel
from bot.core.training import Examples
from bot.knowledge import trained
from bot.knowledge.forked import Forked, may_fork
from bot.knowledge.trained import Training, TrainingSet

SETS = [
    TrainingSet(
        "topics",
        ("can i wear makeup", "is foundation ok", "do i need sunscreen", "which spf", "hi"),
        ("makeup", "makeup", "sun", "sun", "hello"),
        trained.TOPICS,
    ),
    TrainingSet(
        "signs",
        ("my skin is oozing pus", "it is hot and spreading", "a bit pink", "slightly dry"),
        ("report", "report", "calm", "calm"),
        trained.SIGNS,
    ),
]


def test_a_forked_child_hands_back_what_its_work_returned() -> None:
    child = Forked(lambda: (os.getpid(), ["peeling", 3]))
    pid, value = child.result()
    assert pid == child.pid != os.getpid()
    assert value == ["peeling", 3]


def test_an_error_in_the_child_is_raised_again_by_result() -> None:
    def broken() -> None:
        raise ValueError("no examples")

    with pytest.raises(ValueError, match="no examples"):
        Forked(broken).result()


def test_a_child_whose_result_nobody_reads_is_stopped() -> None:
    child = Forked(lambda: time.sleep(60))
    pid = child.pid
    del child
    gc.collect()
    # Stopped and reaped: no process of that id is left, not even a zombie.
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_process_running_another_thread_does_not_fork() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not may_fork()
    finally:
        release.set()
        other.join()


def test_models_trained_in_a_forked_child_are_the_models_trained_in_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trained, "_memory", {})
    assert may_fork()
    forked = Training(SETS, tmp_path / "forked").models()
    monkeypatch.setattr(trained, "_memory", {})
    monkeypatch.setattr(trained, "may_fork", lambda: False)
    threaded = Training(SETS, tmp_path / "threaded").models()
    for one, other in zip(forked, threaded, strict=True):
        assert list(one.features) == list(other.features)
        assert one.weights.tobytes() == other.weights.tobytes()
        assert one.trained_on == other.trained_on


def test_models_trained_in_a_forked_child_are_stored_for_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trained, "_memory", {})
    first = Training(SETS, tmp_path).models()
    monkeypatch.setattr(trained, "_memory", {})

    def refuse(_: TrainingSet, examples: Examples) -> LinearModel:
        raise AssertionError("trained again")

    monkeypatch.setattr(TrainingSet, "fit", refuse)
    again = Training(SETS, tmp_path).models()
    assert again[1].scores("oozing pus") == first[1].scores("oozing pus")
    assert sorted(path.name.split("-")[0] for path in tmp_path.glob("*.cache")) == [
        "signs",
        "topics",
    ]
