"""A clinic's database after years of use, built fast for `bench/bench_scale.py`.

Patients with their treatments, check-ins, warning signs (alerts taken and not),
staff conversations and questions, and the unanswered inbox: distinct texts made from the
labelled questions in `tests/data/` with the changes real messages show (greetings,
brand names, typos, shouting, a day number), a few asked many times, most once.
Everything is written through the `Store` in a handful of large transactions.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from bot.storage.store import Store
from scheduler.clock import utc_iso

ROOT = Path(__file__).resolve().parent.parent
QUESTION_FILES = sorted((ROOT / "tests" / "data").glob("*.jsonl")) + sorted(
    (ROOT / "tests" / "data" / "tuning").glob("questions_*.jsonl")
)
GREETINGS = ("hi", "hello", "hey", "hiya", "good morning", "hi there", "quick question")
ENDINGS = ("thanks", "thank you", "pls", "x", "cheers", "thx", "?", "??", "!")
SYLLABLES = ("ra", "lo", "mi", "ve", "ska", "zen", "glo", "derm", "lux", "pur", "ia", "tek")
PRODUCTS = ("serum", "cream", "gel", "mask", "oil", "toner", "balm", "spf", "drops")
DECISIONS = (("answer", 0.72), ("suggest", 0.12), ("fallback", 0.16))


@dataclass(frozen=True)
class Scale:
    """How big the clinic's history is."""

    patients: int = 20_000
    questions: int = 1_000_000
    distinct_unanswered: int = 100_000
    unanswered_rows: int = 150_000
    days: int = 90


def base_questions() -> list[str]:
    """Patients' own questions from the labelled sets the project may read."""
    found: list[str] = []
    for path in QUESTION_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(str(json.loads(line)["question"]))
    return list(dict.fromkeys(found))


def brand(rng: random.Random) -> str:
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return f"{name} {rng.choice(PRODUCTS)}"


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def variant(question: str, brands: list[str], rng: random.Random) -> str:
    """One way a patient might have typed `question`."""
    words = question.split()
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words) + 1), rng.choice(brands))
    if rng.random() < 0.3:
        at = rng.randrange(len(words))
        words[at] = typo(words[at], rng)
    if rng.random() < 0.3:
        words.append(f"day {rng.randint(1, 14)}")
    if rng.random() < 0.4:
        words.insert(0, rng.choice(GREETINGS))
    if rng.random() < 0.4:
        words.append(rng.choice(ENDINGS))
    text = " ".join(words)
    return text.upper() if rng.random() < 0.05 else text.lower() if rng.random() < 0.5 else text


def unanswered_texts(count: int, rng: random.Random) -> list[str]:
    """`count` distinct texts; the first questions are the common gaps (Zipf-like)."""
    bases = base_questions()
    rng.shuffle(bases)
    brands = list(dict.fromkeys(brand(rng) for _ in range(4000)))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(bases))]
    texts: dict[str, None] = {}
    while len(texts) < count:
        for question in rng.choices(bases, weights, k=count):
            texts[variant(question, brands, rng)] = None
            if len(texts) == count:
                break
    return list(texts)


def _moment(now: datetime, days: int, rng: random.Random) -> str:
    return utc_iso(now - timedelta(seconds=rng.uniform(0, days * 86400)))


def _patient_rows(scale: Scale, now: datetime, rng: random.Random) -> Iterator[tuple[object, ...]]:
    for patient_id in range(1, scale.patients + 1):
        created = _moment(now, scale.days, rng)
        yield (
            patient_id,
            10_000 + patient_id,
            f"P{patient_id}",
            None,
            "Europe/London",
            "10:00",
            int(rng.random() < 0.6),
            int(rng.random() > 0.02),
            created,
            created,
        )


def build(path: Path, scale: Scale, now: datetime, seed: int = 14) -> list[str]:
    """Write the database at `path` (which must not exist); returns the distinct
    unanswered texts, in the order they were generated."""
    rng = random.Random(seed)
    texts = unanswered_texts(scale.distinct_unanswered, rng)
    with Store(path) as store:
        store.run_sync(_fill_patients, scale, now, rng)
        store.run_sync(_fill_questions, scale, now, rng)
        store.run_sync(_fill_alerts, scale, now, rng)
        store.run_sync(_fill_unanswered, scale, texts, now, rng)
        store.run_sync(lambda db: db.execute("ANALYZE"))
    return texts


