"""The object graph of the product, built in one place for `aftercare run`, `aftercare
chat` and the tests: every collaborator is made here and passed in, none reaches for
another."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.config import Settings
from bot.conversation.checkin_hooks import CheckInHooks
from bot.conversation.checkins import StoredCheckIns
from bot.conversation.router import Conversation
from bot.knowledge.holder import KnowledgeHolder, settle_memory
from bot.storage.store import Store


def utc_now() -> datetime:
    """The real wall clock, read at every decision (never cached at start-up)."""
    return datetime.now(UTC)


@dataclass
class Product:
    """The parts every front end shares: settings, the database, the knowledge in use and
    the conversation engine."""

    settings: Settings
    store: Store
    knowledge: KnowledgeHolder
    conversation: Conversation
    clock: Callable[[], datetime]

    def close(self) -> None:
        self.store.close()


def compose(
    settings: Settings,
    knowledge: KnowledgeHolder,
    *,
    store: Store | None = None,
    hooks: CheckInHooks | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Product:
    """Open the database (unless given) and wire the conversation to the stored check-in
    plan (unless other `hooks` are given, as tests do); then keep the garbage collector
    away from everything built (`settle_memory`)."""
    opened = store if store is not None else Store(settings.db_path)
    conversation = Conversation(
        knowledge,
        settings,
        hooks if hooks is not None else StoredCheckIns(lambda: knowledge.current.base),
    )
    product = Product(settings, opened, knowledge, conversation, clock)
    # Start-up is done: what was built so far lives as long as the process.
    settle_memory()
    return product
