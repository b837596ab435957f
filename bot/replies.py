"""What goes into the conversation, what comes out, and how the bot words it.

The conversation engine takes one `Incoming` event from a `Sender` and returns a list of
`Outgoing` things. The Telegram adapter and the terminal chat turn updates into these
and these into messages; neither knows what the conversation decides. The functions
here are pure: they build the bot's sentences and buttons from the knowledge and data.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, time

from bot.knowledge.model import KnowledgeBase
from bot.storage.stats import Stats
from bot.tools.unanswered import QuestionGroup
from scheduler.planning import CheckInPlan, CheckInStep

# --- what comes in ----------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """Who wrote: the Telegram user (or the terminal's local user) and their chat."""

    user_id: int
    chat_id: int
    first_name: str = ""
    username: str | None = None
    channel: str = "telegram"
    """"telegram", or "terminal" for `aftercare chat`."""


@dataclass(frozen=True)
class Text:
    """A text message in the patient's own words."""

    text: str


@dataclass(frozen=True)
class Command:
    """A slash command such as `/time 09:30`: name without the slash, lower case."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class ButtonPress:
    """A press on one of the bot's buttons; `data` is the button's callback data."""

    data: str


@dataclass(frozen=True)
class NonText:
    """A photo, sticker, voice note, document, location, ...; a caption is read as text."""

    kind: str
    caption: str | None = None


Incoming = Text | Command | ButtonPress | NonText

_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$", re.DOTALL)


def read_message(text: str) -> Text | Command:
    """A typed line as the engine sees it: `"/time@aftercare_bot 09:30"` is
    Command("time", ("09:30",)); anything else is Text."""
    match = _COMMAND.match(text.strip())
    if not match:
        return Text(text)
    return Command(match.group(1).lower(), tuple((match.group(2) or "").split()))


# --- what goes out ----------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """An inline button: what it says and the callback data it sends back when pressed."""

    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """A message to the patient, in Telegram HTML, with optional rows of buttons."""

    text: str
    buttons: Keyboard = ()


@dataclass(frozen=True)
class StaffAlert:
    """A message for the clinic's staff chat (AFTERCARE_STAFF_CHAT_ID), in Telegram HTML."""

    text: str


@dataclass(frozen=True)
class RemoveButtons:
    """Take the buttons off the message whose button was just pressed (no double presses)."""


Outgoing = Reply | StaffAlert | RemoveButtons

# --- how the bot says it ----------------------------------------------------------------

# The engine's own sentences. Staff may override one by adding its key to the bot's
# wording in the knowledge files (when the knowledge format allows it); these are the
# defaults. The welcome, disclaimer, fallback and urgent answer are always staff-written.
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
