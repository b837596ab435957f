"""What should have happened in `bench_kill.py`: a ledger of every message the bot owes, by
chat and kind, and the shadow that fills it.

The shadow is the product's own conversation engine, in this process, on a database of its
own, fed each patient's message at the moment it is sent to the fake Telegram: what it
decides (replies, the urgent answer, the staff alert) is what the real bot, killed and
restarted any number of times, must deliver. What the staff do (a press on "I'm on it", a
reply) and check-ins are owed by rule, worded from the same knowledge.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.compose import Product, compose
from bot.config import load_settings
from bot.conversation.events import Incoming, Reply, Sender, StaffAlert, StaffMessage
from bot.core.model import KnowledgeBase
from bot.knowledge.holder import open_knowledge
from bot.storage.store import Store


class Kind(StrEnum):
    """What an owed message is, and so which guarantee covers it."""

    REPLY = "replies"
    URGENT = "urgent answers"
    ALERT = "alerts"
    STAFF_TO_PATIENT = "staff messages to patients"
    RELAY_TO_STAFF = "patient messages relayed to staff"
    STAFF_NOTE = "other staff-chat notes"
    CHECKIN = "check-ins"


AT_MOST_ONCE = frozenset({Kind.CHECKIN})
"""Kinds sent at most once (README, `bot/storage/outbox.py`); every other kind is sent at
least once, so a duplicate of it is allowed and only counted."""
URGENT_MARK = "<urgent answer>"
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")


@dataclass(frozen=True)
class Owed:
    """One message the bot owes: `text` in `chat_id` (exactly, after `normal`), or any
    message there containing `text` when `contains`; `since` is when the cause was sent
    (`time.perf_counter()`), for delays."""

    chat_id: int
    kind: Kind
    text: str
    since: float
    contains: bool = False
    patient_id: int | None = None


class Ledger:
    """Everything owed, in the order it became owed."""

    def __init__(self, urgent_texts: frozenset[str]) -> None:
        self.owed: list[Owed] = []
        self.urgent_texts = urgent_texts

    def normal(self, text: str) -> str:
        """A text as compared: both urgent wordings (open or closed) are one, and clock
        times (a reply may say the time it was processed) are blanked."""
        text = text.strip()
        if text in self.urgent_texts:
            return URGENT_MARK
        return _CLOCK.sub("HH:MM", text)

    def owe(
        self,
        chat_id: int,
        kind: Kind,
        text: str,
        since: float,
        *,
        contains: bool = False,
        patient_id: int | None = None,
    ) -> None:
        shown = text if contains else self.normal(text)
        self.owed.append(Owed(chat_id, kind, shown, since, contains, patient_id))


class Shadow:
    """The conversation engine on a database of its own, deciding as the real bot will."""

    def __init__(self, environment: Mapping[str, str]) -> None:
        settings = load_settings(environment, env_file=None)
        holder = open_knowledge(settings.knowledge_dir)
        if holder is None:
            raise SystemExit("the knowledge folder does not load")
        self.product: Product = compose(settings, holder, store=Store(":memory:"))
        self.staff_chat = settings.staff_chat_id
        wording = self.knowledge.wording
        urgent = ("red_flag_answer", "red_flag_answer_closed", "unreadable_answer")
        self.ledger = Ledger(frozenset(wording[key].strip() for key in urgent))

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.product.knowledge.current.base

    def handle(self, sender: Sender, event: Incoming, now: datetime) -> int:
        """Decide about `event` as the real bot will, and owe what it says; returns the
        number of alerts it raised."""
        since = time.perf_counter()
        conversation = self.product.conversation
        outgoing = self.product.store.run_sync(conversation.handle, sender, event, now)
        alerts = 0
        ledger = self.ledger
        for item in outgoing:
            if isinstance(item, Reply):
                to = item.to if item.to is not None else sender.chat_id
                urgent = ledger.normal(item.text) == URGENT_MARK
                kind = Kind.URGENT if urgent else Kind.REPLY
                ledger.owe(to, kind, item.text, since, patient_id=sender.user_id)
            elif isinstance(item, StaffAlert) and self.staff_chat is not None:
                ledger.owe(
                    self.staff_chat, Kind.ALERT, item.text, since, patient_id=item.patient_id
                )
                alerts += 1
            elif isinstance(item, StaffMessage) and self.staff_chat is not None:
                ledger.owe(self.staff_chat, Kind.STAFF_NOTE, item.text, since)
        return alerts

    def close(self) -> None:
        self.product.close()
