"""Reading clock times and time zones: from settings, and as patients type them.

Settings are strict (`parse_clock_time`: "18:30"; `parse_timezone`: "Europe/London"), so a
typo in the operator's `.env` is reported rather than guessed. Patients are not:
`read_clock_time` takes "6pm", "6:30 pm", "18.30" and "18h", and `read_timezone` takes
"berlin", "new york", "uk", "CET" or "GMT+1". Pure functions: text in, a `time` or a
`ZoneInfo` out, or a `ValueError` whose message ends with an example to suggest.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import time
from functools import cache
from zoneinfo import ZoneInfo

_CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_SPOKEN_TIME = re.compile(
    r"(?P<hour>\d{1,2})(?:\s*(?:[:.h]|hrs?)\s*(?P<minute>\d{2}))?\s*(?:h|hrs?|o'?clock)?\s*"
    r"(?P<half>[ap])?\.?\s*(?:m\.?)?"
)
_NAMED_TIMES = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
_OFFSET = re.compile(
    r"(?:gmt|utc|z)?\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?"
)
CLOCK_TIME_PROBLEM = "is not a time; use 24-hour HH:MM such as 10:00 or 18:30"

ZONE_NAMES = {
    # Countries and regions with one time zone, as people name them.
    "uk": "Europe/London",
    "united kingdom": "Europe/London",
    "great britain": "Europe/London",
    "britain": "Europe/London",
    "england": "Europe/London",
    "scotland": "Europe/London",
    "wales": "Europe/London",
    "northern ireland": "Europe/London",
    "ireland": "Europe/Dublin",
    "france": "Europe/Paris",
    "germany": "Europe/Berlin",
    "spain": "Europe/Madrid",
    "italy": "Europe/Rome",
    "netherlands": "Europe/Amsterdam",
    "holland": "Europe/Amsterdam",
    "belgium": "Europe/Brussels",
    "switzerland": "Europe/Zurich",
    "austria": "Europe/Vienna",
    "poland": "Europe/Warsaw",
    "sweden": "Europe/Stockholm",
    "norway": "Europe/Oslo",
    "denmark": "Europe/Copenhagen",
    "finland": "Europe/Helsinki",
    "greece": "Europe/Athens",
    "turkey": "Europe/Istanbul",
    "india": "Asia/Kolkata",
    "japan": "Asia/Tokyo",
    "china": "Asia/Shanghai",
    "hong kong": "Asia/Hong_Kong",
    "singapore": "Asia/Singapore",
    "philippines": "Asia/Manila",
    "uae": "Asia/Dubai",
    "dubai": "Asia/Dubai",
    "israel": "Asia/Jerusalem",
    "south africa": "Africa/Johannesburg",
    "nigeria": "Africa/Lagos",
    "kenya": "Africa/Nairobi",
    "egypt": "Africa/Cairo",
    "new zealand": "Pacific/Auckland",
    # Cities that are not in a zone's name.
    "manchester": "Europe/London",
    "birmingham": "Europe/London",
    "leeds": "Europe/London",
    "glasgow": "Europe/London",
    "edinburgh": "Europe/London",
    "cardiff": "Europe/London",
    "bristol": "Europe/London",
    "liverpool": "Europe/London",
    "munich": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "barcelona": "Europe/Madrid",
    "milan": "Europe/Rome",
    "washington": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "montreal": "America/Toronto",
    "delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    # Abbreviations in everyday use (the zone of their best-known place).
    "gmt": "Europe/London",
    "bst": "Europe/London",
    "utc": "UTC",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "eet": "Europe/Athens",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "nzst": "Pacific/Auckland",
}
"""Everyday names of time zones; cities in a zone's own name ("berlin") need no entry."""
AMBIGUOUS = {
    "us": "America/New_York",
    "usa": "America/New_York",
    "america": "America/New_York",
    "canada": "America/Toronto",
    "australia": "Australia/Sydney",
    "brazil": "America/Sao_Paulo",
    "mexico": "America/Mexico_City",
    "russia": "Europe/Moscow",
}
"""Countries with several time zones: the reply suggests the best-known one."""
HALF_HOUR_OFFSETS = {
    "+03:30": "Asia/Tehran",
    "+04:30": "Asia/Kabul",
    "+05:30": "Asia/Kolkata",
    "+05:45": "Asia/Kathmandu",
    "+06:30": "Asia/Yangon",
    "+09:30": "Australia/Darwin",
    "-03:30": "America/St_Johns",
}
"""Offsets that are not whole hours have no fixed-offset zone; these places use them."""


