"""Where the warning-sign check's alerts, misses and false alarms come from: counts only.

    python bench/signs_wherefrom.py FILE.jsonl [FILE.jsonl ...] [--knowledge FOLDER]
    python bench/signs_wherefrom.py --crossval [--knowledge FOLDER]

Each alert is put down to what made it: a sign phrase that survived the context step
while the classifier also scores the message at or above its alert threshold ("rules and
classifier"), a phrase alone ("rules only"), the classifier alone, or a language the bot
cannot read. False alarms from a phrase are split by how sure the classifier was that
the message is no report. Counts only, no message is printed: it may be run on held-out
and frozen sets. With --crossval the files of knowledge/warning-signs/examples/ are read
instead, each scored by a classifier trained on the other files (as
bench/crossval_signs.py does).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import read
from crossval_signs import folds

from bot.core.signs import UNREADABLE, SignCheck, SignChecker
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

PATHS = ("rules and classifier", "rules only", "classifier only", "unreadable", "no alert")
SURE_CALM = 0.25
"""A phrase's false alarm the classifier scored below this: it disagreed clearly."""

Labelled = tuple[str, int | None, bool, str]
"""A message, its day, whether it reports a sign, and its sign or cause."""


def path_of(result: SignCheck, probability: float, threshold: float) -> str:
    """What made the check alert (one of PATHS)."""
    if not result.alert:
        return "no alert"
    if result.sign == UNREADABLE:
        return "unreadable"
    if result.triggers and result.triggers[0].startswith("classifier"):
        return "classifier only"
    return "rules and classifier" if probability >= threshold else "rules only"


def from_files(paths: list[Path]) -> Iterator[Labelled]:
    for path in paths:
        for line in read(path):
            label = line.sign if line.red_flag else line.cause
            yield line.question, line.day, line.red_flag, label or "everyday"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE_DIR)
    parser.add_argument("--crossval", action="store_true", help="leave one examples file out")
    args = parser.parse_args()
    knowledge = load_knowledge(args.knowledge)
    assert knowledge.signs is not None
    checks: list[tuple[SignChecker, list[Labelled]]] = []
    if args.crossval:
        for _, checker, held in folds(args.knowledge, knowledge.signs):
            checks.append((checker, [(e.text, None, e.report, e.label) for e in held]))
    else:
        checks.append((SignChecker(knowledge.signs), list(from_files(args.files))))
    paths: dict[str, Counter[str]] = {"report": Counter(), "look-alike": Counter()}
    everyday: Counter[str] = Counter()
    sure: Counter[str] = Counter()
    for checker, lines in checks:
        threshold = checker.knowledge.alert_probability
        for text, day, report, label in lines:
            result = checker.check(text, day)
            probability = checker.knowledge.classifier.probabilities(text)["report"]
            path = path_of(result, probability, threshold)
            if report:
                paths["report"][path] += 1
            elif label == "everyday":
                everyday[path] += 1
            else:
                paths["look-alike"][path] += 1
                if path == "rules only" and probability < SURE_CALM:
                    sure[label] += 1
    reports, looks = paths["report"], paths["look-alike"]
    print(f"{'':22} {'reports':>8} {'look-alikes':>12} {'everyday':>9}")
    print(f"{'messages':22} {reports.total():>8} {looks.total():>12} {everyday.total():>9}")
    for path in PATHS:
        print(f"{path:22} {reports[path]:>8} {looks[path]:>12} {everyday[path]:>9}")
    print(
        f"look-alike false alarms from a phrase alone that the classifier scored below "
        f"{SURE_CALM}: {sure.total()} ({', '.join(f'{k} {v}' for k, v in sure.most_common())})"
    )


if __name__ == "__main__":
    main()
