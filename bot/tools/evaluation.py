"""Accuracy on labelled questions: what `aftercare kb eval` measures.

A labelled question is one JSON object a line:
`{"question": "can i wear makeup tmrw", "expected": ["makeup"], "red_flag": false}`.
An empty `expected` means the bot should fall back rather than give an aftercare answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.matching import Match, Matcher


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    expected: tuple[str, ...]
    red_flag: bool
    day: int | None = None


class LabelledFileError(ValueError):
    """A labelled file that cannot be read; the message says the line."""


def read_labelled(path: Path) -> list[LabelledQuestion]:
    """Read a labelled `.jsonl` file; raise `LabelledFileError` naming the bad line."""
    questions: list[LabelledQuestion] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                expected = row.get("expected", [])
                if not isinstance(row["question"], str) or not isinstance(expected, list):
                    raise TypeError("question must be text and expected a list")
                questions.append(
                    LabelledQuestion(
                        row["question"],
                        tuple(str(e) for e in expected),
                        bool(row.get("red_flag", False)),
                        row.get("day"),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise LabelledFileError(f"{path}:{number}: {error}") from error
    return questions


@dataclass(frozen=True)
class Outcome:
    item: LabelledQuestion
    match: Match

    @property
    def in_scope(self) -> bool:
        return bool(self.item.expected)

    @property
    def correct(self) -> bool:
        if self.in_scope:
            return self.match.rule in self.item.expected
        return self.match.decision == "fallback"


@dataclass
class Report:
    """The figures of one evaluation run."""

    outcomes: list[Outcome] = field(default_factory=list)

    def _share(self, hits: int, total: int) -> float:
        return hits / total if total else 1.0

    @property
    def in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.in_scope]

    @property
    def out_of_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.in_scope]

    @property
    def top1_accuracy(self) -> float:
        return self._share(sum(o.correct for o in self.in_scope), len(self.in_scope))

    @property
    def answered_accuracy(self) -> float:
        """In-scope questions answered straight away with a right topic."""
        hits = sum(o.correct and o.match.decision == "answer" for o in self.in_scope)
        return self._share(hits, len(self.in_scope))

    @property
    def fallback_rate(self) -> float:
        return self._share(sum(o.correct for o in self.out_of_scope), len(self.out_of_scope))

    @property
    def red_flag_recall(self) -> float:
        flagged = [o for o in self.outcomes if o.item.red_flag]
        return self._share(sum(o.match.red_flag for o in flagged), len(flagged))

    @property
    def false_alarm_rate(self) -> float:
        calm = [o for o in self.outcomes if not o.item.red_flag]
        return sum(o.match.red_flag for o in calm) / len(calm) if calm else 0.0

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct or o.match.red_flag != o.item.red_flag]

    def as_json(self) -> dict[str, object]:
        return {
            "questions": len(self.outcomes),
            "in_scope": len(self.in_scope),
            "out_of_scope": len(self.out_of_scope),
            "top1_accuracy": round(self.top1_accuracy, 4),
            "answered_accuracy": round(self.answered_accuracy, 4),
            "fallback_rate": round(self.fallback_rate, 4),
            "red_flag_recall": round(self.red_flag_recall, 4),
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "misses": [
                {
                    "question": o.item.question,
                    "expected": list(o.item.expected),
                    "expected_red_flag": o.item.red_flag,
                    "got": o.match.rule or o.match.intent,
                    "decision": o.match.decision,
                    "red_flag": o.match.red_flag,
                    "score": o.match.score,
                }
                for o in self.misses
            ],
        }


def evaluate(
    matcher: Matcher,
    questions: Iterable[LabelledQuestion],
    progress: Callable[[Iterable[LabelledQuestion]], Iterable[LabelledQuestion]] = lambda x: x,
) -> Report:
    """Answer every labelled question and keep what came out."""
    report = Report()
    for item in progress(questions):
        report.outcomes.append(Outcome(item, matcher.match(item.question, item.day)))
    return report
