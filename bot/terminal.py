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
import itertools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TextIO

from bot.compose import Product, compose, utc_now
from bot.config import ConfigError, load_settings
from bot.conversation.events import (
    Button,
    ButtonPress,
    Command,
    CopyToStaff,
    EditStaffMessage,
    Incoming,
    Keyboard,
    Outgoing,
    RemoveButtons,
    Reply,
    Sender,
    StaffAlert,
    StaffJob,
    StaffMessage,
    StaffText,
    Toast,
    read_message,
)
from bot.conversation.staff import run_staff_job
from bot.conversation.wording import plain_text
from bot.knowledge.holder import open_knowledge
from bot.storage import handoffs, patients

LOCAL_USER_ID = 1
"""The terminal's patient: no Telegram account has id 1."""
LOCAL_STAFF_ID = 2
"""The terminal's staff member, with --staff."""
LOCAL_STAFF_CHAT = -1
"""The terminal's staff chat, with --staff."""
QUIT = ("/quit", "/exit")
EXIT_CONFIG = 2
EXIT_KNOWLEDGE = 1
GREETING = (
    "Chatting with the aftercare bot as {name}. Type /quit to leave, /help for help.\n"
    "Check-ins are planned here (/status shows the next one), but only the Telegram bot "
    "(aftercare run) sends them.\n"
)
STAFF_GREETING = (
    "You are also the clinic's staff chat: lines starting with '>' are Sam's, of the staff "
    "(a reply to the latest staff-chat message, or a command such as >/done).\n"
)


@dataclass(frozen=True)
class Shown:
    """A button on show: what pressing it sends, and on whose behalf."""

    button: Button
    staff: bool
    message_id: int | None = None
    message_html: str | None = None


class TerminalChat:
    """Prints the conversation's replies and remembers the buttons on show. With `staff`,
    it also prints the staff chat and lets lines starting with '>' be the staff's."""

    def __init__(
        self,
        product: Product,
        sender: Sender,
        output: TextIO,
        clock: Callable[[], datetime],
        staff: bool = False,
    ) -> None:
        self.product = product
        self.sender = sender
        self.output = output
        self.clock = clock
        self.staff = staff
        self.staff_member = Sender(LOCAL_STAFF_ID, LOCAL_STAFF_CHAT, "Sam")
        self.buttons: list[Shown] = []
        self._message_ids = itertools.count(1)
        self._last_staff_message: int | None = None

    def event_for(self, line: str) -> tuple[Sender, Incoming]:
        """A typed line: the number of a button on show presses it; '>' starts a line of
        the staff's (with --staff); the rest is the patient's text."""
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(self.buttons):
            shown = self.buttons[int(choice) - 1]
            press = ButtonPress(shown.button.data, shown.message_id, shown.message_html)
            return (self.staff_member if shown.staff else self.sender), press
        if self.staff and choice.startswith(">"):
            typed = choice[1:].strip()
            event = read_message(typed)
            if isinstance(event, Command):
                return self.staff_member, replace(event, reply_to=self._last_staff_message)
            return self.staff_member, StaffText(typed, self._last_staff_message)
        return self.sender, read_message(line)

    def say(self, line: str) -> None:
        self.send(*self.event_for(line))

    def send(self, sender: Sender, event: Incoming) -> None:
        product = self.product
        outgoing = product.store.run_sync(product.conversation.handle, sender, event, self.clock())
        for item in outgoing:
            self.show(item)

    def show(self, item: Outgoing) -> None:
        if isinstance(item, RemoveButtons):
            self.buttons = [shown for shown in self.buttons if shown.staff]
        elif isinstance(item, StaffAlert):
            self._to_staff(item.text, item.buttons, item.patient_id, item.alert_id)
        elif isinstance(item, StaffMessage):
            if not item.escalation:
                self._to_staff(item.text, item.buttons, item.patient_id, None)
        elif isinstance(item, CopyToStaff):
            self._to_staff(
                "(the patient's photo, copied here by Telegram)", (), item.patient_id, None
            )
        elif isinstance(item, EditStaffMessage):
            self._print(
                f"[staff chat, message {item.message_id} now reads] {plain_text(item.text)}"
            )
        elif isinstance(item, Toast):
            self._print(f"({item.text})")
        elif isinstance(item, StaffJob):
            product = self.product
            job = run_staff_job(item, product.store, product.knowledge, self.clock())
            self._print(plain_text(asyncio.run(job)))
        elif isinstance(item, Reply):
            self.buttons = (
                [shown for shown in self.buttons if shown.staff] if item.buttons else self.buttons
            )
            self._print(plain_text(item.text) + self._buttons(item.buttons, staff=False))

    def _to_staff(
        self, text: str, buttons: Keyboard, patient_id: int | None, alert_id: int | None
    ) -> None:
        if not self.staff:
            self._print(f"[to staff] {plain_text(text)}")
            return
        message_id = next(self._message_ids)
        if patient_id is not None:
            self.product.store.run_sync(
                handoffs.staff_message_sent, LOCAL_STAFF_CHAT, message_id, patient_id, alert_id
            )
            self._last_staff_message = message_id
        shown = self._buttons(buttons, staff=True, message_id=message_id, html=text)
        self._print(f"[staff chat #{message_id}] {plain_text(text)}{shown}")

    def _buttons(
        self,
        rows: Keyboard,
        *,
        staff: bool,
        message_id: int | None = None,
        html: str | None = None,
    ) -> str:
        lines = []
        for row in rows:
            shown = []
            for button in row:
                self.buttons.append(Shown(button, staff, message_id, html))
                shown.append(f"[{len(self.buttons)}] {button.label}")
            lines.append("  ".join(shown))
        return "".join("\n" + line for line in lines)

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
        staff=product.settings.staff_chat_id == LOCAL_STAFF_CHAT,
    )
    output.write(GREETING.format(name=name))
    if chat.staff:
        output.write(STAFF_GREETING)
    if product.store.run_sync(patients.get_patient, LOCAL_USER_ID) is None:
        chat.send(chat.sender, Command("start"))
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
    if staff:
        # The terminal is the staff chat too, with its local staff member.
        settings = settings._replace(
            staff_chat_id=LOCAL_STAFF_CHAT,
            staff_ids=settings.staff_ids | {LOCAL_STAFF_ID},
        )
    product = compose(settings, knowledge)
    try:
        converse(product, input_stream, output, local_name())
    except KeyboardInterrupt:
        output.write("\n")
    finally:
        product.close()
    return 0
