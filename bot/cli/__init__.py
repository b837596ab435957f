"""The `aftercare` command line: the front door for operators and clinic staff.

One module per group of commands: `talk` (run, chat, ask), `kb` (check, eval, diff) and
`records` (unanswered, stats). Only the module of the command typed is imported, and each
imports what its command needs only when it runs: `aftercare ask` must start in a blink,
without Telegram, the database or scikit-learn.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from importlib import import_module
from typing import Any, NoReturn

import click

COMMANDS = {
    "run": "talk",
    "chat": "talk",
    "ask": "talk",
    "kb": "kb",
    "unanswered": "records",
    "stats": "records",
}
"""Each command, and the module of `bot.cli` that defines it under the same name."""


class LazyGroup(click.Group):
    """A group whose commands are imported when one is run (or its help is shown)."""

    def __init__(self, *args: Any, modules: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules = modules

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.modules)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self.modules.get(cmd_name)
        if module is None:
            return None
        command = getattr(import_module(f"bot.cli.{module}"), cmd_name)
        if not isinstance(command, click.Command):
            raise TypeError(f"bot.cli.{module}.{cmd_name} is not a command")
        return command


@click.group(cls=LazyGroup, modules=COMMANDS)
@click.version_option(
    package_name="aftercare", prog_name="aftercare", message="%(prog)s %(version)s"
)
def main() -> None:
    """aftercare: the microneedling aftercare bot.

    Start with 'aftercare chat' to talk to the bot in this terminal. Staff who edit the
    knowledge files check them with 'aftercare kb check'. Type 'aftercare COMMAND --help'
    to read about one command.
    """


def run() -> NoReturn:
    """The `aftercare` console script: `main`, then out at once.

    A normal exit first takes apart every object the command made, and the knowledge is
    hundreds of thousands of them: for `aftercare ask` that costs more than the answer.
    So once the command is done, if it left no other thread running, the exit handlers
    run and the output is flushed as at any exit, and the process then ends without
    taking the rest apart (`os._exit`). Anything else exits as usual.
    """
    code: str | int | None = 0
    try:
        main()
    except SystemExit as stop:
        code = stop.code
    if not isinstance(code, int) or threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        # A closed pipe ('aftercare ask ... | head'): Python's own exit says so.
        sys.exit(code)
    os._exit(code)
