"""The Bot API call each outbox row makes: a send, a copy, an edit, or buttons removed.

`bot.telegram.delivery` decides when a row goes and what its end means; this is only the
call. A send, the hot path, goes through `Bot.do_api_request` with the Bot API's own
fields, and its answer is read for the new message's id alone: building
python-telegram-bot's objects for a send and parsing the Message it returns cost more CPU
than the send's HTTP itself (`bot.telegram.application` keeps python-telegram-bot from
warning about it). The rare calls use python-telegram-bot's methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.conversation.outbound import COPY, EDIT, REMOVE_BUTTONS, SEND
from bot.conversation.wording import plain_text


async def call_telegram(
    bot: Bot, method: str, chat_id: int, params: dict[str, Any], thread: int | None
) -> int | None:
    """Make an outbox row's call (`thread`: the forum topic it goes to, if any); returns
    the new message's id when it made one."""
    if method == REMOVE_BUTTONS:
        await bot.edit_message_reply_markup(chat_id, params["message_id"], reply_markup=None)
        return None
    if method == EDIT:
        plain = params.get("plain", False)
        await bot.edit_message_text(
            plain_text(params["text"]) if plain else params["text"],
            chat_id,
            params["message_id"],
            parse_mode=None if plain else ParseMode.HTML,
            reply_markup=inline_keyboard(params.get("buttons", [])),
        )
        return None
    if method == COPY:
        copied = await bot.copy_message(
            chat_id, params["from_chat_id"], params["message_id"], message_thread_id=thread
        )
        return copied.message_id
    if method != SEND:
        raise ValueError(f"unknown outbox method {method!r}")
    sent = await bot.do_api_request(
        "sendMessage", api_kwargs=send_message_fields(chat_id, params, thread)
    )
    return int(sent["message_id"])


def send_message_fields(chat_id: int, params: dict[str, Any], thread: int | None) -> dict[str, Any]:
    """sendMessage's fields for an outbox row's `params`, as Telegram reads them (None
    fields are left out): plain text when the HTML was refused, its buttons, its forum
    topic, and the message it answers (not inside a topic, where the topic says it)."""
    plain = params.get("plain", False)
    buttons = params.get("buttons", [])
    reply_to = params.get("reply_to") if thread is None else None
    return {
        "chat_id": chat_id,
        "text": plain_text(params["text"]) if plain else params["text"],
        "parse_mode": None if plain else ParseMode.HTML.value,
        "reply_markup": (
            {
                "inline_keyboard": [
                    [{"text": label, "callback_data": data} for label, data in row]
                    for row in buttons
                ]
            }
            if buttons
            else None
        ),
        "message_thread_id": thread,
        "reply_parameters": (
            {"message_id": reply_to, "allow_sending_without_reply": True} if reply_to else None
        ),
    }


def inline_keyboard(rows: Sequence[Sequence[Sequence[str]]]) -> InlineKeyboardMarkup | None:
    """Telegram's inline keyboard for rows of `[label, callback data]` (None for none)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )
