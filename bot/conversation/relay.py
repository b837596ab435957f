"""Staff talking to a patient through the bot, and the patient's photos.

A staff member replies (Telegram's reply) to an alert or to a patient's relayed message
in the staff chat, or writes in the patient's topic of a forum staff chat, or opens a
conversation with `/message`. The bot delivers the text to the patient, signed. While the
conversation is open the patient's messages (text and photos) go to the staff chat
instead of being answered by the bot; the warning-sign check still runs on each. `/done`
(in reply, or in the topic) hands the patient back to the bot, as does a silence of
AFTERCARE_HANDOFF_IDLE_HOURS.

Photos: the bot never downloads or stores them. With the patient's consent (asked once)
a photo is copied to the staff chat, during a conversation or after a warning sign.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.config import Settings
from bot.conversation.events import (
    Button,
    CopyToStaff,
    NonText,
    Outgoing,
    Reply,
    StaffMessage,
    StaffText,
    Toast,
)
from bot.conversation.turn import Turn
from bot.conversation.wording import escape, quoted, shown_day, who
from bot.core.model import KnowledgeBase
from bot.core.pseudonym import pseudonym
from bot.storage import alerts, handoffs, patients
from bot.storage.patients import Patient

log = logging.getLogger(__name__)

PHOTO_AFTER_ALERT = timedelta(hours=24)
"""A photo sent this long after a warning sign still goes to the team (with consent)."""


def in_conversation(turn: Turn, patient: Patient) -> bool:
    return handoffs.current(turn.db, patient.id) is not None


def patient_text(turn: Turn, patient: Patient, text: str) -> list[Outgoing]:
    """A patient's message while staff talk to them: to the staff chat, not answered."""
    handoffs.touch(turn.db, patient.id, turn.now)
    line = turn.say(
        "relay_to_staff",
        who=who(patient.first_name, patient.username, patient.id),
        day=shown_day(turn.day(patient)),
        quote=quoted(text),
    )
    return [StaffMessage(line, patient.id, _thread_reply(turn, patient.id))]


def staff_text(turn: Turn, event: StaffText) -> list[Outgoing]:
    """A staff member's reply to a patient's message, alert or prompt (or a message in the
    patient's topic): delivered to the patient, signed; the conversation opens."""
    patient = _patient_addressed(turn, event.reply_to, event.thread_id)
    if patient is None:
        return []
    if not turn.is_staff:
        return [StaffMessage(turn.say("not_staff_reply"), reply_to=event.reply_to)]
    name = turn.sender.first_name or "The team"
    opened = handoffs.open_or_touch(turn.db, patient.id, name, turn.now)
    signed = turn.say("staff_message_to_patient", name=escape(name), text=escape(event.text))
    sent: list[Outgoing] = [Reply(signed, to=patient.chat_id)]
    if opened:
        person = who(patient.first_name, patient.username, patient.id)
        sent.append(StaffMessage(turn.say("handoff_opened", who=person), patient.id))
    log.info("staff wrote to patient %s", pseudonym(patient.id))
    return sent


def message_command(turn: Turn, args: tuple[str, ...]) -> list[Outgoing]:
    """/message <id or first name>: open a conversation with a patient (a written call
    back). Staff answer the bot's note with Telegram's reply to write to them."""
    if not args:
        return [StaffMessage(turn.say("message_usage"))]
    wanted = " ".join(args)[:64]
    found = _find_patients(turn.db, wanted)
    if not found:
        return [StaffMessage(turn.say("message_not_found", name=escape(wanted)))]
    if len(found) > 1:
        return [StaffMessage(turn.say("message_ambiguous", name=escape(wanted)))]
    patient = found[0]
    handoffs.open_or_touch(turn.db, patient.id, turn.sender.first_name or None, turn.now)
    person = who(patient.first_name, patient.username, patient.id)
    return [StaffMessage(turn.say("handoff_opened", who=person), patient.id)]


def done_command(turn: Turn, reply_to: int | None, thread_id: int | None) -> list[Outgoing]:
    """/done in reply to a patient's message (or in their topic): back to the bot."""
    patient = _patient_addressed(turn, reply_to, thread_id)
    if patient is None or not handoffs.close(turn.db, patient.id, turn.now):
        return [StaffMessage(turn.say("done_nothing"), reply_to=reply_to)]
    return _handed_back(turn.knowledge.base, patient)


