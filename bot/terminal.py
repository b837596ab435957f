"""`aftercare chat`: the same conversation in the terminal, with no token or network.

The terminal is the second thin front end of `bot.conversation` (Telegram is the other):
each line typed becomes one event for the engine, run in one transaction like a Telegram
update, and what comes back is printed as plain text. Buttons are shown as numbered
choices ("[1] Today  [2] Yesterday"); typing the number presses the button. The patient
is a fixed local user over the same SQLite file as the bot (AFTERCARE_DB); staff alerts
are printed, not sent. Check-ins are planned as in the bot (so /status shows the next
one) but never sent from here.

It reads standard input on the main thread, so Ctrl+C ends it at once.
"""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot.compose import Product, compose, utc_now
from bot.config import ConfigError, load_settings
from bot.conversation.events import (
    Button,
    ButtonPress,
    Command,
    Incoming,
    Outgoing,
    RemoveButtons,
    Reply,
    Sender,
    StaffAlert,
    StaffJob,
    Toast,
    read_message,
)
from bot.conversation.staff import run_staff_job
from bot.conversation.wording import plain_text
from bot.knowledge.holder import open_knowledge
from bot.storage import patients

LOCAL_USER_ID = 1
"""The terminal's patient: no Telegram account has id 1."""
QUIT = ("/quit", "/exit")
EXIT_CONFIG = 2
EXIT_KNOWLEDGE = 1
GREETING = (
    "Chatting with the aftercare bot as {name}. Type /quit to leave, /help for help.\n"
    "Check-ins are planned here (/status shows the next one), but only the Telegram bot "
    "(aftercare run) sends them.\n"
)


class TerminalChat:
    """Prints the conversation's replies and remembers the buttons on show."""

    def __init__(
        self,
        product: Product,
        sender: Sender,
        output: TextIO,
        clock: Callable[[], datetime],
    ) -> None:
        self.product = product
        self.sender = sender
        self.output = output
        self.clock = clock
        self.buttons: list[Button] = []

    def event_for(self, line: str) -> Incoming:
        """A typed line: the number of a button on show presses it; the rest is text."""
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(self.buttons):
            return ButtonPress(self.buttons[int(choice) - 1].data)
        return read_message(line)

    def say(self, line: str) -> None:
        self.send(self.event_for(line))

    def send(self, event: Incoming) -> None:
        product = self.product
        outgoing = product.store.run_sync(
            product.conversation.handle, self.sender, event, self.clock()
        )
        for item in outgoing:
            self.show(item)

    def show(self, item: Outgoing) -> None:
        if isinstance(item, RemoveButtons):
            self.buttons = []
        elif isinstance(item, StaffAlert):
            self._print(f"[to staff] {plain_text(item.text)}")
        elif isinstance(item, Toast):
            self._print(f"({item.text})")
        elif isinstance(item, StaffJob):
            product = self.product
            job = run_staff_job(item, product.store, product.knowledge, self.clock())
            self._print(plain_text(asyncio.run(job)))
        elif isinstance(item, Reply):
            text = plain_text(item.text)
            if item.buttons:
                self.buttons = []
                for row in item.buttons:
                    shown = []
                    for button in row:
                        self.buttons.append(button)
                        shown.append(f"[{len(self.buttons)}] {button.label}")
                    text += "\n" + "  ".join(shown)
            self._print(text)

    def _print(self, text: str) -> None:
        self.output.write(f"bot: {text}\n\n")
        self.output.flush()


def converse(
    product: Product,
    input_stream: TextIO,
    output: TextIO,
    name: str,
    clock: Callable[[], datetime] = utc_now,
) -> None:
    """Read lines until end of input or /quit; a new local patient starts with /start."""
    chat = TerminalChat(
        product,
        Sender(LOCAL_USER_ID, LOCAL_USER_ID, name, channel=patients.TERMINAL),
        output,
        clock,
    )
    output.write(GREETING.format(name=name))
    if product.store.run_sync(patients.get_patient, LOCAL_USER_ID) is None:
        chat.send(Command("start"))
    interactive = input_stream.isatty()
    while True:
        if interactive:
            output.write("you: ")
            output.flush()
        line = input_stream.readline()
        if not line or line.strip().lower() in QUIT:
            return
        chat.say(line.rstrip("\n"))


def local_name() -> str:
    """The terminal's patient is called after the person at the keyboard."""
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "you"


def chat(
    input_stream: TextIO | None = None, output: TextIO | None = None, staff: bool = False
) -> int:
    """`aftercare chat` over standard input and output; returns the exit code. With
    `staff`, the terminal also plays the staff chat."""
    input_stream = input_stream or sys.stdin
    output = output or sys.stdout
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    knowledge = open_knowledge(settings.knowledge_dir, settings.db_path)
    if knowledge is None:
        return EXIT_KNOWLEDGE
    product = compose(settings, knowledge)
    try:
        converse(product, input_stream, output, local_name())
    except KeyboardInterrupt:
        output.write("\n")
    finally:
        product.close()
    return 0
