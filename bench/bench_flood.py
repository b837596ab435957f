"""One patient floods while others ask: do the others notice? `aftercare run` and the bare
python-telegram-bot bot side by side, over real HTTP, the fake Bot API in this process.

Run: .venv/bin/python bench/bench_flood.py [--rounds 5] [--latency 0]
Target (issue 14): the others' p95 unchanged within 20% when one patient sends 100
messages at the moment 49 others ask one question each.

Each round measures every bot twice: 49 patients asking at once (quiet), then the same
with a 100-message flood from a 50th patient queued just before them (flooded). The
flood is a new patient each round, and each measurement starts once the last one has
been dealt with and a quiet second has passed. Figures are medians over rounds; the
ratio is the median of the rounds' flooded/quiet ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_harness import (
    QUESTIONS,
    Burst,
    BurstResult,
    Contender,
    contenders,
    patient_ids,
    running,
    workroot,
)

OTHERS = 49
FLOOD = 100
FIRST_FLOODER = 8_000_001
TARGET_RATIO = 1.2
QUIET_FOR = 1.0
"""Seconds without a message to the flooder after which its flood is over."""
REFILL_SECONDS = 1.0
"""Telegram's overall send limit is a bucket of 30 messages that refills in a second: each
measurement starts after a quiet second, so quiet and flooded start from a full bucket
(otherwise the flooded measurement, which follows the quiet one at once, would start
with the bucket the quiet one emptied and pay for it in waiting)."""


def ask_once(contender: Contender, others: list[int], flooder: int | None) -> BurstResult:
    """Everyone in `others` asks one question; a flood from `flooder` comes first."""
    time.sleep(REFILL_SECONDS)
    asked = {chat: [QUESTIONS[chat % len(QUESTIONS)]] for chat in others}

    def flood() -> None:
        if flooder is not None:
            for n in range(FLOOD):
                contender.api.send_text(flooder, f"{QUESTIONS[n % len(QUESTIONS)]} {n}")

    result = Burst(contender.api, asked).run(contender, timeout=120.0, prelude=flood)
    if flooder is not None:
        wait_until_dealt_with(contender, flooder)
    return result


def wait_until_dealt_with(contender: Contender, flooder: int, limit: float = 120.0) -> None:
    """Until Telegram holds none of the flood and the flooder's chat has been quiet."""
    deadline = time.monotonic() + limit
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(contender.api.texts(flooder))
        if count != seen:
            seen, since = count, time.monotonic()
        elif contender.api.pending_updates == 0 and time.monotonic() - since > QUIET_FOR:
            return
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description="one patient floods while 49 others ask")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.0, help="round trip in ms")
    parser.add_argument("--bare-concurrent", action="store_true")
    parser.add_argument("--without-limits", action="store_true")
    options = parser.parse_args()
    others = patient_ids(OTHERS)
    flooders = patient_ids(options.rounds, FIRST_FLOODER)
    quiet: dict[str, list[float]] = {}
    flooded: dict[str, list[float]] = {}
    replies_to_flooder: dict[str, list[int]] = {}
    with workroot() as root:
        bots = contenders(
            [options.latency / 1000], root, options.bare_concurrent, options.without_limits
        )
        with running(bots, others + flooders, print):
            for bot in bots:
                ask_once(bot, others, None)  # warm-up
            for n, flooder in enumerate(flooders):
                order = bots if n % 2 == 0 else list(reversed(bots))
                for bot in order:
                    quiet.setdefault(bot.name, []).append(ask_once(bot, others, None).p95)
                    result = ask_once(bot, others, flooder)
                    flooded.setdefault(bot.name, []).append(result.p95)
                    got = len(bot.api.texts(flooder))
                    replies_to_flooder.setdefault(bot.name, []).append(got)
                print(f"round {n + 1} of {options.rounds} done", flush=True)
    print(f"\n== others' p95 (ms), {OTHERS} patients, flood of {FLOOD}: medians ==")
    print(f"{'':16}{'quiet':>8}{'flooded':>9}{'ratio':>8}  flooder got")
    for name in quiet:
        ratios = [f / q for f, q in zip(flooded[name], quiet[name], strict=True)]
        ratio = statistics.median(ratios)
        verdict = "ok" if ratio <= TARGET_RATIO else "MISS"
        print(
            f"{name:16}{statistics.median(quiet[name]) * 1000:>8.1f}"
            f"{statistics.median(flooded[name]) * 1000:>9.1f}{ratio:>7.2f}x"
            f"  {statistics.median(replies_to_flooder[name]):.0f} replies"
            f"  ({verdict}; target <= {TARGET_RATIO}x)"
        )


if __name__ == "__main__":
    main()
