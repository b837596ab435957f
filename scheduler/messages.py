"""The callback data of check-in buttons: what a check-in's buttons send back when pressed.

- ``ci:pause``: pause check-ins (on every check-in, one tap);
- ``ci:resume``: keep the check-ins coming (on the "shall I continue?" question);
- ``ci:<checkin_id>:<reply_index>``: one of the plan's reply buttons.

Pure: the conversation composes the check-ins' text and buttons and reads presses with
`parse_callback`.
"""

from __future__ import annotations

from dataclasses import dataclass

CALLBACK_PREFIX = "ci:"
PAUSE = "ci:pause"
RESUME = "ci:resume"
_MAX_DIGITS = 12
"""Ids and indexes longer than this are forged: no database row has such an id."""


@dataclass(frozen=True)
class ReplyChoice:
    """The patient tapped reply button `index` of check-in `checkin_id`."""

    checkin_id: int
    index: int


CallbackAction = ReplyChoice | str


def reply_data(checkin_id: int, index: int) -> str:
    """The callback data of reply button `index` under check-in `checkin_id`."""
    return f"{CALLBACK_PREFIX}{checkin_id}:{index}"


def parse_callback(data: str) -> CallbackAction | None:
    """`PAUSE`, `RESUME` or a `ReplyChoice` from callback data; None if it is not ours
    (or is forged: only ASCII digits of a sane length count as numbers)."""
    if data in (PAUSE, RESUME):
        return data
    if not data.startswith(CALLBACK_PREFIX):
        return None
    parts = data[len(CALLBACK_PREFIX) :].split(":")
    if len(parts) != 2 or not all(_is_number(part) for part in parts):
        return None
    return ReplyChoice(int(parts[0]), int(parts[1]))


def _is_number(text: str) -> bool:
    return 0 < len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit()
