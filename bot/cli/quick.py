"""`aftercare ask "..." --json` answered without click, when the knowledge is cached.

Scripts ask one question per start, and importing click costs a third of such a start.
So the console script (`bot.cli.run`) first offers its arguments here. When they are
`ask`, one question and `--json`, with `--day N` and `--knowledge FOLDER` at most once
each, written as the `ask` command reads them, and the knowledge is in the cache, the
answer is printed here exactly as that command prints it. Anything else (help, a mistake in
the arguments, a problem in the settings, knowledge not cached as it is now, output that
click would re-encode, shell completion) is left to click, which does what it always does.
"""

from __future__ import annotations

import codecs
import gc
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.matching import Match


def answer_line(match: Match) -> str:
    """What `aftercare ask --json` prints for one question (without its newline)."""
    fields = match.as_json()
    if not match.red_flag:
        # A sign is named only when it alerts: a mention set aside is in "ruled_out",
        # with why, and a "sign" beside "red_flag": false reads as an alert.
        fields["sign"] = None
    return json.dumps(fields, ensure_ascii=False)


def answered_quickly(arguments: Sequence[str]) -> bool:
    """Whether `arguments` (the command line after the program's name) were answered here;
    False when click should run them."""
    read = _ask_arguments(arguments)
    if read is None or not _plain_output() or _completing():
        return False
    question, day, folder = read
    try:
        return _answer(question, day, folder)
    except (KeyboardInterrupt, OSError) as error:
        _as_click_would(error)
        return True


def _answer(question: str, day: int | None, folder: str | None) -> bool:
    # Nothing made while answering one question is garbage before the process ends: the
    # collections the imports would set off (a dozen, a few milliseconds) find nothing.
    gc.disable()
    try:
        return _answer_collecting_nothing(question, day, folder)
    finally:
        gc.enable()


def _answer_collecting_nothing(question: str, day: int | None, folder: str | None) -> bool:
    from bot.config import ConfigError, load_settings
    from bot.knowledge.compiled import cached_knowledge

    try:
        root = Path(folder) if folder else load_settings().knowledge_dir
    except ConfigError:
        return False
    knowledge = cached_knowledge(root)
    if knowledge is None:
        return False
    sys.stdout.write(answer_line(knowledge.matcher.match(question, day)) + "\n")
    sys.stdout.flush()
    return True


def _ask_arguments(arguments: Sequence[str]) -> tuple[str, int | None, str | None] | None:
    """The question, day and folder of `ask QUESTION --json [--day N] [--knowledge
    FOLDER]` in any order, or None for anything else, or anything click might read
    otherwise (a value that looks like an option, a day that is not plain digits, an
    option twice, a folder it cannot read)."""
    if not arguments or arguments[0] != "ask":
        return None
    rest = list(arguments[1:])
    questions: list[str] = []
    values: dict[str, str] = {}
    while rest:
        token = rest.pop(0)
        name, equals, value = token.partition("=")
        if token == "--json" and token not in values:
            values[token] = ""
        elif name in ("--day", "--knowledge") and name not in values:
            if not equals:
                if not rest:
                    return None
                value = rest.pop(0)
            if value.startswith("-"):
                return None
            values[name] = value
        elif token.startswith("-") or questions:
            return None
        else:
            questions.append(token)
    day, folder = values.get("--day"), values.get("--knowledge")
    if not questions or "--json" not in values:
        return None
    if day is not None and not (day.isascii() and day.isdigit()):
        return None
    if folder is not None and not (folder and os.access(folder, os.R_OK)):
        return None
    return questions[0], None if day is None else int(day), folder


def _plain_output() -> bool:
    """Whether click would write to standard output as it is (UTF-8 text), not re-encode."""
    stream = sys.stdout
    if not isinstance(stream, io.TextIOWrapper) or stream.errors is None:
        return False
    try:
        return codecs.lookup(stream.encoding).name == "utf-8"
    except LookupError:
        return False


def _completing() -> bool:
    """Whether a shell asks click to complete a command line (`_AFTERCARE_COMPLETE`)."""
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def _as_click_would(error: BaseException) -> None:
    """What click does when a command raises `error`: 'Aborted!' after Ctrl+C, exit 1 on a
    closed pipe, anything else raised again."""
    # Imported here: only an interrupted answer pays for click.
    import click

    def fail() -> None:
        raise error

    click.Command("ask", callback=fail).main([], prog_name="aftercare")
