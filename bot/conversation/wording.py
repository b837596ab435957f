"""How the bot words things: its sentences from `bot.yaml` with their fields filled in,
its buttons, and the staff's reports. Pure functions of the knowledge and plain data.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, time

from bot.conversation.events import Button, Keyboard, Reply
from bot.core.model import KnowledgeBase
from bot.storage import notices
from bot.storage.stats import AlertStats, Stats
from bot.tools.unanswered import QuestionGroup
from scheduler.clock import from_utc_iso

ALERT_QUOTE_LIMIT = 1000
_REPORT_LIMIT = 3500
NOTICE_MEANING = {
    notices.STAFF_CHAT_UNREACHABLE: "The bot cannot write to the staff chat: alerts wait "
    "until the bot is added back to it or AFTERCARE_STAFF_CHAT_ID is corrected",
}
"""What each standing problem means for the clinic and how to fix it, for the figures."""


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


def who(first_name: str | None, username: str | None, user_id: int) -> str:
    """How staff see a patient: 'Anna (@anna_k, id 123456)', escaped."""
    handle = f"@{escape(username)}, " if username else ""
    return f"{escape(first_name or 'Patient')} ({handle}id {user_id})"


def quoted(text: str) -> str:
    """A patient's words as staff see them quoted: on one line, shortened, escaped."""
    return escape(shorten(" ".join(text.split()), ALERT_QUOTE_LIMIT))


def shown_day(day: int | None) -> str:
    return str(day) if day is not None else "unknown"


def staff_alert_text(
    kb: KnowledgeBase,
    first_name: str,
    username: str | None,
    user_id: int,
    day: int | None,
    quote: str,
    unreadable: bool = False,
) -> str:
    """'Warning sign: Anna (@anna_k, id 123456), day 3: "..."', with the patient's words
    and names escaped; a message in another language is marked as not read."""
    key = "staff_alert_unreadable" if unreadable else "staff_alert"
    return say(
        kb, key, who=who(first_name, username, user_id), day=shown_day(day), quote=quoted(quote)
    )


def alert_buttons(kb: KnowledgeBase, alert_id: int, take: bool = True) -> Keyboard:
    """ "I'm on it" and "Reply to patient" under an alert (just the reply once taken)."""
    reply = Button(say(kb, "alert_reply_button"), f"alert:reply:{alert_id}")
    if not take:
        return ((reply,),)
    return ((Button(say(kb, "alert_take_button"), f"alert:take:{alert_id}"), reply),)


def reload_report(kb: KnowledgeBase, problems: list[str]) -> str:
    """What staff read after /reload: the new size, or every problem as file:line."""
    if problems:
        listed = escape(shorten("\n".join(problems), _REPORT_LIMIT))
        return say(kb, "reload_failed", problems=listed)
    return say(kb, "reload_done", topics=len(kb.rules), checkins=len(kb.plan.steps))


def format_stats(figures: Stats) -> str:
    """The staff's figures: standing problems and alerts nobody has taken first (what
    needs someone now), then the last 7 and 30 days, then the patients."""
    lines = [
        f"⚠️ {escape(NOTICE_MEANING.get(notice['key'], 'Problem'))} "
        f"({escape(notice['problem'])}, since {_since(notice['since'])})"
        for notice in figures["notices"]
    ]
    waiting = figures["alerts_waiting"]
    if waiting["count"] and waiting["longest_minutes"] is not None:
        lines.append(
            f"⚠️ Alerts nobody has taken: {waiting['count']}, "
            f"the oldest waiting {_duration(waiting['longest_minutes'])}"
        )
    for title, period, alerted in (
        ("Last 7 days", figures["last_7_days"], figures["alerts_last_7_days"]),
        ("Last 30 days", figures["last_30_days"], figures["alerts_last_30_days"]),
    ):
        lines += [
            f"<b>{title}</b>",
            f"New patients: {period['new_patients']}",
            f"Questions answered: {period['questions_answered']}, "
            f"did-you-mean: {period['questions_suggested']}, "
            f"fell back: {period['questions_fallen_back']}, "
            f"small talk (thanks, ok, hello): {period['small_talk']}",
            f"Warning signs: {period['red_flags']}",
            _alert_line(alerted),
            f"Check-ins sent: {period['checkins_sent']}",
        ]
    lines += [
        "<b>Now</b>",
        f"Patients: {figures['patients']}, opted in to check-ins: {figures['opted_in']}, "
        f"unreachable: {figures['unreachable']}",
        f"Alerts waiting for someone: {waiting['count']}",
    ]
    return "\n".join(lines)


def _alert_line(alerted: AlertStats) -> str:
    if not alerted["raised"]:
        return "Alerts: none"
    line = f"Alerts: {alerted['raised']}, taken: {alerted['taken']}"
    median, worst = alerted["median_minutes_to_take"], alerted["worst_minutes_to_take"]
    if median is not None and worst is not None:
        line += f" (median {_duration(median)}, worst {_duration(worst)})"
    return line + f", not taken: {alerted['never_taken']}"


def _duration(minutes: float) -> str:
    """'45 s', '12 min', '3 h 5 min', '2 days 4 h': as exact as a reader needs."""
    if minutes < 1:
        return f"{round(minutes * 60)} s"
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    hours, rest = divmod(whole, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def _since(moment: str) -> str:
    return from_utc_iso(moment).strftime("%d %b %H:%M UTC")


def format_unanswered(
    groups: list[QuestionGroup], limit: int = 15, total: int | None = None
) -> str:
    """The most frequent questions the bot could not answer (last 30 days), escaped; with
    more than `limit` groups (`total` of them, when `groups` holds only the top ones),
    it says how many it leaves out."""
    if not groups:
        return "No unanswered questions in the last 30 days."
    shown = groups[:limit]
    lines = [
        f'{group.count}× "{escape(shorten(group.representative, 200))}"'
        + (f" (closest: {group.closest_rule})" if group.closest_rule else "")
        for group in shown
    ]
    every = len(groups) if total is None else total
    if every > len(shown):
        lines.append(f"Showing the top {len(shown)} of {every:,} groups.")
    return "<b>Unanswered, last 30 days</b>\n" + "\n".join(lines)
