"""Match latency and knowledge load time; prints figures, asserts nothing.

Run: .venv/bin/python bench/bench_matching.py
Targets: p99 <= 1 ms per question with the default knowledge, p99 <= 10 ms with a
synthetic knowledge base of 10,000 phrasings.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.matching import Matcher
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
QUESTION_FILES = [
    ROOT / "tests" / "data" / "patients.jsonl",
    ROOT / "tests" / "data" / "dev.jsonl",
]


def questions() -> list[str]:
    found: list[str] = []
    for path in QUESTION_FILES:
        if path.exists():
            found += [
                json.loads(line)["question"] for line in path.read_text().splitlines() if line
            ]
    return found


def latencies(matcher: Matcher, texts: list[str], rounds: int) -> list[float]:
    for text in texts:
        matcher.match(text)
    timings: list[float] = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            matcher.match(text)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def synthetic_knowledge(target: Path, phrasings: int) -> None:
    """The default knowledge plus made-up topics until there are `phrasings` examples."""
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    rng = random.Random(7)
    vocabulary = sorted({w for q in questions() for w in q.lower().split() if w.isalpha()})
    existing = sum(len(r.examples) for r in load_knowledge(target).rules)
    per_topic = 50
    for index in range((phrasings - existing) // per_topic + 1):
        lines = [
            "  - " + " ".join(rng.sample(vocabulary, rng.randint(4, 10))) for _ in range(per_topic)
        ]
        (target / "topics" / f"synthetic-{index}.yaml").write_text(
            f"id: synthetic-{index}\ntitle: Synthetic {index}\nexamples:\n"
            + "\n".join(lines)
            + f"\nanswer: synthetic answer {index}\n"
        )


def report(name: str, timings: list[float]) -> None:
    print(
        f"{name}: {len(timings)} matches, p50 {percentile(timings, 0.5):.3f} ms, "
        f"p99 {percentile(timings, 0.99):.3f} ms, mean {statistics.mean(timings):.3f} ms"
    )


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}"
    )
    texts = questions()
    start = time.perf_counter()
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    loaded = time.perf_counter()
    matcher = Matcher(knowledge)
    built = time.perf_counter()
    phrasings = sum(len(r.examples) + len(r.keywords) for r in knowledge.rules)
    print(
        f"default knowledge: {len(knowledge.rules)} topics, {phrasings} phrasings; "
        f"load {1000 * (loaded - start):.0f} ms, index {1000 * (built - loaded):.0f} ms"
    )
    report("default knowledge", latencies(matcher, texts, rounds=20))
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "knowledge"
        synthetic_knowledge(target, 10_000)
        start = time.perf_counter()
        big = load_knowledge(target)
        loaded = time.perf_counter()
        big_matcher = Matcher(big)
        built = time.perf_counter()
        count = sum(len(r.examples) for r in big.rules)
        print(
            f"synthetic knowledge: {len(big.rules)} topics, {count} phrasings; "
            f"load {1000 * (loaded - start):.0f} ms, index {1000 * (built - loaded):.0f} ms"
        )
        report("synthetic 10,000 phrasings", latencies(big_matcher, texts, rounds=5))


if __name__ == "__main__":
    main()
