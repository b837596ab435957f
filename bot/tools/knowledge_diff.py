"""A safety net before publishing a knowledge edit: which answers would change.

Replays real questions (the stored unanswered ones) and labelled questions against two
knowledge folders and lists every question whose outcome changes (another topic, a
fallback, a warning sign) or whose answer text changes (a reworded answer, on any day of
recovery), with the words that changed. A labelled question that was right and becomes
wrong is a regression.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core.matching import Match, Matcher
from bot.core.model import Rule
from bot.tools.evaluation import LabelledQuestion, Outcome, Report, evaluate

CONTEXT_WORDS = 4
"""Unchanged words shown around each change, so the reader knows where it is."""


@dataclass(frozen=True)
class Rewording:
    """One answer text that reads differently: `days` says when a patient sees it
    ('' when the answer does not depend on the day)."""

    days: str
    before: str
    after: str

    @property
    def words(self) -> str:
        return word_diff(self.before, self.after)

    def as_json(self) -> dict[str, str]:
        return {"days": self.days, "before": self.before, "after": self.after, "words": self.words}


@dataclass(frozen=True)
class Change:
    """One question answered differently by the new knowledge: another outcome, or the
    same outcome in other words (`rewordings`)."""

    question: str
    before: Match
    after: Match
    labelled: LabelledQuestion | None = None
    rewordings: tuple[Rewording, ...] = ()

    @property
    def outcome_changed(self) -> bool:
        """Another topic, decision or warning-sign verdict (not only other words)."""
        return _outcome(self.before) != _outcome(self.after)

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
            "outcome_changed": self.outcome_changed,
            "answer_changes": [r.as_json() for r in self.rewordings],
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


def _outcome(match: Match) -> tuple[object, ...]:
    return (match.rule, match.intent, match.decision, match.red_flag)


def word_diff(before: str, after: str) -> str:
    """The words that changed, with a few words around each: 'skin [-48 hours-] [+two
    days+] before'; '...' stands for unchanged words left out."""
    old, new = before.split(), after.split()
    pieces: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old[i1:i2]
            first, last = index == 0, index == len(opcodes) - 1
            head = [] if first else same[:CONTEXT_WORDS]
            tail = [] if last else same[-CONTEXT_WORDS:]
            if len(same) <= len(head) + len(tail):
                pieces += same
            else:
                pieces += [*head, "...", *tail]
            continue
        if i2 > i1:
            pieces.append(f"[-{' '.join(old[i1:i2])}-]")
        if j2 > j1:
            pieces.append(f"[+{' '.join(new[j1:j2])}+]")
    return " ".join(pieces)


def rewordings(
    before: Match, after: Match, old_rule: Rule | None, new_rule: Rule | None
) -> list[Rewording]:
    """Every answer text of a question with the same outcome that reads differently. For a
    topic's answer each day of recovery is compared (a day variant may be the only thing
    edited); otherwise (a fallback, the urgent answer) the answer the question got."""
    if old_rule is None or new_rule is None or before.red_flag or after.red_flag:
        if before.answer == after.answer:
            return []
        return [Rewording("", before.answer, after.answer)]
    found: list[Rewording] = []
    if old_rule.answer != new_rule.answer:
        by_day = bool(old_rule.by_day or new_rule.by_day)
        found.append(Rewording("day not known" if by_day else "", old_rule.answer, new_rule.answer))
    for first, last in _day_ranges(old_rule, new_rule):
        was, now = old_rule.answer_for(first), new_rule.answer_for(first)
        if was != now:
            found.append(Rewording(_days_label(first, last), was, now))
    return found


def _day_ranges(old: Rule, new: Rule) -> list[tuple[int, int | None]]:
    """Stretches of days on which both rules give one answer each; the last is open."""
    starts = {0}
    for variant in (*old.by_day, *new.by_day):
        starts.add(variant.first)
        if variant.last is not None:
            starts.add(variant.last + 1)
    if not old.by_day and not new.by_day:
        return []
    ordered = sorted(starts)
    return [
        (start, ordered[i + 1] - 1 if i + 1 < len(ordered) else None)
        for i, start in enumerate(ordered)
    ]


def _days_label(first: int, last: int | None) -> str:
    if last is None:
        return f"days {first}+"
    return f"day {first}" if first == last else f"days {first}-{last}"


def _change(
    question: str,
    before: Match,
    after: Match,
    old: Matcher,
    new: Matcher,
    labelled: LabelledQuestion | None = None,
) -> Change | None:
    if _outcome(before) != _outcome(after):
        return Change(question, before, after, labelled)
    old_rule = old.knowledge.rule(before.rule) if before.rule else None
    new_rule = new.knowledge.rule(after.rule) if after.rule else None
    reworded = tuple(rewordings(before, after, old_rule, new_rule))
    return Change(question, before, after, labelled, reworded) if reworded else None


def diff_knowledge(
    old: Matcher,
    new: Matcher,
    stored: Sequence[str],
    labelled: Sequence[LabelledQuestion],
) -> DiffReport:
    """Compare how `old` and `new` answer the stored and the labelled questions."""
    report = DiffReport()
    for text in dict.fromkeys(stored):
        change = _change(text, old.match(text), new.match(text), old, new)
        if change is not None:
            report.changes.append(change)
    if labelled:
        report.before = evaluate(old, labelled)
        report.after = evaluate(new, labelled)
        for was, now in zip(report.before.outcomes, report.after.outcomes, strict=True):
            change = _change(was.item.question, was.match, now.match, old, new, was.item)
            if change is not None:
                report.changes.append(change)
    return report


SHOWN_QUESTIONS = 3


def describe_diff(report: DiffReport) -> list[str]:
    """The report for people: each question whose outcome changes, then each reworded
    answer once, with the questions that get it."""
    lines: list[str] = []
    reworded: dict[tuple[str, tuple[Rewording, ...]], list[str]] = {}
    for change in report.changes:
        if change.outcome_changed:
            mark = "REGRESSION " if change.regression else ""
            before, after = change.before, change.after
            lines.append(
                f"{mark}{change.question!r}: {describe_outcome(before)} ({before.score}) -> "
                f"{describe_outcome(after)} ({after.score})"
            )
        else:
            key = (describe_outcome(change.after), change.rewordings)
            reworded.setdefault(key, []).append(change.question)
    for (outcome, texts), questions in reworded.items():
        shown = ", ".join(repr(q) for q in questions[:SHOWN_QUESTIONS])
        more = len(questions) - SHOWN_QUESTIONS
        also = f" and {more} more question{'s' if more > 1 else ''}" if more > 0 else ""
        lines.append(f"{outcome} answer reworded, for {shown}{also}:")
        for text in texts:
            when = f" ({text.days})" if text.days else ""
            lines.append(f"  {text.words}{when}")
    return lines


def describe_outcome(match: Match) -> str:
    if match.red_flag:
        return "WARNING SIGN"
    if match.decision == "fallback":
        return f"fallback/{match.intent}" if match.intent else "fallback"
    return f"{match.rule}{' (did you mean)' if match.decision == 'suggest' else ''}"
