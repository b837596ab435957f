"""Start-up of each command in fresh processes, cold and warm, the knowledge load, and the
match and warning-sign latencies once started; prints figures, asserts nothing.

Run: .venv/bin/python bench/bench_startup.py [--runs N]
Targets (issue 14): `aftercare ask "..." --json` under 150 ms with a warm cache,
`aftercare chat` without Telegram or HTTP modules, knowledge load <= 2 s, match p99
<= 1 ms, warning-sign check p99 <= 2 ms.

Every command is run `--runs` times as a new process, as staff type it (the `aftercare`
console script), and timed by the wall clock from start to exit; min and median are
printed, since one busy moment on a shared machine moves a single run. Two states:

- cold: the cache folder (compiled knowledge and trained models) emptied before each run,
  as after an install or a new version of the bot;
- warm: the cache filled by an earlier run, as at every later start.

A third line for `ask` and `kb check` runs them on a copy of the knowledge with one
example added, with a warm cache for the shipped one: what the first start after a staff
edit costs (the topic classifier is trained again). The package is byte-compiled first,
as pip installs it, and two floors are printed for scale: an empty Python process and
one that imports click.

Then, in fresh processes: what `aftercare chat` imports before it reads a line, and the
knowledge load (`KnowledgeHolder`, as the bot starts) with an empty cache (the models
trained) and a warm one. Last, in this process, every question of tests/data timed
through the whole match and through the warning-sign check alone: wall clock and CPU time
of this thread (the CPU time is what a match costs; the wall clock also counts other
processes on a shared machine), p50 and p99 of three rounds.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
QUESTION = "can i wear makeup tomorrow"
QUESTION_FILES = sorted((ROOT / "tests" / "data").glob("*.jsonl"))
CHAT_IMPORTS = """
import sys, time
start = time.perf_counter()
import bot.cli, bot.cli.talk, bot.terminal
seconds = time.perf_counter() - start
print(seconds, *(m for m in ("telegram", "httpx") if m in sys.modules))
"""
LOAD = """
import time
start = time.perf_counter()
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR
KnowledgeHolder(DEFAULT_KNOWLEDGE_DIR)
print(time.perf_counter() - start)
"""


def aftercare() -> list[str]:
    """How staff start the command line: the console script beside this Python."""
    script = Path(sys.executable).with_name("aftercare")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def timed(command: list[str], env: dict[str, str], stdin: str = "") -> float:
    """Seconds from starting `command` to its exit; it must succeed."""
    start = time.perf_counter()
    subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, check=True)
    return time.perf_counter() - start


def runs(
    count: int,
    command: list[str],
    env: dict[str, str],
    stdin: str = "",
    before: Callable[[], None] | None = None,
) -> str:
    """`command` run `count` times (after `before` each time): min and median."""
    seconds = []
    for _ in range(count):
        if before is not None:
            before()
        seconds.append(timed(command, env, stdin))
    return f"min {1000 * min(seconds):6.0f} ms, median {1000 * statistics.median(seconds):6.0f} ms"


def python_runs(count: int, code: str, env: dict[str, str], before: Callable[[], None]) -> str:
    """`code` run `count` times in a fresh Python (after `before` each time); it prints
    the seconds it measured, then any words to show: min and median, and those words."""
    seconds: list[float] = []
    words: set[str] = set()
    for _ in range(count):
        before()
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        first, *rest = done.stdout.split()
        seconds.append(float(first))
        words.update(rest)
    shown = ", ".join(sorted(words)) or "nothing else"
    return (
        f"min {1000 * min(seconds):6.0f} ms, median {1000 * statistics.median(seconds):6.0f} ms"
        f" ({shown})"
    )


def questions() -> list[str]:
    """Every question of the tuning and test files under tests/data."""
    return [
        json.loads(line)["question"]
        for path in QUESTION_FILES
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def latencies(call: Callable[[str], object], texts: list[str]) -> str:
    """`call` on every text, three rounds after a warm-up: p50 and p99, wall and CPU."""
    for text in texts:
        call(text)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(3):
        for text in texts:
            start, start_cpu = time.perf_counter(), time.thread_time()
            call(text)
            cpu.append(1000 * (time.thread_time() - start_cpu))
            wall.append(1000 * (time.perf_counter() - start))
    figures = []
    for clock, values in (("wall", wall), ("CPU", cpu)):
        ordered = sorted(values)
        p50, p99 = ordered[len(ordered) // 2], ordered[int(0.99 * len(ordered))]
        figures.append(f"{clock} p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    return f"{len(wall)} calls: " + "; ".join(figures)


def edited_copy(folder: Path) -> Path:
    """The shipped knowledge with one more example question: a staff edit."""
    target = folder / "edited-knowledge"
    shutil.copytree(KNOWLEDGE, target)
    makeup = target / "topics" / "makeup.yaml"
    text = makeup.read_text(encoding="utf-8")
    makeup.write_text(
        text.replace("examples:\n", "examples:\n  - is a little tinted balm ok\n", 1),
        encoding="utf-8",
    )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    count = parser.parse_args().runs
    compileall.compile_dir(ROOT / "bot", quiet=1)
    compileall.compile_dir(ROOT / "scheduler", quiet=1)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {count} runs of each")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        cache = work / "cache"
        env = {key: value for key, value in os.environ.items() if not key.startswith("AFTERCARE")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env |= {"XDG_CACHE_HOME": str(cache), "AFTERCARE_DB": str(work / "aftercare.db")}
        print("floors:")
        for code in ("pass", "import click"):
            label = f"python -c '{code}'"
            print(f"  {label:<34}", runs(count, [sys.executable, "-c", code], env))

        def empty_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        for name, arguments, stdin in [
            ("--version", ["--version"], ""),
            (f'ask "{QUESTION}" --json', ["ask", QUESTION, "--json"], ""),
            ("kb check", ["kb", "check"], ""),
            ("unanswered", ["unanswered"], ""),
            ("stats", ["stats"], ""),
            ("chat (/quit at once)", ["chat"], "/quit\n"),
        ]:
            command = [*aftercare(), *arguments]
            print(f"aftercare {name}:")
            print(f"  {'cold (empty cache)':<34}", runs(count, command, env, stdin, empty_cache))
            print(f"  {'warm':<34}", runs(count, command, env, stdin))

        def forget_edit() -> None:
            # Only entries of the edited copy go (the signs model is shared and stays),
            # and the shipped knowledge is made warm again.
            for entry in cache.glob("aftercare/*"):
                if entry.name.startswith(("knowledge-", "topics-")):
                    entry.unlink()
            timed([*aftercare(), "ask", QUESTION, "--json"], env)

        edited = edited_copy(work)
        for name, arguments in [
            (f'ask "{QUESTION}" --json', ["ask", QUESTION, "--json"]),
            ("kb check", ["kb", "check"]),
        ]:
            command = [*aftercare(), *arguments, "--knowledge", str(edited)]
            print(f"aftercare {name} --knowledge EDITED_COPY:")
            label = "first start after the edit"
            print(f"  {label:<34}", runs(count, command, env, before=forget_edit))

        print("aftercare chat, its imports in a fresh process:")
        print(f"  {'warm':<34}", python_runs(count, CHAT_IMPORTS, env, lambda: None))
        print("knowledge load in a fresh process (import and KnowledgeHolder):")
        print(f"  {'cold (empty cache)':<34}", python_runs(count, LOAD, env, empty_cache))
        print(f"  {'warm':<34}", python_runs(count, LOAD, env, lambda: None))
        in_process(env)


def in_process(env: dict[str, str]) -> None:
    """Match and warning-sign check latencies on the knowledge as the bot starts it."""
    os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]
    from bot.knowledge.holder import KnowledgeHolder

    matcher = KnowledgeHolder(KNOWLEDGE).current.matcher
    texts = questions()
    print("once started, every question of tests/data:")
    print(f"  {'match':<34}", latencies(matcher.match, texts))
    print(f"  {'warning-sign check':<34}", latencies(matcher.signs.check, texts))


if __name__ == "__main__":
    main()
