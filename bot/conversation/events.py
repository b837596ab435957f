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
    reply_to: int | None = None
    """In the staff chat: the message this command answers (`/done` in reply)."""
    thread_id: int | None = None
    """In a forum staff chat: the topic it was written in."""


@dataclass(frozen=True)
class ButtonPress:
    """A press on one of the bot's buttons; `data` is the button's callback data. In the
    staff chat, the pressed message's id and text come along (to edit it)."""

    data: str
    message_id: int | None = None
    message_html: str | None = None


@dataclass(frozen=True)
class NonText:
    """A photo, sticker, voice note, document, location, ...; a caption is read as text.
    `message_id` lets a photo be copied to the staff chat (never downloaded)."""

    kind: str
    caption: str | None = None
    message_id: int | None = None


@dataclass(frozen=True)
class StaffText:
    """A staff member's message in the staff chat: in reply to a message of the bot's, or
    in a patient's topic of a forum staff chat."""

    text: str
    reply_to: int | None = None
    thread_id: int | None = None


Incoming = Text | Command | ButtonPress | NonText | StaffText

_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.DOTALL)
MAX_ARGS = 20
"""A command's words beyond this are dropped: no command takes more."""


def without_format_characters(text: str) -> str:
    """The text without invisible Unicode format characters (zero-width spaces, joiners,
    direction marks), so "y\u200bellow p\u200bus" is read as "yellow pus" by every check."""
    if text.isascii():
        return text  # no format character is ASCII: most messages need no look at each
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
    """A message to the patient, in Telegram HTML, with optional rows of buttons. `to` is
    another patient's chat (a staff member writing to a patient); None: the sender's."""

    text: str
    buttons: Keyboard = ()
    to: int | None = None


@dataclass(frozen=True)
class StaffAlert:
    """A warning-sign alert for the clinic's staff chat (AFTERCARE_STAFF_CHAT_ID), in
    Telegram HTML, with its "I'm on it" and "Reply to patient" buttons."""

    text: str
    alert_id: int | None = None
    patient_id: int | None = None
    buttons: Keyboard = ()


@dataclass(frozen=True)
class StaffMessage:
    """Any other message for the staff chat, about `patient_id` when given (a staff
    reply to it then reaches that patient; in a forum it goes to their topic)."""

    text: str
    patient_id: int | None = None
    reply_to: int | None = None
    buttons: Keyboard = ()
    escalation: bool = False
    """Also (only, when True) for the escalation chat (AFTERCARE_ESCALATION_CHAT_ID)."""


@dataclass(frozen=True)
class CopyToStaff:
    """A patient's photo, copied (never downloaded) to the staff chat."""

    from_chat_id: int
    message_id: int
    patient_id: int


@dataclass(frozen=True)
class EditStaffMessage:
    """A staff-chat message of the bot's, rewritten (an alert marked as taken)."""

    message_id: int
    text: str
    buttons: Keyboard = ()


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


Outgoing = (
    Reply
    | StaffAlert
    | StaffMessage
    | CopyToStaff
    | EditStaffMessage
    | RemoveButtons
    | Toast
    | StaffJob
    | CheckInsDue
)
