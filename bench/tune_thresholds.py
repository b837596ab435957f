"""Grid search of the matcher's blend and thresholds on labelled questions.

Run: .venv/bin/python bench/tune_thresholds.py [FILE.jsonl ...]
(default: the tuning sets, tests/data/patients.jsonl and tests/data/dev.jsonl; never
the frozen sets under bench/frozen). For each blend of the two opinions it ranks every
question once, then tries every threshold on those rankings, so the search takes about a
minute. Prints the best settings with the issue's figures; the chosen values go into
`bot.core.matching.Thresholds`, `bot.core.decision.DecisionThresholds` and (the
sharpness) `bot.knowledge.trained.TOPICS` by hand.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from accuracy import Line, read

from bot.core.decision import Candidate, DecisionThresholds, decide, decide_parts
from bot.core.matching import Matcher, Thresholds
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [
    ROOT / "tests" / "data" / "tuning" / "questions_real.jsonl",
    ROOT / "tests" / "data" / "tuning" / "questions_voices.jsonl",
    ROOT / "tests" / "data" / "patients.jsonl",
    ROOT / "tests" / "data" / "dev.jsonl",
]
BLENDS = {
    "learned_weight": (0.4, 0.5, 0.6, 0.7),
    "sharpness": (3.0, 5.0, 8.0),
    "question_weight": (0.6, 0.8),
}
ANSWER = (28.0, 32.0, 36.0, 40.0, 44.0, 48.0, 52.0)
MARGIN = (0.0, 4.0, 8.0, 12.0, 16.0)
SUGGEST = (12.0, 16.0, 20.0, 24.0)
PART_ANSWER = (-8.0, 0.0, 8.0)
"""How much more than `answer` one part of a several-question message needs."""
PART_SUPPORT = (0.3, 0.5, 0.7)
WRONG_COST = 4.0
"""A confidently wrong answer costs this many right ones: the target is at most 2%."""


@dataclass(frozen=True)
class Ranked:
    line: Line
    whole: list[Candidate]
    parts: list[list[Candidate]]


@dataclass
class Figures:
    at_once: int = 0
    in_buttons: int = 0
    topic_lines: int = 0
    off_ok: int = 0
    off_lines: int = 0
    wrong: int = 0
    all_answered: int = 0
    several: int = 0

    @property
    def value(self) -> float:
        lines = self.topic_lines + self.off_lines
        return (
            self.at_once
            + 0.3 * self.in_buttons
            + self.off_ok
            + 0.5 * self.all_answered
            - WRONG_COST * self.wrong
        ) / lines

    def __str__(self) -> str:
        def pct(a: int, b: int) -> str:
            return f"{100 * a / max(b, 1):5.1f}%"

        lines = self.topic_lines + self.off_lines
        return (
            f"at once {pct(self.at_once, self.topic_lines)}, buttons "
            f"{pct(self.in_buttons, self.topic_lines)}, off-topic "
            f"{pct(self.off_ok, self.off_lines)}, wrong {pct(self.wrong, lines)}, "
            f"several all answered {pct(self.all_answered, self.several)}"
        )


def score(ranked: list[Ranked], limits: DecisionThresholds) -> Figures:
    figures = Figures()
    for item in ranked:
        verdict = (
            decide_parts(item.whole, item.parts, limits, len(item.parts))
            if item.parts
            else decide(item.whole, limits)
        )
        expected = item.line.expected
        answered = verdict.topics if verdict.decision == "answer" else ()
        if any(topic not in expected for topic in answered):
            figures.wrong += 1
        if not expected:
            figures.off_lines += 1
            figures.off_ok += not answered
            continue
        figures.topic_lines += 1
        if item.line.multi:
            figures.several += 1
            figures.all_answered += set(expected) <= set(answered)
        first = expected[0] in answered if item.line.multi else verdict.topic in expected
        right = bool(answered) and first
        figures.at_once += right
        offered = verdict.decision == "suggest" and bool(set(verdict.suggestions) & set(expected))
        figures.in_buttons += right or offered
    return figures


def main() -> None:
    files = [Path(p) for p in sys.argv[1:]] or DEFAULT_FILES
    lines = [line for path in files if path.exists() for line in read(path)]
    matcher = Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))
    # Warning signs are decided before any score, by their own check.
    lines = [
        line
        for line in lines
        if not line.red_flag and not matcher.signs.check(line.question, line.day).sign
    ]
    model = matcher.classifier
    results: list[tuple[float, Figures, Thresholds, float]] = []
    for learned, sharpness, focus in itertools.product(*BLENDS.values()):
        blend = replace(matcher.thresholds, learned_weight=learned, question_weight=focus)
        matcher.thresholds = blend
        matcher.classifier = model.with_sharpness(sharpness)
        ranked = [
            Ranked(line, matcher.ranking(line.question), matcher.part_rankings(line.question))
            for line in lines
        ]
        for answer, margin, suggest, part, support in itertools.product(
            ANSWER, MARGIN, SUGGEST, PART_ANSWER, PART_SUPPORT
        ):
            limits = DecisionThresholds(answer, margin, suggest, answer + part, support)
            figures = score(ranked, limits)
            results.append((figures.value, figures, replace(blend, decision=limits), sharpness))
        best = max(r[0] for r in results)
        print(f"learned {learned} sharpness {sharpness} focus {focus}: best so far {best:.3f}")
    results.sort(key=lambda r: -r[0])
    print(f"{len(lines)} labelled questions; best settings first:")
    for value, figures, chosen, sharpness in results[:15]:
        d = chosen.decision
        print(
            f"{value:.3f}  {figures}  learned={chosen.learned_weight} "
            f"sharpness={sharpness} focus={chosen.question_weight} answer={d.answer} "
            f"margin={d.margin} suggest={d.suggest} part={d.part_answer} support={d.part_support}"
        )


if __name__ == "__main__":
    main()
