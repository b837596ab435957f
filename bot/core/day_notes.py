"""What to expect on the patient's day, for the reply to a treatment date.

The reply to "3 days ago" says which day it is and adds the message of the check-in that
describes that day. A check-in's message describes the days from its own day until the
next check-in, and for at most a week: on day 2 the day-1 message still holds, on day 184
no message does (the six-week booking reminder is not news half a year later). Pure
functions of the check-in plan and the day.
"""

from __future__ import annotations

import re

from scheduler.planning import CheckInPlan, CheckInStep

NOTE_DAYS = 7
"""A check-in's message describes at most this many days, starting on its own day."""

_GREETING = re.compile(
    r"\A(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|welcome home)(?: there)?[!.] ",
    re.IGNORECASE,
)
"""A sentence that only greets, opening a note: right for a check-in that opens a chat,
odd after "Got it: ... today is day 1" in the reply to a date."""


def day_note_step(plan: CheckInPlan, day: int) -> CheckInStep | None:
    """The check-in whose message describes `day`, if one does (see the module docstring).

    The scheduler need not send that check-in as well: the patient has just read it.
    """
    steps = sorted(plan.steps, key=lambda step: step.day)
    current = next((s for s in reversed(steps) if s.day <= day), None)
    if current is None or day - current.day >= NOTE_DAYS:
        return None
    if without_questions(current.message) is None:
        return None
    return current


def day_note(plan: CheckInPlan, day: int) -> str | None:
    """What to expect on `day`: the describing check-in's message without its questions
    (their reply buttons belong to the check-in itself) and without a greeting."""
    step = day_note_step(plan, day)
    note = without_questions(step.message) if step is not None else None
    return _GREETING.sub("", note, count=1) if note is not None else None


def without_questions(message: str) -> str | None:
    """`message` without the sentences that ask something; None if nothing is left."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(message.split()))
    return " ".join(s for s in sentences if not s.endswith("?")) or None
