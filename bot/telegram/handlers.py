"""The Telegram handlers: each turns an update into one `Incoming` event and runs it
through the pipeline (`bot.telegram.pipeline`) in one transaction. What the bot decides
lives in `bot.conversation`; what it sends goes through the outbox.

Chats: the bot talks to patients in private chats only. Staff commands work for staff ids
in a private chat or in the staff chat, and only when addressed to this bot
(`/stats@another_bot` is someone else's); other group messages are ignored and nothing
about group members is stored. An edited message is answered like a new one, so a
warning sign added by an edit is never missed.

A staff reply to an alert finds its patient by the replied message's id, recorded once
Telegram answers the send. A copy of the alert that Telegram took just before a crash was
never recorded (the alert was sent again), yet staff may answer that copy: its buttons
still name the alert, so it is recorded before the reply is handled.
"""

from __future__ import annotations

import contextvars
import logging
import re
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlite_utils import Database
from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.conversation.events import (
    ButtonPress,
    Command,
    Incoming,
    NonText,
    Reply,
    Sender,
    StaffText,
    read_message,
)
from bot.conversation.router import STAFF_COMMANDS, Conversation
from bot.storage import handoffs, inbox
from bot.storage.store import Store
from bot.telegram.pipeline import AfterCommit, UpdateContext, handle_update, queue

log = logging.getLogger(__name__)

MAX_CALLBACK_DATA = 64
"""Telegram's own limit: longer callback data is forged."""
_ALERT_BUTTON = re.compile(r"alert:(?:take|reply):(\d{1,12})")
"""The callback data of the buttons under an alert (`wording.alert_buttons`)."""
NON_TEXT_KINDS = (
    "photo",
    "sticker",
    "voice",
    "video",
    "video_note",
    "animation",
    "audio",
    "document",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)


@dataclass
class InProcessing:
    """What the inbox processor tells the handlers about the update they handle, and
    what they tell it back."""

    flooding: bool = False
    warn_flood: bool = False
    settled: bool = False
    """A handler's transaction marked the update processed: nobody needs to look again."""
    unwritten: inbox.InboxRow | None = None
    """The update's inbox row while only Telegram has it (it is handled as it arrived):
    a failure must store it, to be processed again."""
    on_written: Callable[[], None] | None = None
    """Told once the update is in the database, processed or to be processed again."""

    def written(self) -> None:
        self.unwritten = None
        if self.on_written is not None:
            self.on_written()
            self.on_written = None

    def settle(self) -> None:
        """The update's decision has committed."""
        self.settled = True
        self.written()


processing: contextvars.ContextVar[InProcessing | None] = contextvars.ContextVar(
    "processing", default=None
)
"""Set by the inbox processor around each update."""


