"""Match latency and knowledge load time; prints figures, asserts nothing.

Run: .venv/bin/python bench/bench_matching.py
Targets: p99 <= 1 ms per question with the default knowledge, p99 <= 10 ms with a
synthetic knowledge base of 10,000 phrasings, knowledge load with training <= 2 s, and
under 5 ms of CPU for the longest message Telegram allows (4,096 characters: the
warning-sign check reads all of it, then the matcher decides).

Each match is timed twice: by the wall clock and by the CPU time of this thread. On a
shared machine the wall clock also counts the time other processes had the CPU; the CPU
time is what a match costs. Three rounds are run and each is reported, since one busy
moment moves a p99. Load times are measured in fresh processes, as a start-up sees them:
with an empty model cache (training, including importing scikit-learn) and with the model
the first start stored (`bot.knowledge.trained`).
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
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


def latencies(matcher: Matcher, texts: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of every match, after one warm-up round."""
    for text in texts:
        matcher.match(text)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for text in texts:
            start, start_cpu = time.perf_counter(), time.thread_time()
            matcher.match(text)
            cpu.append((time.thread_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


FRESH_LOAD = """
import time
start = time.perf_counter()
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR
KnowledgeHolder(DEFAULT_KNOWLEDGE_DIR)
print(round(1000 * (time.perf_counter() - start)))
"""


def fresh_load_ms(cache: Path) -> int:
    """Milliseconds for a new process to import the bot and load the default knowledge."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", FRESH_LOAD],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return int(done.stdout.strip())


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


def longest_messages(texts: list[str], count: int, length: int = 4096) -> list[str]:
    """`count` messages of `length` characters, each questions one after another (a long
    story), the last one cut where the limit falls."""
    chooser = random.Random(7)
    stories = []
    for _ in range(count):
        story = ""
        while len(story) < length:
            story += chooser.choice(texts).rstrip(".?! ") + ". "
        stories.append(story[:length])
    return stories


def report(name: str, timings: tuple[list[float], list[float]]) -> None:
    for clock, values in zip(("wall", "CPU"), timings, strict=True):
        print(
            f"{name} ({clock}): {len(values)} matches, p50 {percentile(values, 0.5):.3f} ms, "
            f"p99 {percentile(values, 0.99):.3f} ms, mean {statistics.mean(values):.3f} ms"
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
    for round_number in range(1, 4):
        report(f"default knowledge, round {round_number}", latencies(matcher, texts, rounds=10))
    report("4,096-character messages", latencies(matcher, longest_messages(texts, 200), rounds=3))
    with tempfile.TemporaryDirectory() as cache:
        trained = fresh_load_ms(Path(cache))
        stored = fresh_load_ms(Path(cache))
    print(
        f"fresh process, import and load with training: {trained} ms; "
        f"with the stored model: {stored} ms"
    )
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
