"""Questions: the knowledge's answer, a "Did you mean", or the kind fallback; topic
buttons; photos, stickers and the like. (Warning signs go first, in `alerts`.)"""

from __future__ import annotations

import logging

from bot.conversation.events import NonText, Outgoing, Reply
from bot.conversation.small_talk import read_small_talk
from bot.conversation.turn import Turn
from bot.conversation.wording import suggestion_buttons
from bot.core.matching import Match
from bot.core.pseudonym import pseudonym
from bot.core.signs import MESSAGE_LIMIT
from bot.storage import questions
from bot.storage.patients import Patient

log = logging.getLogger(__name__)


def answer(turn: Turn, patient: Patient, text: str, match: Match) -> list[Outgoing]:
    """The knowledge's answer (or "Did you mean", or the fallback), logged for the stats;
    the unsure and unanswered questions are kept for staff."""
    match = read_small_talk(turn, text, match)
    # The topic stays out of the log: with the pseudonym it would be a health detail.
    log.info("patient %s: question, decision %s", pseudonym(patient.id), match.decision)
    _log_question(turn, patient.id, text, match)
    if match.decision == "suggest":
        return [Reply(match.answer, suggestion_buttons(turn.knowledge.base, match.suggestions))]
    return [Reply(match.answer)]


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
    social = match.intent is not None and turn.knowledge.base.rule(match.intent).is_social
    handled: questions.HandledAs = "social" if social else match.decision
    questions.record_question(turn.db, patient_id, handled, rule, False, turn.now)
    if match.decision == "answer" or match.intent is not None:
        return
    suggested = match.decision == "suggest"
    decision: questions.UnansweredDecision = "suggest" if suggested else "fallback"
    closest = match.rule or (match.suggestions[0] if match.suggestions else None)
    # Kept whole, like the warning-sign check reads it: staff see what the patient wrote.
    kept = text[:MESSAGE_LIMIT]
    # Read now, while the matcher has the message's terms at hand: grouping the inbox
    # later need not read it again.
    matcher = turn.knowledge.matcher
    grouping = (matcher.grouping_key(kept), matcher.reading)
    questions.record_unanswered(turn.db, kept, decision, closest, match.score, turn.now, grouping)
