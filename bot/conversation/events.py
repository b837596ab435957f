"""What goes into the conversation and what comes out: plain values, no Telegram types.

The conversation engine takes one `Incoming` event from a `Sender` and returns a list of
`Outgoing` things. The Telegram edge and the terminal chat turn updates into these and
these into messages; neither knows what the conversation decides. This module imports
nothing of the product, so every layer may use it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- what comes in ----------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """Who wrote: the Telegram user (or the terminal's local user) and their chat."""

    user_id: int
    chat_id: int
    first_name: str = ""
    username: str | None = None
    channel: str = "telegram"
    """"telegram", or "terminal" for `aftercare chat`."""


@dataclass(frozen=True)
class Text:
    """A text message in the patient's own words."""

    text: str


@dataclass(frozen=True)
class Command:
    """A slash command such as `/time 09:30`: name without the slash, lower case.
    `addressed_to` is the bot named in `/stats@clinic_bot` (lower case), if any."""

    name: str
    args: tuple[str, ...] = ()
    addressed_to: str | None = None


@dataclass(frozen=True)
class ButtonPress:
    """A press on one of the bot's buttons; `data` is the button's callback data."""

    data: str


@dataclass(frozen=True)
class NonText:
    """A photo, sticker, voice note, document, location, ...; a caption is read as text."""

    kind: str
    caption: str | None = None


Incoming = Text | Command | ButtonPress | NonText

_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.DOTALL)
MAX_ARGS = 20
"""A command's words beyond this are dropped: no command takes more."""


def without_format_characters(text: str) -> str:
    """The text without invisible Unicode format characters (zero-width spaces, joiners,
    direction marks), so "y\u200bellow p\u200bus" is read as "yellow pus" by every check."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def read_message(text: str) -> Text | Command:
    """A typed line as the engine sees it: `"/time@aftercare_bot 09:30"` is
    Command("time", ("09:30",), "aftercare_bot"); anything else is Text. Invisible format
    characters are dropped first."""
    text = without_format_characters(text)
    match = _COMMAND.match(text.strip())
    if not match:
        return Text(text)
    address = match.group(2).lower() if match.group(2) else None
    args = tuple((match.group(3) or "").split()[:MAX_ARGS])
    return Command(match.group(1).lower(), args, address)


# --- what goes out ----------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """An inline button: what it says and the callback data it sends back when pressed."""

    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """A message to the patient, in Telegram HTML, with optional rows of buttons."""

    text: str
    buttons: Keyboard = ()


@dataclass(frozen=True)
class StaffAlert:
    """A message for the clinic's staff chat (AFTERCARE_STAFF_CHAT_ID), in Telegram HTML."""

    text: str


@dataclass(frozen=True)
class RemoveButtons:
    """Take the buttons off the message whose button was just pressed (no double presses)."""


@dataclass(frozen=True)
class Toast:
    """A short note shown over the chat when a button is pressed (Telegram's callback
    answer), e.g. that the button has expired."""

    text: str


@dataclass(frozen=True)
class StaffJob:
    """A staff command whose answer is worked out apart from the conversation (see
    `bot.conversation.staff`), then sent to `chat_id`."""

    name: str
    chat_id: int


@dataclass(frozen=True)
class CheckInsDue:
    """A change left a check-in due right away: have it sent now, not at the next look."""


Outgoing = Reply | StaffAlert | RemoveButtons | Toast | StaffJob | CheckInsDue
