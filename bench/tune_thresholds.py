"""Grid search of the matcher's thresholds on labelled questions; prints the best settings.

Run: .venv/bin/python bench/tune_thresholds.py [FILE.jsonl ...]
(default: tests/data/patients.jsonl and tests/data/dev.jsonl). The chosen values go
into `bot.matching.Thresholds` by hand, with the figures in the README.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import replace
from pathlib import Path

from bot.core.matching import Matcher, Thresholds
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.tools.evaluation import LabelledQuestion, evaluate, read_labelled
from bot.tools.evaluation_report import percent

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [
    ROOT / "tests" / "data" / "patients.jsonl",
    ROOT / "tests" / "data" / "dev.jsonl",
]


def objective(matcher: Matcher, questions: list[LabelledQuestion]) -> tuple[float, str]:
    """What a patient feels, per question: a right answer straight away is best, "did you
    mean" with the right topic among the buttons is next, a wrong answer is worse than
    either; outside aftercare, only the fallback is right."""
    report = evaluate(matcher, questions)
    value = 0.0
    for outcome in report.outcomes:
        match, expected = outcome.match, outcome.item.expected
        if not expected:
            value += {"fallback": 1.0, "suggest": 0.3}.get(match.decision, -0.5)
        elif match.decision == "answer":
            value += 1.0 if match.rule in expected else -0.5
        elif match.decision == "suggest":
            value += 0.6 if set(match.suggestions) & set(expected) else 0.0
    summary = (
        f"top1 {percent(report.top1_accuracy)} answered {percent(report.answered_accuracy)} "
        f"fallback {percent(report.fallback_rate)}"
    )
    return value / len(questions), summary


def main() -> None:
    files = [Path(p) for p in sys.argv[1:]] or DEFAULT_FILES
    questions = [q for path in files if path.exists() for q in read_labelled(path)]
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    results: list[tuple[float, str, Thresholds]] = []
    for example_weight, smoothing in itertools.product((0.45, 0.55, 0.65), (1.0, 2.0)):
        base = replace(Thresholds(), example_weight=example_weight, smoothing=smoothing)
        matcher = Matcher(knowledge, base)
        for answer, margin, suggest in itertools.product(
            (24.0, 27.0, 30.0, 34.0), (3.0, 6.0, 9.0), (16.0, 19.0, 22.0, 26.0)
        ):
            if suggest > answer:
                continue
            matcher.thresholds = replace(base, answer=answer, margin=margin, suggest=suggest)
            value, summary = objective(matcher, questions)
            results.append((value, summary, matcher.thresholds))
    results.sort(key=lambda r: -r[0])
    print(f"{len(questions)} labelled questions; best settings first:")
    for value, summary, thresholds in results[:10]:
        print(
            f"{value:.3f}  {summary}  example_weight={thresholds.example_weight} "
            f"smoothing={thresholds.smoothing} answer={thresholds.answer} "
            f"margin={thresholds.margin} suggest={thresholds.suggest}"
        )


if __name__ == "__main__":
    main()
