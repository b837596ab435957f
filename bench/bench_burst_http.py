"""The burst over real HTTP: `aftercare run` against a bare python-telegram-bot bot, side
by side, with the fake Bot API served from this process (the bots run in their own).

Run: .venv/bin/python bench/bench_burst_http.py [--rounds 5] [--latencies 0,20] [--http 1.1,2]
[--against CHECKOUT]
Target (issue 14): median and p95 latency and CPU per update each at most 1.5x the bare
bot's; 0 lost, 0 duplicated. With `--http 1.1,2` every bot runs over HTTP/1.1 and over
HTTP/2 (the fake too), and each bot's HTTP/2 figures are also set against its HTTP/1.1
ones. With `--against CHECKOUT` that checkout's `aftercare run` (HTTP/1.1, its own .venv)
takes part in every round too, set against the bare bot and against ours.

50 enrolled patients ask 5 questions each: a patient asks, waits for the reply, asks again
at once. Latency runs from the moment an update is offered to getUpdates to the moment
its reply reaches the fake; CPU is the bot process's own per update. Rounds interleave
the bots and the round trips (0 ms and a simulated 20 ms), so a busy moment of this
machine lands on both; each figure is the median over rounds, and each ratio the median
of the rounds' ratios. One warm-up burst per bot is not counted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_harness import (
    QUESTIONS,
    Burst,
    BurstResult,
    Contender,
    HttpVersion,
    contenders,
    patient_ids,
    running,
    workroot,
)

TARGET_RATIO = 1.5


def burst(contender: Contender, ids: list[int], questions: int, timeout: float) -> BurstResult:
    asked = {chat: [QUESTIONS[n % len(QUESTIONS)] for n in range(questions)] for chat in ids}
    result = Burst(contender.api, asked).run(contender, timeout)
    if result.lost or result.duplicated:
        print(f"{contender.name} lost {result.lost}, duplicated {result.duplicated}; its log ends:")
        print(contender.output()[-1500:])
    return result


def figures(result: BurstResult) -> tuple[float, float, float]:
    """Median and p95 latency and CPU per update, in milliseconds."""
    return result.median * 1000, result.p95 * 1000, result.cpu_per_update * 1000


Runs = list[BurstResult]
Setting = tuple[float, str]
"""A simulated round trip (seconds) and an HTTP version."""


def median_ratios(ones: Runs, others: Runs) -> list[float]:
    """Median, p95 and CPU of `ones` over `others`: the median of the rounds' ratios."""
    ratios = [
        [a / b for a, b in zip(figures(one), figures(other), strict=True)]
        for one, other in zip(ones, others, strict=True)
    ]
    return [statistics.median(column) for column in zip(*ratios, strict=True)]


def report(setting: Setting, results: dict[str, Runs]) -> None:
    latency, http_version = setting
    ours, bare = results["ours"], results["bare"]
    print(
        f"\n== round trip {latency * 1000:.0f} ms, HTTP/{http_version}: "
        f"medians over {len(ours)} rounds =="
    )
    print(f"{'':8}{'median ms':>11}{'p95 ms':>10}{'CPU ms/upd':>12}{'lost':>6}{'dup':>6}")
    for name, runs in results.items():
        rows = [figures(run) for run in runs]
        median, p95, cpu = (statistics.median(column) for column in zip(*rows, strict=True))
        lost = sum(run.lost for run in runs)
        duplicated = sum(run.duplicated for run in runs)
        print(f"{name:8}{median:>11.1f}{p95:>10.1f}{cpu:>12.2f}{lost:>6}{duplicated:>6}")
    medians = median_ratios(ours, bare)
    verdict = ["ok" if ratio <= TARGET_RATIO else "MISS" for ratio in medians]
    print(
        f"{'ours/bare':10}{medians[0]:>9.2f}x{medians[1]:>9.2f}x{medians[2]:>11.2f}x"
        f"   ({', '.join(verdict)}; target <= {TARGET_RATIO}x)"
    )
    if "against" in results:
        for name, (ones, others) in {
            "against/bare": (results["against"], bare),
            "ours/against": (ours, results["against"]),
        }.items():
            median, p95, cpu = median_ratios(ones, others)
            print(f"{name:12}{median:>8.2f}x{p95:>9.2f}x{cpu:>11.2f}x")
    for n, (one, other) in enumerate(zip(ours, bare, strict=True), 1):
        a, b = figures(one), figures(other)
        print(
            f"  round {n}: ours {a[0]:.1f}/{a[1]:.1f} ms {a[2]:.2f} ms CPU ({one.seconds:.2f} s); "
            f"bare {b[0]:.1f}/{b[1]:.1f} ms {b[2]:.2f} ms CPU ({other.seconds:.2f} s)"
        )


