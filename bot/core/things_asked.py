"""One question about two things together ("can i wear contacts and eyeliner tomorrow",
"gym and sauna when"): the things cut apart, each to be read for a topic of its own
(`bot.core.decision.decide_together`). Pure text functions, as `bot.core.asks`.
"""

from __future__ import annotations

import re

from bot.core.asks import ASKING_WORDS, CLAUSE_END, asks_something, has_words, one_question
from bot.core.text import fold

_AND = re.compile(r"\s+(?:and|&|\+)\s+")
_LIST_GOES_ON = re.compile(r"(?:and|&|\+|or)\b")
_BETWEEN = re.compile(r"\b(?:between|difference)\b")
_FEW_WORDS = 5
"""A question this short may ask about two things without asking words ("gym and sauna when")."""


def coordinated(question: str) -> list[str]:
    """The things one question asks about together, cut at "and" ("can i wear contacts and
    eyeliner tomorrow", "gym and sauna when"), each to be read for a topic of its own; none
    when nothing is cut. Only from the clause that starts asking ("going to a water park,
    can i swim and fly"), or in a question a few words long: before the asking words, "and"
    joins a story's clauses more often ("my skin is dry and flakey and it looks ashy, can
    i..."); and not in one that asks what lies between two things ("how long between botox
    and microneedling?")."""
    clauses = CLAUSE_END.split(fold(question).strip())
    start = next((i for i, clause in enumerate(clauses) if ASKING_WORDS.match(clause)), 0)
    folded = _asking_clauses(clauses[start:])
    if _BETWEEN.search(folded) or not (
        ASKING_WORDS.match(folded) or len(folded.split()) <= _FEW_WORDS
    ):
        return []
    cut = [p for p in _AND.split(folded) if has_words(p)]
    return cut if len(cut) > 1 and one_question(cut) else []


def _asking_clauses(clauses: list[str]) -> str:
    """A question's `clauses` up to the first that tells rather than asks or goes on with a
    list, joined: in "can i go to a gig tomorrow, its indoors but packed and sweaty" the
    "and" describes the gig; in "can i wear contacts, and eyeliner?" it adds a thing asked
    about."""
    kept = clauses[:1]
    for clause in clauses[1:]:
        if not (asks_something(clause) or _LIST_GOES_ON.match(clause)):
            break
        kept.append(clause)
    return ", ".join(kept)
