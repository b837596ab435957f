"""The conversation engine: what the bot says to a patient, whoever carries the message.

Telegram (`bot.app`) and the terminal (`bot.terminal`) both turn what a person did into
one `Incoming` event and call `Conversation.handle(sender, event, now)`; they get back
the replies, the staff alert and the "take the buttons away" marker to deliver. Nothing
here knows about Telegram, and `now` is always passed in: every date decision reads the
clock when it is made.

The dialogue is a small state machine kept in the patient's row (`patients.state`):

    /start, /treatment -> AWAITING_DATE -> a date -> AWAITING_CHECKIN_CHOICE -> questions
    /forget -> AWAITING_FORGET_CONFIRM -> "yes" or the button -> everything deleted

Every free-text message is checked for a warning sign first, in every state. Check-ins
belong to the scheduler: the engine tells it what changed through `CheckInHooks`, and
hands it the presses on check-in buttons.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from functools import cache, partial
from typing import Any
from zoneinfo import available_timezones

from sqlite_utils import Database

from bot.checkin_hooks import CheckInHooks, NoCheckIns
from bot.config import Settings, parse_clock_time, parse_timezone
from bot.core.dates import (
    DateProblem,
    days_since_treatment,
    format_treatment_date,
    parse_treatment_date,
)
from bot.core.matching import Match
from bot.core.text import MAX_MESSAGE_CHARS
from bot.knowledge.holder import Knowledge, KnowledgeHolder
from bot.knowledge.model import WARNING_SIGNS
from bot.replies import (
    ButtonPress,
    Command,
    Incoming,
    NonText,
    Outgoing,
    RemoveButtons,
    Reply,
    Sender,
    checkin_offer,
    clock,
    date_buttons,
    day_note,
    escape,
    forget_confirmation,
    format_stats,
    format_unanswered,
    reload_report,
    say,
    staff_alert,
    suggestion_buttons,
    topic_buttons,
)
from bot.storage import alerts, patients, questions, stats
from bot.storage.patients import (
    AWAITING_CHECKIN_CHOICE,
    AWAITING_DATE,
    AWAITING_FORGET_CONFIRM,
    Patient,
)
from bot.storage.store import Store
from bot.tools.unanswered import group_questions

log = logging.getLogger(__name__)

PATIENT_COMMANDS: dict[str, str] = {
    "start": "Start: tell me your treatment date",
    "help": "What I can do",
    "topics": "Browse aftercare topics",
    "treatment": "Set or change your treatment date",
    "checkins": "Check-ins on or off",
    "time": "When check-ins arrive (HH:MM)",
    "timezone": "Your time zone",
    "status": "What I know about you",
    "forget": "Delete everything I store about you",
}
"""The patient commands and their one-line descriptions, as Telegram's menu shows them."""
STAFF_COMMANDS = ("stats", "unanswered", "reload")

