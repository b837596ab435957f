"""Start-up of each command in fresh processes, cold and warm, the knowledge load, and the
match and warning-sign latencies once started; prints figures, asserts nothing.

Run: .venv/bin/python bench/bench_startup.py [--runs N] [--against CHECKOUT] [--load-only]
Targets (issue 14): `aftercare ask "..." --json` under 150 ms with a warm cache,
`aftercare chat` without Telegram or HTTP modules, knowledge load <= 2 s, match p99
<= 1 ms, warning-sign check p99 <= 2 ms.

Every command is run `--runs` times as a new process, as staff type it (the `aftercare`
console script), and timed by the wall clock from start to exit; min and median are
printed, and the median CPU time the command used (user and system), which other work
on a shared machine moves much less than the wall clock. With `--against`, another
checkout (main, with its own .venv) is measured too, the two taking turns run by run,
and the ratio of their medians is printed: the figure to trust on a busy machine. Two
states:

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
trained) and a warm one, the two checkouts side by side with the ratio of their medians
(wall clock, and CPU time: all threads and the children that train the models, so
training side by side counts in full).
`--load-only` measures that knowledge load and nothing else, and then the first load
after each kind of staff edit (bench/knowledge_edits.py), the shipped knowledge warm.
Last, in this process, every question of tests/data timed through the whole match and
through the warning-sign check alone: wall clock and CPU time of this thread (the CPU
time is what a match costs; the wall clock also counts other processes on a shared
machine), p50 and p99 of three rounds.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from knowledge_edits import EDITS, edited_copy

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
import resource, sys, time
def cpu():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
start, start_cpu = time.perf_counter(), cpu()
from pathlib import Path
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR
KnowledgeHolder(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_KNOWLEDGE_DIR)
print(time.perf_counter() - start, cpu() - start_cpu)
"""
"""The knowledge load timed from its first import: the wall clock, and the CPU time of this
process and of its children (the models train in forked children, which are reaped
before the load returns)."""


@dataclass(frozen=True)
class Side:
    """One checkout measured: its Python (with the `aftercare` script beside it), its own
    cache folder, and the environment its commands run in."""

    label: str
    python: Path
    cache: Path
    env: dict[str, str]
    root: Path
    """The checkout: `python -c` runs there, since it imports `bot` from the current
    folder first (from anywhere else each side would measure that folder's code)."""

    def aftercare(self) -> list[str]:
        """How staff start the command line: the console script beside this Python."""
        script = self.python.with_name("aftercare")
        if script.exists():
            return [str(script)]
        return [str(self.python), "-c", "import sys; from bot.cli import main; sys.exit(main())"]

    def empty_cache(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)


