"""The composition root of `aftercare run`: settings, storage, knowledge, check-ins and
Telegram.

Nothing else builds the python-telegram-bot `Application`. The handlers here are thin:
each turns an update into one `Incoming` event for the conversation engine
(`bot.conversation`) and delivers what comes back. What the bot decides lives there.

Chats: the bot talks to patients in private chats only. In a group it answers staff
commands from staff ids (so /stats works in the staff chat) and, to any other command,
that it works in a private chat; other group messages are ignored and nothing about
group members is stored. An edited message is answered like a new one, so a warning sign
added by an edit is never missed.

Check-ins: the conversation tells the scheduler what changed (`scheduler.hooks`), and one
periodic job sends what is due (`scheduler.dispatch`, `scheduler.telegram_adapter`).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from telegram import (
    BotCommand,
    CallbackQuery,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    JobQueue,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.checkin_hooks import CheckInHooks
from bot.config import ConfigError, Settings, load_settings
from bot.conversation import PATIENT_COMMANDS, STAFF_COMMANDS, Conversation
from bot.knowledge.holder import open_knowledge
from bot.knowledge.watcher import KnowledgeWatcher, broken_knowledge_message
from bot.replies import (
    ButtonPress,
    Command,
    Incoming,
    Keyboard,
    NonText,
    Outgoing,
    RemoveButtons,
    Reply,
    Sender,
    StaffAlert,
    read_message,
)
from bot.storage.store import Store
from scheduler.dispatch import Dispatcher, RateLimiter, retry_after_seconds
from scheduler.hooks import SchedulerHooks
from scheduler.telegram_adapter import (
    dispatch_now,
    keyboard_markup,
    schedule_dispatch,
    telegram_sender,
)

log = logging.getLogger(__name__)

TelegramApplication = Application[Any, Any, Any, Any, Any, Any]

EXIT_CONFIG = 2
EXIT_KNOWLEDGE = 1
EXIT_NETWORK = 1
MAX_SEND_ATTEMPTS = 3
MAX_CONCURRENT_UPDATES = 64
KNOWLEDGE_WATCHER = "knowledge_watcher"
RELOAD_POLL_SECONDS = 1.0
"""How often the knowledge folder is looked at; an edit goes live a settle time later."""
IN_PRIVATE = "I answer patients in a private chat: tap my name, then Start."
_NON_TEXT_KINDS = (
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


def utc_now() -> datetime:
    """The real wall clock, read at every decision (never cached at start-up)."""
    return datetime.now(UTC)


class OnePatientAtATime(BaseUpdateProcessor):
    """Updates from different people run concurrently; one person's run in order, so a
    date typed right after /start is read after /start has been answered."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: Counter[int] = Counter()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        lock = self._locks.setdefault(user.id, asyncio.Lock())
        self._users[user.id] += 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[user.id] -= 1
            if self._users[user.id] == 0:
                del self._users[user.id]
                del self._locks[user.id]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


