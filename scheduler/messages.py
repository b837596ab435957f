"""What a check-in looks like on the patient's phone: text and buttons, no Telegram types.

The text comes from the knowledge files and is staff-written HTML, so it is sent as is.
Buttons carry callback data the conversation engine hands to
`scheduler.service.handle_checkin_callback`:

- ``ci:pause``: pause check-ins (on every check-in, one tap);
- ``ci:resume``: keep the check-ins coming (on the "shall I continue?" question);
- ``ci:<checkin_id>:<reply_index>``: one of the plan's reply buttons.

The few sentences of the check-in machinery itself have defaults here; staff can
override each by adding the same key to the bot's wording, when the knowledge format
allows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge import CheckInStep, KnowledgeBase
from bot.replies import Button, Reply

CALLBACK_PREFIX = "ci:"
PAUSE = "ci:pause"
RESUME = "ci:resume"
CONTACT_TOPIC = "contact-clinic"

DEFAULT_WORDING = {
    "checkin_pause_button": "Pause check-ins",
    "checkin_keep_going_button": "Yes, keep them coming",
    "checkin_stop_button": "No, pause them",
    "checkin_resume_button": "Resume check-ins",
    "checkin_ask_to_continue": (
        "I haven't heard from you after my last few check-ins, so I'll pause them for now. "
        "Would you like me to keep checking in? You can always ask me anything."
    ),
    "checkin_paused": (
        "Check-ins paused. Send /checkins on whenever you want them back. "
        "You can still ask me anything, any time."
    ),
    "checkin_resumed": "Lovely, check-ins are back on.",
    "checkin_resumed_nothing_left": (
        "Check-ins are back on, but there are none left for this treatment."
    ),
    "checkin_already_answered": "You've already answered this check-in, thank you.",
    "checkin_reply_thanks": "Thanks for letting me know.",
    "checkin_booking_contact": "To book, call {clinic_name} on {clinic_phone}.",
}


OutgoingMessage = Reply
"""A check-in on its way: the same HTML text and button rows as any reply."""


@dataclass(frozen=True)
class ReplyChoice:
    """The patient tapped reply button `index` of check-in `checkin_id`."""

    checkin_id: int
    index: int


CallbackAction = ReplyChoice | str


def wording(knowledge: KnowledgeBase, key: str) -> str:
    """A check-in sentence: the staff's version if the wording has it, else the default."""
    text = knowledge.wording.texts.get(key)
    if text:
        return text
    details = {k: knowledge.wording.texts.get(k, "") for k in ("clinic_name", "clinic_phone")}
    return DEFAULT_WORDING[key].format(**details)


def booking_contact(knowledge: KnowledgeBase) -> str:
    """How to book the next session: the clinic's contact answer from the knowledge."""
    if knowledge.has_rule(CONTACT_TOPIC):
        return knowledge.rule(CONTACT_TOPIC).answer
    return wording(knowledge, "checkin_booking_contact")


def compose_checkin(
    knowledge: KnowledgeBase, step: CheckInStep, checkin_id: int
) -> OutgoingMessage:
    """The check-in of `step`: its text, its reply buttons and the pause button."""
    text = step.message.strip()
    if step.booking:
        text = f"{text}\n\n{booking_contact(knowledge).strip()}"
    rows = [
        (Button(reply.label, f"{CALLBACK_PREFIX}{checkin_id}:{index}"),)
        for index, reply in enumerate(step.replies)
    ]
    rows.append((Button(wording(knowledge, "checkin_pause_button"), PAUSE),))
    return OutgoingMessage(text, tuple(rows))


def ask_to_continue(knowledge: KnowledgeBase) -> OutgoingMessage:
    """The one question sent after too many unanswered check-ins."""
    return OutgoingMessage(
        wording(knowledge, "checkin_ask_to_continue"),
        (
            (Button(wording(knowledge, "checkin_keep_going_button"), RESUME),),
            (Button(wording(knowledge, "checkin_stop_button"), PAUSE),),
        ),
    )


def paused(knowledge: KnowledgeBase) -> OutgoingMessage:
    """The answer to a pause: check-ins are off, and one tap brings them back."""
    return OutgoingMessage(
        wording(knowledge, "checkin_paused"),
        ((Button(wording(knowledge, "checkin_resume_button"), RESUME),),),
    )


def parse_callback(data: str) -> CallbackAction | None:
    """`PAUSE`, `RESUME` or a `ReplyChoice` from callback data; None if it is not ours."""
    if data in (PAUSE, RESUME):
        return data
    if not data.startswith(CALLBACK_PREFIX):
        return None
    parts = data[len(CALLBACK_PREFIX) :].split(":")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None
    return ReplyChoice(int(parts[0]), int(parts[1]))