def timed(command: list[str], env: dict[str, str], stdin: str = "") -> tuple[float, float]:
    """Seconds from starting `command` to its exit, and the CPU seconds it used (user and
    system: on a shared machine, what the command itself cost); it must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def runs(
    count: int,
    sides: list[Side],
    command: Callable[[Side], list[str]],
    stdin: str = "",
    before: Callable[[Side], None] | None = None,
) -> list[str]:
    """`command` run `count` times on each side, the sides taking turns (after `before`
    each time): min and median of wall clock and CPU, and with two sides the ratio."""
    walls: dict[str, list[float]] = {side.label: [] for side in sides}
    cpus: dict[str, list[float]] = {side.label: [] for side in sides}
    for _ in range(count):
        for side in sides:
            if before is not None:
                before(side)
            wall, cpu = timed(command(side), side.env, stdin)
            walls[side.label].append(wall)
            cpus[side.label].append(cpu)
    return summary(sides, walls, cpus, cpu_min=False)


def python_runs(
    count: int, code: str, sides: list[Side], before: Callable[[Side], None]
) -> list[str]:
    """`code` run `count` times in a fresh Python of each side, the sides taking turns
    (after `before` each time); it prints the seconds it measured, then any words to show:
    min and median, and those words."""
    seconds: dict[str, list[float]] = {side.label: [] for side in sides}
    words: dict[str, set[str]] = {side.label: set() for side in sides}
    for _ in range(count):
        for side in sides:
            before(side)
            done = subprocess.run(
                [str(side.python), "-c", code],
                env=side.env,
                cwd=side.root,
                capture_output=True,
                text=True,
                check=True,
            )
            first, *rest = done.stdout.split()
            seconds[side.label].append(float(first))
            words[side.label].update(rest)
    lines = []
    for label, values in seconds.items():
        shown = ", ".join(sorted(words[label])) or "nothing else"
        lines.append(
            f"{label:<8} min {1000 * min(values):6.0f} ms, median "
            f"{1000 * statistics.median(values):6.0f} ms ({shown})"
        )
    return lines


def load_runs(
    count: int,
    sides: list[Side],
    before: Callable[[Side], None],
    folders: dict[str, Path] | None = None,
) -> list[str]:
    """The knowledge load (`LOAD`, of each side's folder in `folders` or its shipped
    knowledge) run `count` times
    in a fresh Python of each side, the sides taking turns (after `before` each time): min
    and median of its wall clock and CPU time, and with two sides the ratio of the
    medians."""
    walls: dict[str, list[float]] = {side.label: [] for side in sides}
    cpus: dict[str, list[float]] = {side.label: [] for side in sides}
    for _ in range(count):
        for side in sides:
            before(side)
            done = subprocess.run(
                [str(side.python), "-c", LOAD, *([str(folders[side.label])] if folders else [])],
                env=side.env,
                cwd=side.root,
                capture_output=True,
                text=True,
                check=True,
            )
            wall, cpu = map(float, done.stdout.split())
            walls[side.label].append(wall)
            cpus[side.label].append(cpu)
    return summary(sides, walls, cpus, cpu_min=True)


def knowledge_load(count: int, sides: list[Side], work: Path | None = None) -> None:
    """The knowledge load in fresh processes, with the models trained and from the cache;
    given a `work` folder, also the first load after each kind of staff edit."""
    print("knowledge load in a fresh process (import and KnowledgeHolder):")
    print("  cold (empty cache: every model trained)")
    for line in load_runs(count, sides, Side.empty_cache):
        print("    " + line)
    print("  warm")
    for line in load_runs(count, sides, keep_cache):
        print("    " + line)
    if work is None:
        return
    # Each run starts from the cache a load of the shipped knowledge leaves, kept aside.
    for side in sides:
        side.empty_cache()
        load_runs(1, [side], keep_cache)
        shutil.copytree(side.cache, work / f"{side.label}-warm")

    def warm_again(side: Side) -> None:
        side.empty_cache()
        shutil.copytree(work / f"{side.label}-warm", side.cache)

    for name, edit in EDITS.items():
        print(f"  after {name} (the shipped knowledge warm)")
        # Each side edits its own knowledge: another checkout may not read this one's.
        folders = {s.label: edit(work / s.label, s.root / "knowledge") for s in sides}
        for line in load_runs(count, sides, warm_again, folders):
            print("    " + line)


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


def summary(
    sides: list[Side], walls: dict[str, list[float]], cpus: dict[str, list[float]], cpu_min: bool
) -> list[str]:
    """One line per side (wall min and median, CPU median, and CPU min when asked), then
    the second side's medians against the first's when there are two."""
    lines = []
    for side in sides:
        wall, cpu = walls[side.label], cpus[side.label]
        lowest = f"CPU min {1000 * min(cpu):6.0f} ms, median" if cpu_min else "CPU median"
        lines.append(
            f"{side.label:<8} wall min {1000 * min(wall):6.0f} ms, median "
            f"{1000 * statistics.median(wall):6.0f} ms; {lowest} "
            f"{1000 * statistics.median(cpu):6.0f} ms"
        )
    if len(sides) == 2:
        first, second = (side.label for side in sides)
        wall_ratio = statistics.median(walls[second]) / statistics.median(walls[first])
        cpu_ratio = statistics.median(cpus[second]) / statistics.median(cpus[first])
        lines.append(
            f"{second} / {first}: wall median x{wall_ratio:.2f}, CPU median x{cpu_ratio:.2f}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="another checkout with its own .venv (main, say), measured in turn with this one",
    )
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="measure the knowledge load in a fresh process (cold and warm) and nothing else",
    )
    options = parser.parse_args()
    count = options.runs
    checkouts = [("this", ROOT)]
    if options.against is not None:
        checkouts.insert(0, ("against", options.against.resolve()))
    for _, checkout in checkouts:
        compileall.compile_dir(checkout / "bot", quiet=1)
        compileall.compile_dir(checkout / "scheduler", quiet=1)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {count} runs of each")
    if options.against is not None:
        print(f"against: {options.against}; this: {ROOT}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {key: value for key, value in os.environ.items() if not key.startswith("AFTERCARE")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        sides = []
        for label, checkout in checkouts:
            cache = work / label / "cache"
            side_env = env | {
                "XDG_CACHE_HOME": str(cache),
                "AFTERCARE_DB": str(work / label / "aftercare.db"),
            }
            python = (
                checkout / ".venv" / "bin" / "python"
                if label == "against"
                else Path(sys.executable)
            )
            sides.append(Side(label, python, cache, side_env, checkout))
        if options.load_only:
            knowledge_load(count, sides, work)
            return
        print("floors:")
        for code in ("pass", "import click"):

            def floor(side: Side, code: str = code) -> list[str]:
                return [str(side.python), "-c", code]

            print(f"  python -c '{code}'")
            for line in runs(count, sides[-1:], floor):
                print("    " + line)

        for name, arguments, stdin in [
            ("--version", ["--version"], ""),
            (f'ask "{QUESTION}" --json', ["ask", QUESTION, "--json"], ""),
            ("kb check", ["kb", "check"], ""),
            ("unanswered", ["unanswered"], ""),
            ("stats", ["stats"], ""),
            ("chat (/quit at once)", ["chat"], "/quit\n"),
        ]:

            def command(side: Side, arguments: list[str] = arguments) -> list[str]:
                return [*side.aftercare(), *arguments]

            print(f"aftercare {name}:")
            print("  cold (empty cache)")
            for line in runs(count, sides, command, stdin, Side.empty_cache):
                print("    " + line)
            print("  warm")
            for line in runs(count, sides, command, stdin):
                print("    " + line)

        def forget_edit(side: Side) -> None:
            # Only entries of the edited copy go (the signs model is shared and stays),
            # and the shipped knowledge is made warm again.
            for entry in side.cache.glob("aftercare/*"):
                if entry.name.startswith(("knowledge-", "topics-")):
                    entry.unlink()
            timed([*side.aftercare(), "ask", QUESTION, "--json"], side.env)

        # Each side edits its own knowledge: another checkout may not read this one's.
        edited = {s.label: edited_copy(work / s.label, s.root / "knowledge") for s in sides}
        for name, arguments in [
            (f'ask "{QUESTION}" --json', ["ask", QUESTION, "--json"]),
            ("kb check", ["kb", "check"]),
        ]:

            def on_edited(side: Side, arguments: list[str] = arguments) -> list[str]:
                return [*side.aftercare(), *arguments, "--knowledge", str(edited[side.label])]

            print(f"aftercare {name} --knowledge EDITED_COPY, the first start after the edit:")
            for line in runs(count, sides, on_edited, before=forget_edit):
                print("    " + line)

        print("aftercare chat, its imports in a fresh process:")
        for line in python_runs(count, CHAT_IMPORTS, sides, keep_cache):
            print("    " + line)
        knowledge_load(count, sides)
        in_process(sides[-1].env)


def keep_cache(_: Side) -> None:
    """Nothing to do before a warm run."""


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
