"""How the bot words things: its sentences from `bot.yaml` with their fields filled in,
its buttons, and the staff's reports. Pure functions of the knowledge and plain data.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, time

from bot.conversation.events import Button, Keyboard, Reply, StaffAlert
from bot.core.model import KnowledgeBase
from bot.storage.stats import Stats
from bot.tools.unanswered import QuestionGroup
from scheduler.planning import CheckInPlan, CheckInStep

ALERT_QUOTE_LIMIT = 1000
_REPORT_LIMIT = 3500


def say(kb: KnowledgeBase, key: str, **fields: object) -> str:
    """One of the bot's sentences from `bot.yaml`, with its {fields} filled in."""
    return kb.wording[key].format(**fields)


def escape(text: str) -> str:
    """Make text that did not come from the knowledge files safe inside Telegram HTML."""
    return html.escape(text, quote=False)


_TAG = re.compile(r"<[^>]+>")


def plain_text(text: str) -> str:
    """Telegram HTML as plain text for the terminal: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def clock(moment: time | datetime) -> str:
    return moment.strftime("%H:%M")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def date_buttons(kb: KnowledgeBase) -> Keyboard:
    return (
        (
            Button(say(kb, "date_today"), "date:today"),
            Button(say(kb, "date_yesterday"), "date:yesterday"),
        ),
    )


def checkin_offer(kb: KnowledgeBase) -> Reply:
    yes = Button(say(kb, "checkin_yes"), "checkins:yes")
    no = Button(say(kb, "checkin_no"), "checkins:no")
    return Reply(say(kb, "checkin_offer"), ((yes, no),))


def forget_confirmation(kb: KnowledgeBase) -> Reply:
    yes = Button(say(kb, "forget_yes"), "forget:yes")
    no = Button(say(kb, "forget_no"), "forget:no")
    return Reply(say(kb, "forget_confirm"), ((yes, no),))


def topic_buttons(kb: KnowledgeBase) -> Keyboard:
    """Every aftercare topic as a button, two to a row."""
    buttons = [Button(rule.title, f"topic:{rule.id}") for rule in kb.aftercare_rules]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


def suggestion_buttons(kb: KnowledgeBase, rule_ids: tuple[str, ...]) -> Keyboard:
    """One button per suggested topic, for "Did you mean...?"."""
    return tuple(
        (Button(kb.rule(rule_id).title, f"topic:{rule_id}"),)
        for rule_id in rule_ids
        if kb.has_rule(rule_id)
    )


def day_note(plan: CheckInPlan, day: int) -> str | None:
    """What to expect around `day`: the latest planned check-in up to that day, without
    its questions (their reply buttons belong to the check-in itself)."""
    step = day_note_step(plan, day)
    return _without_questions(step.message) if step is not None else None


def day_note_step(plan: CheckInPlan, day: int) -> CheckInStep | None:
    """The check-in whose message `day_note` shows on `day`, if it shows one.

    The scheduler does not send that check-in as well (see
    `scheduler.service.on_treatment_date`): the patient has just read it.
    """
    steps = [step for step in plan.steps if step.day <= day]
    if not steps or _without_questions(steps[-1].message) is None:
        return None
    return steps[-1]


def _without_questions(message: str) -> str | None:
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(message.split()))
    return " ".join(s for s in sentences if not s.endswith("?")) or None


def staff_alert(
    kb: KnowledgeBase,
    first_name: str,
    username: str | None,
    user_id: int,
    day: int | None,
    quote: str,
) -> StaffAlert:
    """'Warning sign: Anna (@anna_k, id 123456), day 3: "..."', with the patient's words
    and names escaped."""
    handle = f"@{escape(username)}, " if username else ""
    who = f"{escape(first_name or 'Patient')} ({handle}id {user_id})"
    quoted = escape(shorten(" ".join(quote.split()), ALERT_QUOTE_LIMIT))
    shown_day = day if day is not None else "unknown"
    return StaffAlert(say(kb, "staff_alert", who=who, day=shown_day, quote=quoted))


def reload_report(kb: KnowledgeBase, problems: list[str]) -> str:
    """What staff read after /reload: the new size, or every problem as file:line."""
    if problems:
        listed = escape(shorten("\n".join(problems), _REPORT_LIMIT))
        return say(kb, "reload_failed", problems=listed)
    return say(kb, "reload_done", topics=len(kb.rules), checkins=len(kb.plan.steps))


def format_stats(figures: Stats) -> str:
    week = figures["last_7_days"]
    return "\n".join(
        [
            "<b>Last 7 days</b>",
            f"New patients: {week['new_patients']}",
            f"Questions answered: {week['questions_answered']}, "
            f"did-you-mean: {week['questions_suggested']}, "
            f"fell back: {week['questions_fallen_back']}",
            f"Warning signs: {week['red_flags']}",
            f"Check-ins sent: {week['checkins_sent']}",
            "<b>Now</b>",
            f"Patients: {figures['patients']}, opted in to check-ins: {figures['opted_in']}, "
            f"unreachable: {figures['unreachable']}",
        ]
    )


def format_unanswered(groups: list[QuestionGroup], limit: int = 15) -> str:
    """The most frequent questions the bot could not answer (last 30 days), escaped."""
    if not groups:
        return "No unanswered questions in the last 30 days."
    lines = [
        f'{group.count}× "{escape(shorten(group.representative, 200))}"'
        + (f" (closest: {group.closest_rule})" if group.closest_rule else "")
        for group in groups[:limit]
    ]
    return "<b>Unanswered, last 30 days</b>\n" + "\n".join(lines)
