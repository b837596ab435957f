"""Reading a patient's treatment date from what they type, and counting days since it.

Pure functions: they take the text and `today` (or `now`) and return a date or a number,
so every decision about dates is testable without a clock. A date that is still ahead
("tomorrow", "next monday", "30/11" on 28 November, "I haven't had it yet") is an
`UpcomingTreatment`, never last year's date. Words ("3 days ago", "last
friday", "20th of november") are read by `dateparser`; numeric dates (20/11, 20.11.26,
2026-11-20) are read here, because `dateparser` silently turns an impossible one into a
different date (31/02 -> nothing, 11/20 -> 2020, 20.11 -> a time of day), and a patient
whose day count is silently wrong gets the wrong aftercare.
"""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import dateparser
from dateparser.search import search_dates

DateOrder = Literal["DMY", "MDY"]

MAX_DAYS_AGO = 365
UPCOMING_DAYS = 60
"""A date without a year up to this many days ahead is an upcoming treatment ("5 dec" on
28 November); further ahead, it is the same date last year."""
# Nobody writes a date in more than a sentence; a long text is a question, not a date,
# and sparing dateparser from it keeps a reply fast.
MAX_DATE_TEXT = 100
SHORT_DATE_WORDS = 4
"""A message this short that asks nothing is a date even without a word for the treatment
("last tuesday", "20th of november"); "I want to wear makeup tonight" is not."""

MONTHS = tuple(calendar.month_name)[1:]
WEEKDAYS = tuple(calendar.day_name)
MONTH_WORDS = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}
MONTH_WORDS.update({name[:3].lower(): number for number, name in enumerate(MONTHS, 1)})
MONTH_WORDS["sept"] = 9
WEEKDAY_WORDS = {name.lower() for name in WEEKDAYS} | {name[:3].lower() for name in WEEKDAYS}
# Words that appear in dates and must never be "corrected" into a month or weekday.
_DATE_WORDS = {
    "today",
    "yesterday",
    "before",
    "ago",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "last",
    "this",
    "past",
    "the",
    "of",
    "on",
}
_SPELLING_CUTOFF = 0.75

_NUMERIC_DATE = re.compile(r"(\d{1,4})([./-])(\d{1,2})(?:\2(\d{2,4}))?")
_BARE_NUMBER = re.compile(r"\d+")
_DAY_N = re.compile(r"(?:i'?m |it'?s )?(?:on )?day (\d{1,3})")
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_DAY_MONTH = re.compile(rf"\b{_ORDINAL}\s+(?:of\s+)?([a-z]+)\b")
_MONTH_DAY = re.compile(rf"\b([a-z]+)\.?\s+{_ORDINAL}\b")
_EDGE_PUNCTUATION = " \t\n.,;:!?\"'()[]"
_NOT_YET = re.compile(
    r"\b(?:not yet|not (?:had|done|been|gone) (?:it )?yet|(?:isn'?t|not) (?:until|till)|"
    r"havent had|haven'?t had|have not had|not had it|havent done|haven'?t done|"
    r"not done it|yet to have|hasn'?t happened|not happened|still to come|"
    r"(?:it'?s|its|i'?m|im) booked|booked (?:for|in|on)|coming up|upcoming)\b"
)
_EXPLICIT_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|'\d{2}\b")


