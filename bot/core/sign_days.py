"""The day since treatment a message tells ("day 8", "10 days after").

The warning-sign check reads normal healing on that day when the patient's day is not
known, and reads the classifier again without the words that tell it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import compress, count

from bot.core.tokens import is_number

_DAY_WORDS = {"today": 0, "tonight": 0, "yesterday": 1}
_DAY_TOKENS = frozenset({"day", "days", "week", "morning", "evening", "night", "d", *_DAY_WORDS})
_TREATED = frozenset({"done", "treatment", "session", "treated", "needling", "microneedling"})
_AFTER = re.compile(r"^(?:since|after|ago|later|post|out|in|on)$")
_NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
_DIGITS = {word: str(value) for value, word in enumerate(_NUMBERS.split())}
"""Numbers in words, as their digits."""
_HOURS = frozenset({"hour", "hours", "hr", "hrs"})
_FEW = frozenset({"an", "a", "few", "couple", "several"})
"""Before "hours": "an hour ago", "a few hours after", "a couple of hours since"."""
_DAY_STARTS = _DAY_TOKENS | _DIGITS.keys() | _HOURS
"""The words that may start a mention of a day (besides numbers in digits)."""


def day_in_text(found: Sequence[str]) -> int | None:
    """The latest day since treatment the message names ("day 8", "10 days after")."""
    days: list[int] = []
    # Most words name no day: only these are read, with the words around them (picked
    # out with no Python step per word: a long story has hundreds).
    starts = _DAY_STARTS.union(word for word in set(found) if word[0].isdigit())
    for index in compress(count(), map(starts.__contains__, found)):
        word = found[index]
        # "day one", "two days after": a number in words counts like its digits.
        token = _DIGITS.get(word, word)
        before = found[index - 1] if index else ""
        after = _DIGITS.get(found[index + 1], found[index + 1]) if index + 1 < len(found) else ""
        # "d4" is chat for day 4 ("vitamin d 1000" is not); "days" counts a number in
        # digits only: "after 11 days one area is open" names no day one.
        digits = found[index + 1] if index + 1 < len(found) else ""
        if token in ("day", "days", "d") and is_number(after) and before != "vitamin":
            if token != "days" or is_number(digits):
                days.append(int(float(after)))
        elif is_number(token) and after in ("days", "day") and index + 2 < len(found):
            if _AFTER.match(found[index + 2]):
                days.append(int(float(token)))
        elif is_number(token) and after in ("weeks", "week", "wks"):
            days.append(7 * int(float(token)))
        elif token == "week" and is_number(after):
            days.append(7 * (int(float(after)) - 1))
        elif token in _DAY_WORDS and _TREATED.intersection(_treated_near(found, index)):
            days.append(_DAY_WORDS[token])
        elif token in ("morning", "day") and before in ("the", "this") and after == "after":
            days.append(1)
        elif is_number(token) and after in _HOURS:
            days.append(int(float(token)) // 24)
        # "the same evening", "the evening of the treatment", "an hour ago", "a few hours
        # after the session": the day itself.
        elif _same_day(found, index, token, before, after):
            days.append(0)
    return max(days) if days else None


def _same_day(found: Sequence[str], index: int, token: str, before: str, after: str) -> bool:
    if token in _HOURS:
        return bool(_FEW.intersection(found[max(0, index - 2) : index])) and bool(
            _AFTER.match(after)
        )
    return token in ("evening", "night", "day") and (
        before == "same" or (after == "of" and bool(_TREATED & {*found[index + 2 : index + 4]}))
    )


def _treated_near(found: Sequence[str], index: int) -> Sequence[str]:
    """The words that may tie the day word at `index` to the treatment: the two before it
    ("had it done yesterday"), or the four after when it opens a telling of it
    ("yesterday was my session", "yesterday I had my treatment")."""
    opens = found[index + 1 : index + 3]
    told = opens[:1] == ["was"] or opens in (["i", "had"], ["i", "got"])
    after = found[index + 1 : index + 5] if told else []
    return [*found[max(0, index - 2) : index], *after]


def day_told(found: Sequence[str]) -> set[int]:
    """Where the message tells its day: "day 2", "2 days"."""
    told = set()
    for index, word in enumerate(found):
        if word in ("day", "days"):
            near = [at for at in (index - 1, index + 1) if 0 <= at < len(found)]
            told |= {index, *(at for at in near if is_number(_DIGITS.get(found[at], found[at])))}
    return told
