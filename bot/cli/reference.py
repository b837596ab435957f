"""The reference pages in the README and docs/cli.md, generated from the code.

The README's command table, its list of modules and docs/cli.md are written by cog
(cogapp) from these functions, so they say exactly what `--help` and each module's
docstring say: after changing a command or adding a module, run
`.venv/bin/cog -r README.md docs/cli.md`. CI runs `cog --check` and fails when the pages
and the code disagree.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click

from bot.cli.group import main

PROGRAM = "aftercare"
ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "scheduler")
SUMMARY_LENGTH = 160
_SENTENCE_END = re.compile(r"(?<=[a-z)`'?])[.?](?:\s|$)")
HELP_WIDTH = 88
"""A fixed width, so the generated pages do not depend on the terminal of whoever runs cog."""


def commands(
    group: click.Group = main, parent: click.Context | None = None
) -> Iterator[tuple[click.Context, click.Command]]:
    """Every command, with a context that knows its full name ('aftercare kb check')."""
    context = parent or click.Context(group, info_name=PROGRAM, terminal_width=HELP_WIDTH)
    # Listed by name and then looked up: `main` imports a command's module only when asked.
    for name in sorted(group.list_commands(context), key=_order):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            yield from commands(command, click.Context(command, info_name=name, parent=context))
        elif command is not None:
            yield click.Context(command, info_name=name, parent=context), command


def _order(name: str) -> tuple[int, str]:
    """Patients' and operators' commands first, as people meet them; then the staff's."""
    first = ("run", "chat", "ask", "kb", "unanswered", "stats")
    return (first.index(name) if name in first else len(first), name)


def usage(context: click.Context, command: click.Command) -> str:
    """'aftercare ask [QUESTION] [--day N] [--json] [--knowledge FOLDER]'."""
    pieces = [context.command_path]
    for param in command.params:
        if isinstance(param, click.Argument):
            name = param.metavar or (param.name or "").upper()
            pieces.append(name if param.required else f"[{name}]")
        elif isinstance(param, click.Option) and not param.hidden:
            flag = max(param.opts, key=len)
            shown = flag if param.is_flag else f"{flag} {param.metavar or param.type.name.upper()}"
            pieces.append(f"[{shown}]")
    return " ".join(pieces)


def description(command: click.Command) -> str:
    """The command's help text on one line."""
    return " ".join((command.help or "").split())


def command_table() -> str:
    """The README's table: each command's usage and what it does."""
    rows = ["| command | what it does |", "| --- | --- |"]
    for option in main.params:
        if isinstance(option, click.Option) and option.help:
            rows.append(f"| `{PROGRAM} {max(option.opts, key=len)}` | {option.help} |")
    for context, command in commands():
        cell = description(command).replace("|", "\\|")
        rows.append(f"| `{usage(context, command)}` | {cell} |")
    return "\n".join(rows) + "\n"


def help_pages() -> str:
    """docs/cli.md: the full `--help` of `aftercare` and of every command."""
    top = click.Context(main, info_name=PROGRAM, terminal_width=HELP_WIDTH)
    sections = [_section(top, main)]
    sections += [_section(context, command) for context, command in commands()]
    return "\n".join(sections)


def _section(context: click.Context, command: click.Command) -> str:
    help_text = command.get_help(context)
    return f"## {context.command_path}\n\n```\n{help_text}\n```\n"


def module_list() -> str:
    """The README's layout: every module of the product, folder by folder, with the first
    sentence of its docstring."""
    lines: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            summary = _first_sentence(ast.get_docstring(ast.parse(path.read_text())) or "")
            if path.name == "__init__.py" and not summary:
                continue
            lines.append(f"- `{relative}`: {summary}")
    return "\n".join(lines) + "\n"


def _first_sentence(docstring: str) -> str:
    paragraph = " ".join(docstring.split("\n\n")[0].split())
    end = _SENTENCE_END.search(paragraph)
    sentence = paragraph[: end.start() + 1] if end else paragraph
    if len(sentence) <= SUMMARY_LENGTH:
        return sentence
    return sentence[: sentence.rfind(" ", 0, SUMMARY_LENGTH)].rstrip(",;:") + " ..."