def parse_clock_time(text: str) -> time:
    """A 24-hour "HH:MM" time such as "10:00" or "9:30"; `ValueError` for anything else."""
    match = _CLOCK_TIME.fullmatch(text.strip())
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(CLOCK_TIME_PROBLEM)
    return time(hour, minute)


def read_clock_time(text: str) -> time:
    """A time as a patient types it: "18:30", "18.30", "18h", "18h30", "6pm", "6:30 pm",
    "6.30am", "noon"; `ValueError` for anything else."""
    cleaned = " ".join(text.lower().split())
    if cleaned in _NAMED_TIMES:
        return _NAMED_TIMES[cleaned]
    match = _SPOKEN_TIME.fullmatch(cleaned)
    if match is None:
        raise ValueError(CLOCK_TIME_PROBLEM)
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            raise ValueError(CLOCK_TIME_PROBLEM)
        hour = hour % 12 + (12 if match["half"] == "p" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(CLOCK_TIME_PROBLEM)
    return time(hour, minute)


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA time zone such as "Europe/London"; `ValueError` says how to fix a bad one."""
    try:
        return ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        close = _closest(name, sorted(zoneinfo.available_timezones()), 0.6)
        raise ValueError(_zone_problem(close[0] if close else "Europe/London")) from None


def read_timezone(text: str) -> ZoneInfo:
    """A time zone as a patient names it: an IANA name in any case ("europe/berlin"), a
    city ("berlin", "new york"), a country with one zone ("uk"), an abbreviation ("CET"),
    or an offset ("GMT+1", "UTC-5", "+05:30"). `ValueError` suggests a zone for anything
    else, including countries with several zones ("USA")."""
    cleaned = " ".join(text.lower().replace("_", " ").split())
    if cleaned in AMBIGUOUS:
        raise ValueError(_zone_problem(AMBIGUOUS[cleaned]))
    known = ZONE_NAMES.get(cleaned) or _zones_by_name().get(cleaned)
    if known is not None:
        return ZoneInfo(known)
    offset = _OFFSET.fullmatch(cleaned)
    if offset is not None:
        return _fixed_offset(offset)
    every_name = {**_zones_by_name(), **ZONE_NAMES}
    close = _closest(cleaned, sorted(every_name), 0.8)
    raise ValueError(_zone_problem(every_name[close[0]] if close else "Europe/London"))


def _closest(name: str, names: list[str], cutoff: float) -> list[str]:
    """The one of `names` most like `name`, if any is close enough (at most one)."""
    # Imported here: only a misspelt zone needs it, and every command reads the settings.
    import difflib

    return difflib.get_close_matches(name, names, n=1, cutoff=cutoff)


def _fixed_offset(offset: re.Match[str]) -> ZoneInfo:
    hours, minutes = int(offset["hours"]), int(offset["minutes"] or 0)
    if minutes:
        key = f"{offset['sign']}{hours:02d}:{minutes:02d}"
        if key not in HALF_HOUR_OFFSETS:
            raise ValueError(_zone_problem("Europe/London"))
        return ZoneInfo(HALF_HOUR_OFFSETS[key])
    east = offset["sign"] == "+"
    if hours == 0:
        return ZoneInfo("UTC")
    if hours > (14 if east else 12):
        raise ValueError(_zone_problem("Europe/London"))
    # The Etc zones count the other way round: UTC+1 is Etc/GMT-1.
    return ZoneInfo(f"Etc/GMT{'-' if east else '+'}{hours}")


def zone_label(zone: ZoneInfo) -> str:
    """The zone as a patient would write it: "GMT+1" for Etc/GMT-1 (the Etc names count
    the other way round, which would read as the wrong offset), the IANA name otherwise."""
    etc = re.fullmatch(r"Etc/GMT([+-])(\d+)", zone.key)
    if etc is None:
        return zone.key
    return f"GMT{'-' if etc[1] == '+' else '+'}{etc[2]}"


@cache
def _zones_by_name() -> dict[str, str]:
    """Every IANA zone by its full name and by its city, lower case, spaces for "_". The
    Etc zones by their full name only: "Etc/GMT-14" is UTC+14, but a patient's "GMT-14"
    means UTC-14 (read as an offset)."""
    found: dict[str, str] = {}
    for zone in sorted(zoneinfo.available_timezones()):
        if zone.startswith(("SystemV/", "posix/", "right/")):
            continue
        found[zone.lower().replace("_", " ")] = zone
        if zone.startswith("Etc/"):
            continue
        city = zone.rsplit("/", 1)[-1].lower().replace("_", " ")
        found.setdefault(city, zone)
    return found


def _zone_problem(example: str) -> str:
    # The example comes last: the conversation quotes it from the end of the message.
    return f"is not a time zone; use an IANA name such as {example}"
