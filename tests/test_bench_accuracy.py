"""bench/accuracy.py --unseen: a frozen line that repeats tuning data word for word is left out."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def accuracy_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_accuracy", ROOT / "bench" / "accuracy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_accuracy"] = module
    spec.loader.exec_module(module)
    return module


def test_words_ignore_case_and_punctuation() -> None:
    accuracy = accuracy_script()
    assert accuracy.words_of("Can I wear MAKEUP after microneedling?!") == accuracy.words_of(
        "can i wear makeup after  microneedling"
    )


def test_a_line_found_in_the_tuning_data_or_the_knowledge_is_seen(tmp_path: Path) -> None:
    accuracy = accuracy_script()
    (tmp_path / "tests" / "data").mkdir(parents=True)
    (tmp_path / "knowledge" / "topics").mkdir(parents=True)
    line = {"question": "Can I wear makeup after microneedling?", "expected": ["makeup"]}
    (tmp_path / "tests" / "data" / "set.jsonl").write_text(json.dumps(line) + "\n")
    (tmp_path / "knowledge" / "topics" / "sun.yaml").write_text(
        "examples:\n  - When can I go in the sun?\n"
    )
    seen = accuracy.seen_texts(tmp_path)
    assert accuracy.words_of("can i wear makeup after microneedling") in seen
    assert accuracy.words_of("WHEN can i go in the sun") in seen
    assert accuracy.words_of("can i go swimming") not in seen


def test_an_unseen_measure_reports_only_the_lines_never_seen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accuracy = accuracy_script()
    frozen = tmp_path / "frozen.jsonl"
    rows = [
        {"question": "can i wear makeup tomorrow", "expected": ["makeup"]},
        {"question": "is it ok to swim in the sea on day 2", "expected": ["swimming-heat"]},
    ]
    frozen.write_text("".join(json.dumps(row) + "\n" for row in rows))

    class Everything:
        def match(self, question: str, day: int | None) -> object:
            raise AssertionError(f"a seen line was matched: {question}")

    seen = {accuracy.words_of(row["question"]) for row in rows}
    accuracy.report(frozen, Everything(), False, seen)
    out = capsys.readouterr().out
    assert "(0 lines, 2 seen in tuning data left out)" in out
