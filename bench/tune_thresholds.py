"""Search of the matcher's blend and decision thresholds on labelled questions.

Run: .venv/bin/python bench/tune_thresholds.py [FILE.jsonl ...] [--blends]
(default: the tuning sets, tests/data/patients.jsonl and tests/data/dev.jsonl; never
the frozen sets under bench/frozen). Every question is ranked once per blend, with what
the classifiers say of it (the matcher's second look: how likely it is outside aftercare
and whether the classifier alone names the same topic), so the decision tried is the
one the bot makes. From the thresholds in use, each threshold in turn takes the value
that scores best with the others held, until none moves (a full grid of the eleven would
take hours). `--blends` repeats that for every blend of the two opinions. Prints the
best settings with the issue's figures; the chosen values go into
`bot.core.matching.Thresholds`, `bot.core.decision.DecisionThresholds` and (the
sharpness) `bot.knowledge.trained.TOPICS` by hand.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from accuracy import Line, read

from bot.core.asks import other_sides, split_asked
from bot.core.decision import (
    Candidate,
    DecisionThresholds,
    SecondLook,
    Verdict,
    decide,
    decide_parts,
    decide_together,
    several_possible,
    within_reach,
)
from bot.core.lexical import BEFORE_SESSION_TERM
from bot.core.long_reading import topic_reading
from bot.core.matching import MAX_PARTS, Matcher, Thresholds
from bot.core.things_asked import coordinated
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [
    ROOT / "tests" / "data" / "tuning" / "questions_c.jsonl",
    ROOT / "tests" / "data" / "tuning" / "questions_real.jsonl",
    ROOT / "tests" / "data" / "tuning" / "questions_voices.jsonl",
    ROOT / "tests" / "data" / "patients.jsonl",
    ROOT / "tests" / "data" / "dev.jsonl",
]
BLENDS = {
    "learned_weight": (0.25, 0.35, 0.45),
    "sharpness": (3.0, 5.0, 8.0),
    "question_weight": (0.7, 0.8, 0.9),
}
CHOICES: dict[str, tuple[float, ...]] = {
    "answer": (48.0, 52.0, 56.0, 60.0, 64.0, 68.0),
    "margin": (8.0, 12.0, 16.0, 20.0, 24.0),
    "suggest": (8.0, 12.0, 16.0, 20.0),
    "part_answer": (56.0, 60.0, 64.0, 68.0, 72.0),
    "part_support": (0.1, 0.2, 0.3, 0.5),
    "part_clear": (52.0, 60.0, 68.0),
    "part_clear_margin": (20.0, 30.0, 40.0),
    "outside": (0.5, 0.6, 0.7, 0.8),
    "agreed_answer": (40.0, 45.0, 50.0, 55.0),
    "agreed_margin": (12.0, 16.0, 20.0, 24.0),
    "agreed_learned": (0.5, 0.6, 0.7, 0.8, 0.9),
    "agreed_outside": (0.3, 0.4, 0.5),
    "sure_answer": (32.0, 36.0, 40.0, 44.0),
    "sure_learned": (0.8, 0.85, 0.9, 0.95),
}
"""The values each decision threshold may take (the one in use is always tried too)."""
SEEN_EVERYTHING = DecisionThresholds(
    answer=0.0, margin=0.0, agreed_answer=0.0, agreed_margin=0.0, sure_answer=0.0
)
"""Thresholds under which the matcher takes its second look at every question: whether
the look is needed depends on the thresholds being tried."""
WRONG_COST = 4.0
"""A confidently wrong answer costs this many right ones: the target is at most 2%."""


@dataclass(frozen=True)
class Ranked:
    line: Line
    whole: list[Candidate]
    parts: list[list[Candidate]]
    look: SecondLook
    pieces: list[list[Candidate]]
    """Each thing asked about together in each part (`bot.core.asks.coordinated`), ranked:
    what `decide_together` reads; empty before a session, where the matcher reads none."""
    sides: tuple[bool, ...]
    """For each part, whether it is the other side of an either-or question
    (`bot.core.asks.other_sides`)."""


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


def replayed(item: Ranked, limits: DecisionThresholds) -> Verdict:
    """The decision the bot makes on `item` under `limits` (`Matcher._verdict`)."""
    # The parts are read only when the bot would read them (`several_possible`).
    words = len(item.line.question.split())
    several = several_possible(item.whole, limits, words)
    # As the matcher: no second look at a message these limits could not answer at once.
    look = item.look if within_reach(item.whole, limits) else SecondLook()
    verdict = (
        decide_parts(item.whole, item.parts, limits, item.sides, look, words)
        if len(item.parts) > 1 and several
        else decide(item.whole, limits, look)
    )
    # As the matcher: the pieces of the parts it split, or of the whole message.
    pieces = item.pieces if several else []
    return decide_together(verdict, item.whole, pieces, limits, look, words)


def score(ranked: list[Ranked], limits: DecisionThresholds) -> Figures:
    figures = Figures()
    for item in ranked:
        verdict = replayed(item, limits)
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


def ranked_lines(matcher: Matcher, lines: list[Line]) -> list[Ranked]:
    """Every line ranked as the matcher ranks it, with its second look."""
    in_use = matcher.thresholds
    matcher.thresholds = in_use._replace(decision=SEEN_EVERYTHING)
    ranked = []
    for line in lines:
        # As the matcher: a message telling of a sign the context step set aside; the
        # topic read from a long story's asks (`topic_reading`).
        aside = bool(matcher.signs.check(line.question, line.day).ruled_out)
        text = topic_reading(line.question)
        whole = matcher.ranking(text)
        look = matcher._second_look(text, whole)._replace(sign_set_aside=aside)
        asked = split_asked(text, MAX_PARTS)
        parts = [question.text for question in asked]
        before = BEFORE_SESSION_TERM in matcher.terms(text)
        things = [] if before else [thing for part in parts for thing in coordinated(part)]
        pieces = [matcher._part_ranking(thing) for thing in things]
        parts_ranked = [matcher._part_ranking(part) for part in parts] if len(parts) > 1 else []
        ranked.append(Ranked(line, whole, parts_ranked, look, pieces, other_sides(asked)))
    matcher.thresholds = in_use
    return ranked


def search(ranked: list[Ranked], start: DecisionThresholds) -> tuple[Figures, DecisionThresholds]:
    """From `start`, each threshold in turn takes its best value, until none moves."""
    best, best_figures = start, score(ranked, start)
    moved = True
    while moved:
        moved = False
        for name, values in CHOICES.items():
            for value in sorted({*values, getattr(start, name)}):
                tried = best._replace(**{name: value})
                figures = score(ranked, tried)
                if figures.value > best_figures.value + 1e-9:
                    best, best_figures, moved = tried, figures, True
    return best_figures, best


def described(limits: DecisionThresholds) -> str:
    return " ".join(f"{name}={value}" for name, value in limits._asdict().items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--blends", action="store_true", help="search the blends as well")
    args = parser.parse_args()
    files = args.files or DEFAULT_FILES
    lines = [line for path in files if path.exists() for line in read(path)]
    matcher = Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))
    # Warning signs are decided before any score, by their own check.
    lines = [
        line
        for line in lines
        if not line.red_flag and not matcher.signs.check(line.question, line.day).sign
    ]
    model = matcher.classifier
    in_use = matcher.thresholds
    blends = (
        itertools.product(*BLENDS.values())
        if args.blends
        else [(in_use.learned_weight, None, in_use.question_weight)]
    )
    start = in_use.decision
    print(f"{len(lines)} labelled questions; in use: {score(ranked_lines(matcher, lines), start)}")
    results: list[tuple[Figures, Thresholds, float | None]] = []
    for learned, sharpness, focus in blends:
        matcher.thresholds = in_use._replace(learned_weight=learned, question_weight=focus)
        if sharpness is not None:
            matcher.classifier = model.with_sharpness(sharpness)
        figures, limits = search(ranked_lines(matcher, lines), start)
        results.append((figures, matcher.thresholds._replace(decision=limits), sharpness))
        print(f"learned {learned} sharpness {sharpness} focus {focus}: {figures.value:.3f}")
    results.sort(key=lambda r: -r[0].value)
    print("best settings first:")
    for figures, chosen, sharpness in results[:5]:
        print(f"{figures.value:.3f}  {figures}")
        print(
            f"  learned={chosen.learned_weight} sharpness={sharpness} "
            f"focus={chosen.question_weight} {described(chosen.decision)}"
        )


if __name__ == "__main__":
    main()
