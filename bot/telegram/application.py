"""python-telegram-bot's `Application` as `aftercare run` builds it: its HTTP clients (a
pool for sends apart from the long poll), its handlers in the order they are tried, the
command menus Telegram shows, and the process-wide settings around it (logging, the
garbage collector after start-up)."""

from __future__ import annotations

import contextlib
import logging
import warnings
from typing import Any, Literal

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.config import Settings
from bot.conversation.router import PATIENT_COMMANDS
from bot.conversation.staff import STAFF_COMMAND_MENU
from bot.telegram.handlers import TelegramChat

TelegramApplication = Application[Any, Any, Any, Any, Any, Any]

# The two hot calls go through `Bot.do_api_request` on purpose: polling keeps getUpdates'
# JSON as Telegram sent it (bot.telegram.polling), and a reply needs only the new message's
# id, not a parsed Message (bot.telegram.calls). python-telegram-bot would otherwise
# warn to use `get_updates` and `send_message`.
warnings.filterwarnings(
    "ignore", message=r"Please use 'Bot\.(getUpdates|sendMessage)'", category=PTBUserWarning
)
# python-telegram-bot warns that a self-hosted Bot API server speaks HTTP/1.1 only whenever
# HTTP/2 is asked for at another address than api.telegram.org; only the HTTP bench asks
# (bench/run_variant.py, against the fake, which speaks both).
warnings.filterwarnings(
    "ignore", message=r"You set the HTTP version .* to HTTP/2", category=PTBUserWarning
)

SEND_POOL = 4
"""HTTP connections for sends: as many as are busy at once at Telegram's 30 messages a
second and a round trip of up to about 130 ms. Not more: httpcore looks at every pooled
connection (and every pair of them) for each request, so idle ones cost CPU on every send;
a send that finds all four busy waits for one (`SEND_POOL_WAIT`), behind the rate limit."""
SEND_POOL_WAIT = 10.0
"""Seconds a send may wait for a free connection before it counts as not sent (retried);
python-telegram-bot's 1 s is too short once the pool is small and Telegram slow."""


def build_application(
    settings_token: str,
    base_url: str,
    *,
    http_version: Literal["1.1", "2"] = "1.1",
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> TelegramApplication:
    """python-telegram-bot's Application, without its own poller (ours stores updates
    first). Sends and getUpdates get HTTP clients of their own, as PTB recommends, both
    speaking `http_version` (HTTP/1.1: HTTP/2 measured no better, see the README's "Speed
    and scale"; the HTTP bench still measures it)."""
    sends = request or HTTPXRequest(
        connection_pool_size=SEND_POOL, pool_timeout=SEND_POOL_WAIT, http_version=http_version
    )
    polls = get_updates_request or HTTPXRequest(connection_pool_size=1, http_version=http_version)
    builder = (
        ApplicationBuilder()
        .token(settings_token)
        .base_url(base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .updater(None)
        .request(sends)
        .get_updates_request(polls)
    )
    return builder.build()


def register_handlers(application: TelegramApplication, chat: TelegramChat) -> None:
    """Every handler, in the order they are tried (order matters: the first match wins)."""
    private = filters.ChatType.PRIVATE
    new = filters.UpdateType.MESSAGE
    edited = filters.UpdateType.EDITED_MESSAGE
    # 1. Private chats: commands and text (a command is text starting with "/").
    application.add_handler(MessageHandler(private & new & filters.TEXT, chat.on_message))
    # 2. Button presses (our inline buttons; presses outside private chats are ignored).
    application.add_handler(CallbackQueryHandler(chat.on_button))
    # 3. Anything else a patient sends: photos, stickers, voice, files, locations...
    not_text = private & new & ~filters.TEXT & ~filters.StatusUpdate.ALL
    application.add_handler(MessageHandler(not_text, chat.on_non_text))
    # 4. Edited text is answered as a new message; edited commands are not re-run.
    edit = private & edited & filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(edit, chat.on_message))
    # 5. Groups: only commands get an answer (see bot.telegram.handlers).
    application.add_handler(MessageHandler(~private & new & filters.COMMAND, chat.on_group_command))
    # 6. The staff chat: staff replying to a patient (in reply, or in the patient's topic).
    staff_chat = chat.conversation.settings.staff_chat_id
    if staff_chat is not None:
        in_staff_chat = filters.Chat(staff_chat) & new & filters.TEXT & ~filters.COMMAND
        application.add_handler(MessageHandler(in_staff_chat, chat.on_staff_text))
    application.add_error_handler(chat.on_error)


async def set_command_menus(bot: Bot, settings: Settings) -> None:
    """Patients see their commands in private chats; staff see theirs in the staff
    chat and in their own private chats (as python-telegram-bot's rules-bot does)."""
    patient = [BotCommand(name, text) for name, text in PATIENT_COMMANDS.items()]
    staff = [BotCommand(name, text) for name, text in STAFF_COMMAND_MENU.items()]
    with contextlib.suppress(TelegramError):
        await bot.set_my_commands(patient, scope=BotCommandScopeAllPrivateChats())
    if settings.staff_chat_id is not None:
        with contextlib.suppress(TelegramError):
            await bot.set_my_commands(staff, scope=BotCommandScopeChat(settings.staff_chat_id))
    for staff_id in sorted(settings.staff_ids):
        with contextlib.suppress(TelegramError):
            await bot.set_my_commands(patient + staff, scope=BotCommandScopeChat(staff_id))


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging() -> None:
    logging.basicConfig(format=LOG_FORMAT, level=logging.INFO)
    # The format shows none of these, and each record would otherwise look them up (the
    # caller's file and line by walking the stack): Python's logging HOWTO, "Optimization".
    # Every patient's update logs a line on the database thread.
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # Routine job runs are not news.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
