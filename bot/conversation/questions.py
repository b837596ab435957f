"""Free text: a warning sign first, then the knowledge's answer, a "Did you mean", or the
kind fallback; topic buttons; photos, stickers and the like."""

from __future__ import annotations

import logging

from bot.conversation.events import NonText, Outgoing, Reply
from bot.conversation.turn import Turn
from bot.conversation.wording import staff_alert, suggestion_buttons
from bot.core.matching import Match
from bot.core.model import WARNING_SIGNS
from bot.core.pseudonym import pseudonym
from bot.core.text import MAX_MESSAGE_CHARS
from bot.storage import alerts, questions
from bot.storage.patients import Patient

log = logging.getLogger(__name__)


def answer(turn: Turn, patient: Patient, text: str, match: Match) -> list[Outgoing]:
    """The knowledge's answer (or "Did you mean", or the fallback), logged for the stats;
    the unsure and unanswered questions are kept for staff."""
    log.info("patient %s: question, decision %s", pseudonym(patient.id), match.decision)
    _log_question(turn, patient.id, text, match)
    if match.decision == "suggest":
        return [Reply(match.answer, suggestion_buttons(turn.knowledge.base, match.suggestions))]
    return [Reply(match.answer)]


def warning_sign(
    turn: Turn, day: int | None, quote: str, urgent_answer: str, sign: str | None
) -> list[Outgoing]:
    """The urgent answer first, then the alert for staff; the sign is recorded."""
    sender = turn.sender
    alerted = turn.settings.staff_chat_id is not None
    questions.record_question(turn.db, sender.user_id, "answer", WARNING_SIGNS, True, turn.now)
    alerts.record_red_flag(turn.db, sender.user_id, day, sign or "unspecified", alerted, turn.now)
    alert = staff_alert(
        turn.knowledge.base, sender.first_name, sender.username, sender.user_id, day, quote
    )
    return [Reply(urgent_answer), alert]


def topic_button(turn: Turn, rule_id: str) -> list[Outgoing]:
    """A topic from /topics or "Did you mean": its answer for the patient's day."""
    base = turn.knowledge.base
    if not base.has_rule(rule_id):
        return [Reply(turn.say("topic_gone"))]
    patient = turn.known_patient()
    day = turn.day(patient) if patient is not None else None
    return [Reply(base.rule(rule_id).answer_for(day))]


def non_text(turn: Turn, event: NonText, read: list[Outgoing]) -> list[Outgoing]:
    """A photo, sticker, voice note...: its caption (already read as text, `read`) and a
    note that only text is read."""
    log.info("patient %s: a %s message", pseudonym(turn.sender.user_id), event.kind)
    not_read = Reply(turn.knowledge.base.wording["non_text"])
    if read:
        return [*read, not_read]
    turn.meet()
    return [not_read]


def _log_question(turn: Turn, patient_id: int, text: str, match: Match) -> None:
    rule = match.rule or match.intent
    questions.record_question(turn.db, patient_id, match.decision, rule, False, turn.now)
    if match.decision == "answer" or match.intent is not None:
        return
    suggested = match.decision == "suggest"
    decision: questions.UnansweredDecision = "suggest" if suggested else "fallback"
    closest = match.rule or (match.suggestions[0] if match.suggestions else None)
    kept = text[:MAX_MESSAGE_CHARS]
    questions.record_unanswered(turn.db, kept, decision, closest, match.score, turn.now)