class TelegramChat:
    """The Telegram side of the conversation: updates in, messages out."""

    def __init__(
        self,
        conversation: Conversation,
        staff_chat_id: int | None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.conversation = conversation
        self.staff_chat_id = staff_chat_id
        self.clock = clock or utc_now

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A text message or a command in a private chat (new or edited)."""
        message = update.effective_message
        if message is not None and message.text is not None:
            await self._converse(update, context, read_message(message.text))

    async def on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo, sticker, voice note, file, location... in a private chat."""
        message = update.effective_message
        if message is not None:
            await self._converse(update, context, NonText(_kind(message), message.caption))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A press on one of our inline buttons."""
        query = update.callback_query
        if query is None:
            return
        await _quietly(query.answer())  # stops the button's spinner
        chat = update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE:
            await self._converse(update, context, ButtonPress(query.data or ""))

    async def on_group_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command in a group: staff commands for staff, otherwise a pointer to private chat."""
        message, user = update.effective_message, update.effective_user
        if message is None or message.text is None or user is None:
            return
        event = read_message(message.text)
        staff = self.conversation.is_staff(user.id)
        if isinstance(event, Command) and event.name in STAFF_COMMANDS and staff:
            await self._converse(update, context, event)
            return
        await _quietly(message.reply_text(IN_PRIVATE))

    async def _converse(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, event: Incoming
    ) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        sender = Sender(user.id, chat.id, user.first_name, user.username)
        outgoing = await self.conversation.handle(sender, event, self.clock())
        await self.deliver(context, sender, outgoing, update.callback_query)

    async def deliver(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        sender: Sender,
        outgoing: list[Outgoing],
        pressed: CallbackQuery | None = None,
    ) -> None:
        """Send what the conversation decided, in order. A failure to reach the patient
        never stops the staff alert, and a failing alert never stops the patient's reply."""
        reachable = True
        for item in outgoing:
            if isinstance(item, Reply) and reachable:
                try:
                    await _send(context, sender.chat_id, item.text, item.buttons)
                except Forbidden:
                    log.info("patient %s blocked the bot: marked unreachable", sender.user_id)
                    await self.conversation.patient_unreachable(sender.user_id)
                    reachable = False
                except TelegramError as error:
                    log.error("reply to %s not delivered: %s", sender.user_id, type(error).__name__)
            elif isinstance(item, StaffAlert):
                await self._alert_staff(context, item)
            elif isinstance(item, RemoveButtons) and pressed is not None:
                await _quietly(pressed.edit_message_reply_markup(reply_markup=None))

    async def _alert_staff(self, context: ContextTypes.DEFAULT_TYPE, alert: StaffAlert) -> None:
        if self.staff_chat_id is None:
            log.warning("a warning-sign alert was not sent: AFTERCARE_STAFF_CHAT_ID is not set")
            return
        try:
            await _send(context, self.staff_chat_id, alert.text, ())
        except TelegramError as error:
            log.error("a warning-sign alert was not delivered: %s", type(error).__name__)


async def _send(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, buttons: Keyboard
) -> None:
    """One message; when Telegram asks us to slow down, wait as long as it says and retry."""
    markup = keyboard_markup(buttons)
    for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
        try:
            await context.bot.send_message(chat_id, text, reply_markup=markup)
            return
        except RetryAfter as error:
            if attempt == MAX_SEND_ATTEMPTS:
                raise
            await asyncio.sleep(retry_after_seconds(error))


async def _quietly(call: Awaitable[object]) -> None:
    """Cosmetic calls (a spinner, an old button) must not fail the update."""
    try:
        await call
    except (BadRequest, Forbidden) as error:
        log.debug("ignored: %s", type(error).__name__)


def _kind(message: Message) -> str:
    return next((kind for kind in _NON_TEXT_KINDS if getattr(message, kind, None)), "other")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a failed update by type and place only: the message text and the exception's
    own message (which may quote it) stay out of the log."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    where = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("update %s failed: %s\n%s", update_id, type(error).__name__, where)


def register_handlers(application: TelegramApplication, chat: TelegramChat) -> None:
    """Every handler, in the order they are tried (order matters: the first match wins)."""
    private = filters.ChatType.PRIVATE
    new = filters.UpdateType.MESSAGE
    edited = filters.UpdateType.EDITED_MESSAGE
    # 1. Private chats: commands and text (a command is text starting with "/").
    application.add_handler(MessageHandler(private & new & filters.TEXT, chat.on_message))
    # 2. Button presses (our inline buttons only appear in private chats).
    application.add_handler(CallbackQueryHandler(chat.on_button))
    # 3. Anything else a patient sends: photos, stickers, voice, files, locations...
    not_text = private & new & ~filters.TEXT & ~filters.StatusUpdate.ALL
    application.add_handler(MessageHandler(not_text, chat.on_non_text))
    # 4. Edited text is answered as a new message; edited commands are not re-run.
    edit = private & edited & filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(edit, chat.on_message))
    # 5. Groups: only commands get an answer (see the module docstring).
    application.add_handler(MessageHandler(~private & new & filters.COMMAND, chat.on_group_command))
    application.add_error_handler(on_error)


