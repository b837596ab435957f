"""What the conversation decided, as messages for the outbox (`bot.storage.outbox`).

The conversation's `Outgoing` items say what to tell whom; here they become queued
messages with their delivery semantics (see the outbox's docstring). The verbs are the
product's ("send", "remove_buttons"); `bot.telegram.delivery` turns them into Bot API
calls.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.conversation.events import (
    CopyToStaff,
    EditStaffMessage,
    Keyboard,
    Reply,
    StaffAlert,
    StaffMessage,
)
from bot.storage.outbox import OutgoingMessage, Priority

SEND = "send"
COPY = "copy"
EDIT = "edit"
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


def staff_alert(chat_id: int, item: StaffAlert) -> OutgoingMessage:
    """A warning-sign alert for the staff chat: at least once, first in line. Not linked
    to the patient as a row (`/forget` must not stop an alert already raised); the patient
    it is about goes along so a reply to it reaches them."""
    params = send_params(item.text, item.buttons)
    if item.patient_id is not None:
        params["about_patient"] = item.patient_id
    return OutgoingMessage(
        kind="alert",
        chat_id=chat_id,
        method=SEND,
        params=params,
        priority=Priority.URGENT,
        alert_id=item.alert_id,
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


def staff_note(chat_id: int, item: StaffMessage) -> OutgoingMessage:
    """A message for the staff chat about a patient (a relayed message, a prompt, an
    alert sent again): at least once; a staff reply to it reaches the patient."""
    params = send_params(item.text, item.buttons)
    if item.patient_id is not None:
        params["about_patient"] = item.patient_id
    if item.reply_to is not None:
        params["reply_to"] = item.reply_to
    return OutgoingMessage(
        kind="staff", chat_id=chat_id, method=SEND, params=params, priority=Priority.URGENT
    )


def copy_to_staff(chat_id: int, item: CopyToStaff) -> OutgoingMessage:
    """A patient's photo, copied by Telegram to the staff chat (the bot never downloads
    it): at least once."""
    params: dict[str, Any] = {
        "from_chat_id": item.from_chat_id,
        "message_id": item.message_id,
        "about_patient": item.patient_id,
    }
    return OutgoingMessage(
        kind="staff", chat_id=chat_id, method=COPY, params=params, priority=Priority.URGENT
    )


def edit_staff_message(chat_id: int, item: EditStaffMessage) -> OutgoingMessage:
    """A staff-chat message of the bot's rewritten (an alert marked as taken)."""
    params: dict[str, Any] = {"message_id": item.message_id, "text": item.text}
    if item.buttons:
        params["buttons"] = keyboard_params(item.buttons)
    return OutgoingMessage(
        kind="edit", chat_id=chat_id, method=EDIT, params=params, priority=Priority.URGENT
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