class TelegramChat:
    """The Telegram side of the conversation: updates in, queued messages out."""

    def __init__(
        self,
        conversation: Conversation,
        store: Store,
        clock: Callable[[], datetime],
        after_commit: Callable[[AfterCommit], Awaitable[None]],
        bot_username: Callable[[], str],
    ) -> None:
        self.conversation = conversation
        self.store = store
        self.clock = clock
        self.after_commit = after_commit
        self.bot_username = bot_username

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A text message or a command in a private chat (new or edited)."""
        message = update.effective_message
        if message is not None and message.text is not None:
            await self._converse(update, read_message(message.text))

    async def on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo, sticker, voice note, file, location... in a private chat."""
        message = update.effective_message
        if message is not None:
            event = NonText(_kind(message), message.caption, message.message_id)
            await self._converse(update, event)

    async def on_staff_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A message in the staff chat: to a patient when it replies to one of the bot's
        messages about them, or is written in their forum topic; otherwise staff talking
        among themselves, left alone."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        replied = message.reply_to_message
        reply_to = None
        if replied is not None and replied.from_user is not None and replied.from_user.is_bot:
            reply_to = replied.message_id
            if replied.from_user.id == context.bot.id:
                await self._remember_alert_copy(replied)
        thread = message.message_thread_id if message.is_topic_message else None
        if reply_to is None and thread is None:
            return
        await self._converse(update, StaffText(message.text, reply_to, thread))

    async def _remember_alert_copy(self, message: Message) -> None:
        """Record `message` as its alert's when its buttons name one (it may be a copy
        never recorded, see the module's docstring)."""
        markup = message.reply_markup
        for row in markup.inline_keyboard if markup is not None else ():
            for button in row:
                named = _ALERT_BUTTON.fullmatch(str(button.callback_data or ""))
                if named is not None:
                    alert_id = int(named.group(1))
                    await self.store.run(
                        handoffs.remember_alert_copy, message.chat_id, message.message_id, alert_id
                    )
                    return

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A press on one of our inline buttons."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None:
            return
        data = query.data or ""
        in_staff_chat = chat is not None and chat.id == self.conversation.settings.staff_chat_id
        if chat is None or (chat.type != ChatType.PRIVATE and not in_staff_chat):
            await self._settle_unchanged(update)
            await _quietly(query.answer())
            return
        if len(data) > MAX_CALLBACK_DATA:
            expired = self.conversation.knowledge.current.base.wording["button_expired"]
            await self._settle_unchanged(update)
            await _quietly(query.answer(text=expired))
            return
        pressed = query.message if isinstance(query.message, Message) else None
        if in_staff_chat and pressed is not None:
            await self._converse(
                update, ButtonPress(data, pressed.message_id, pressed.text_html or "")
            )
            return
        await self._converse(update, ButtonPress(data))

    async def _settle_unchanged(self, update: Update) -> None:
        """An update that changes nothing is marked processed before the call to Telegram
        that follows it: polling waits for an update handled as it arrived to be stored
        (`bot.telegram.polling`), and must not wait on the network too."""
        await self.store.run(inbox.mark_done, update.update_id, self.clock())
        state = processing.get()
        if state is not None:
            state.settle()

    async def on_group_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command in a group: staff commands for staff in the staff chat, otherwise a
        pointer to a private chat; commands addressed to another bot are not ours."""
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if message is None or message.text is None or user is None or chat is None:
            return
        event = read_message(message.text)
        if not isinstance(event, Command) or event.addressed_to not in (
            None,
            self.bot_username().lower(),
        ):
            return
        replied = message.reply_to_message
        thread = message.message_thread_id if message.is_topic_message else None
        event = replace(event, reply_to=replied.message_id if replied else None, thread_id=thread)
        settings = self.conversation.settings
        in_staff_chat = chat.id == settings.staff_chat_id
        if in_staff_chat and event.name in STAFF_COMMANDS and user.id in settings.staff_ids:
            await self._converse(update, event)
            return
        wording = self.conversation.knowledge.current.base.wording
        await self._say_in_chat(update, wording["in_private"])

    async def _converse(self, update: Update, event: Incoming) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        sender = Sender(user.id, chat.id, user.first_name, user.username)
        query = update.callback_query
        pressed = query.message.message_id if query is not None and query.message else None
        state = processing.get()
        # The flood rule is for a patient writing faster than anyone reads: a busy staff
        # chat (a backlog of replies to patients after an outage) is never cut short.
        flooding = state is not None and state.flooding and chat.type == ChatType.PRIVATE
        context = UpdateContext(
            update.update_id,
            pressed_message_id=pressed,
            flooding=flooding,
            warn_flood=flooding and state is not None and state.warn_flood,
        )
        after = await self.store.run(
            handle_update, self.conversation, context, sender, event, self.clock()
        )
        if state is not None:
            state.settle()
        if query is not None:
            await _quietly(query.answer(text=after.toast))
        await self.after_commit(after)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A handler raised. Logged by type and place only (the message text and the
        exception's own message, which may quote it, stay out of the log); the update is
        tried again, and set aside after a few failures with an apology to its chat."""
        error = context.error
        where = "".join(traceback.format_tb(error.__traceback__)) if error else ""
        if not isinstance(update, Update):
            log.error("error outside an update: %s\n%s", type(error).__name__, where)
            return
        log.error("update %s failed: %s\n%s", update.update_id, type(error).__name__, where)
        now = self.clock()
        state = processing.get()
        unwritten = state.unwritten if state is not None else None
        set_aside = await self.store.run(
            inbox.record_failure, update.update_id, type(error).__name__, now, unwritten
        )
        if state is not None:
            state.written()
        if set_aside:
            wording = self.conversation.knowledge.current.base.wording
            await self._say_in_chat(update, wording["processing_failed"])

    async def _say_in_chat(self, update: Update, text: str) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        sender = Sender(user.id if user else chat.id, chat.id)
        now = self.clock()

        def unit(db: Database) -> AfterCommit:
            after = queue(db, [Reply(text)], sender, now, None, None)
            inbox.mark_done(db, update.update_id, now)
            return after

        after = await self.store.run(unit)
        state = processing.get()
        if state is not None:
            state.settle()
        await self.after_commit(after)


async def _quietly(call: Awaitable[object]) -> None:
    """Cosmetic calls (a button's spinner) must not fail the update."""
    try:
        await call
    except (BadRequest, Forbidden, TelegramError) as error:
        log.debug("ignored: %s", type(error).__name__)


def _kind(message: Message) -> str:
    return next((kind for kind in NON_TEXT_KINDS if getattr(message, kind, None)), "other")
