"""The conversation engine: what the bot says to a patient, whoever carries the message.

Telegram (`bot.telegram`) and the terminal (`bot.terminal`) both turn what a person did
into one `Incoming` event and run `Conversation.handle(db, sender, event, now)` inside one
database transaction (`Store.run`); they get back what to deliver. Nothing here knows
about Telegram, and `now` is always passed in: every date decision reads the clock when
it is made.

The whole machine is in the tables below: which flow answers each command, each button
(by the prefix of its callback data) and, for free text, each state the conversation can
wait in (`bot.conversation.states`). Every free-text message is checked for a warning sign
first, in every state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.config import Settings
from bot.conversation import (
    alerts,
    checkins,
    forget,
    onboarding,
    questions,
    relay,
    settings,
    staff,
)
from bot.conversation.checkin_hooks import CheckInHooks, NoCheckIns
from bot.conversation.events import (
    ButtonPress,
    CheckInsDue,
    Command,
    Incoming,
    NonText,
    Outgoing,
    RemoveButtons,
    Reply,
    Sender,
    StaffText,
    Toast,
)
from bot.conversation.states import State
from bot.conversation.turn import Turn
from bot.conversation.wording import checkin_offer
from bot.core.pseudonym import pseudonym
from bot.knowledge.holder import KnowledgeHolder
from bot.storage import patients
from scheduler.clock import utc

log = logging.getLogger(__name__)

Flow = Callable[[Turn, tuple[str, ...]], list[Outgoing]]
ButtonFlow = Callable[[Turn, str], list[Outgoing]]

PATIENT_COMMANDS: dict[str, str] = {
    "start": "Start: tell me your treatment date",
    "help": "What I can do",
    "topics": "Browse aftercare topics",
    "treatment": "Set or change your treatment date",
    "checkins": "Check-ins on or off",
    "time": "When check-ins arrive (HH:MM)",
    "timezone": "Your time zone",
    "status": "What I know about you",
    "forget": "Delete everything I store about you",
}
"""The patient commands and their one-line descriptions, as Telegram's menu shows them."""
STAFF_CHAT_COMMANDS = ("message", "done")
"""Staff commands about one patient: in the staff chat only."""
STAFF_COMMANDS = (*staff.COMMANDS, *STAFF_CHAT_COMMANDS)

COMMAND_FLOWS: dict[str, Flow] = {
    "start": lambda turn, _args: onboarding.start(turn),
    "treatment": onboarding.treatment,
    "help": lambda turn, _args: settings.help_text(turn),
    "topics": lambda turn, _args: settings.topics(turn),
    "checkins": settings.checkins,
    "time": settings.checkin_time,
    "timezone": settings.timezone,
    "status": lambda turn, _args: settings.status(turn),
    "forget": lambda turn, _args: forget.ask(turn),
}
"""Patient command -> flow (staff commands go to `bot.conversation.staff` for staff only)."""

BUTTON_FLOWS: dict[str, ButtonFlow] = {
    "forget": forget.button,
    "date": onboarding.date_button,
    "checkins": onboarding.checkins_button,
    "redate": onboarding.date_change_button,
    "topic": questions.topic_button,
    "ci": lambda turn, value: checkins.button(turn, f"ci:{value}"),
    "alert": alerts.button,
    "photo": relay.photo_button,
}
"""Callback data prefix (before the first ":") -> flow, given what follows the prefix."""


BUTTON_STATES: dict[str, tuple[State, ...]] = {
    "forget": (State.AWAITING_FORGET_CONFIRM,),
    "date": (State.AWAITING_DATE,),
    "checkins": (State.AWAITING_CHECKIN_CHOICE, State.CHECKIN_OFFERED_AGAIN),
}
"""Buttons that act only while the conversation waits in the state that offered them."""
FORGET_BUTTON_MINUTES = 10
"""The "Yes, delete" button acts only this long after /forget asked."""


STATELESS_BUTTONS = ("topic", "alert")
"""Buttons that mean the same whenever they are pressed, by anyone."""


def _offered(action: str, patient: patients.Patient | None, turn: Turn) -> bool:
    """Whether a button still stands for the question it answered."""
    if action in STATELESS_BUTTONS:
        return True
    if patient is None:
        return False
    states = BUTTON_STATES.get(action)
    if states is None:
        return True
    if patient.state not in states:
        return False
    if action == "forget":
        since = patient.state_since
        return since is not None and turn.now - since <= timedelta(minutes=FORGET_BUTTON_MINUTES)
    return True


