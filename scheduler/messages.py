"""What a check-in looks like on the patient's phone: text and buttons, no Telegram types.

The text comes from the knowledge files and is staff-written HTML, so it is sent as is.
Buttons carry callback data the conversation engine hands to
`scheduler.service.handle_checkin_callback`:

- ``ci:pause``: pause check-ins (on every check-in, one tap);
- ``ci:resume``: keep the check-ins coming (on the "shall I continue?" question);
- ``ci:<checkin_id>:<reply_index>``: one of the plan's reply buttons.

The few sentences of the check-in machinery itself (the pause button, "shall I go on?")
are staff's too: the `checkin_*` keys of `bot.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.model import KnowledgeBase
from bot.replies import Button, Reply
from scheduler.planning import CheckInStep

CALLBACK_PREFIX = "ci:"
PAUSE = "ci:pause"
RESUME = "ci:resume"
CONTACT_TOPIC = "contact-clinic"


OutgoingMessage = Reply
"""A check-in on its way: the same HTML text and button rows as any reply."""


@dataclass(frozen=True)
class ReplyChoice:
    """The patient tapped reply button `index` of check-in `checkin_id`."""

    checkin_id: int
    index: int


CallbackAction = ReplyChoice | str


def wording(knowledge: KnowledgeBase, key: str) -> str:
    """A check-in sentence, as staff wrote it in `bot.yaml`."""
    return knowledge.wording[key]


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
