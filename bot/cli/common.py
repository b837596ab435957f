"""What the commands share: options, the settings, the knowledge and the stored questions.

Heavy modules are imported inside the functions that need them, so a command pays only
for what it uses (see `bot.cli`).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.knowledge.compiled import Knowledge
    from bot.storage.questions import AskedText

KNOWLEDGE_HELP = (
    "The knowledge folder to use, for example a copy you are editing (normally the one "
    "named by AFTERCARE_KNOWLEDGE_DIR, else the built-in one)."
)
JSON_HELP = "Print the result as JSON, for scripts and other programs."


def at_least(value: int | None, minimum: int) -> int | None:
    """A whole number option checked in words ('must be 1 or more'), not as 'x>=1'."""
    if value is not None and value < minimum:
        raise click.BadParameter(f"must be {minimum} or more")
    return value


def settings_or_exit() -> Settings:
    """The configuration, or a clear message and exit code 2."""
    from bot.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(2)


def knowledge_dir(option: str | None) -> Path:
    """The folder to read: the option, else AFTERCARE_KNOWLEDGE_DIR (or .env), else built-in."""
    return Path(option) if option else settings_or_exit().knowledge_dir


def knowledge_or_exit(folder: Path) -> Knowledge:
    """The knowledge of `folder` with its matcher, or every problem and exit code 1."""
    from bot.core.model import KnowledgeError
    from bot.knowledge.compiled import compile_knowledge

    try:
        return compile_knowledge(folder)
    except KnowledgeError as error:
        from bot.knowledge.loader import problems_report

        click.echo(problems_report(error, folder), err=True)
        sys.exit(1)


def stored_questions(since_days: int | None, reading: str | None = None) -> list[AskedText]:
    """The distinct unanswered texts in the database, counted, without creating a
    database where there is none; with `reading`, their grouping keys kept with it."""
    from bot.storage.questions import asked_unanswered
    from bot.storage.store import Store

    path = settings_or_exit().db_path
    if not path.exists():
        return []
    since = datetime.now(UTC) - timedelta(days=since_days) if since_days is not None else None
    with Store(path) as store:
        return store.run_sync(asked_unanswered, since, reading)