class DateProblem(ValueError):
    """A treatment date we can't accept; the message is written for the patient."""

    @property
    def message(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class UpcomingTreatment:
    """The patient hasn't had the treatment yet; `on` is its date when they gave one."""

    on: date | None
    message: str
    """What to tell the patient: message again after the treatment."""
    said_not_yet: bool = False
    """The patient said so in words ("not had it yet", "it's booked for"), rather than
    only naming a day ahead ("tomorrow"), which may belong to a question."""


def parse_treatment_date(text: str, today: date, order: DateOrder = "DMY") -> date:
    """The treatment date a patient means by `text`, on the day `today` (their local date).

    Raises `DateProblem` with a friendly message for text that isn't a date, a date that
    doesn't exist, one still ahead, or one more than a year ago (see `read_treatment_date`
    for a reading that tells an upcoming treatment apart).
    """
    found = read_treatment_date(text, today, order)
    if isinstance(found, UpcomingTreatment):
        raise DateProblem(_future_message(order))
    return found


def read_treatment_date(
    text: str, today: date, order: DateOrder = "DMY"
) -> date | UpcomingTreatment:
    """The treatment date a patient means by `text` on the day `today` (their local date),
    or an `UpcomingTreatment` when it is still ahead.

    Raises `DateProblem` with a friendly message for text that isn't a date, a date that
    doesn't exist, or one more than a year ago.
    """
    cleaned = _clean(text)
    if not cleaned or len(cleaned) > MAX_DATE_TEXT:
        raise DateProblem(_unreadable_message(order))
    if _NOT_YET.search(cleaned):
        ahead = _read_words(mend_spelling(cleaned), today, order, prefer="future")
        on = ahead if ahead is not None and ahead > today else None
        return _upcoming(on, today, said_not_yet=True)
    if _BARE_NUMBER.fullmatch(cleaned) and int(cleaned) <= MAX_DAYS_AGO:
        raise DateProblem(
            f'Did you mean {cleaned} days ago? Please write it as "{cleaned} days ago", '
            f"or as a date like {_numeric_example(order)}."
        )
    day_n = _DAY_N.fullmatch(cleaned)
    if day_n:
        return _checked(today - timedelta(days=int(day_n.group(1))), today, order)
    numeric = _NUMERIC_DATE.fullmatch(cleaned)
    if numeric:
        return _checked(_numeric_date(numeric, today, order), today, order)
    words = mend_spelling(cleaned)
    _refuse_impossible_day_of_month(words)
    found = _read_words(words, today, order)
    if found is None:
        raise DateProblem(_unreadable_message(order))
    if not _EXPLICIT_YEAR.search(words) and found <= today:
        found = _nearest_of_years(found, today)
    return _checked(found, today, order)


_ASKING = re.compile(
    r"(?:can|could|should|shall|may|might|must|when|how|what|whats|which|where|why|is|isnt"
    r"|are|am|do|does|did|will|would|was|were|any|ok|okay)\b"
)
_TELLS_TREATMENT = re.compile(
    r"\b(?:had|have|got|get|did|done|went|was|were|treat\w*|sessions?|appointment|procedure"
    r"|micro\w*|needl\w*|derma\w*|haven'?t|havent|booked)\b"
)


def date_statement(text: str) -> str | None:
    """The part of a message that the matcher read as a question which tells when the
    treatment was. Its clauses that tell it, when some clause asks something: "had it
    done yesterday, can I wear makeup?" -> "had it done yesterday"; a clause that asks
    or leaves the treatment out is not one: in "can I wash my face tonight", "tonight"
    is the question's day. When nothing asks, the whole message if it names the
    treatment or is a few words ("last tuesday"). None when no part tells the date."""
    clauses = _clauses(text)
    if any(asks for _, asks in clauses):
        told = [words for words, asks in clauses if not asks and _TELLS_TREATMENT.search(words)]
        return ", ".join(told) or None
    if _TELLS_TREATMENT.search(text.lower()) or len(text.split()) <= SHORT_DATE_WORDS:
        return text
    return None


_NUMBER_WORDS = "one two three four five six seven eight nine ten couple few".split()
_AROUND_A_DAY = frozenset(
    {*_DATE_WORDS, *_NUMBER_WORDS, *MONTH_WORDS, *WEEKDAY_WORDS}
    | set("tomorrow tmrw tmr next coming in at a it its it's is will be my our the".split())
    | set("treatment appointment session procedure microneedling having im i'm i am".split())
)
_NUMBER = re.compile(r"\d{1,4}(?:st|nd|rd|th)?")
"""The words that may stand around a day while a message only tells it ("my treatment is
next monday", "in 3 days"); any other word makes it more than a date ("going out
tomorrow")."""


def only_a_day(text: str) -> bool:
    """Whether `text` tells a day and nothing else: no question, and no word outside the
    few that name a day or the treatment ("its tomorrow", "next week"; not "can I go to
    work tomorrow?")."""
    if asks_something(text):
        return False
    words = re.findall(r"[a-z0-9']+", _clean(text))
    return bool(words) and all(w in _AROUND_A_DAY or _NUMBER.fullmatch(w) for w in words)


def asks_something(text: str) -> bool:
    """Whether a clause of `text` asks: a question word first, or a question mark after."""
    return any(asks for _, asks in _clauses(text))


def _clauses(text: str) -> list[tuple[str, bool]]:
    """The clauses of `text`, lower case, each with whether it asks."""
    found = []
    for part in re.finditer(r"[^,;.!?\n]+[,;.!?\n]*", text.lower()):
        words = part.group().strip(" ,;.!?\n")
        found.append((words, "?" in part.group() or bool(_ASKING.match(words))))
    return found


_TODAY_IS_DAY = re.compile(
    r"(?:^\W*|\b(?:it'?s|its|i'?m|im|i am|am|now|today is|today'?s|this is|currently)\s+"
    r"(?:on\s+|at\s+)?)day\s*(\d{1,3})\b"
)


def stated_day(text: str) -> int | None:
    """The day since treatment a patient says it is ("its day 10", "I'm on day 5", a
    message opening with "day 3"); None when they say none. A day in a story ("on day 2
    it bled") or a question ("will it be red on day 10?") is not today's."""
    found = _TODAY_IS_DAY.search(text.lower())
    return int(found.group(1)) if found else None


def days_since_treatment(treated_on: date, now: datetime, tz: ZoneInfo) -> int:
    """Whole days from the treatment date to `now` in the patient's time zone; never negative.

    Day 0 is the treatment day itself. `now` must be time-zone aware, so that the same
    instant is the right calendar day wherever the patient lives.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a time-zone aware datetime")
    return max(0, (now.astimezone(tz).date() - treated_on).days)


def format_treatment_date(d: date, today: date | None = None) -> str:
    """A date as a patient reads it: "Tuesday 24 November" (with the year if not `today`'s)."""
    text = f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]}"
    if today is not None and d.year != today.year:
        text += f" {d.year}"
    return text


