"""One turn of the conversation: the event being answered and everything a flow needs.

A `Turn` lives for one call of `Conversation.handle`, inside the one database transaction
that call runs in: what a flow stores and what it answers commit together or not at all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from sqlite_utils import Database

from bot.config import Settings
from bot.conversation.checkin_hooks import CheckInHooks
from bot.conversation.events import Sender
from bot.core.dates import days_since_treatment
from bot.knowledge.compiled import Knowledge
from bot.storage import patients
from bot.storage.patients import Patient

log = logging.getLogger(__name__)

_WORDS = re.compile(r"[a-z]+")
T = TypeVar("T")


@dataclass
class Turn:
    """Who wrote, when, the knowledge in use and the open transaction."""

    db: Database
    sender: Sender
    now: datetime
    knowledge: Knowledge
    settings: Settings
    hooks: CheckInHooks
    checkins_due: bool = False
    """Set when a change left a check-in due right away (sent now, not at the next look)."""
    event_message: tuple[int, str] | None = None
    """A pressed staff-chat message: its id and its text as HTML (to rewrite it)."""
    _patient: Patient | None = field(default=None, repr=False)

    def say(self, key: str, **fields: object) -> str:
        """One of the bot's sentences from `bot.yaml`, with its {fields} filled in."""
        return self.knowledge.base.wording[key].format(**fields)

    @property
    def is_staff(self) -> bool:
        return self.sender.user_id in self.settings.staff_ids

    def meet(self) -> Patient:
        """The sender as a patient: created on first contact, refreshed on every later one.

        A patient who had blocked the bot and writes again is reachable again; if their
        check-ins are still on, what is still ahead of their plan is planned again.
        """
        if self._patient is not None:
            return self._patient
        sender = self.sender
        patient, was_reachable = patients.greet_patient(
            self.db,
            sender.user_id,
            chat_id=sender.chat_id,
            first_name=sender.first_name or None,
            username=sender.username,
            timezone=self.settings.timezone,
            checkin_time=self.settings.checkin_time,
            now=self.now,
            channel=sender.channel,
        )
        if was_reachable is False and patient.checkins_enabled:
            planned = self.tell_scheduler(
                lambda: self.hooks.opted_in(self.db, patient.id, self.now)
            )
            self.checkins_due |= bool(planned)
        self._patient = patient
        return patient

    def refresh(self) -> Patient:
        """The patient's row again, after a flow changed it."""
        self._patient = None
        return self.meet()

    def known_patient(self) -> Patient | None:
        """The sender's row if we have met before, without creating one."""
        return patients.get_patient(self.db, self.sender.user_id)

    def tell_scheduler(self, hook: Callable[[], T]) -> T | None:
        """Run a check-in hook in a savepoint of its own: a scheduler problem must not cost
        the patient their reply, nor the change the flow stored. None when it failed."""
        try:
            with self.db.atomic():
                return hook()
        except Exception as error:
            log.error("check-in hook failed: %s", type(error).__name__)
            return None

    def today(self, patient: Patient) -> date:
        return self.now.astimezone(patient.timezone).date()

    def day(self, patient: Patient) -> int | None:
        """Days since the patient's treatment, or None if we don't know the date."""
        if patient.treated_on is None:
            return None
        return days_since_treatment(patient.treated_on, self.now, patient.timezone)


def plain_words(text: str) -> str:
    """A short answer as bare lower-case words: "Yes, please!" -> "yes please"."""
    return " ".join(_WORDS.findall(text.lower()))
