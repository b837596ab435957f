"""One update's whole effect, in one transaction: the conversation's decision, the
messages it sends (queued in the outbox) and the update marked processed in the inbox.

`handle_update` runs on the database thread (`Store.run`); what is left to do after the
commit (waking the sender, answering a pressed button, a slow staff report) comes back
as `AfterCommit`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from bot.config import Settings
from bot.conversation import outbound
from bot.conversation.events import (
    ButtonPress,
    CheckInsDue,
    Command,
    CopyToStaff,
    EditStaffMessage,
    Incoming,
    Outgoing,
    RemoveButtons,
    Reply,
    Sender,
    StaffAlert,
    StaffJob,
    StaffMessage,
    Toast,
)
from bot.conversation.router import Conversation
from bot.storage import inbox, outbox
from bot.storage.outbox import OutgoingMessage, QueuedMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpdateContext:
    """Where an update came from, beyond who sent it."""

    update_id: int
    pressed_message_id: int | None = None
    """The message whose button was pressed, for a button press."""
    flooding: bool = False
    """The chat sends faster than anyone can read: answer only what is urgent."""
    warn_flood: bool = False
    """Tell the patient, once, to slow down."""


@dataclass
class AfterCommit:
    """What to do once the transaction has committed."""

    toast: str | None = None
    queued: int = 0
    ready: QueuedMessage | None = None
    """The one message queued, when nothing else of its chat waits: the sender takes it
    as it is (`Delivery.offer`) instead of reading it back from the outbox."""
    checkins_due: bool = False
    staff_jobs: list[StaffJob] = field(default_factory=list)


def handle_update(
    db: Database,
    conversation: Conversation,
    context: UpdateContext,
    sender: Sender,
    event: Incoming,
    now: datetime,
) -> AfterCommit:
    """Mark the update processed, decide and queue what to send: all or nothing. An
    update processed before (Telegram may send one again) changes nothing."""
    if not inbox.claim(db, context.update_id, now):
        return AfterCommit()
    outgoing = conversation.handle(db, sender, event, now)
    if context.flooding:
        outgoing = _urgent_only(outgoing, event)
        if context.warn_flood:
            wording = conversation.knowledge.current.base.wording
            outgoing = [*outgoing, Reply(wording["flood_note"])]
    return queue(db, outgoing, sender, now, conversation.settings, context.pressed_message_id)


def queue(
    db: Database,
    outgoing: list[Outgoing],
    sender: Sender,
    now: datetime,
    settings: Settings | None,
    pressed_message_id: int | None,
) -> AfterCommit:
    """Put what the conversation decided into the outbox (staff-chat items need the
    `settings` that name the staff and escalation chats)."""
    after = AfterCommit()
    enqueued: list[tuple[int, OutgoingMessage]] = []
    urgent = any(isinstance(item, StaffAlert) for item in outgoing)
    staff_chat = settings.staff_chat_id if settings else None
    escalation_chat = settings.escalation_chat_id if settings else None
    for item in outgoing:
        message = None
        if isinstance(item, Reply):
            to = item.to if item.to is not None else sender.chat_id
            patient = item.to if item.to is not None else sender.user_id
            message = outbound.reply(to, patient, item, urgent=urgent)
        elif isinstance(item, StaffAlert):
            if staff_chat is None:
                log.warning("a warning-sign alert was not sent: AFTERCARE_STAFF_CHAT_ID is not set")
            else:
                message = outbound.staff_alert(staff_chat, item)
        elif isinstance(item, StaffMessage):
            chat = escalation_chat if item.escalation else staff_chat
            message = outbound.staff_note(chat, item) if chat is not None else None
        elif isinstance(item, CopyToStaff) and staff_chat is not None:
            message = outbound.copy_to_staff(staff_chat, item)
        elif isinstance(item, EditStaffMessage) and staff_chat is not None:
            message = outbound.edit_staff_message(staff_chat, item)
        elif isinstance(item, RemoveButtons) and pressed_message_id is not None:
            message = outbound.remove_buttons(sender.chat_id, sender.user_id, pressed_message_id)
        elif isinstance(item, Toast):
            after.toast = item.text
        elif isinstance(item, StaffJob):
            after.staff_jobs.append(item)
        elif isinstance(item, CheckInsDue):
            after.checkins_due = True
        if message is not None:
            enqueued.append((outbox.enqueue(db, message, now), message))
    after.queued = len(enqueued)
    if len(enqueued) == 1:
        after.ready = outbox.queued_alone(db, *enqueued[0], now)
    return after


def _urgent_only(outgoing: list[Outgoing], event: Incoming) -> list[Outgoing]:
    """In a flood, a warning sign is still answered in full, and so are commands and
    buttons; answers to ordinary messages are dropped."""
    if isinstance(event, Command | ButtonPress):
        return outgoing
    if any(isinstance(item, StaffAlert) for item in outgoing):
        return outgoing
    return [item for item in outgoing if not isinstance(item, Reply)]