def report_http2(latency: float, over_1: dict[str, Runs], over_2: dict[str, Runs]) -> None:
    """Each bot over HTTP/2 against itself over HTTP/1.1, at one round trip."""
    print(f"\n== round trip {latency * 1000:.0f} ms: HTTP/2 over HTTP/1.1, same bot ==")
    print(f"{'':16}{'median':>9}{'p95':>9}{'CPU':>9}")
    for name in over_1:
        ratios = median_ratios(over_2[name], over_1[name])
        print(f"{name + ' 2/1.1':16}" + "".join(f"{ratio:>8.2f}x" for ratio in ratios))


def main() -> None:
    parser = argparse.ArgumentParser(description="the burst over real HTTP, ours against bare")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--patients", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--latencies", default="0,20", help="round trips in ms")
    parser.add_argument(
        "--http", default="1.1", help="HTTP versions, e.g. 1.1,2 (2 needs the h2 package)"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per burst")
    parser.add_argument(
        "--bare-concurrent",
        action="store_true",
        help="the bare bot processes updates side by side (PTB's default: one at a time)",
    )
    parser.add_argument(
        "--bare-rate-limited",
        action="store_true",
        help="the bare bot keeps to Telegram's send limits too (python-telegram-bot's "
        "AIORateLimiter), as on the real Telegram",
    )
    parser.add_argument(
        "--without-limits",
        action="store_true",
        help="also ours with Telegram's send limits lifted (diagnostic: the bot's own cost)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (with its own .venv): its `aftercare run` in every round too",
    )
    options = parser.parse_args()
    if options.against is not None and options.http != "1.1":
        raise SystemExit("--against runs over HTTP/1.1 only")
    latencies = [float(ms) / 1000 for ms in options.latencies.split(",")]
    http_versions = [http_version(text) for text in options.http.split(",")]
    ids = patient_ids(options.patients)
    print(
        f"{platform.python_version()} on {os.cpu_count()} cores; {options.patients} patients "
        f"x {options.questions} questions; bare bot "
        f"{'concurrent' if options.bare_concurrent else 'one update at a time (PTB default)'}"
        f"{', rate limited' if options.bare_rate_limited else ', no rate limit'}"
    )
    with workroot() as root:
        bots = contenders(
            latencies,
            root,
            options.bare_concurrent,
            options.without_limits,
            http_versions,
            options.bare_rate_limited,
            options.against.resolve() if options.against is not None else None,
        )
        with running(bots, ids, print):
            for bot in bots:
                burst(bot, ids, 1, options.timeout)  # warm-up
            results: dict[Setting, dict[str, Runs]] = {}
            for bot in bots:
                results.setdefault((bot.latency, bot.http_version), {})[bot.name] = []
            for round_number in range(options.rounds):
                # Alternate who goes first, so neither always follows the other's burst.
                order = bots if round_number % 2 == 0 else list(reversed(bots))
                for bot in order:
                    result = burst(bot, ids, options.questions, options.timeout)
                    results[bot.latency, bot.http_version][bot.name].append(result)
                print(f"round {round_number + 1} of {options.rounds} done", flush=True)
    for setting, by_name in results.items():
        report(setting, by_name)
    if "1.1" in http_versions and "2" in http_versions:
        for latency in latencies:
            report_http2(latency, results[latency, "1.1"], results[latency, "2"])


def http_version(text: str) -> HttpVersion:
    if text == "1.1":
        return "1.1"
    if text in ("2", "2.0"):
        return "2"
    raise SystemExit(f"--http: {text!r} is not 1.1 or 2")


if __name__ == "__main__":
    main()
