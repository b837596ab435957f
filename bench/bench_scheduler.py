"""Check-in scheduler figures: planning, claiming due rows, sending; prints, asserts nothing.

Run: .venv/bin/python bench/bench_scheduler.py [--patients 100000] [--pending 1000000]
Targets (issue 4): one dispatch tick finds 10,000 due among 1,000,000 pending in under
100 ms; at least 25 sends/s through the fake Bot API with the limiter on (Telegram's
ceiling is about 30/s).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import platform
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.knowledge.model import KnowledgeBase, Wording
from bot.replies import Button
from bot.storage import checkins as outbox
from bot.storage.store import Store
from scheduler.clock import utc_iso
from scheduler.dispatch import Dispatcher, RateLimiter
from scheduler.planning import CheckInPlan, CheckInStep, plan_checkins
from scheduler.telegram_adapter import telegram_sender

SHIPPED_WORDING = load_knowledge(DEFAULT_KNOWLEDGE_DIR).wording.texts
"""The bot's sentences as shipped; each test names the few it relies on."""

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ZONES = [
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Pacific/Auckland",
    "Europe/Berlin",
    "Australia/Sydney",
    "UTC",
]
PLAN = CheckInPlan(
    tuple(CheckInStep(day, f"Day {day} check-in") for day in (0, 1, 3, 7, 14, 28, 42))
)
KNOWLEDGE = KnowledgeBase(
    rules=(),
    wording=Wording({**SHIPPED_WORDING, "clinic_name": "Bench", "clinic_phone": "0"}),
    plan=PLAN,
    concepts={},
    source_dir=ROOT,
)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def stamp(moment: datetime) -> str:
    return utc_iso(moment)


def add_patients(
    db: sqlite_utils.Database, count: int, zones: Sequence[str] = ZONES, seed: int = 1
) -> None:
    """`count` opted-in patients, each with one treatment in the last 50 days."""
    rng = random.Random(seed)
    seen = stamp(NOW)
    db.conn.executemany(
        "INSERT INTO patients (id, chat_id, first_name, timezone, checkin_time, "
        "checkins_enabled, reachable, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?)",
        (
            (pid, pid, "P", zones[pid % len(zones)], f"{rng.randint(8, 20):02d}:00", seen, seen)
            for pid in range(1, count + 1)
        ),
    )
    db.conn.executemany(
        "INSERT INTO treatments (id, patient_id, treated_on, created_at) VALUES (?, ?, ?, ?)",
        (
            (pid, pid, (NOW.date() - timedelta(days=rng.randint(0, 50))).isoformat(), seen)
            for pid in range(1, count + 1)
        ),
    )


def bench_planning(workdir: Path, patients: int) -> dict[str, float]:
    """Plan every patient: the pure planner alone, then writing all plans to SQLite."""
    with Store(workdir / "plan.db") as store:
        store.run_sync(add_patients, patients)
        rows = store.run_sync(
            lambda db: db.execute(
                "SELECT p.id, p.timezone, p.checkin_time, t.id, t.treated_on "
                "FROM patients p JOIN treatments t ON t.patient_id = p.id"
            ).fetchall()
        )
        zones = {name: ZoneInfo(name) for name in ZONES}
        started = time.perf_counter()
        plans = [
            (
                pid,
                tid,
                plan_checkins(
                    date.fromisoformat(treated_on),
                    zones[zone],
                    clock_time.fromisoformat(at),
                    PLAN,
                    NOW,
                ),
            )
            for pid, zone, at, tid, treated_on in rows
        ]
        pure = time.perf_counter() - started

        def write_all(db: sqlite_utils.Database) -> int:
            return sum(
                outbox.replace_plan(db, pid, tid, planned, NOW) for pid, tid, planned in plans
            )

        started = time.perf_counter()
        pending = store.run_sync(write_all)
        written = time.perf_counter() - started
        sample = rows[:1000]
        started = time.perf_counter()
        for pid, _zone, _at, tid, _treated in sample:
            planned = next(p for i, t, p in plans[:1000] if i == pid)
            store.run_sync(outbox.replace_plan, pid, tid, planned, NOW + timedelta(seconds=1))
        one_by_one = (time.perf_counter() - started) / len(sample)
    return {
        "patients": patients,
        "pending_rows": pending,
        "plan_pure_s": pure,
        "plan_write_s": written,
        "replace_plan_one_ms": one_by_one * 1000,
    }


