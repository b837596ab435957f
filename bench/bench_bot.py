"""How fast the Telegram bot answers when many patients write at once.

The real python-telegram-bot `Application` built by `bot.app` long-polls the in-process
fake Bot API (`tests/fake_bot_api.py`), over a real SQLite file (in a temporary folder)
and the default knowledge, with real patients' phrasings (tests/data/patients.jsonl).
A reply's latency runs from the moment its question is queued at the fake Telegram to
the moment the bot's sendMessage for it arrives there. Two scenarios, 50 onboarded
patients each:

- burst: every patient sends a question at the same instant, round after round (the
  last of 50 waits for the 49 before it: this is the worst case);
- steady: every patient chats at their own pace, a question every second or so.

    .venv/bin/python bench/bench_bot.py [--patients 50] [--rounds 20] [--seconds 10]

Prints replies per second, p50/p95/max latency, lost and duplicated replies, and the
machine; exits 1 if a question got no reply or more than one, or the burst p95 is over
the 50 ms target.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_bot_api import FakeBotApi  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.conversation import Conversation  # noqa: E402
from bot.knowledge.holder import KnowledgeHolder  # noqa: E402
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR  # noqa: E402
from bot.replies import Command, Sender, Text  # noqa: E402
from bot.storage.store import Store  # noqa: E402

TARGET_P95_MS = 50.0
FIRST_PATIENT = 700_000_000
STAFF_CHAT = -100_999
SETTLE_SECONDS = 0.05
"""How long to keep watching after the last reply, for a duplicate to show up."""
FALLBACK_QUESTIONS = [
    "can i wear makeup tomorrow",
    "when can i go to the gym",
    "my face is still red day 3, normal??",
    "is it ok to use vitamin c serum",
    "theres yellow crust on my chin and it feels hot",
    "how much does a session cost",
]


@dataclass(frozen=True)
class Figures:
    """What one scenario measured."""

    questions: int
    lost: int
    duplicated: int
    seconds: float
    latencies_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.latencies_ms, n=100)[94]

    def describe(self, name: str) -> str:
        return (
            f"{name}: {self.questions} questions, {len(self.latencies_ms)} replies, "
            f"lost {self.lost}, duplicated {self.duplicated}; "
            f"{len(self.latencies_ms) / self.seconds:.0f} replies/s; latency p50 "
            f"{self.p50:.1f} ms, p95 {self.p95:.1f} ms, max {max(self.latencies_ms):.1f} ms"
        )


@dataclass
class Bench:
    api: FakeBotApi
    patient_ids: list[int]
    questions: list[str]

    def replies_to(self, patient_id: int) -> list[float]:
        return self.api.delivered_at.get(patient_id, [])


def labelled_questions() -> list[str]:
    """Real patients' phrasings: the labelled questions, if the file is there."""
    labelled = ROOT / "tests" / "data" / "patients.jsonl"
    if not labelled.exists():
        return FALLBACK_QUESTIONS
    lines = labelled.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


async def onboard(conversation: Conversation, patient_ids: list[int]) -> None:
    """Every patient has a treatment date and said no to check-ins (not timed)."""
    now = datetime.now(UTC)
    for patient_id in patient_ids:
        sender = Sender(patient_id, patient_id, "Patient")
        await conversation.handle(sender, Command("start"), now)
        await conversation.handle(sender, Text("3 days ago"), now)
        await conversation.handle(sender, Text("no thanks"), now)


@asynccontextmanager
async def running_bot(patient_count: int, folder: Path) -> AsyncIterator[Bench]:
    """The bot, polling the fake Telegram, with `patient_count` onboarded patients."""
    api = FakeBotApi()
    api.chat(STAFF_CHAT, "supergroup", "Staff")
    settings = Settings(
        telegram_bot_token="1:BENCH",
        db_path=folder / "bench.db",
        knowledge_dir=DEFAULT_KNOWLEDGE_DIR,
        staff_chat_id=STAFF_CHAT,
    )
    store = Store(settings.db_path)
    conversation = Conversation(store, KnowledgeHolder(DEFAULT_KNOWLEDGE_DIR), settings)
    application = build_application(
        settings, conversation, store, request=api.request(), get_updates_request=api.request()
    )
    patient_ids = [FIRST_PATIENT + n for n in range(patient_count)]
    await onboard(conversation, patient_ids)
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(timeout=1)
    try:
        yield Bench(api, patient_ids, labelled_questions())
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        store.close()


