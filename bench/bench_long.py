"""CPU cost of the whole decision on the longest messages and on every question, this
checkout against another, measured side by side; prints figures, asserts nothing.

Run: .venv/bin/python bench/bench_long.py [--runs N] [--against CHECKOUT]
Targets (issues 8, 12 and 14): the warning-sign check p99 <= 2 ms and the whole decision
(check, then topic) under 5 ms on a 4,096-character story; the match p99 <= 1 ms on every
question of tests/data with the default knowledge.

Each run is a fresh process per checkout, the checkouts alternating, so both see the same
moments of a shared machine; each figure is the median over the runs of that run's p50
or p99 (CPU time of the thread, three rounds after a warm-up). The stories are those of
bench/bench_signs.py (calm lines with any labelled line last; every kind of line) and
bench/bench_matching.py (questions one after another), built by this checkout's code, and
stories of calm lines that name no sign (the classifier reads all of them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_RUN = """
import json, sys, time
from pathlib import Path
root, bench = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(root))
# The checkout's own code, imported before the helpers (which put this checkout first).
from bot.core.matching import Matcher
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
assert Path(Matcher.__module__ and sys.modules[Matcher.__module__].__file__).is_relative_to(root)
sys.path.insert(0, str(bench))
import bench_matching, bench_signs

matcher = Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))
labelled = bench_signs.messages()
calm = bench_signs.long_messages(bench_signs.messages(reports=False), labelled, 200)
crowded = bench_signs.long_messages(labelled, labelled, 200)
asked = bench_matching.longest_messages(bench_matching.questions(), 200)
# Calm lines that name no sign at all: a story of them is read by the classifier too.
unnamed = [t for t in bench_signs.messages(reports=False) if matcher.signs.check(t).probability]
unmentioned = bench_signs.long_messages(unnamed, unnamed, 100)
questions = [
    json.loads(line)["question"]
    for path in sorted((root / "tests" / "data").glob("*.jsonl"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
]

def cpu(call, texts):
    for text in texts:
        call(text)
    found = []
    for _ in range(3):
        for text in texts:
            start = time.thread_time()
            call(text)
            found.append(1000 * (time.thread_time() - start))
    found.sort()
    return found[len(found) // 2], found[int(0.99 * len(found))]

print(json.dumps({
    "check, 200 calm stories, sign last": cpu(matcher.signs.check, calm),
    "check, 200 stories of every kind": cpu(matcher.signs.check, crowded),
    "match, 200 calm stories, sign last": cpu(matcher.match, calm),
    "match, 200 stories of questions": cpu(matcher.match, asked),
    "match, 100 stories naming no sign": cpu(matcher.match, unmentioned),
    f"match, {len(questions)} questions": cpu(matcher.match, questions),
    f"check, {len(questions)} questions": cpu(matcher.signs.check, questions),
}))
"""


def one_run(checkout: Path) -> dict[str, list[float]]:
    """The figures of one fresh process on `checkout`'s code and knowledge."""
    done = subprocess.run(
        [sys.executable, "-c", ONE_RUN, str(checkout), str(ROOT / "bench")],
        capture_output=True,
        text=True,
        check=True,
        # Not this checkout: the other's modules must be the ones imported.
        cwd="/",
        env={**os.environ, "PYTHONPATH": str(checkout)},
    )
    figures: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout, measured alternately")
    options = parser.parse_args()
    checkouts = {"this": ROOT}
    if options.against is not None:
        checkouts = {"against": options.against.resolve(), **checkouts}
    runs: dict[str, list[dict[str, list[float]]]] = {name: [] for name in checkouts}
    for _ in range(options.runs):
        for name, checkout in checkouts.items():
            runs[name].append(one_run(checkout))
    print(f"CPU ms per message, median of {options.runs} runs: p50 / p99")
    for figure in runs["this"][0]:
        shown = []
        for name in checkouts:
            p50 = statistics.median(run[figure][0] for run in runs[name])
            p99 = statistics.median(run[figure][1] for run in runs[name])
            shown.append(f"{name} {p50:6.3f} / {p99:6.3f}")
        if options.against is not None:
            before = statistics.median(run[figure][1] for run in runs["against"])
            after = statistics.median(run[figure][1] for run in runs["this"])
            shown.append(f"p99 x{after / before:.2f}")
        print(f"  {figure:<40} " + "   ".join(shown))


if __name__ == "__main__":
    main()
