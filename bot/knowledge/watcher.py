"""Live reload: the running bot picks up knowledge edits without a restart.

A periodic job calls `KnowledgeWatcher.poll()`. It looks at the knowledge files' names,
sizes and modification times (cheap: no file is read), and only when they have changed
and then stayed the same for `settle_seconds` does it load the folder. That wait is what
keeps an editor that saves in two steps from raising a false alarm. A broken version is
never served: the holder keeps the last good knowledge, the problems are logged as
`file:line: message`, and staff are told once per broken version (by content), not at
every poll.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import knowledge_files

log = logging.getLogger(__name__)

Snapshot = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class ReloadOutcome:
    """What a poll did: `problems` is empty when a new version went live."""

    problems: tuple[str, ...]
    reported: bool = False

    @property
    def loaded(self) -> bool:
        return not self.problems


def snapshot(directory: Path) -> Snapshot:
    """Names, sizes and modification times of every knowledge file."""
    entries: list[tuple[str, int, int]] = []
    for path in knowledge_files(directory):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path.relative_to(directory)), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def content_digest(directory: Path) -> str:
    """One hash of every knowledge file's content: the identity of a version."""
    digest = hashlib.sha256()
    for path in knowledge_files(directory):
        digest.update(str(path.relative_to(directory)).encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


class KnowledgeWatcher:
    """Reloads `holder` when its folder changed and has settled."""

    def __init__(
        self,
        holder: KnowledgeHolder,
        clock: Callable[[], float],
        on_broken: Callable[[list[str]], Awaitable[None]] | None = None,
        settle_seconds: float = 2.0,
    ) -> None:
        self.holder = holder
        self.clock = clock
        self.on_broken = on_broken
        self.settle_seconds = settle_seconds
        self._seen = snapshot(holder.directory)
        self._pending: Snapshot | None = None
        self._pending_since = 0.0
        self._reported: set[str] = set()

    async def poll(self) -> ReloadOutcome | None:
        """Check the folder once; returns what happened when a version was loaded or refused."""
        current = await asyncio.to_thread(snapshot, self.holder.directory)
        if current == self._seen:
            self._pending = None
            return None
        if current != self._pending:
            self._pending, self._pending_since = current, self.clock()
            return None
        if self.clock() - self._pending_since < self.settle_seconds:
            return None
        self._seen, self._pending = current, None
        return await self.load()

    async def load(self) -> ReloadOutcome:
        """Load the folder now (also what `/reload` means) and report a broken version once."""
        problems = await asyncio.to_thread(self.holder.reload)
        if not problems:
            log.info("knowledge reloaded from %s", self.holder.directory)
            return ReloadOutcome(())
        for problem in problems:
            log.error("knowledge not reloaded: %s", problem)
        version = await asyncio.to_thread(content_digest, self.holder.directory)
        if version in self._reported:
            return ReloadOutcome(tuple(problems))
        self._reported.add(version)
        if self.on_broken is not None:
            try:
                await self.on_broken(problems)
            except Exception as error:  # a failed staff message must not stop the watcher
                log.warning("could not tell staff about the broken knowledge: %s", type(error))
        return ReloadOutcome(tuple(problems), reported=True)


def broken_knowledge_message(problems: list[str], limit: int = 15) -> str:
    """The staff chat's note about a broken edit: what is wrong and what to do."""
    shown = "\n".join(html.escape(p) for p in problems[:limit])
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return (
        "The knowledge files were edited, but the new version has problems, so patients "
        "still get the last good version.\n"
        f"{shown}{more}\n"
        "Fix these lines and save again; run 'aftercare kb check' to check first."
    )
