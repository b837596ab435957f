"""A person always answers a warning sign: the urgent answer (honest about who was told
and when the clinic is open), the alert with its buttons, "I'm on it", and alerts sent
again while nobody takes them."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.config import Settings
from bot.conversation.events import (
    EditStaffMessage,
    Outgoing,
    Reply,
    StaffAlert,
    StaffMessage,
    Toast,
)
from bot.conversation.turn import Turn
from bot.conversation.wording import alert_buttons, clock, staff_alert_text, who
from bot.core.dates import stated_day
from bot.core.matching import Match
from bot.core.model import WARNING_SIGNS, KnowledgeBase
from bot.core.opening_hours import parse_opening_hours
from bot.core.pseudonym import pseudonym
from bot.core.signs import UNREADABLE
from bot.storage import alerts, patients, questions

log = logging.getLogger(__name__)

ESCALATION_LIMIT = 4
"""An alert nobody takes is sent again at most this many times (then it waits in the
staff chat, and `aftercare stats` counts it as never taken)."""


def urgent_answer(turn: Turn, sign: str | None) -> str:
    """What the patient is told: honest about who was told and when the clinic is open."""
    wording = turn.knowledge.base.wording
    staffed = turn.settings.staff_chat_id is not None
    # A message we cannot read may be as urgent as any warning sign: out of hours it
    # gets the out-of-hours number too.
    kind = "unreadable_answer" if sign == UNREADABLE else "red_flag_answer"
    if not staffed:
        return wording[f"{kind}_no_staff"]
    if clinic_open(turn.knowledge.base, turn.settings, turn.now):
        return wording[kind]
    return wording[f"{kind}_closed"]


def clinic_open(knowledge: KnowledgeBase, settings: Settings, now: datetime) -> bool:
    """Whether the clinic is open now, in its own time zone (AFTERCARE_TIMEZONE)."""
    hours = parse_opening_hours(knowledge.wording["opening_hours"])
    return hours.is_open(now.astimezone(settings.timezone))


def checked_on_the_later_day(turn: Turn, text: str, day: int | None, match: Match) -> Match:
    """`match`, or the warning sign the message shows on the day the patient says it is
    ("still bleeding and its day 10") when that is later than the stored day (or the
    stored day is unknown): a sign that depends on the day is not missed because the
    date we hold is wrong. Topics keep the stored day."""
    said = stated_day(text)
    if match.red_flag or said is None or (day is not None and said <= day):
        return match
    later = turn.knowledge.matcher.match(text, said)
    return later if later.red_flag else match


def raise_alert(turn: Turn, day: int | None, quote: str, sign: str | None) -> list[Outgoing]:
    """The urgent answer first, then the alert for staff (when there is a staff chat to
    tell), and the offer to send the team a photo; the sign is recorded."""
    sender = turn.sender
    base = turn.knowledge.base
    staffed = turn.settings.staff_chat_id is not None
    unreadable = sign == UNREADABLE
    text = staff_alert_text(
        base, sender.first_name, sender.username, sender.user_id, day, quote, unreadable
    )
    questions.record_question(turn.db, sender.user_id, "answer", WARNING_SIGNS, True, turn.now)
    alert_id = alerts.record_red_flag(
        turn.db, sender.user_id, day, sign or "unspecified", staffed, turn.now, text
    )
    log.info("patient %s: warning sign %s", pseudonym(sender.user_id), sign or "unspecified")
    sent: list[Outgoing] = [Reply(urgent_answer(turn, sign))]
    if staffed:
        buttons = alert_buttons(base, alert_id)
        sent.append(StaffAlert(text, alert_id, sender.user_id, buttons))
        if not unreadable:
            sent.append(Reply(base.wording["photo_offer"]))
    return sent


def button(turn: Turn, value: str) -> list[Outgoing]:
    """The buttons under an alert, pressed in the staff chat: "take:ID" or "reply:ID"."""
    action = value.partition(":")[0]
    if action == "take":
        return take(turn, value)
    if action == "reply":
        return reply_button(turn, value)
    return [Toast(turn.say("button_expired"))]


def take(turn: Turn, value: str) -> list[Outgoing]:
    """ "I'm on it": the first staff member to press it takes the alert; the alert shows
    who and when, and the patient hears that a person has seen it."""
    alert_id = _alert_id(value)
    if alert_id is None or not turn.is_staff:
        return [Toast(turn.say("button_expired"))]
    sender = turn.sender
    name = sender.first_name or "Staff"
    alert, took = alerts.take(turn.db, alert_id, name, sender.user_id, turn.now)
    if alert is None or alert.taken_at is None:
        return [Toast(turn.say("button_expired"))]
    base = turn.knowledge.base
    at = clock(alert.taken_at.astimezone(turn.settings.timezone))
    if not took:
        return [Toast(turn.say("alert_already_taken", name=alert.taken_by or "?", time=at))]
    sent: list[Outgoing] = [Toast(turn.say("alert_taken_note", name=name, time=at))]
    if turn.event_message is not None:
        message_id, html = turn.event_message
        note = turn.say("alert_taken_note", name=name, time=at)
        sent.append(
            EditStaffMessage(message_id, f"{html}\n\n{note}", alert_buttons(base, alert_id, False))
        )
    patient = patients.get_patient(turn.db, alert.patient_id)
    if patient is not None:
        sent.append(Reply(base.wording["alert_taken_patient"], to=patient.chat_id))
    log.info("alert %d taken", alert_id)
    return sent


def reply_button(turn: Turn, value: str) -> list[Outgoing]:
    """ "Reply to patient": a prompt the staff member answers with Telegram's reply."""
    alert_id = _alert_id(value)
    alert = alerts.get_alert(turn.db, alert_id) if alert_id is not None else None
    patient = patients.get_patient(turn.db, alert.patient_id) if alert is not None else None
    if alert is None or patient is None or not turn.is_staff:
        return [Toast(turn.say("button_expired"))]
    prompt = turn.say("reply_prompt", who=who(patient.first_name, patient.username, patient.id))
    return [StaffMessage(prompt, patient.id, reply_to=alert.staff_message_id)]


def escalations(
    db: Database, knowledge: KnowledgeBase, settings: Settings, now: datetime
) -> list[Outgoing]:
    """Alerts nobody took within AFTERCARE_ALERT_ESCALATE_MINUTES, sent again (marked as
    waiting N minutes) to the staff chat and, when set, the escalation chat."""
    every = timedelta(minutes=settings.alert_escalate_minutes)
    sent: list[Outgoing] = []
    wording = knowledge.wording
    for alert in alerts.waiting(db, now, every, ESCALATION_LIMIT):
        minutes = round((now - alert.created_at).total_seconds() / 60)
        note = wording["alert_waiting"].format(minutes=minutes)
        text = f"{note}\n{alert.text or ''}".strip()
        buttons = alert_buttons(knowledge, alert.id)
        sent.append(StaffMessage(text, alert.patient_id, alert.staff_message_id, buttons))
        if settings.escalation_chat_id is not None:
            sent.append(StaffMessage(text, escalation=True))
        alerts.escalated(db, alert.id, now)
        log.warning("alert %d untaken for %d minutes: sent again", alert.id, minutes)
    return sent


def _alert_id(value: str) -> int | None:
    """The alert id at the end of "take:12" / "reply:12" button data; None if forged."""
    tail = value.rpartition(":")[2]
    return int(tail) if tail.isascii() and tail.isdigit() and len(tail) <= 12 else None
