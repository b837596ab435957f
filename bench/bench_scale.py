"""Staff tools at a clinic's scale (issue 14): `/forget`, `stats` and the unanswered
inbox over a database of 1,000,000 questions and 100,000 distinct unanswered texts, and a
patient's reply while the staff's reports run. Prints figures; asserts nothing.

Run: .venv/bin/python bench/bench_scale.py [--db FOLDER] [--questions N] [--distinct N]
Targets: /forget < 5 ms, stats < 1 s, grouping < 5 s, a reply meanwhile < 100 ms.

The database is built once (about a minute) into FOLDER and reused when it is there. A
copy of it is turned back into the schema main had before migration m007 ("before"), so
both are measured in the same run, interleaved. Everything goes through the real Store
and conversation engine (`bot.compose`): /forget is the patient pressing "Yes, delete";
a reply is a patient's question answered by the engine in its transaction. Wall-clock
times on a shared machine also count other processes; medians of several runs are shown.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from scale_data import Scale, build
from sqlite_utils import Database

from bot.compose import Product, compose
from bot.config import Settings
from bot.conversation.events import ButtonPress, Command, Sender, StaffJob, read_message
from bot.conversation.staff import run_staff_job
from bot.core.matching import Matcher
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR
from bot.storage import patients, questions, stats
from bot.storage.questions import UnansweredQuestion
from bot.tools.unanswered import SIMILARITY, top_groups

STAFF_CHAT = -100
STAFF = Sender(7, STAFF_CHAT, "Sam")
QUESTION = "can i wear makeup tomorrow"


def before_m007(path: Path) -> None:
    """Give the database at `path` the indexes main had (recorded as migrated, so the
    Store leaves it so)."""
    db = Database(path)
    for index in (
        "idx_checkins_status_counted_at",
        "idx_checkins_replied_at",
        "idx_patients_created_at",
        "idx_red_flags_untaken",
    ):
        db.execute(f"DROP INDEX {index}")
    db.execute("CREATE INDEX idx_questions_asked_at ON questions (asked_at)")
    db.conn.commit()
    db.close()


def forget_as_before(db: Database, patient_id: int) -> int:
    """`patients.forget_patient` as main had it: the tables found through sqlite-utils."""
    db.execute("PRAGMA defer_foreign_keys = ON")
    deleted = 0
    for table in db.tables:
        if "patient_id" in table.columns_dict:
            deleted += db.execute(
                f'DELETE FROM "{table.name}" WHERE patient_id = ?', [patient_id]
            ).rowcount
    deleted += db.execute("DELETE FROM patients WHERE id = ?", [patient_id]).rowcount
    return deleted


def all_pairs_groups(asked: Sequence[UnansweredQuestion], matcher: Matcher) -> int:
    """The grouping as main had it (each text against every group so far); the number of
    groups. Only the comparison, not the closest topic of each group."""
    counts = Counter(q.text.strip() for q in asked if q.text.strip())
    keys: list[str] = []
    for text, _ in counts.most_common():
        key = " ".join(sorted(set(matcher.terms(text))))
        if process.extractOne(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=SIMILARITY):
            continue
        keys.append(key)
    return len(keys)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {ms(statistics.median(ordered))}, p95 {ms(p95)}, max {ms(ordered[-1])}"


def product_for(path: Path, knowledge: KnowledgeHolder) -> Product:
    settings = Settings(
        db_path=path, staff_chat_id=STAFF_CHAT, staff_ids=frozenset({STAFF.user_id})
    )
    return compose(settings, knowledge)


def patient(patient_id: int) -> Sender:
    return Sender(patient_id, 10_000 + patient_id, f"P{patient_id}")


def timed_forget(product: Product, patient_id: int) -> float:
    """Seconds from the press of "Yes, delete" to its commit (and the log's truncation)."""
    store, conversation = product.store, product.conversation
    now = datetime.now(UTC)
    store.run_sync(conversation.handle, patient(patient_id), Command("forget"), now)
    start = time.perf_counter()
    store.run_sync(conversation.handle, patient(patient_id), ButtonPress("forget:yes"), now)
    elapsed = time.perf_counter() - start
    assert store.run_sync(patients.get_patient, patient_id) is None
    return elapsed


def measure_forget(before: Product, after: Product, count: int) -> None:
    print(f"\n/forget ({count} patients each, pressing 'Yes, delete', interleaved)")
    was = patients.forget_patient
    timings: dict[str, list[float]] = {"before": [], "after": []}
    for n in range(count):
        patients.forget_patient = forget_as_before
        timings["before"].append(timed_forget(before, 101 + 97 * n))
        patients.forget_patient = was
        timings["after"].append(timed_forget(after, 151 + 97 * n))
    for label, values in timings.items():
        print(f"  {label:6} {spread(values)}")
    alone = [after.store.run_sync(_timed, patients.forget_patient, 5001 + n) for n in range(count)]
    print(f"  after, the deletes alone (no commit): median {ms(statistics.median(alone))}")
    commits = []
    for _ in range(count):
        start = time.perf_counter()
        after.store.run_sync(_touch, 1)
        commits.append(time.perf_counter() - start)
    print(f"  for scale, a one-row write and its commit: median {ms(statistics.median(commits))}")


def _timed(db: Database, fn: Callable[[Database, int], object], argument: int) -> float:
    start = time.perf_counter()
    fn(db, argument)
    return time.perf_counter() - start


def _touch(db: Database, patient_id: int) -> None:
    db.execute("UPDATE patients SET last_seen_at = ? WHERE id = ?", [str(time.time()), patient_id])


def measure_stats(before: Product, after: Product, rounds: int) -> None:
    print(f"\nstats ({rounds} rounds, interleaved)")
    now = datetime.now(UTC)
    timings: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(rounds):
        for label, product in (("before", before), ("after", after)):
            start = time.perf_counter()
            product.store.read_sync(stats.stats, now)
            timings[label].append(time.perf_counter() - start)
    print(f"  before (schema of main)  {spread(timings['before'])}")
    print(f"  after (m007)             {spread(timings['after'])}")


def measure_grouping(product: Product, knowledge: KnowledgeHolder, sizes: list[int]) -> None:
    print("\nunanswered grouping, by distinct texts (a fresh matcher each time)")
    since = datetime.now(UTC) - timedelta(days=30)
    rows = product.store.read_sync(questions.unanswered_questions, since)
    asked = product.store.read_sync(questions.asked_unanswered, since)
    before: dict[int, float] = {}
    for size in sizes:
        subset = asked[:size]
        texts = {item.text for item in subset}
        line = f"  {len(subset):>7,}: "
        if size <= 8000:
            matcher = Matcher(knowledge.current.base)
            start = time.perf_counter()
            all_pairs_groups([row for row in rows if row.text in texts], matcher)
            before[size] = time.perf_counter() - start
            line += f"before {before[size]:6.2f} s, "
        matcher = Matcher(knowledge.current.base)
        start, cpu = time.perf_counter(), time.thread_time()
        grouping = top_groups(subset, matcher, 15)
        line += (
            f"after {time.perf_counter() - start:6.2f} s ({time.thread_time() - cpu:.2f} s CPU), "
            f"{grouping.total:,} groups"
        )
        print(line, flush=True)
    start, cpu = time.perf_counter(), time.thread_time()
    top_groups(asked[: sizes[-1]], matcher, 15)
    print(
        f"  {sizes[-1]:>7,}: after, asked again (keys kept from the first time): "
        f"{time.perf_counter() - start:.2f} s ({time.thread_time() - cpu:.2f} s CPU)"
    )
    # The bot keeps each unanswered question's key when it is asked (m008); the generated
    # inbox has none, so they are kept here as the bot would have, then grouped afresh.
    stored: list[tuple[int, str]] = product.store.read_sync(
        lambda db: list(db.execute("SELECT id, text FROM unanswered"))
    )
    key_of = {item.text: matcher.grouping_key(item.text) for item in asked}
    keys = [(key_of.get(text), matcher.reading, row) for row, text in stored]
    product.store.run_sync(
        lambda db: db.conn.executemany(
            "UPDATE unanswered SET terms = ?, reading = ? WHERE id = ?", keys
        )
    )
    fresh = Matcher(knowledge.current.base)
    start, cpu = time.perf_counter(), time.thread_time()
    keyed = product.store.read_sync(questions.asked_unanswered, since, fresh.reading)
    read = time.perf_counter() - start
    grouping = top_groups(keyed[: sizes[-1]], fresh, 15)
    print(
        f"  {sizes[-1]:>7,}: after, keys kept when each was asked (m008), a fresh matcher: "
        f"{time.perf_counter() - start:.2f} s ({time.thread_time() - cpu:.2f} s CPU; "
        f"reading the inbox {read:.2f} s of it), {grouping.total:,} groups"
    )
    if len(before) >= 2:
        (small, t_small), (large, t_large) = sorted(before.items())[-2:]
        power = math.log(t_large / t_small) / math.log(large / small)
        guess = t_large * (sizes[-1] / large) ** power
        print(f"  before, extrapolated to {sizes[-1]:,} as D^{power:.2f}: about {guess:,.0f} s")
    start = time.perf_counter()
    product.store.read_sync(questions.asked_unanswered, since)
    print(
        f"  reading the inbox counted (the job's first step): {time.perf_counter() - start:.2f} s"
    )


async def replies_while(
    product: Product, job: Callable[[], Awaitable[Any]], sender: Sender
) -> tuple[float, list[float], list[float]]:
    """The job's seconds, a patient's reply latencies meanwhile (one question every 50 ms)
    and how late the event loop woke for a 10 ms timer."""
    store, conversation = product.store, product.conversation
    task = asyncio.ensure_future(job())
    start = time.perf_counter()
    replies: list[float] = []
    lags: list[float] = []

    async def heartbeat() -> None:
        while not task.done():
            due = time.perf_counter() + 0.01
            await asyncio.sleep(0.01)
            lags.append(max(0.0, time.perf_counter() - due))

    beating = asyncio.ensure_future(heartbeat())
    while not task.done():
        asked = time.perf_counter()
        await store.run(conversation.handle, sender, read_message(QUESTION), datetime.now(UTC))
        replies.append(time.perf_counter() - asked)
        await asyncio.sleep(0.05)
    await task
    await beating
    return time.perf_counter() - start, replies, lags


def measure_replies(before: Product, after: Product) -> None:
    print("\na patient's reply (the engine's turn) while staff reports run")
    since = datetime.now(UTC) - timedelta(days=30)
    now = datetime.now(UTC)

    def run(label: str, product: Product, job: Callable[[], Awaitable[Any]]) -> None:
        took, replies, lags = asyncio.run(replies_while(product, job, patient(3)))
        print(f"  {label}: {took:.2f} s; {len(replies)} replies {spread(replies)}")
        print(f"  {' ' * len(label)}  event loop late by {spread(lags)}")

    run(
        "reading the inbox on the database thread (before)",
        before,
        lambda: before.store.run(questions.unanswered_questions, since),
    )
    run(
        "reading the inbox on the reader (after)",
        after,
        lambda: after.store.read(questions.asked_unanswered, since),
    )
    run(
        "/unanswered, the whole job (after)",
        after,
        lambda: run_staff_job(
            StaffJob("unanswered", STAFF_CHAT), after.store, after.knowledge, now
        ),
    )
    # Full garbage collections stop every thread; issue 14's item 2 freezes what start-up
    # made (not in this branch). Shown beside, to tell those pauses from the job's own.
    gc.collect()
    gc.freeze()
    run(
        "/unanswered again, objects from start-up frozen (gc.freeze)",
        after,
        lambda: run_staff_job(
            StaffJob("unanswered", STAFF_CHAT), after.store, after.knowledge, now
        ),
    )
    gc.unfreeze()
    run(
        "/stats, the whole job (after)",
        after,
        lambda: run_staff_job(StaffJob("stats", STAFF_CHAT), after.store, after.knowledge, now),
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="folder for the database (kept and reused)")
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=100_000)
    parser.add_argument("--forgets", type=int, default=9)
    options = parser.parse_args(argv)
    folder = options.db or Path(tempfile.mkdtemp(prefix="bench_scale_"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"scale-{options.questions}-{options.distinct}.db"
    scale = Scale(
        questions=options.questions,
        distinct_unanswered=options.distinct,
        unanswered_rows=options.distinct * 3 // 2,
    )
    if not path.exists():
        start = time.perf_counter()
        build(path, scale, datetime.now(UTC))
        print(f"built {path} in {time.perf_counter() - start:.0f} s")
    work = Path(tempfile.mkdtemp(prefix="bench_scale_run_"))
    after_path, before_path = work / "after.db", work / "before.db"
    shutil.copy(path, after_path)
    shutil.copy(path, before_path)
    before_m007(before_path)
    print(
        f"{scale.questions:,} questions, {scale.patients:,} patients, "
        f"{scale.distinct_unanswered:,} distinct unanswered texts "
        f"({scale.unanswered_rows:,} rows)"
    )
    knowledge = KnowledgeHolder(DEFAULT_KNOWLEDGE_DIR)
    before, after = product_for(before_path, knowledge), product_for(after_path, knowledge)
    try:
        measure_forget(before, after, options.forgets)
        measure_stats(before, after, 7)
        sizes = [n for n in (1000, 2000, 4000, 8000) if n < options.distinct]
        measure_grouping(after, knowledge, [*sizes, options.distinct])
        measure_replies(before, after)
    finally:
        before.close()
        after.close()
        shutil.rmtree(work)


if __name__ == "__main__":
    main(sys.argv[1:])
