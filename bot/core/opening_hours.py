"""The clinic's opening hours, as staff write them in `bot.yaml`, and whether the clinic is
open at a given moment: so the urgent answer says what will really happen.

    opening_hours: "Mon-Fri 09:00-18:00; Sat 10:00-13:00"

Days are Mon Tue Wed Thu Fri Sat Sun, alone, in ranges (Mon-Fri) or lists (Mon,Wed);
several day groups are separated by ";". A window may end at 24:00. "closed" means the
clinic is never open (every alert then gets the out-of-hours answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class OpeningHours:
    """Per weekday (Monday is 0), the local windows the clinic is open."""

    windows: tuple[tuple[tuple[time, time | None], ...], ...]
    """`None` as an end means midnight (24:00)."""

    def is_open(self, local: datetime) -> bool:
        """Whether the clinic is open at the local wall-clock moment `local`."""
        moment = local.time().replace(tzinfo=None)
        for start, end in self.windows[local.weekday()]:
            if start <= moment and (end is None or moment < end):
                return True
        return False


def parse_opening_hours(text: str) -> OpeningHours:
    """Read staff's opening hours; `ValueError` says what is wrong, in plain words."""
    windows: list[list[tuple[time, time | None]]] = [[] for _ in DAYS]
    if text.strip().lower() == "closed":
        return OpeningHours(tuple(tuple(w) for w in windows))
    for group in filter(None, (part.strip() for part in text.split(";"))):
        days_text, _, hours_text = group.partition(" ")
        days = _days(days_text)
        window = _window(hours_text.strip())
        for day in days:
            windows[day].append(window)
    if not any(windows):
        raise ValueError('write the hours like "Mon-Fri 09:00-18:00; Sat 10:00-13:00"')
    return OpeningHours(tuple(tuple(w) for w in windows))


def _days(text: str) -> list[int]:
    found: list[int] = []
    for item in text.lower().split(","):
        first, dash, last = item.partition("-")
        if first[:3] not in DAYS or (dash and last[:3] not in DAYS):
            raise ValueError(
                f'"{item}" is not a day or a range of days: use Mon Tue Wed Thu Fri Sat Sun, '
                'for example "Mon-Fri 09:00-18:00"'
            )
        start = DAYS.index(first[:3])
        end = DAYS.index(last[:3]) if dash else start
        if end < start:
            raise ValueError(f'"{item}" runs backwards: write the earlier day first')
        found.extend(range(start, end + 1))
    return found


def _window(text: str) -> tuple[time, time | None]:
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(f'"{text}" is not a time range: write it like 09:00-18:00')
    start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
    if start_h > 23 or start_m > 59 or end_m > 59 or end_h > 24 or (end_h == 24 and end_m):
        raise ValueError(f'"{text}" has a time that does not exist')
    start = time(start_h, start_m)
    end = None if end_h == 24 else time(end_h, end_m)
    if end is not None and end <= start:
        raise ValueError(f'"{text}" ends before it starts')
    return start, end
