"""Cross-validation of the warning-sign check by source: leave one examples file out.

    python bench/crossval_signs.py [--knowledge FOLDER] [--misses] [--only SOURCE] [--by-label]

For each file of knowledge/warning-signs/examples/, the classifier is trained on every
other file, and the whole check (phrases, context,
classifier) is run on the left-out file's messages: reports caught (recall), false
alarms on look-alikes, false alarms on everyday questions. The phrases in signs.yaml were
written while reading some of these files, so only the classifier is truly held out.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.model import Problem, WarningSigns
from bot.core.signs import SignChecker
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.knowledge.signs_examples import Example, read_examples, sign_words
from bot.knowledge.trained import signs_training


def share(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f}% ({hits}/{total})" if total else "   -"


def folds(
    folder: Path, signs: WarningSigns, only: str | None = None
) -> Iterator[tuple[str, SignChecker, list[Example]]]:
    """Each examples file of `folder` (or only the one named `only`) left out in turn: its
    source, a check whose classifier (and sign words) learned from every other file, and
    the left-out file's examples."""
    problems: list[Problem] = []
    examples = read_examples(folder, str, problems, {s.id for s in signs.signs})
    for source in sorted({e.source for e in examples}):
        if only and source != only:
            continue
        kept = [e for e in examples if e.source != source]
        model = signs_training((e.text, e.report) for e in kept).train()
        checker = SignChecker(signs._replace(classifier=model, sign_words=sign_words(kept)))
        yield source, checker, [e for e in examples if e.source == source]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE_DIR)
    parser.add_argument("--misses", action="store_true", help="list misses and false alarms")
    parser.add_argument("--only", help="leave out only this source")
    parser.add_argument(
        "--by-label", action="store_true", help="alerts by sign (reports) and cause (look-alikes)"
    )
    args = parser.parse_args()
    knowledge = load_knowledge(args.knowledge)
    assert knowledge.signs is not None
    totals = [0, 0, 0, 0, 0, 0]
    by_label: dict[str, list[int]] = {}
    for source, checker, held in folds(args.knowledge, knowledge.signs, args.only):
        reports = [e for e in held if e.report]
        lookalikes = [e for e in held if not e.report and e.label != "everyday"]
        plain = [e for e in held if not e.report and e.label == "everyday"]
        results = {id(e): checker.check(e.text) for e in held}
        caught = sum(results[id(e)].alert for e in reports)
        false_look = sum(results[id(e)].alert for e in lookalikes)
        false_plain = sum(results[id(e)].alert for e in plain)
        print(
            f"{source:<18} recall {share(caught, len(reports))}   false alarms: look-alikes "
            f"{share(false_look, len(lookalikes))}, everyday {share(false_plain, len(plain))}"
        )
        for e in reports + lookalikes:
            counts = by_label.setdefault(
                f"{'report' if e.report else 'look-alike'} {e.label}", [0, 0]
            )
            counts[0] += results[id(e)].alert
            counts[1] += 1
        for index, value in enumerate(
            (caught, len(reports), false_look, len(lookalikes), false_plain, len(plain))
        ):
            totals[index] += value
        if args.misses:
            for e in reports:
                if not results[id(e)].alert:
                    r = results[id(e)]
                    print(f"   MISS [{e.label}] {e.text[-150:]!r} {r.ruled_out}")
            for e in lookalikes + plain:
                if results[id(e)].alert:
                    r = results[id(e)]
                    print(f"   FALSE [{e.label}] {e.text[-150:]!r} {r.triggers}")
    if args.by_label:
        for label, (alerts, total) in sorted(by_label.items()):
            print(f"   {label:<40} alerts {share(alerts, total)}")
    print(
        f"{'all':<18} recall {share(totals[0], totals[1])}   false alarms: look-alikes "
        f"{share(totals[2], totals[3])}, everyday {share(totals[4], totals[5])}"
    )


if __name__ == "__main__":
    main()