def close_idle(
    db: Database, knowledge: KnowledgeBase, settings: Settings, now: datetime
) -> list[Outgoing]:
    """Conversations silent for AFTERCARE_HANDOFF_IDLE_HOURS go back to the bot."""
    before = now - timedelta(hours=settings.handoff_idle_hours)
    sent: list[Outgoing] = []
    for patient_id in handoffs.idle_since(db, before):
        handoffs.close(db, patient_id, now)
        patient = patients.get_patient(db, patient_id)
        if patient is not None:
            sent.extend(_handed_back(knowledge, patient))
    return sent


def end_for_forget(turn: Turn, patient_id: int) -> list[Outgoing]:
    """/forget ends an open conversation; the patient hears what stays in the staff chat."""
    if handoffs.close(turn.db, patient_id, turn.now):
        return [Reply(turn.say("forget_staff_note"))]
    return []


def photo(turn: Turn, patient: Patient, event: NonText) -> list[Outgoing] | None:
    """A photo from a patient in a conversation with staff, or after a warning sign:
    copied to the staff chat once they have agreed (asked once). None: not for staff."""
    if event.message_id is None or turn.settings.staff_chat_id is None:
        return None
    if not (in_conversation(turn, patient) or _recent_alert(turn, patient.id)):
        return None
    if not patient.photo_consent:
        patients.set_photo_pending(turn.db, patient.id, event.message_id)
        base = turn.knowledge.base
        buttons = (
            (
                Button(base.wording["photo_yes"], "photo:yes"),
                Button(base.wording["photo_no"], "photo:no"),
            ),
        )
        return [Reply(turn.say("photo_consent"), buttons)]
    return [*_copy(turn, patient, event.message_id), Reply(turn.say("photo_sent"))]


def photo_button(turn: Turn, value: str) -> list[Outgoing]:
    """The patient's answer to the photo consent question."""
    patient = turn.known_patient()
    if patient is None or patient.photo_pending is None:
        return [Toast(turn.say("button_expired"))]
    pending = patient.photo_pending
    patients.set_photo_pending(turn.db, patient.id, None)
    if value != "yes":
        return [Reply(turn.say("photo_not_sent"))]
    patients.set_photo_consent(turn.db, patient.id, True)
    return [*_copy(turn, patient, pending), Reply(turn.say("photo_sent"))]


def _copy(turn: Turn, patient: Patient, message_id: int) -> list[Outgoing]:
    line = turn.say(
        "relay_photo",
        who=who(patient.first_name, patient.username, patient.id),
        day=shown_day(turn.day(patient)),
    )
    note = StaffMessage(line, patient.id, _thread_reply(turn, patient.id))
    return [note, CopyToStaff(patient.chat_id, message_id, patient.id)]


def _handed_back(knowledge: KnowledgeBase, patient: Patient) -> list[Outgoing]:
    person = who(patient.first_name, patient.username, patient.id)
    return [
        Reply(knowledge.wording["handoff_closed_patient"], to=patient.chat_id),
        StaffMessage(knowledge.wording["handoff_closed_staff"].format(who=person), patient.id),
    ]


def _patient_addressed(turn: Turn, reply_to: int | None, thread_id: int | None) -> Patient | None:
    chat_id = turn.sender.chat_id
    patient_id = None
    if reply_to is not None:
        patient_id = handoffs.patient_of_message(turn.db, chat_id, reply_to)
    if patient_id is None and thread_id is not None:
        patient_id = handoffs.patient_of_topic(turn.db, chat_id, thread_id)
    return patients.get_patient(turn.db, patient_id) if patient_id is not None else None


def _thread_reply(turn: Turn, patient_id: int) -> int | None:
    """Where a relayed message threads in a plain group: under the last one about them."""
    chat_id = turn.settings.staff_chat_id
    return handoffs.last_message_for(turn.db, chat_id, patient_id) if chat_id else None


def _recent_alert(turn: Turn, patient_id: int) -> bool:
    return alerts.alerted_since(turn.db, patient_id, turn.now - PHOTO_AFTER_ALERT)


def _find_patients(db: Database, wanted: str) -> list[Patient]:
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 15:
        found = patients.get_patient(db, int(wanted))
        return [found] if found is not None else []
    return patients.find_by_first_name(db, wanted)
