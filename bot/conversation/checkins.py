"""Check-ins as the patient sees them: the messages and their buttons, what a press on one
means, and `StoredCheckIns`, the check-in hooks over the stored plan.

The scheduler decides *when* (`scheduler.planning`); this module decides *what is said*,
from the knowledge in use at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from bot.conversation import alerts, outbound
from bot.conversation.checkin_hooks import CheckInAnswer
from bot.conversation.events import Button, Outgoing, RemoveButtons, Reply, Toast
from bot.conversation.turn import Turn
from bot.core.model import KnowledgeBase
from bot.storage import checkin_plans, checkins, outbox
from scheduler.dispatch import Action, decide, patient_zone
from scheduler.messages import PAUSE, RESUME, ReplyChoice, parse_callback, reply_data
from scheduler.planning import CheckInStep

CONTACT_TOPIC = "contact-clinic"
WORRYING_SIGN = "check-in"
"""How a worrying reply button is recorded among the warning signs."""


def compose_checkin(knowledge: KnowledgeBase, step: CheckInStep, checkin_id: int) -> Reply:
    """The check-in of `step`: its text, its reply buttons and the pause button."""
    text = step.message.strip()
    if step.booking:
        text = f"{text}\n\n{_booking_contact(knowledge).strip()}"
    rows = [
        (Button(reply.label, reply_data(checkin_id, index)),)
        for index, reply in enumerate(step.replies)
    ]
    rows.append((Button(knowledge.wording["checkin_pause_button"], PAUSE),))
    return Reply(text, tuple(rows))


def ask_to_continue(knowledge: KnowledgeBase) -> Reply:
    """The one question sent after too many unanswered check-ins."""
    wording = knowledge.wording
    return Reply(
        wording["checkin_ask_to_continue"],
        (
            (Button(wording["checkin_keep_going_button"], RESUME),),
            (Button(wording["checkin_stop_button"], PAUSE),),
        ),
    )


def paused(knowledge: KnowledgeBase) -> Reply:
    """The answer to a pause: check-ins are off, and one tap brings them back."""
    wording = knowledge.wording
    return Reply(wording["checkin_paused"], ((Button(wording["checkin_resume_button"], RESUME),),))


def _booking_contact(knowledge: KnowledgeBase) -> str:
    """How to book the next session: the clinic's contact answer from the knowledge."""
    if knowledge.has_rule(CONTACT_TOPIC):
        return knowledge.rule(CONTACT_TOPIC).answer
    return knowledge.wording["checkin_booking_contact"]


def button(turn: Turn, data: str) -> list[Outgoing]:
    """A reply, pause or resume button under a check-in: the scheduler records it, and
    the conversation answers (a worrying reply takes the warning-sign path)."""
    if parse_callback(data) is None:
        return [Toast(turn.say("button_expired"))]
    patient = turn.meet()
    answer = turn.hooks.check_in_button(turn.db, patient.id, data, turn.now)
    sent: list[Outgoing] = [RemoveButtons()] if answer.remove_buttons else []
    sent.extend(answer.replies)
    day = turn.day(patient)
    base = turn.knowledge.base
    if answer.worrying:
        sent.extend(alerts.raise_alert(turn, day, answer.quote, WORRYING_SIGN))
    elif answer.topic and base.has_rule(answer.topic):
        sent.append(Reply(base.rule(answer.topic).answer_for(day)))
    turn.checkins_due |= answer.due_now
    return sent


