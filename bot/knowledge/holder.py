"""The knowledge in use by the running bot, swapped whole on a reload."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core.matching import Matcher
from bot.knowledge.loader import load_knowledge, problems_report
from bot.knowledge.model import KnowledgeBase, KnowledgeError
from bot.knowledge.trained import matcher_for


@dataclass(frozen=True)
class Knowledge:
    """One consistent version of the knowledge and the matcher built from it."""

    base: KnowledgeBase
    matcher: Matcher


class KnowledgeHolder:
    """The knowledge in use; `reload()` swaps in a fresh copy all at once, or not at all."""

    def __init__(
        self,
        directory: Path,
        build_matcher: Callable[[KnowledgeBase], Matcher] = matcher_for,
    ) -> None:
        """Load `directory`; a `KnowledgeError` here means there is no good version yet."""
        self.directory = directory
        self._build_matcher = build_matcher
        self.current = self._load()

    def reload(self) -> list[str]:
        """Load the folder again. On problems keep serving the last good version and return
        them as `file:line: message`; on success return an empty list."""
        try:
            fresh = self._load()
        except KnowledgeError as error:
            return [str(problem) for problem in error.problems]
        self.current = fresh
        return []

    def _load(self) -> Knowledge:
        base = load_knowledge(self.directory)
        return Knowledge(base, self._build_matcher(base))


def open_knowledge(directory: Path) -> KnowledgeHolder | None:
    """The knowledge to start with, or None after telling the operator what is wrong."""
    try:
        return KnowledgeHolder(directory)
    except KnowledgeError as error:
        print(problems_report(error, directory), file=sys.stderr)
        return None
