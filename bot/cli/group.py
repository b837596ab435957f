"""The `aftercare` click group, whose commands are imported only when one is run.

One module of `bot.cli` per group of commands: `talk` (run, chat, ask), `kb` (check,
eval, diff) and `records` (unanswered, stats). Only the module of the command typed is
imported, and each imports what its command needs only when it runs: `aftercare ask` must
start in a blink, without Telegram, the database or scikit-learn.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

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
