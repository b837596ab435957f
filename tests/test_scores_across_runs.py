"""The matcher decides a message the same way in every run of the bot.

Python hashes strings differently in each process (PYTHONHASHSEED), so a set of terms is
iterated in another order from one run to the next; a sum of floats taken in that order
changes in its last bits, and a tie or a threshold could flip between two runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

SCORES = """
import json, sys
from bot.core.matching import Matcher
from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

# The index is built afresh here, as at a start with no compiled knowledge.
matcher = Matcher(load_knowledge(DEFAULT_KNOWLEDGE_DIR))
for line in sys.stdin.read().splitlines():
    scores = [(rule.id, score.hex()) for score, rule in matcher.scores(line)]
    print(json.dumps([scores, matcher.match(line).as_json()]))
"""


def decided_in_a_run(seed: int, questions: list[str]) -> list[str]:
    """Every topic's exact score and the match of each question, in a new process."""
    done = subprocess.run(
        [sys.executable, "-c", SCORES],
        input="\n".join(questions),
        env={**os.environ, "PYTHONHASHSEED": str(seed)},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_every_score_and_decision_is_the_same_under_two_hash_seeds() -> None:
    lines = (DATA / "patients.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    first = decided_in_a_run(1, questions)
    assert len(first) == len(questions)
    second = decided_in_a_run(2, questions)
    differing = [q for q, a, b in zip(questions, first, second, strict=True) if a != b]
    assert differing == []
