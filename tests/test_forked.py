"""Work handed to forked children: its result or its error comes back, a child sent no
work or whose result nobody reads stops, and models trained in a child are those trained
here."""

from __future__ import annotations

import gc
import os
import threading
import time
from functools import partial
from pathlib import Path

import pytest

from bot.core import training
from bot.core.classifier import LinearModel
from bot.core.training import Examples
from bot.knowledge import trained
from bot.knowledge.forked import Workers, may_fork
from bot.knowledge.loader import read_knowledge
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


def nothing() -> None:
    """What the children prepare in these tests."""


def broken() -> None:
    raise ValueError("no examples")


def test_each_child_hands_back_what_its_work_returned() -> None:
    workers = Workers(2, nothing)
    first, second = workers.jobs
    second.send(partial(sorted, ["peeling", "crust"]))
    first.send(os.getpid)
    assert second.result() == ["crust", "peeling"]
    assert first.result() == workers.pid
    workers.wait()


def test_the_children_are_other_processes_than_this_one() -> None:
    workers = Workers(2, nothing)
    for job in workers.jobs:
        job.send(os.getpid)
    pids = {job.result() for job in workers.jobs}
    workers.wait()
    assert len(pids) == 2
    assert os.getpid() not in pids
    assert workers.pid in pids


def test_sending_work_does_not_wait_for_a_child_still_preparing() -> None:
    workers = Workers(2, partial(time.sleep, 3))
    first, second = workers.jobs
    second.skip()
    started = time.monotonic()
    first.send(partial(len, "x" * 500_000))
    assert time.monotonic() - started < 1.0
    assert first.result() == 500_000
    workers.wait()


def test_an_error_in_a_child_is_raised_again_by_result() -> None:
    workers = Workers(2, nothing)
    first, second = workers.jobs
    first.skip()
    second.send(broken)
    with pytest.raises(ValueError, match="no examples"):
        second.result()
    workers.wait()


def test_children_whose_results_nobody_reads_are_stopped() -> None:
    workers = Workers(2, nothing)
    first, _ = workers.jobs
    first.send(partial(time.sleep, 60))
    pid = workers.pid
    del workers, first
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


def test_models_trained_in_forked_children_are_the_models_trained_in_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trained, "_memory", {})
    workers = Workers(2, training.load_solver)
    forked = [
        model
        for each, job in zip(SETS, workers.jobs, strict=True)
        for model in Training([each], tmp_path / "forked", job).models()
    ]
    workers.wait()
    monkeypatch.setattr(trained, "_memory", {})
    threaded = Training(SETS, tmp_path / "threaded").models()
    for one, other in zip(forked, threaded, strict=True):
        assert list(one.features) == list(other.features)
        assert one.weights.tobytes() == other.weights.tobytes()
        assert one.trained_on == other.trained_on


def test_models_trained_in_a_forked_child_are_stored_for_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trained, "_memory", {})
    workers = Workers(2, nothing)
    workers.jobs[1].skip()
    first = Training(SETS, tmp_path, workers.jobs[0]).models()
    workers.wait()
    monkeypatch.setattr(trained, "_memory", {})

    def refuse(_: TrainingSet, examples: Examples) -> LinearModel:
        raise AssertionError("trained again")

    monkeypatch.setattr(TrainingSet, "fit", refuse)
    again = Training(SETS, tmp_path).models()
    assert again[1].scores("oozing pus") == first[1].scores("oozing pus")


def test_knowledge_read_with_forked_trainers_gives_its_models_each_time_asked(
    small_knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(trained, "_memory", {})
    # Whatever threads earlier tests left idle in this process.
    monkeypatch.setattr(trained, "may_fork", lambda: True)
    read = read_knowledge(small_knowledge)
    assert read.workers is not None
    first, again = read.trained(), read.trained()
    assert first.topic_classifier is again.topic_classifier is not None
    assert first.scope_classifier is again.scope_classifier is not None


def test_children_sent_no_work_are_stopped_without_waiting_for_what_they_prepare() -> None:
    workers = Workers(2, partial(time.sleep, 30))
    for job in workers.jobs:
        job.skip()
    started = time.monotonic()
    workers.wait()
    assert time.monotonic() - started < 10