class Conversation:
    """The one conversation engine shared by Telegram and the terminal."""

    def __init__(
        self,
        knowledge: KnowledgeHolder,
        settings: Settings,
        hooks: CheckInHooks | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.settings = settings
        self.hooks: CheckInHooks = hooks or NoCheckIns()

    def handle(
        self, db: Database, sender: Sender, event: Incoming, now: datetime
    ) -> list[Outgoing]:
        """Everything to deliver in answer to `event`, in order. Run it inside one
        transaction (`Store.run`): what it stores and what it answers go together."""
        turn = Turn(db, sender, utc(now), self.knowledge.current, self.settings, self.hooks)
        if isinstance(event, Command):
            outgoing = self._command(turn, event)
        elif isinstance(event, ButtonPress):
            if event.message_id is not None and event.message_html is not None:
                turn.event_message = (event.message_id, event.message_html)
            outgoing = self._button(turn, event.data)
        elif isinstance(event, StaffText):
            outgoing = relay.staff_text(turn, event)
        elif isinstance(event, NonText):
            outgoing = self._non_text(turn, event)
        else:
            outgoing = self._text(turn, event.text)
        return [*outgoing, CheckInsDue()] if turn.checkins_due else outgoing

    def is_staff(self, user_id: int) -> bool:
        return user_id in self.settings.staff_ids

    def _in_staff_chat(self, turn: Turn) -> bool:
        return turn.sender.chat_id == self.settings.staff_chat_id

    def _non_text(self, turn: Turn, event: NonText) -> list[Outgoing]:
        """A photo may go to the team (see `relay.photo`); anything else: its caption, and
        a note that only text is read."""
        caption = event.caption or ""
        read = self._text(turn, caption) if caption.strip() else []
        if event.kind == "photo":
            patient = turn.meet()
            copied = relay.photo(turn, patient, event)
            if copied is not None:
                return [*read, *copied]
        return questions.non_text(turn, event, read)

    def _command(self, turn: Turn, command: Command) -> list[Outgoing]:
        name = command.name
        if name != "forget":
            forget.cancel(turn)
        known = name in PATIENT_COMMANDS or name in STAFF_COMMANDS
        log.info("patient %s: command %s", pseudonym(turn.sender.user_id), name if known else "?")
        if name in STAFF_CHAT_COMMANDS and turn.is_staff and self._in_staff_chat(turn):
            if name == "message":
                return relay.message_command(turn, command.args)
            return relay.done_command(turn, command.reply_to, command.thread_id)
        if name in staff.COMMANDS and turn.is_staff:
            return staff.command(turn, name)
        flow = COMMAND_FLOWS.get(name)
        if flow is None:
            return [Reply(turn.say("unknown_command"))]
        return flow(turn, command.args)

    def _button(self, turn: Turn, data: str) -> list[Outgoing]:
        action, _, value = data.partition(":")
        flow = BUTTON_FLOWS.get(action)
        log.info("patient %s: button %s", pseudonym(turn.sender.user_id), action if flow else "?")
        if flow is None or not _offered(action, turn.known_patient(), turn):
            # An old button, a forged one, or one pressed after /forget: it does nothing,
            # and never brings a forgotten patient back.
            return [Toast(turn.say("button_expired")), RemoveButtons()]
        if action != "forget":
            forget.cancel(turn)
        return flow(turn, value)

    def _text(self, turn: Turn, text: str) -> list[Outgoing]:
        if not text.strip():
            return [Reply(turn.say("empty_message"))]
        patient = turn.meet()
        offer_again = False
        if patient.state == State.AWAITING_FORGET_CONFIRM:
            answered = forget.typed(turn, patient, text)
            if answered is not None:
                return answered
            patient = turn.refresh()
        elif patient.state in (State.AWAITING_CHECKIN_CHOICE, State.CHECKIN_OFFERED_AGAIN):
            answered = onboarding.checkin_choice(turn, patient, text)
            if answered is not None:
                return answered
            offer_again = patient.state == State.AWAITING_CHECKIN_CHOICE
            next_state = State.CHECKIN_OFFERED_AGAIN if offer_again else None
            patients.set_state(turn.db, patient.id, next_state, turn.now)
            patient = turn.refresh()
        day = turn.day(patient)
        match = turn.knowledge.matcher.match(text, day)
        match = alerts.checked_on_the_later_day(turn, text, day, match)
        talking_to_staff = relay.in_conversation(turn, patient)
        if match.red_flag:
            raised = alerts.raise_alert(turn, day, text, match.sign)
            return (
                [*raised, *relay.patient_text(turn, patient, text)] if talking_to_staff else raised
            )
        if talking_to_staff:
            return relay.patient_text(turn, patient, text)
        if patient.state in (State.AWAITING_DATE, State.TREATMENT_AHEAD):
            return onboarding.date_or_question(turn, patient, text, match)
        answered = onboarding.date_change(turn, patient, text) or questions.answer(
            turn, patient, text, match
        )
        if offer_again:
            # The question came before the answer to the offer: it is answered, and the
            # offer stands.
            return [*answered, checkin_offer(turn.knowledge.base)]
        return answered
