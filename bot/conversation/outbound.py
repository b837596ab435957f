"""What the conversation decided, as messages for the outbox (`bot.storage.outbox`).

The conversation's `Outgoing` items say what to tell whom; here they become queued
messages with their delivery semantics (see the outbox's docstring). The verbs are the
product's ("send", "remove_buttons"); `bot.telegram.delivery` turns them into Bot API
calls.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.conversation.events import Keyboard, Reply, StaffAlert
from bot.storage.outbox import OutgoingMessage, Priority

SEND = "send"
REMOVE_BUTTONS = "remove_buttons"


def keyboard_params(buttons: Keyboard) -> list[list[list[str]]]:
    return [[[button.label, button.data] for button in row] for row in buttons]


def send_params(text: str, buttons: Keyboard = ()) -> dict[str, Any]:
    params: dict[str, Any] = {"text": text}
    if buttons:
        params["buttons"] = keyboard_params(buttons)
    return params


def reply(
    chat_id: int, patient_id: int | None, item: Reply, *, urgent: bool = False
) -> OutgoingMessage:
    """A reply to a patient: at least once; an urgent answer goes before anything else."""
    return OutgoingMessage(
        kind="urgent" if urgent else "reply",
        chat_id=chat_id,
        method=SEND,
        params=send_params(item.text, item.buttons),
        priority=Priority.URGENT if urgent else Priority.REPLY,
        patient_id=patient_id,
    )


def staff_alert(chat_id: int, item: StaffAlert, alert_id: int | None = None) -> OutgoingMessage:
    """A warning-sign alert for the staff chat: at least once, first in line. Not linked
    to the patient: `/forget` must not stop an alert already raised."""
    return OutgoingMessage(
        kind="alert",
        chat_id=chat_id,
        method=SEND,
        params=send_params(item.text),
        priority=Priority.URGENT,
        alert_id=alert_id,
    )


def staff_message(chat_id: int, text: str) -> OutgoingMessage:
    """A report or note for staff (stats, unanswered questions, knowledge problems)."""
    return OutgoingMessage(
        kind="staff",
        chat_id=chat_id,
        method=SEND,
        params=send_params(text),
        priority=Priority.REPORT,
    )


def remove_buttons(chat_id: int, patient_id: int | None, message_id: int) -> OutgoingMessage:
    """Take the buttons off a message whose button was pressed (cosmetic: at least once)."""
    return OutgoingMessage(
        kind="edit",
        chat_id=chat_id,
        method=REMOVE_BUTTONS,
        params={"message_id": message_id},
        priority=Priority.REPLY,
        patient_id=patient_id,
    )


def checkin(
    chat_id: int,
    patient_id: int,
    item: Reply,
    checkin_id: int | None,
    not_after: datetime | None,
) -> OutgoingMessage:
    """A check-in (or the "shall I go on?" question): at most once, within its window."""
    return OutgoingMessage(
        kind="checkin",
        chat_id=chat_id,
        method=SEND,
        params=send_params(item.text, item.buttons),
        priority=Priority.CHECKIN,
        at_most_once=True,
        patient_id=patient_id,
        checkin_id=checkin_id,
        not_after=not_after,
    )
