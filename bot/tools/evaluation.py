"""Accuracy on labelled questions: what `aftercare kb eval` measures.

A labelled question is one JSON object a line:
`{"question": "can i wear makeup tmrw", "expected": ["makeup"], "red_flag": false}`.
An empty `expected` means the bot should fall back rather than give an aftercare answer.
A line may also carry `day` (days since treatment), `sign` (which warning sign a report
describes) and `cause` (why a look-alike is not a warning sign): misses and false alarms
are then grouped by them; false alarms are also grouped by the sign the check found.

A figure over no questions is None ("none in this file"), never 100%.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.matching import Match, Matcher
from bot.core.model import KnowledgeBase

UNLABELLED = "(not labelled)"


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    expected: tuple[str, ...]
    red_flag: bool
    day: int | None = None
    sign: str | None = None
    cause: str | None = None
    line: int = 0


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
                        row.get("sign"),
                        row.get("cause"),
                        number,
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
                raise LabelledFileError(f"{path}:{number}: {error}") from error
    return questions


def unknown_topics(
    questions: Iterable[LabelledQuestion], knowledge: KnowledgeBase, path: Path
) -> list[str]:
    """`file:line: message` for every expected topic id the knowledge does not have: a
    typo there would count a right answer as a miss."""
    return [
        f"{path}:{item.line}: topic '{topic}' does not exist in the knowledge (check the "
        "spelling against the file names in topics/)"
        for item in questions
        for topic in item.expected
        if not knowledge.has_rule(topic)
    ]


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

    @property
    def missed_sign(self) -> bool:
        return self.item.red_flag and not self.match.red_flag

    @property
    def false_alarm(self) -> bool:
        return self.match.red_flag and not self.item.red_flag


@dataclass(frozen=True)
class Group:
    """Outcomes of one sign (or look-alike cause): how many went wrong, out of how many."""

    name: str
    wrong: list[Outcome]
    total: int


@dataclass
class Report:
    """The figures of one evaluation run; a figure is None when no question counts."""

    outcomes: list[Outcome] = field(default_factory=list)

    @staticmethod
    def _share(hits: int, total: int) -> float | None:
        return hits / total if total else None

    @property
    def in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.in_scope]

    @property
    def out_of_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.in_scope]

    @property
    def reports(self) -> list[Outcome]:
        """Lines labelled as a warning sign the patient has now."""
        return [o for o in self.outcomes if o.item.red_flag]

    @property
    def calm(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.item.red_flag]

    @property
    def top1_accuracy(self) -> float | None:
        return self._share(sum(o.correct for o in self.in_scope), len(self.in_scope))

    @property
    def answered_accuracy(self) -> float | None:
        """In-scope questions answered straight away with a right topic."""
        hits = sum(o.correct and o.match.decision == "answer" for o in self.in_scope)
        return self._share(hits, len(self.in_scope))

    @property
    def fallback_rate(self) -> float | None:
        return self._share(sum(o.correct for o in self.out_of_scope), len(self.out_of_scope))

    @property
    def red_flag_recall(self) -> float | None:
        return self._share(sum(o.match.red_flag for o in self.reports), len(self.reports))

    @property
    def false_alarm_rate(self) -> float | None:
        return self._share(sum(o.false_alarm for o in self.calm), len(self.calm))

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct or o.match.red_flag != o.item.red_flag]

    @property
    def topic_misses(self) -> list[Outcome]:
        """Misses where the warning-sign verdict was right but the topic was not."""
        return [o for o in self.misses if o.match.red_flag == o.item.red_flag]

    @property
    def missed_signs(self) -> list[Group]:
        """Warning signs not caught, by the sign their line is labelled with."""
        return _groups(self.reports, lambda o: o.item.sign, lambda o: o.missed_sign)

    @property
    def false_alarms(self) -> list[Group]:
        """Alerts on calm lines, by the look-alike cause their line is labelled with."""
        return _groups(self.calm, lambda o: o.item.cause, lambda o: o.false_alarm)

    @property
    def false_alarms_by_sign(self) -> list[Group]:
        """Alerts on calm lines, by the sign the check found, each out of every calm line
        (any of them could have raised it)."""
        return [
            Group(g.name, g.wrong, len(self.calm))
            for g in _groups(self.calm, lambda o: o.match.sign, lambda o: o.false_alarm)
        ]

    def as_json(self) -> dict[str, object]:
        def rounded(value: float | None) -> float | None:
            return round(value, 4) if value is not None else None

        def groups(found: list[Group]) -> dict[str, object]:
            return {
                g.name: {"wrong": len(g.wrong), "of": g.total, "questions": _questions(g)}
                for g in found
            }

        return {
            "questions": len(self.outcomes),
            "in_scope": len(self.in_scope),
            "out_of_scope": len(self.out_of_scope),
            "warning_signs": len(self.reports),
            "top1_accuracy": rounded(self.top1_accuracy),
            "answered_accuracy": rounded(self.answered_accuracy),
            "fallback_rate": rounded(self.fallback_rate),
            "red_flag_recall": rounded(self.red_flag_recall),
            "false_alarm_rate": rounded(self.false_alarm_rate),
            "missed_signs_by_sign": groups(self.missed_signs),
            "false_alarms_by_cause": groups(self.false_alarms),
            "false_alarms_by_sign": groups(self.false_alarms_by_sign),
            "misses": [
                {
                    "question": o.item.question,
                    "expected": list(o.item.expected),
                    "expected_red_flag": o.item.red_flag,
                    "got": o.match.rule or o.match.intent,
                    "decision": o.match.decision,
                    "red_flag": o.match.red_flag,
                    "sign": o.match.sign,
                    "score": o.match.score,
                }
                for o in self.misses
            ],
        }


def _groups(
    outcomes: list[Outcome],
    label: Callable[[Outcome], str | None],
    wrong: Callable[[Outcome], bool],
) -> list[Group]:
    """Only the groups with something wrong, the worst first."""
    totals: dict[str, int] = {}
    found: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        name = label(outcome) or UNLABELLED
        totals[name] = totals.get(name, 0) + 1
        if wrong(outcome):
            found.setdefault(name, []).append(outcome)
    return sorted(
        (Group(name, misses, totals[name]) for name, misses in found.items()),
        key=lambda g: (-len(g.wrong), g.name),
    )


def _questions(group: Group) -> list[dict[str, object]]:
    return [{"question": o.item.question, "found_sign": o.match.sign} for o in group.wrong]


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
