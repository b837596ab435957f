"""Time helpers for the whole product: aware instants in UTC, and the one text format
timestamps are stored in.

Every instant the product handles is an aware `datetime`; a naive one is a bug, caught
here, in the one place that checks.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; refuses naive datetimes, which are a bug anywhere in the product."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware datetime")
    return moment.astimezone(UTC)


def utc_iso(moment: datetime) -> str:
    """The one timestamp format in the database: UTC ISO-8601 to the second, so that
    text order is time order ("2026-11-27T10:00:00+00:00")."""
    return utc(moment).isoformat(timespec="seconds")


def from_utc_iso(text: str) -> datetime:
    """A timestamp written by `utc_iso`, as an aware datetime in UTC (a naive text is
    read as UTC)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