_YES = {"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "yes please", "please"}
_NO = {"no", "n", "nope", "no thanks", "no thank you", "not now", "nah"}
_FORGET_YES = {"yes", "y", "yes please", "yes delete", "delete", "yes delete everything"}
_WORDS = re.compile(r"[a-z]+")


class Conversation:
    """The one conversation engine shared by Telegram and the terminal."""

    def __init__(
        self,
        store: Store,
        knowledge: KnowledgeHolder,
        settings: Settings,
        hooks: CheckInHooks | None = None,
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.settings = settings
        self.hooks: CheckInHooks = hooks or NoCheckIns()

    async def handle(self, sender: Sender, event: Incoming, now: datetime) -> list[Outgoing]:
        """Everything to deliver in answer to `event`, in order."""
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be time-zone aware")
        kb = self.knowledge.current
        if isinstance(event, Command):
            return await self._command(sender, event, now, kb)
        if isinstance(event, ButtonPress):
            return await self._button(sender, event.data, now, kb)
        if isinstance(event, NonText):
            log.info("user %s: a %s message", sender.user_id, event.kind)
            not_read = Reply(kb.base.wording["non_text"])
            if event.caption and event.caption.strip():
                return [*await self._text(sender, event.caption, now, kb), not_read]
            await self._meet(sender, now)
            return [not_read]
        return await self._text(sender, event.text, now, kb)

    async def patient_unreachable(self, patient_id: int) -> None:
        """The patient blocked the bot: nothing more is sent until they write again."""
        await self.store.run(patients.mark_unreachable, patient_id)

    def is_staff(self, user_id: int) -> bool:
        return user_id in self.settings.staff_ids

    # --- free text ------------------------------------------------------------------------

    async def _text(
        self, sender: Sender, text: str, now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        if not text.strip():
            return [Reply(say(kb.base, "empty_message"))]
        patient = await self._meet(sender, now)
        words = " ".join(_WORDS.findall(text.lower()))
        if patient.state == AWAITING_FORGET_CONFIRM:
            if words in _FORGET_YES:
                return await self._forget(patient.id)
            await self.store.run(patients.set_state, patient.id, None)
            if words in _NO:
                return [Reply(say(kb.base, "forget_kept"))]
        elif patient.state == AWAITING_CHECKIN_CHOICE:
            if words in _YES:
                return await self._checkins_on(patient, now, kb)
            if words in _NO:
                return await self._checkins_off(patient, now, kb)
            await self.store.run(patients.set_state, patient.id, None)
        day = _day(patient, now)
        match = kb.matcher.match(text, day)
        if match.red_flag:
            return await self._warning_sign(sender, day, text, match.answer, match.sign, now, kb)
        if patient.state == AWAITING_DATE:
            return await self._date_or_question(patient, text, match, now, kb)
        return await self._answer(patient, text, match, now, kb)

    async def _date_or_question(
        self, patient: Patient, text: str, match: Match, now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        """While we wait for the date, a date is taken and a real question still answered."""
        try:
            treated_on = parse_treatment_date(text, _today(patient, now), self.settings.date_order)
        except DateProblem as problem:
            if match.decision == "fallback" and match.intent is None:
                return [Reply(problem.message, date_buttons(kb.base))]
            answer = await self._answer(patient, text, match, now, kb)
            return [*answer, Reply(say(kb.base, "date_still_needed"), date_buttons(kb.base))]
        return await self._date_given(patient, treated_on, now, kb)

    async def _answer(
        self, patient: Patient, text: str, match: Match, now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        log.info("patient %s: question, decision %s", patient.id, match.decision)
        await self.store.run(_log_question, patient.id, text, match, now)
        if match.decision == "suggest":
            return [Reply(match.answer, suggestion_buttons(kb.base, match.suggestions))]
        return [Reply(match.answer)]

    async def _warning_sign(
        self,
        sender: Sender,
        day: int | None,
        quote: str,
        answer: str,
        sign: str | None,
        now: datetime,
        kb: Knowledge,
    ) -> list[Outgoing]:
        """The urgent answer first, then the alert for staff; the sign is recorded."""
        alerted = self.settings.staff_chat_id is not None
        await self.store.run(_log_warning_sign, sender.user_id, day, sign, alerted, now)
        alert = staff_alert(kb.base, sender.first_name, sender.username, sender.user_id, day, quote)
        return [Reply(answer), alert]

    # --- treatment date and check-ins -----------------------------------------------------

    async def _ask_date(self, patient: Patient, kb: Knowledge) -> list[Outgoing]:
        await self.store.run(patients.set_state, patient.id, AWAITING_DATE)
        return [Reply(kb.base.wording["ask_treatment_date"], date_buttons(kb.base))]

    async def _date_given(
        self, patient: Patient, treated_on: date, now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        """Store the new treatment date, say what day it is, and offer check-ins."""
        state = None if patient.checkins_enabled else AWAITING_CHECKIN_CHOICE
        await self.store.run(_save_treatment, patient.id, treated_on, state, now)
        day = days_since_treatment(treated_on, now, patient.timezone)
        when = format_treatment_date(treated_on, _today(patient, now))
        lines = [say(kb.base, "date_accepted", date=when, day=day)]
        note = day_note(kb.base.plan, day)
        if note:
            lines.append(note)
        await self._tell_scheduler(self.hooks.treatment_changed, patient.id, now)
        if not patient.checkins_enabled:
            return [Reply("\n".join(lines)), checkin_offer(kb.base)]
        lines.append(say(kb.base, "checkins_follow_date"))
        return [Reply("\n".join(lines))]

    async def _checkins_on(self, patient: Patient, now: datetime, kb: Knowledge) -> list[Outgoing]:
        await self.store.run(_set_checkins, patient.id, True)
        await self._tell_scheduler(self.hooks.opted_in, patient.id, now)
        done = Reply(say(kb.base, "checkins_on", time=clock(patient.checkin_time)))
        if patient.treated_on is not None:
            return [done]
        need_date = Reply(say(kb.base, "checkins_on_need_date"))
        return [done, need_date, *await self._ask_date(patient, kb)]

    async def _checkins_off(self, patient: Patient, now: datetime, kb: Knowledge) -> list[Outgoing]:
        await self.store.run(_set_checkins, patient.id, False)
        await self._tell_scheduler(self.hooks.opted_out, patient.id, now)
        return [Reply(say(kb.base, "checkins_off"))]

    async def _tell_scheduler(
        self, hook: Callable[[int, datetime], Awaitable[None]], patient_id: int, now: datetime
    ) -> None:
        # A scheduler problem must not cost the patient their reply.
        try:
            await hook(patient_id, now)
        except Exception as error:
            log.error("check-in hook failed for patient %s: %s", patient_id, type(error).__name__)

    # --- buttons --------------------------------------------------------------------------

    async def _button(
        self, sender: Sender, data: str, now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        action, _, value = data.partition(":")
        log.info("user %s: button %s", sender.user_id, action)
        if action == "forget":
            if value == "yes":
                return [RemoveButtons(), *await self._forget(sender.user_id)]
            await self.store.run(_cancel_forget, sender.user_id)
            return [RemoveButtons(), Reply(say(kb.base, "forget_kept"))]
        await self.store.run(_cancel_forget, sender.user_id)
        patient = await self._meet(sender, now)
        if action == "ci":
            return await self._check_in_button(sender, patient, data, now, kb)
        if action == "date" and value in ("today", "yesterday"):
            today = _today(patient, now)
            treated_on = today if value == "today" else today - timedelta(days=1)
            return [RemoveButtons(), *await self._date_given(patient, treated_on, now, kb)]
        if action == "checkins":
            choose = self._checkins_on if value == "yes" else self._checkins_off
            return [RemoveButtons(), *await choose(patient, now, kb)]
        if action == "topic":
            if not kb.base.has_rule(value):
                return [Reply(say(kb.base, "topic_gone"))]
            return [Reply(kb.base.rule(value).answer_for(_day(patient, now)))]
        return []

    async def _check_in_button(
        self, sender: Sender, patient: Patient, data: str, now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        answer = await self.hooks.check_in_button(patient.id, data, now)
        sent: list[Outgoing] = [RemoveButtons()] if answer.remove_buttons else []
        sent.extend(answer.replies)
        day = _day(patient, now)
        if answer.worrying:
            urgent = kb.base.wording["red_flag_answer"]
            sent.extend(
                await self._warning_sign(sender, day, answer.quote, urgent, "check-in", now, kb)
            )
        elif answer.topic and kb.base.has_rule(answer.topic):
            sent.append(Reply(kb.base.rule(answer.topic).answer_for(day)))
        return sent

    # --- commands -------------------------------------------------------------------------

    async def _command(
        self, sender: Sender, command: Command, now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        name = command.name
        staff = self.is_staff(sender.user_id)
        if name != "forget":
            # A "yes" typed later must not delete anything it wasn't asked about.
            await self.store.run(_cancel_forget, sender.user_id)
        known = name in PATIENT_COMMANDS or name in STAFF_COMMANDS
        log.info("user %s: command %s", sender.user_id, name if known else "(unknown)")
        if name in STAFF_COMMANDS and staff:
            return [Reply(await self._staff_command(name, now, kb))]
        if name == "help":
            extra = "\n" + say(kb.base, "staff_help") if staff else ""
            return [Reply(kb.base.wording["help"] + extra)]
        if name == "topics":
            return [Reply(say(kb.base, "topics_intro"), topic_buttons(kb.base))]
        if name == "forget":
            if await self.store.run(patients.get_patient, sender.user_id) is None:
                return [Reply(say(kb.base, "forget_nothing"))]
            await self.store.run(patients.set_state, sender.user_id, AWAITING_FORGET_CONFIRM)
            return [forget_confirmation(kb.base)]
        if name not in PATIENT_COMMANDS:
            return [Reply(say(kb.base, "unknown_command"))]
        patient = await self._meet(sender, now)
        if name == "start":
            wording = kb.base.wording
            welcome = Reply(f"{wording['welcome']}\n\n{wording['disclaimer']}")
            return [welcome, *await self._ask_date(patient, kb)]
        if name == "treatment":
            return await self._treatment(patient, command.args, now, kb)
        if name == "checkins":
            return await self._checkins(patient, command.args, now, kb)
        if name == "time":
            return await self._time(patient, command.args, now, kb)
        if name == "timezone":
            return await self._timezone(patient, command.args, now, kb)
        return [Reply(await self._status(patient, now, kb))]

    async def _treatment(
        self, patient: Patient, args: tuple[str, ...], now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        if not args:
            return await self._ask_date(patient, kb)
        try:
            treated_on = parse_treatment_date(
                " ".join(args), _today(patient, now), self.settings.date_order
            )
        except DateProblem as problem:
            await self.store.run(patients.set_state, patient.id, AWAITING_DATE)
            return [Reply(problem.message, date_buttons(kb.base))]
        return await self._date_given(patient, treated_on, now, kb)

    async def _checkins(
        self, patient: Patient, args: tuple[str, ...], now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        choice = args[0].lower() if args else ""
        if choice == "on":
            return await self._checkins_on(patient, now, kb)
        if choice == "off":
            return await self._checkins_off(patient, now, kb)
        state = "on" if patient.checkins_enabled else "off"
        return [Reply(say(kb.base, "checkins_usage", state=state))]

    async def _time(
        self, patient: Patient, args: tuple[str, ...], now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        if not args:
            return [Reply(say(kb.base, "time_usage", time=clock(patient.checkin_time)))]
        try:
            chosen = parse_clock_time(args[0].replace(".", ":"))
        except ValueError:
            return [Reply(say(kb.base, "time_bad"))]
        plan = kb.base.plan
        if plan.quiet.contains(chosen):
            start, end = clock(plan.quiet.start), clock(plan.quiet.end)
            return [Reply(say(kb.base, "time_quiet", start=start, end=end))]
        await self.store.run(patients.set_checkin_time, patient.id, chosen)
        await self._tell_scheduler(self.hooks.schedule_changed, patient.id, now)
        return [Reply(say(kb.base, "time_set", time=clock(chosen)))]

    async def _timezone(
        self, patient: Patient, args: tuple[str, ...], now: datetime, kb: Knowledge
    ) -> list[Outgoing]:
        if not args:
            return [Reply(say(kb.base, "timezone_usage", zone=patient.timezone.key))]
        name = " ".join(args)
        try:
            zone = parse_timezone(_zone_spelling(name))
        except ValueError as error:
            example = str(error).rsplit(" ", 1)[-1]
            bad = say(kb.base, "timezone_bad", name=escape(name), example=escape(example))
            return [Reply(bad)]
        await self.store.run(patients.set_timezone, patient.id, zone)
        await self._tell_scheduler(self.hooks.schedule_changed, patient.id, now)
        local = clock(now.astimezone(zone))
        return [Reply(say(kb.base, "timezone_set", zone=zone.key, clock=local))]

    async def _status(self, patient: Patient, now: datetime, kb: Knowledge) -> str:
        zone = patient.timezone
        today = _today(patient, now)
        if patient.treated_on is None:
            lines = [say(kb.base, "status_no_treatment")]
        else:
            when = format_treatment_date(patient.treated_on, today)
            lines = [say(kb.base, "status_treatment", date=when, day=_day(patient, now))]
        if not patient.checkins_enabled:
            return "\n".join([*lines, say(kb.base, "status_checkins_off")])
        at = clock(patient.checkin_time)
        lines.append(say(kb.base, "status_checkins_on", time=at, zone=zone.key))
        upcoming = await self.hooks.next_check_in(patient.id, now)
        if upcoming is not None:
            local = upcoming.astimezone(zone)
            when = f"{format_treatment_date(local.date(), today)}, {clock(local)}"
            lines.append(say(kb.base, "status_next", when=when))
        return "\n".join(lines)

    async def _forget(self, patient_id: int) -> list[Outgoing]:
        await self.store.run(patients.forget_patient, patient_id)
        log.info("patient %s: forgotten", patient_id)
        try:
            await self.hooks.patient_forgotten(patient_id)
        except Exception as error:
            log.error("forget hook failed for patient %s: %s", patient_id, type(error).__name__)
        return [Reply(say(self.knowledge.current.base, "forget_done"))]

    # --- staff ----------------------------------------------------------------------------

    async def _staff_command(self, name: str, now: datetime, kb: Knowledge) -> str:
        if name == "stats":
            return format_stats(await self.store.run(stats.stats, now))
        if name == "unanswered":
            since = now - timedelta(days=30)
            asked = await self.store.run(questions.unanswered_questions, since)
            return format_unanswered(group_questions(asked, kb.matcher))
        # Building a matcher takes a moment: not on the event loop.
        problems = await asyncio.to_thread(self.knowledge.reload)
        return reload_report(kb.base if problems else self.knowledge.current.base, problems)

    async def _meet(self, sender: Sender, now: datetime) -> Patient:
        """The sender as a patient: created on first contact, refreshed on every later one.

        A patient who had blocked the bot and writes again is reachable again; if their
        check-ins are still on, what is still ahead of their plan is planned again.
        """
        meet = partial(
            _meet_patient,
            chat_id=sender.chat_id,
            first_name=sender.first_name or None,
            username=sender.username,
            timezone=self.settings.timezone,
            checkin_time=self.settings.checkin_time,
            now=now,
            channel=sender.channel,
        )
        patient, returned = await self.store.run(meet, sender.user_id)
        if returned and patient.checkins_enabled:
            await self._tell_scheduler(self.hooks.opted_in, patient.id, now)
        return patient


def _today(patient: Patient, now: datetime) -> date:
    return now.astimezone(patient.timezone).date()


def _day(patient: Patient, now: datetime) -> int | None:
    if patient.treated_on is None:
        return None
    return days_since_treatment(patient.treated_on, now, patient.timezone)


def _zone_spelling(name: str) -> str:
    """'europe/london' -> 'Europe/London': people don't type time zones in the right case."""
    return _zones_by_lower_case().get(name.strip().replace(" ", "_").lower(), name)


@cache
def _zones_by_lower_case() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


# --- store functions: each runs as one transaction ----------------------------------------


def _meet_patient(db: Database, patient_id: int, **profile: Any) -> tuple[Patient, bool]:
    """The patient, and whether they were unreachable (had blocked the bot) until now."""
    before = db.execute("SELECT reachable FROM patients WHERE id = ?", [patient_id]).fetchone()
    patient = patients.get_or_create_patient(db, patient_id, **profile)
    return patient, before is not None and not before[0]


def _log_question(db: Database, patient_id: int, text: str, match: Match, now: datetime) -> None:
    """Every question is counted; the unsure and unanswered ones are kept for staff."""
    rule = match.rule or match.intent
    questions.record_question(db, patient_id, match.decision, rule, False, now)
    if match.decision == "answer" or match.intent is not None:
        return
    decision: questions.UnansweredDecision = (
        "suggest" if match.decision == "suggest" else "fallback"
    )
    closest = match.rule or (match.suggestions[0] if match.suggestions else None)
    questions.record_unanswered(db, text[:MAX_MESSAGE_CHARS], decision, closest, match.score, now)


def _log_warning_sign(
    db: Database, patient_id: int, day: int | None, sign: str | None, alerted: bool, now: datetime
) -> None:
    questions.record_question(db, patient_id, "answer", WARNING_SIGNS, True, now)
    alerts.record_red_flag(db, patient_id, day, sign or "unspecified", alerted, now)


def _save_treatment(
    db: Database, patient_id: int, treated_on: date, state: str | None, now: datetime
) -> None:
    patients.add_treatment(db, patient_id, treated_on, now)
    patients.set_state(db, patient_id, state)


def _cancel_forget(db: Database, patient_id: int) -> None:
    patient = patients.get_patient(db, patient_id)
    if patient is not None and patient.state == AWAITING_FORGET_CONFIRM:
        patients.set_state(db, patient_id, None)


def _set_checkins(db: Database, patient_id: int, enabled: bool) -> None:
    patients.set_checkins_enabled(db, patient_id, enabled)
    patients.set_state(db, patient_id, None)
