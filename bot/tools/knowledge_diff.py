"""A safety net before publishing a knowledge edit: which answers would change.

Replays real questions (the stored unanswered ones) and labelled questions against two
knowledge folders and lists every question whose outcome changes. A labelled question
that was right and becomes wrong is a regression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core.matching import Match, Matcher
from bot.tools.evaluation import LabelledQuestion, Outcome, Report, evaluate


@dataclass(frozen=True)
class Change:
    """One question answered differently by the new knowledge."""

    question: str
    before: Match
    after: Match
    labelled: LabelledQuestion | None = None

    @property
    def regression(self) -> bool:
        if self.labelled is None:
            return False
        was = Outcome(self.labelled, self.before)
        now = Outcome(self.labelled, self.after)
        lost_flag = self.labelled.red_flag and self.before.red_flag and not self.after.red_flag
        return (was.correct and not now.correct) or lost_flag

    def as_json(self) -> dict[str, object]:
        def side(match: Match) -> dict[str, object]:
            return {
                "rule": match.rule,
                "intent": match.intent,
                "decision": match.decision,
                "score": match.score,
                "red_flag": match.red_flag,
            }

        return {
            "question": self.question,
            "expected": list(self.labelled.expected) if self.labelled else None,
            "before": side(self.before),
            "after": side(self.after),
            "regression": self.regression,
        }


@dataclass
class DiffReport:
    changes: list[Change] = field(default_factory=list)
    before: Report | None = None
    after: Report | None = None

    @property
    def regressions(self) -> list[Change]:
        return [c for c in self.changes if c.regression]


def _differs(before: Match, after: Match) -> bool:
    return (before.rule, before.intent, before.decision, before.red_flag) != (
        after.rule,
        after.intent,
        after.decision,
        after.red_flag,
    )


def diff_knowledge(
    old: Matcher,
    new: Matcher,
    stored: Sequence[str],
    labelled: Sequence[LabelledQuestion],
) -> DiffReport:
    """Compare how `old` and `new` answer the stored and the labelled questions."""
    report = DiffReport()
    for text in dict.fromkeys(stored):
        before, after = old.match(text), new.match(text)
        if _differs(before, after):
            report.changes.append(Change(text, before, after))
    if labelled:
        report.before = evaluate(old, labelled)
        report.after = evaluate(new, labelled)
        for was, now in zip(report.before.outcomes, report.after.outcomes, strict=True):
            if _differs(was.match, now.match):
                report.changes.append(Change(was.item.question, was.match, now.match, was.item))
    return report
