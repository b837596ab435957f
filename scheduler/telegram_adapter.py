"""The scheduler's two touch points with python-telegram-bot: sending, and the periodic job.

The composition root builds a `Dispatcher` with `telegram_sender(application.bot)`, calls
`await dispatcher.recover()` in ``post_init`` and `schedule_dispatch(...)` to run a tick
every ``AFTERCARE_DISPATCH_SECONDS``. The job only *triggers* ticks: what is due lives in
the SQLite outbox, so a missed or late trigger delays a check-in and never loses it
(nothing relies on APScheduler job stores or its misfire grace).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import ContextTypes, Job, JobQueue

from bot.replies import Button, Keyboard
from scheduler.dispatch import Dispatcher, Send

JOB_NAME = "aftercare-checkins"


def keyboard_markup(buttons: Sequence[Sequence[Button]] | Keyboard) -> InlineKeyboardMarkup | None:
    """Telegram's inline keyboard for rows of `Button`s (None for no buttons)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


def telegram_sender(bot: Bot) -> Send:
    """A `Send` that posts HTML messages with inline buttons through `bot`."""

    async def send(chat_id: int, text: str, buttons: Sequence[Sequence[Button]]) -> int:
        message = await bot.send_message(
            chat_id=chat_id,
            text=text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard_markup(buttons),
        )
        return message.message_id

    return send


def _job_callback(dispatcher: Dispatcher) -> Any:
    async def dispatch_checkins(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send the check-ins that are due."""
        await dispatcher.tick()

    return dispatch_checkins


def schedule_dispatch(job_queue: JobQueue[Any], dispatcher: Dispatcher, seconds: float) -> Job[Any]:
    """Run a dispatch tick every `seconds`, the first one at once.

    A late trigger still runs (no misfire grace limit) and piled-up triggers coalesce
    into one; the dispatcher itself ignores a tick while one is running.
    """
    return job_queue.run_repeating(
        _job_callback(dispatcher),
        interval=seconds,
        first=0,
        name=JOB_NAME,
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


def dispatch_now(job_queue: JobQueue[Any], dispatcher: Dispatcher) -> Job[Any]:
    """One tick as soon as possible, e.g. right after onboarding planned day 0."""
    return job_queue.run_once(_job_callback(dispatcher), when=0)