def bench_claim(workdir: Path, patients: int, pending: int, due: int) -> dict[str, float]:
    """One dispatch tick's search: `due` due rows among `pending` pending ones."""
    per_patient = max(1, pending // patients)
    with Store(workdir / "claim.db") as store:
        store.run_sync(add_patients, patients)
        rng = random.Random(2)
        due_ids = set(rng.sample(range(patients * per_patient), due))

        def fill(db: sqlite_utils.Database) -> None:
            db.conn.executemany(
                "INSERT INTO checkins (patient_id, treatment_id, day, due_at, status, attempts) "
                "VALUES (?, ?, ?, ?, 'pending', 0)",
                (
                    (
                        n // per_patient + 1,
                        n // per_patient + 1,
                        n % per_patient,
                        stamp(
                            NOW - timedelta(minutes=rng.randint(1, 600))
                            if n in due_ids
                            else NOW + timedelta(minutes=rng.randint(1, 60 * 24 * 42))
                        ),
                    )
                    for n in range(patients * per_patient)
                ),
            )

        started = time.perf_counter()
        store.run_sync(fill)
        fill_s = time.perf_counter() - started
        store.run_sync(lambda db: db.execute("ANALYZE"))

        def find(db: sqlite_utils.Database) -> int:
            return len(
                db.execute(
                    "SELECT id FROM checkins WHERE status = 'pending' AND due_at <= ? "
                    "ORDER BY due_at LIMIT ?",
                    [stamp(NOW), due],
                ).fetchall()
            )

        def unclaim(db: sqlite_utils.Database) -> None:
            db.execute("UPDATE checkins SET status = 'pending' WHERE status = 'claimed'")

        def timed(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
            started = time.perf_counter()
            result = store.run_sync(fn, *args)
            return time.perf_counter() - started, result

        finds = [timed(find) for _ in range(5)]
        claims_all: list[float] = []
        claims_batch: list[float] = []
        claimed_count = 0
        for _ in range(5):
            elapsed, claimed = timed(outbox.claim_due, NOW, due)
            claims_all.append(elapsed)
            claimed_count = len(claimed)
            store.run_sync(unclaim)
            elapsed, _ = timed(outbox.claim_due, NOW, 200)
            claims_batch.append(elapsed)
            store.run_sync(unclaim)
        total = store.run_sync(lambda db: db.execute("SELECT count(*) FROM checkins").fetchone()[0])
    return {
        "rows": total,
        "due": finds[0][1],
        "claimed": claimed_count,
        "fill_s": fill_s,
        "find_ms": statistics.median(t for t, _ in finds) * 1000,
        "claim_all_ms": statistics.median(claims_all) * 1000,
        "claim_batch_200_ms": statistics.median(claims_batch) * 1000,
    }


async def _send_rate(workdir: Path, name: str, count: int, limiter_on: bool, via: str) -> float:
    """Sends per second for `count` due check-ins in one tick, real clock.

    `via`: "http" (python-telegram-bot's HTTPXRequest to the fake Bot API on loopback),
    "fake-request" (the fake's in-process BaseRequest) or "raw" (a zero-latency `send`).
    """
    with Store(workdir / f"send-{name}.db") as store:

        def setup(db: sqlite_utils.Database) -> None:
            add_patients(db, count, zones=["Europe/London"])  # 12:00 UTC is daytime there
            db.execute("UPDATE treatments SET treated_on = ?", [NOW.date().isoformat()])
            db.conn.executemany(
                "INSERT INTO checkins (patient_id, treatment_id, day, due_at, status, attempts) "
                "VALUES (?, ?, 0, ?, 'pending', 0)",
                ((pid, pid, stamp(NOW)) for pid in range(1, count + 1)),
            )

        store.run_sync(setup)
        fake = importlib.import_module("fake_bot_api")
        api = fake.FakeBotApi()
        with api.serve_http() as base_url:
            bot: Bot | None = None
            if via == "http":
                bot = Bot("123:BENCH", base_url=base_url, request=HTTPXRequest(8))
            elif via == "fake-request":
                bot = Bot("123:BENCH", request=api.request())
            if bot is not None:
                await bot.initialize()
                send: Any = telegram_sender(bot)
            else:
                sent = iter(range(1, 10**9))

                async def send(chat_id: int, text: str, buttons: Sequence[Sequence[Button]]) -> int:
                    return next(sent)

            dispatcher = Dispatcher(
                store, send, lambda: KNOWLEDGE, lambda: NOW, limiter=RateLimiter(enabled=limiter_on)
            )
            started = time.perf_counter()
            report = await dispatcher.tick()
            elapsed = time.perf_counter() - started
            if bot is not None:
                await bot.shutdown()
    if report.sent != count:
        raise RuntimeError(f"expected {count} sent: {report}")
    return count / elapsed


def bench_sending(workdir: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "tests"))
    return {
        "http_limiter_on_per_s": asyncio.run(_send_rate(workdir, "on", 300, True, "http")),
        "http_limiter_off_per_s": asyncio.run(_send_rate(workdir, "off", 2000, False, "http")),
        "fake_request_limiter_off_per_s": asyncio.run(
            _send_rate(workdir, "fake", 2000, False, "fake-request")
        ),
        "raw_limiter_off_per_s": asyncio.run(_send_rate(workdir, "raw", 2000, False, "raw")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--pending", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.machine()}"
    )
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        planning = bench_planning(workdir, args.patients)
        print(
            f"plan {planning['patients']:,} patients: {planning['plan_pure_s']:.2f} s pure "
            f"({planning['plan_pure_s'] / planning['patients'] * 1e6:.0f} µs each), "
            f"{planning['plan_write_s']:.2f} s to write {planning['pending_rows']:,} rows "
            f"in one transaction; replace_plan via Store, one patient: "
            f"{planning['replace_plan_one_ms']:.2f} ms"
        )
        print(f"  peak RSS so far: {peak_rss_mb():.0f} MB")
        claim = bench_claim(workdir, args.patients, args.pending, args.due)
        print(
            f"claim tick, {claim['due']:,} due among {claim['rows']:,} pending "
            f"(filled in {claim['fill_s']:.1f} s): find {claim['find_ms']:.1f} ms, "
            f"claim all {claim['claimed']:,} {claim['claim_all_ms']:.1f} ms, "
            f"claim a batch of 200 {claim['claim_batch_200_ms']:.2f} ms (medians of 5)"
        )
        print(f"  peak RSS so far: {peak_rss_mb():.0f} MB")
        sending = bench_sending(workdir)
        print(
            "sends/s through the fake Bot API over HTTP: "
            f"limiter on {sending['http_limiter_on_per_s']:.1f}, "
            f"limiter off {sending['http_limiter_off_per_s']:.0f}; limiter off, in-process "
            f"fake request {sending['fake_request_limiter_off_per_s']:.0f}, "
            f"zero-latency send {sending['raw_limiter_off_per_s']:.0f}"
        )
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