def _clean(text: str) -> str:
    return " ".join(text.lower().split()).strip(_EDGE_PUNCTUATION)


def _numeric_example(order: DateOrder) -> str:
    return "20/11" if order == "DMY" else "11/20"


def _unreadable_message(order: DateOrder) -> str:
    return (
        "Sorry, I couldn't read that as a date. You can write, for example: today, "
        f"yesterday, 3 days ago, last friday, 20 Nov or {_numeric_example(order)}."
    )


def _future_message(order: DateOrder) -> str:
    return (
        "That date is in the future — when did you have your treatment? "
        f"(e.g. today, yesterday, 3 days ago, {_numeric_example(order)})"
    )


def _upcoming(on: date | None, today: date, *, said_not_yet: bool = False) -> UpcomingTreatment:
    when = f" on {format_treatment_date(on, today)}" if on is not None else ""
    return UpcomingTreatment(
        on,
        f"Good luck with your treatment{when}! Message me after it, or send /treatment "
        "then, and I'll help you through the days that follow. You can ask me anything "
        "before then too.",
        said_not_yet,
    )


def _nearest_of_years(found: date, today: date) -> date:
    """`found`, a date without a year read as the latest one not ahead, or the same day
    next year when that is only days or weeks ahead ("5 dec" on 28 November)."""
    try:
        ahead = found.replace(year=found.year + 1)
    except ValueError:  # 29 February
        return found
    return ahead if 0 < (ahead - today).days <= UPCOMING_DAYS else found