def build_application(
    settings: Settings,
    conversation: Conversation,
    store: Store | None = None,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utc_now,
    limiter: RateLimiter | None = None,
    watch_knowledge: bool = False,
) -> TelegramApplication:
    """The bot, ready for `run_polling()`. Tests replace the network (the `request`s) and
    time: `clock` is the wall clock every decision reads, `limiter` the check-in rate
    limiter (with a clock and sleep of its own).

    With a `store` the bot also sends check-ins: one `Dispatcher` over the outbox, settled
    (`recover`) in ``post_init``, then run every `settings.dispatch_seconds` by the job
    queue. When the conversation's hooks are `SchedulerHooks`, a change that leaves
    check-ins pending asks it for a tick at once (`dispatch_now`).
    """
    dispatcher: Dispatcher | None = None
    watcher: KnowledgeWatcher | None = None

    async def post_init(application: TelegramApplication) -> None:
        menu = [BotCommand(name, description) for name, description in PATIENT_COMMANDS.items()]
        await application.bot.set_my_commands(menu)
        if watcher is not None:
            watching = watcher

            async def poll_knowledge(_context: ContextTypes.DEFAULT_TYPE) -> None:
                await watching.poll()

            _job_queue(application).run_repeating(
                poll_knowledge,
                interval=RELOAD_POLL_SECONDS,
                first=RELOAD_POLL_SECONDS,
                name="knowledge-watcher",
                job_kwargs={"misfire_grace_time": None, "coalesce": True},
            )
        if dispatcher is not None:
            # Rows a killed run left claimed are settled before the first tick claims more.
            await dispatcher.recover()
            schedule_dispatch(_job_queue(application), dispatcher, settings.dispatch_seconds)
        log.info("aftercare is running as @%s", application.bot.username)

    async def post_shutdown(application: TelegramApplication) -> None:
        if store is not None:
            store.close()

    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.telegram_api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(OnePatientAtATime())
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    application = builder.build()
    if store is not None:
        knowledge = conversation.knowledge
        dispatcher = Dispatcher(
            store,
            telegram_sender(application.bot),
            knowledge=lambda: knowledge.current.base,
            now=clock,
            limiter=limiter,
        )
        if isinstance(conversation.hooks, SchedulerHooks):
            job_queue = _job_queue(application)
            conversation.hooks.dispatch_soon = partial(dispatch_now, job_queue, dispatcher)
    if watch_knowledge:
        watcher = knowledge_watcher(conversation, application, settings.staff_chat_id)
        application.bot_data[KNOWLEDGE_WATCHER] = watcher
    register_handlers(application, TelegramChat(conversation, settings.staff_chat_id, clock))
    return application


def knowledge_watcher(
    conversation: Conversation, application: TelegramApplication, staff_chat_id: int | None
) -> KnowledgeWatcher:
    """Live reload for the running bot: a broken edit is told to the staff chat once."""

    async def tell_staff(problems: list[str]) -> None:
        if staff_chat_id is None:
            log.warning("broken knowledge edit; no AFTERCARE_STAFF_CHAT_ID to tell")
            return
        await application.bot.send_message(staff_chat_id, broken_knowledge_message(problems))

    return KnowledgeWatcher(conversation.knowledge, time.monotonic, on_broken=tell_staff)


def _job_queue(application: TelegramApplication) -> JobQueue[Any]:
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot is installed without its job-queue extra")
    return application.job_queue


def configure_logging() -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def run(hooks: CheckInHooks | None = None) -> int:
    """`aftercare run`: long polling until SIGINT or SIGTERM; returns the exit code."""
    configure_logging()
    try:
        settings = load_settings()
        settings.require_token()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    knowledge = open_knowledge(settings.knowledge_dir)
    if knowledge is None:
        return EXIT_KNOWLEDGE
    store = Store(settings.db_path)
    conversation = Conversation(
        store, knowledge, settings, hooks or SchedulerHooks(store, knowledge)
    )
    application = build_application(settings, conversation, store, watch_knowledge=True)
    log.info("aftercare is connecting to Telegram (it keeps trying while Telegram is out of reach)")
    try:
        application.run_polling(
            # Updates sent while the bot was down are answered, not dropped.
            drop_pending_updates=False,
            allowed_updates=Update.ALL_TYPES,
            # A Telegram outage at start-up is waited out, not fatal.
            bootstrap_retries=-1,
        )
    except InvalidToken:
        print(
            "Telegram refused TELEGRAM_BOT_TOKEN: copy it again from @BotFather.", file=sys.stderr
        )
        return EXIT_CONFIG
    except NetworkError as error:
        print(f"Could not reach the Telegram Bot API ({type(error).__name__}).", file=sys.stderr)
        return EXIT_NETWORK
    finally:
        store.close()
    return 0
