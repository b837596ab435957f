"""The yardstick of the HTTP benchmarks: a bare python-telegram-bot bot that answers every
text with one fixed sentence. Nothing stored, nothing decided, nothing rate limited: what
python-telegram-bot itself costs, with its own defaults (its HTTPXRequest pools, its
Updater's polling, updates processed one at a time unless `--concurrent`). With
`--rate-limited` it keeps to Telegram's send limits as python-telegram-bot's own
`AIORateLimiter` models them (30 messages a second overall), as a bot must on the real
Telegram and ours does; without, it sends as fast as the fake answers.

Run by `bench/bench_burst_http.py` and `bench/bench_flood.py` in a process of its own,
with TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL set as for `aftercare run`:

    python bench/bare_bot.py [--concurrent] [--rate-limited] [--http-version 2]
"""

from __future__ import annotations

import argparse
import os
import warnings
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

ANSWER = "Thank you for your question. Gentle cleansing and sunscreen help your skin heal."
CONCURRENT_UPDATES = 256
"""What `concurrent_updates(True)` means in python-telegram-bot."""


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every text gets the same sentence back."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(ANSWER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--concurrent", action="store_true", help="process updates side by side (PTB's True)"
    )
    parser.add_argument(
        "--rate-limited", action="store_true", help="keep to Telegram's limits (AIORateLimiter)"
    )
    parser.add_argument(
        "--http-version", choices=["1.1", "2"], default="1.1", help="for every request"
    )
    options = parser.parse_args()
    # HTTP/2 at another address than api.telegram.org: the fake speaks it.
    warnings.filterwarnings("ignore", message="You set the HTTP version", category=PTBUserWarning)
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .http_version(options.http_version)
        .get_updates_http_version(options.http_version)
        .concurrent_updates(CONCURRENT_UPDATES if options.concurrent else False)
    )
    application: Application[Any, Any, Any, Any, Any, Any] = (
        builder.rate_limiter(AIORateLimiter()).build() if options.rate_limited else builder.build()
    )
    application.add_handler(MessageHandler(filters.TEXT, answer))
    application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0)


if __name__ == "__main__":
    main()