def _checked(found: date, today: date, order: DateOrder) -> date | UpcomingTreatment:
    if (found - today).days > MAX_DAYS_AGO:
        raise DateProblem(_future_message(order))
    if found > today:
        return _upcoming(found, today)
    if (today - found).days > MAX_DAYS_AGO:
        raise DateProblem(
            f"{format_treatment_date(found, today)} is more than a year ago. I'm here to "
            "help in the weeks after a recent treatment: if you've had one since, tell me "
            f"its date (e.g. 3 days ago or {_numeric_example(order)}). For anything else, "
            "the clinic is happy to help."
        )
    return found


def _numeric_date(match: re.Match[str], today: date, order: DateOrder) -> date:
    first, _, second, third = match.groups()
    if len(first) == 4:
        if third is None:
            raise DateProblem(_unreadable_message(order))
        year, month, day = int(first), int(second), int(third)
        return _existing_date(year, month, day, order)
    if len(first) > 2:
        raise DateProblem(_unreadable_message(order))
    day, month = (int(first), int(second)) if order == "DMY" else (int(second), int(first))
    if third is not None:
        if len(third) == 3:
            raise DateProblem(_unreadable_message(order))
        year = int(third) + (2000 if len(third) == 2 else 0)
        return _existing_date(year, month, day, order)
    # No year: the most recent such date, this year or last, unless it is coming up soon.
    _existing_date(2024, month, day, order)  # a leap year: refuses 31/02, allows 29/02
    for year in (today.year, today.year - 1):
        if calendar.monthrange(year, month)[1] >= day and date(year, month, day) <= today:
            return _nearest_of_years(date(year, month, day), today)
    raise DateProblem(
        f"There was no {day} {MONTHS[month - 1]} this year or last — could you check the date?"
    )


def _existing_date(year: int, month: int, day: int, order: DateOrder) -> date:
    if not 1 <= month <= 12:
        first = "day" if order == "DMY" else "month"
        raise DateProblem(
            f"There's no month {month} — I read numeric dates {first} first, like "
            f"{_numeric_example(order)}. Could you check the date?"
        )
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise DateProblem(f"{day} {MONTHS[month - 1]} doesn't exist — could you check the date?")
    return date(year, month, day)


def mend_spelling(text: str) -> str:
    """Mend misspelt months, weekdays, "today" and "yesterday" ("novmber", "wensday",
    "yesterdy"): dateparser only knows the exact spellings."""
    vocabulary = [name.lower() for name in (*MONTHS, *WEEKDAYS, "today", "yesterday")]

    def mend(match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) < 4 or word in _DATE_WORDS or word in MONTH_WORDS:
            return word
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=_SPELLING_CUTOFF)
        return close[0] if close else word

    return re.sub(r"[a-z]+", mend, text)


def _read_words(
    text: str, today: date, order: DateOrder, prefer: Literal["past", "future"] = "past"
) -> date | None:
    settings = {
        "DATE_ORDER": order,
        "PREFER_DATES_FROM": prefer,
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        # A month or a year alone ("november", "2025") is not a treatment date; a
        # weekday is the one date without a day of the month that we accept.
        "REQUIRE_PARTS": [] if _names_a_weekday(text) else ["day"],
    }
    found = dateparser.parse(text, languages=["en"], settings=settings)
    if found is None:
        # A date inside a sentence: "I had it 3 days ago", "it was on tuesday".
        hits = search_dates(text, languages=["en"], settings=settings) or []
        if len(hits) == 1:
            found = hits[0][1]
    return found.date() if found is not None else None


def _names_a_weekday(text: str) -> bool:
    return any(word in WEEKDAY_WORDS for word in re.findall(r"[a-z]+", text))


def _refuse_impossible_day_of_month(text: str) -> None:
    """Refuse "31 feb" or "february 30th", which dateparser misreads or cannot read."""
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for match in pattern.finditer(text):
            month = MONTH_WORDS.get(match.group(month_group))
            day = int(match.group(day_group))
            if month is not None and not 1 <= day <= calendar.monthrange(2024, month)[1]:
                raise DateProblem(
                    f"{day} {MONTHS[month - 1]} doesn't exist — could you check the date?"
                )