def _fill_patients(db: Database, scale: Scale, now: datetime, rng: random.Random) -> None:
    db.conn.executemany(
        "INSERT INTO patients (id, chat_id, first_name, username, timezone, checkin_time, "
        "checkins_enabled, reachable, created_at, last_seen_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        _patient_rows(scale, now, rng),
    )
    db.conn.executemany(
        "INSERT INTO treatments (id, patient_id, treated_on, created_at) VALUES (?, ?, ?, ?)",
        ((p, p, "2024-01-01", utc_iso(now)) for p in range(1, scale.patients + 1)),
    )
    statuses = ("sent", "sent", "sent", "skipped", "failed", "pending")
    db.conn.executemany(
        "INSERT INTO checkins (patient_id, treatment_id, day, due_at, status, sent_at, "
        "attempts, replied_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
        (
            (
                p,
                p,
                day,
                due,
                status,
                due if status == "sent" else None,
                due if status == "sent" and rng.random() < 0.4 else None,
            )
            for p in range(1, scale.patients + 1)
            for day, status in enumerate(statuses, start=1)
            for due in [_moment(now, scale.days, rng)]
        ),
    )
    db.conn.executemany(
        "INSERT INTO inbox (update_id, chat_id, patient_id, received_at, status, attempts, "
        "handled_at) VALUES (?, ?, ?, ?, 'done', 1, ?)",
        (
            (u, 10_000 + p, p, moment, moment)
            for u in range(1, 50_001)
            for p in [rng.randint(1, scale.patients)]
            for moment in [_moment(now, 2, rng)]
        ),
    )
    opened = [p for p in range(1, scale.patients + 1) if rng.random() < 0.1]
    db.conn.executemany(
        "INSERT INTO handoffs (patient_id, opened_at, opened_by, last_activity_at, closed_at) "
        "VALUES (?, ?, 'Anna', ?, ?)",
        ((p, moment, moment, moment) for p in opened for moment in [_moment(now, 30, rng)]),
    )
    db.conn.executemany(
        "INSERT INTO staff_messages (chat_id, message_id, patient_id) VALUES (-100, ?, ?)",
        ((m, rng.choice(opened)) for m in range(1, 20_001)),
    )
    db.conn.executemany(
        "INSERT INTO patient_topics (patient_id, chat_id, thread_id) VALUES (?, -100, ?)",
        ((p, p) for p in opened),
    )


def _fill_questions(db: Database, scale: Scale, now: datetime, rng: random.Random) -> None:
    names = [name for name, _ in DECISIONS]
    weights = [weight for _, weight in DECISIONS]
    rows = sorted(
        (
            _moment(now, scale.days, rng),
            rng.randint(1, scale.patients),
            decision,
            "makeup" if decision == "answer" else None,
        )
        for decision in rng.choices(names, weights, k=scale.questions)
    )
    # In the order they were asked, as the bot writes them.
    db.conn.executemany(
        "INSERT INTO questions (asked_at, patient_id, decision, rule, red_flag) "
        "VALUES (?, ?, ?, ?, 0)",
        rows,
    )


def _fill_alerts(db: Database, scale: Scale, now: datetime, rng: random.Random) -> None:
    def alert() -> tuple[object, ...]:
        created = now - timedelta(seconds=rng.uniform(0, scale.days * 86400))
        alerted = rng.random() < 0.8
        taken = alerted and rng.random() < 0.9
        taken_at = utc_iso(created + timedelta(minutes=rng.expovariate(1 / 12))) if taken else None
        return (
            rng.randint(1, scale.patients),
            rng.randint(0, 14),
            "pus",
            utc_iso(created),
            int(alerted),
            "Anna" if taken else None,
            taken_at,
        )

    rows = sorted((alert() for _ in range(scale.questions // 50)), key=lambda row: str(row[3]))
    db.conn.executemany(
        "INSERT INTO red_flags (patient_id, day, sign, created_at, alerted, taken_by, "
        "taken_at, escalations) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        rows,
    )


def _fill_unanswered(
    db: Database, scale: Scale, texts: list[str], now: datetime, rng: random.Random
) -> None:
    # Every text once, then repeats drawn towards the common ones.
    extra = max(0, scale.unanswered_rows - len(texts))
    repeats = [texts[int(len(texts) * rng.random() ** 3)] for _ in range(extra)]
    rows = sorted((_moment(now, 30, rng), text) for text in texts + repeats)
    db.conn.executemany(
        "INSERT INTO unanswered (asked_at, text, decision, closest_rule, score) "
        "VALUES (?, ?, 'fallback', NULL, 0)",
        rows,
    )