async def burst(bench: Bench, rounds: int) -> Figures:
    """All patients ask at the same instant; the next round starts when all are answered."""
    latencies: list[float] = []
    lost = duplicated = 0
    started = time.perf_counter()
    for round_number in range(rounds):
        before = {p: len(bench.replies_to(p)) for p in bench.patient_ids}
        queued_at = {}
        for index, patient_id in enumerate(bench.patient_ids):
            n = round_number * len(bench.patient_ids) + index
            queued_at[patient_id] = time.perf_counter()
            bench.api.send_text(patient_id, bench.questions[n % len(bench.questions)])
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and any(
            len(bench.replies_to(p)) == before[p] for p in bench.patient_ids
        ):
            await asyncio.sleep(0.001)
        await asyncio.sleep(SETTLE_SECONDS)
        for patient_id in bench.patient_ids:
            new = bench.replies_to(patient_id)[before[patient_id] :]
            if not new:
                lost += 1
                continue
            duplicated += len(new) - 1
            latencies.append((new[0] - queued_at[patient_id]) * 1000)
    seconds = time.perf_counter() - started - rounds * SETTLE_SECONDS
    return Figures(rounds * len(bench.patient_ids), lost, duplicated, seconds, latencies)


async def steady(bench: Bench, seconds: float, pause: float = 1.0) -> Figures:
    """Each patient asks, waits for the answer, pauses about `pause` seconds, asks again."""
    latencies: list[float] = []
    asked: dict[int, int] = {}
    rng = random.Random(7)

    async def patient(patient_id: int, end: float) -> None:
        await asyncio.sleep(rng.uniform(0, pause))
        while time.perf_counter() < end:
            before = len(bench.replies_to(patient_id))
            asked[patient_id] = asked.get(patient_id, 0) + 1
            queued = time.perf_counter()
            question = bench.questions[rng.randrange(len(bench.questions))]
            bench.api.send_text(patient_id, question)
            while len(bench.replies_to(patient_id)) == before and time.perf_counter() < end + 10:
                await asyncio.sleep(0.001)
            replies = bench.replies_to(patient_id)
            if len(replies) > before:
                latencies.append((replies[before] - queued) * 1000)
            await asyncio.sleep(rng.uniform(0.5 * pause, 1.5 * pause))

    started = time.perf_counter()
    end = started + seconds
    before_all = {p: len(bench.replies_to(p)) for p in bench.patient_ids}
    await asyncio.gather(*(patient(p, end) for p in bench.patient_ids))
    await asyncio.sleep(SETTLE_SECONDS)
    elapsed = time.perf_counter() - started
    got = {p: len(bench.replies_to(p)) - before_all[p] for p in bench.patient_ids}
    lost = sum(max(0, asked.get(p, 0) - got[p]) for p in bench.patient_ids)
    duplicated = sum(max(0, got[p] - asked.get(p, 0)) for p in bench.patient_ids)
    return Figures(sum(asked.values()), lost, duplicated, elapsed, latencies)


async def measure(patients: int, rounds: int, seconds: float, folder: Path) -> dict[str, Figures]:
    async with running_bot(patients, folder) as bench:
        return {
            "burst": await burst(bench, rounds),
            "steady": await steady(bench, seconds),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=50, help="simulated patients")
    parser.add_argument("--rounds", type=int, default=20, help="bursts of one question each")
    parser.add_argument("--seconds", type=float, default=10, help="length of the steady run")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(
            measure(options.patients, options.rounds, options.seconds, Path(folder))
        )
    print(
        f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print(f"{options.patients} patients; target: burst p95 < {TARGET_P95_MS:.0f} ms, none lost")
    for name, result in figures.items():
        print(result.describe(name))
    ok = all(f.lost == 0 and f.duplicated == 0 for f in figures.values())
    ok = ok and figures["burst"].p95 < TARGET_P95_MS
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
