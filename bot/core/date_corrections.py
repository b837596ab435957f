"""A treatment date said again by a patient whose date we know ("actually it was on
monday, not yesterday", "im on day 5"): told apart from a symptom or a story that names
a day ("swollen since monday", "in the sun"). Pure: the text, the stored date and today in,
a date or None out."""

from __future__ import annotations

import re
from datetime import date

from bot.core.dates import (
    MONTH_WORDS,
    WEEKDAY_WORDS,
    DateOrder,
    DateProblem,
    UpcomingTreatment,
    asks_something,
    mend_spelling,
    read_treatment_date,
)

_CORRECTION_FILLERS = frozenset(
    "a an and actually at i i'm im it it's its meant mean my me mine no not oh oops on "
    "really rather than instead of sorry so the think was wait wrong date day had got have "
    "did done get treatment treatments session appointment procedure microneedling "
    "needling dermapen in last this past ago yesterday today days weeks week".split()
)
"""The words a date correction is made of besides the date itself: "sorry, I meant the
20th", "actually my treatment was on monday, not yesterday"."""
_EVERYDAY_WORDS = frozenset({"sun", "sat", "wed", "mar", "may"})
"""Short names of days and months that are everyday words too ("in the sun"): a day only
next to a number ("sat 21st")."""
CORRECTION_WORDS = 16
"""A date correction is said in a sentence; a longer message that names a day is a story."""


def date_correction(
    text: str, treated_on: date, today: date, order: DateOrder = "DMY"
) -> date | None:
    """The treatment date a patient whose date we know tells us in `text`, when it is
    another one ("actually it was on monday", "my treatment was 3 days ago", "last
    tuesday"): a statement made only of a date and the words around one. None when
    `text` tells no date, says anything else ("swollen since monday"), tells the same
    date, or one still ahead."""
    lowered = text.lower()
    if asks_something(text) or len(text.split()) > CORRECTION_WORDS:
        return None
    if not _only_a_date(lowered):
        return None
    # "monday, not yesterday": the day taken back is not read.
    meant = re.sub(r"\b(?:not|rather than|instead of)\b[^,.;!]*", " ", lowered)
    try:
        found = read_treatment_date(meant, today, order)
    except DateProblem:
        return None
    if isinstance(found, UpcomingTreatment) or found == treated_on:
        return None
    return found


def _only_a_date(text: str) -> bool:
    """Whether every word of `text` belongs to a date or to the words around one, with a
    number, a month or a weekday among them. Cheap, so that most messages are spared the
    spelling mender and dateparser (milliseconds a message); one misspelt word is mended."""
    words = re.findall(r"[a-z0-9']+", text)
    has_number = any(ch.isdigit() for ch in text)
    names_day = False
    unknown = []
    for word in words:
        if word in _EVERYDAY_WORDS and not has_number:
            unknown.append(word)
        elif word[0].isdigit() or _day_name(word):
            names_day = True
        elif word not in _CORRECTION_FILLERS:
            unknown.append(word)
    if len(unknown) > 1:
        return False
    if unknown:
        mended = mend_spelling(unknown[0])
        if mended in _EVERYDAY_WORDS or not _day_name(mended):
            return False
        names_day = True
    return names_day or bool(re.search(r"\b(?:yesterday|today|ago)\b", text))


def _day_name(word: str) -> bool:
    """A month or a weekday, in full or short ("nov", "tues" is not: it is mended)."""
    return word in MONTH_WORDS or word in WEEKDAY_WORDS
