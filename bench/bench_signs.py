"""Speed of the warning-sign check, knowledge load with training, and the install size of
what the check needs; prints figures, asserts nothing.

Run: .venv/bin/python bench/bench_signs.py
Targets (issue 8): the whole check p99 <= 2 ms per message, 4,096-character messages
included; knowledge load with training <= 2 s.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.matching import Matcher
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
MESSAGE_FILES = [
    *sorted((ROOT / "tests" / "data").glob("*.jsonl")),
    *sorted((ROOT / "tests" / "data" / "tuning").glob("*.jsonl")),
    ROOT / "bench" / "final_blind.jsonl",
]
ADDED_PACKAGES = {
    "scikit-learn (training)": [
        "scikit-learn",
        "scipy",
        "numpy",
        "joblib",
        "threadpoolctl",
        "narwhals",
    ],
    "py3langid (languages)": ["py3langid"],
}
"""What the check added to the install: scikit-learn with what it pulls in (NumPy is
shared with py3langid), and py3langid."""
LOAD = (
    "import time; t = time.perf_counter(); "
    "from bot.knowledge.loader import load_knowledge; load_knowledge(); "
    "print(time.perf_counter() - t)"
)


def messages(reports: bool | None = None) -> list[str]:
    """The labelled messages; only reports (True) or only calm ones (False) if asked."""
    found: list[str] = []
    for path in MESSAGE_FILES:
        for line in path.read_text().splitlines():
            if line:
                row = json.loads(line)
                if reports is None or bool(row.get("red_flag")) == reports:
                    found.append(row["question"])
    return found


def long_messages(middle: list[str], last: list[str], count: int) -> list[str]:
    """4,096-character messages: lines of `middle` run together, one of `last` at the end."""
    rng = random.Random(8)
    stories = []
    for _ in range(count):
        ending = " " + rng.choice(last)
        story = ""
        while len(story) + len(ending) < 4096:
            story += rng.choice(middle) + " "
        stories.append(story[: 4096 - len(ending)] + ending)
    return stories


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timings(call: object, texts: list[str], rounds: int) -> list[float]:
    assert callable(call)
    for text in texts:
        call(text)
    found: list[float] = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            call(text)
            found.append((time.perf_counter() - start) * 1000)
    return found


def report(name: str, values: list[float]) -> None:
    print(
        f"  {name:<34} p50 {percentile(values, 0.5):6.3f} ms   p99 "
        f"{percentile(values, 0.99):6.3f} ms   max {max(values):6.2f} ms   ({len(values)} runs)"
    )


def load_seconds(cache: str) -> float:
    env = {**os.environ, "XDG_CACHE_HOME": cache}
    out = subprocess.run(
        [sys.executable, "-c", LOAD], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def installed_megabytes(package: str) -> float:
    files = metadata.distribution(package).files or []
    paths = [Path(f.locate()) for f in files]
    return sum(path.stat().st_size for path in paths if path.is_file()) / 1e6


def main() -> None:
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    matcher = Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))
    texts = messages()
    # A long story: calm lines, the sign (if any) in the last sentence.
    stories = long_messages(messages(reports=False), texts, 200)
    # The worst case: every kind of line, a third of them reports, run together.
    crowded = long_messages(texts, texts, 200)
    print("The whole check (language gate, phrases, context, classifier) per message:")
    report(f"{len(texts)} labelled messages", timings(matcher.signs.check, texts, 3))
    report("200 stories of 4,096 characters", timings(matcher.signs.check, stories, 3))
    report("200 of 4,096 chars, 1/3 reports", timings(matcher.signs.check, crowded, 3))
    report("match() incl. topics, labelled", timings(matcher.match, texts, 1))
    with tempfile.TemporaryDirectory() as cache:
        cold = load_seconds(cache)
        warm = load_seconds(cache)
    print("Knowledge load in a fresh process:")
    print(f"  with training (no cached model)     {cold:5.2f} s")
    print(f"  with the cached model               {warm:5.2f} s")
    print("Install size added (files of each distribution):")
    for name, packages in ADDED_PACKAGES.items():
        sizes = {p: installed_megabytes(p) for p in packages}
        listed = ", ".join(f"{p} {mb:.0f} MB" for p, mb in sizes.items())
        print(f"  {name:<26} {sum(sizes.values()):6.0f} MB  ({listed})")


if __name__ == "__main__":
    main()
