"""Buttons as Telegram's inline keyboards, and the one place Telegram HTML is made safe
to show as plain text (when Telegram refuses the HTML)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

_TAG = re.compile(r"<[^>]+>")


def inline_keyboard(rows: Sequence[Sequence[Sequence[str]]]) -> InlineKeyboardMarkup | None:
    """Telegram's inline keyboard for rows of `[label, callback data]` (None for none)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def as_plain_text(text: str) -> str:
    """Telegram HTML as plain text: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", text))
