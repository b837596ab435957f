"""The `aftercare` command line: the front door for operators and clinic staff.

The commands are a click group (`bot.cli.group`, here as `main`), built only when the
console script needs it: `aftercare ask "..." --json` with the knowledge cached is answered
without click (`bot.cli.quick`), whose import alone would cost a third of such a start.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from bot.cli.group import main as main


def __getattr__(name: str) -> Any:
    # `main` is imported on first use, so that a quick answer never imports click.
    if name == "main":
        from bot.cli.group import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run() -> NoReturn:
    """The `aftercare` console script: a quick answer (`bot.cli.quick`) or `main`, then out
    at once.

    A normal exit first takes apart every object the command made, and the knowledge is
    hundreds of thousands of them: for `aftercare ask` that costs more than the answer.
    So once the command is done, if it left no other thread running, the exit handlers
    run and the output is flushed as at any exit, and the process then ends without
    taking the rest apart (`os._exit`). Anything else exits as usual.
    """
    from bot.cli.quick import answered_quickly

    code: str | int | None = 0
    try:
        if not answered_quickly(sys.argv[1:]):
            from bot.cli.group import main

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