class StoredCheckIns:
    """The check-in hooks over the stored plan (`bot.storage.checkin_plans`), reading the
    plan of the knowledge in use *now*, so a reload takes effect at the next event."""

    def __init__(self, knowledge: Callable[[], KnowledgeBase]) -> None:
        self.knowledge = knowledge

    def treatment_changed(
        self, db: Database, patient_id: int, shown_day: int | None, now: datetime
    ) -> bool:
        plan = self.knowledge().plan
        return checkin_plans.treatment_date_given(db, patient_id, plan, shown_day, now) > 0

    def opted_in(self, db: Database, patient_id: int, now: datetime) -> bool:
        return checkin_plans.opt_in(db, patient_id, self.knowledge().plan, now) > 0

    def opted_out(self, db: Database, patient_id: int, now: datetime) -> None:
        checkins.pause_checkins(db, patient_id, now, "opted out")

    def schedule_changed(self, db: Database, patient_id: int, now: datetime) -> bool:
        return checkin_plans.replan(db, patient_id, self.knowledge().plan, now) > 0

    def patient_forgotten(self, db: Database, patient_id: int) -> None:
        """Nothing to do: `forget_patient` deleted the check-in rows with the rest."""

    def next_check_in(self, db: Database, patient_id: int, now: datetime) -> datetime | None:
        upcoming = checkin_plans.next_checkin_local(db, patient_id)
        return upcoming.due_at if upcoming is not None else None

    def check_in_button(
        self, db: Database, patient_id: int, data: str, now: datetime
    ) -> CheckInAnswer:
        knowledge = self.knowledge()
        action = parse_callback(data)
        if action is None:
            return CheckInAnswer(remove_buttons=False)
        if action == PAUSE:
            checkins.pause_checkins(db, patient_id, now, "paused by the patient")
            return CheckInAnswer(replies=(paused(knowledge),))
        if action == RESUME:
            if checkin_plans.opt_in(db, patient_id, knowledge.plan, now):
                return CheckInAnswer((Reply(knowledge.wording["checkin_resumed"]),), due_now=True)
            return CheckInAnswer((Reply(knowledge.wording["checkin_resumed_nothing_left"]),))
        assert isinstance(action, ReplyChoice)
        recorded = checkin_plans.record_reply(
            db, patient_id, action.checkin_id, action.index, knowledge.plan, now
        )
        if recorded is None:
            return CheckInAnswer((Reply(knowledge.wording["checkin_already_answered"]),))
        reply = recorded.reply
        if reply.worrying:
            return CheckInAnswer(worrying=True, quote=reply.label)
        if reply.topic is not None:
            return CheckInAnswer(topic=reply.topic)
        return CheckInAnswer((Reply(reply.answer or knowledge.wording["checkin_reply_thanks"]),))


@dataclass
class DispatchReport:
    """What one look at the due check-ins did, by outcome."""

    queued: int = 0
    skipped: int = 0
    deferred: int = 0
    cancelled: int = 0
    asked_to_continue: int = 0

    @property
    def handled(self) -> int:
        return self.queued + self.skipped + self.deferred + self.cancelled + self.asked_to_continue


def queue_due(
    db: Database, knowledge: KnowledgeBase, now: datetime, limit: int = 200
) -> DispatchReport:
    """Decide about every check-in due by `now` (up to `limit`) and queue the ones to send,
    each with its message, in the caller's one transaction."""
    report = DispatchReport()
    plan = knowledge.plan
    for due in checkins.due(db, now, limit):
        step = plan.step(due.day)
        zone = patient_zone(due.timezone)
        decision = decide(
            due_at=due.due_at,
            next_due_at=due.next_due_at,
            now=now,
            zone=zone,
            quiet=plan.quiet,
            in_plan=step is not None,
            sendable=due.sendable,
            recent=checkins.recent_sent(db, due.patient_id),
            last_heard_from=checkins.last_heard_from(db, due.patient_id),
        )
        if decision.action is Action.SKIP:
            checkins.mark_skipped(db, due.id, now, decision.reason)
            report.skipped += 1
        elif decision.action is Action.CANCEL:
            checkins.mark_cancelled(db, due.id, now, decision.reason)
            report.cancelled += 1
        elif decision.action is Action.DEFER:
            assert decision.until is not None
            checkins.defer(db, due.id, decision.until, now)
            report.deferred += 1
        elif decision.action is Action.ASK_TO_CONTINUE:
            checkins.pause_checkins(db, due.patient_id, now, decision.reason)
            question = ask_to_continue(knowledge)
            outbox.enqueue(
                db, outbound.checkin(due.chat_id, due.patient_id, question, None, None), now
            )
            report.asked_to_continue += 1
        else:
            assert step is not None
            checkins.mark_queued(db, due.id, now)
            message = compose_checkin(knowledge, step, due.id)
            outbox.enqueue(
                db,
                outbound.checkin(due.chat_id, due.patient_id, message, due.id, decision.until),
                now,
            )
            report.queued += 1
    return report
