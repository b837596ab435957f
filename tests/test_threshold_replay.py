"""bench/tune_thresholds.py searches the decision thresholds by replaying the bot's decision
on ranked questions; a replay that decides differently from the bot tunes the wrong thing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot.core.matching import Matcher
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

ROOT = Path(__file__).resolve().parent.parent


def tuning_script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    script = ROOT / "bench" / "tune_thresholds.py"
    spec = importlib.util.spec_from_file_location("bench_tune", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_tune", module)
    spec.loader.exec_module(module)
    return module


def answered(decision: str, topics: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    return decision, topics if decision == "answer" else ()


@pytest.mark.parametrize("round_", ["s", "u", "v", "w", "x"])
def test_the_threshold_replay_decides_every_tuning_question_as_the_bot_does(
    monkeypatch: pytest.MonkeyPatch, round_: str
) -> None:
    tune = tuning_script(monkeypatch)
    matcher = Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))
    labelled = ROOT / "tests" / "data" / "tuning" / f"questions_train_{round_}.jsonl"
    lines = [
        line
        for line in tune.read(labelled)
        if not line.red_flag and not matcher.signs.check(line.question, line.day).sign
    ]
    limits = matcher.thresholds.decision
    differ = []
    for item in tune.ranked_lines(matcher, lines):
        replay = tune.replayed(item, limits)
        bot = matcher.match(item.line.question, item.line.day)
        by_bot = bot.rules or ((bot.rule,) if bot.rule else ())
        if answered(replay.decision, tuple(replay.topics)) != answered(bot.decision, by_bot):
            differ.append(item.line.question)
    assert lines and differ == []
