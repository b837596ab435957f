"""Live reload: the running bot picks up knowledge edits without a restart.

A periodic job calls `KnowledgeWatcher.poll()`. It looks at the knowledge files' names,
sizes and modification times (cheap: no file is read), and only when they have changed
and then stayed the same for `settle_seconds` does it load the folder. That wait is what
keeps an editor that saves in two steps from raising a false alarm. A broken version is
never served: the holder keeps the last good knowledge, the problems are logged as
`file:line: message`, and staff are told once per broken version (by content), not at
every poll. A good version is announced to staff in one sentence saying what changed.
A folder that cannot be read at all (deleted, permissions) is one message, once, until
it can be read again.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core.model import KnowledgeBase
from bot.knowledge.changes import knowledge_changes, reload_summary
from bot.knowledge.files import SIGNS_FOLDER, knowledge_digest
from bot.knowledge.holder import KnowledgeHolder, KnowledgeStart

log = logging.getLogger(__name__)

FolderState = tuple[tuple[str, int, int], ...]
UNREADABLE = "<unreadable folder>"
"""Stands for the version 'folder unreadable' among the broken versions told to staff."""


@dataclass(frozen=True)
class ReloadOutcome:
    """What a poll did: `problems` is empty when a new version went live, and then
    `summary` says what changed ('reloaded: makeup answer changed')."""

    problems: tuple[str, ...]
    reported: bool = False
    summary: str = ""

    @property
    def loaded(self) -> bool:
        return not self.problems


def folder_state(directory: Path) -> FolderState:
    """Names, sizes and modification times of every knowledge file (the files of
    `knowledge_files`, in its order); raises `OSError` when the folder itself cannot be
    read. It runs at every poll, so each folder is listed once (`os.scandir`) and no
    `Path` is made per file."""
    try:
        top = _yaml_files(directory)
    except FileNotFoundError:
        return ()  # a folder not there holds no files; loading it says what is wrong
    signs = directory / SIGNS_FOLDER
    topics = _yaml_files(directory / "topics", missing_ok=True)
    in_signs = _yaml_files(signs, missing_ok=True)
    examples = _yaml_files(signs / "examples", missing_ok=True)
    extras = [
        (name, top[name]) for name in ("bot.yaml", "checkins.yaml", "concepts.yaml") if name in top
    ]
    signs_file = in_signs.get("signs.yaml")
    return (
        *(_entry("topics/", name, stat) for name, stat in topics.items()),
        *(_entry("", name, stat) for name, stat in extras),
        *([_entry(f"{SIGNS_FOLDER}/", "signs.yaml", signs_file)] if signs_file else []),
        *(_entry(f"{SIGNS_FOLDER}/examples/", name, stat) for name, stat in examples.items()),
    )


def _entry(prefix: str, name: str, stat: os.stat_result) -> tuple[str, int, int]:
    return (prefix + name, stat.st_size, stat.st_mtime_ns)


def _yaml_files(folder: Path, missing_ok: bool = False) -> dict[str, os.stat_result]:
    """The `.yaml` files directly in `folder` (name: stat), in name order; a file that
    vanished while listed is left out."""
    try:
        with os.scandir(folder) as listing:
            found = sorted((entry.name, entry) for entry in listing if entry.name.endswith(".yaml"))
    except (FileNotFoundError, NotADirectoryError):
        if missing_ok:
            return {}
        raise
    files: dict[str, os.stat_result] = {}
    for name, entry in found:
        with contextlib.suppress(OSError):
            files[name] = entry.stat()
    return files


class KnowledgeWatcher:
    """Reloads `holder` when its folder changed and has settled."""

    def __init__(
        self,
        holder: KnowledgeHolder,
        clock: Callable[[], float],
        on_broken: Callable[[list[str]], Awaitable[None]] | None = None,
        settle_seconds: float = 2.0,
        on_reloaded: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        """`on_broken` gets the problems of a refused version (once per version);
        `on_reloaded` gets the staff sentence of a version that went live with changes."""
        self.holder = holder
        self.clock = clock
        self.on_broken = on_broken
        self.on_reloaded = on_reloaded
        self.settle_seconds = settle_seconds
        self._unreadable = False
        try:
            self._seen: FolderState | None = folder_state(holder.directory)
        except OSError:
            self._seen = None
        self._pending: FolderState | None = None
        self._pending_since = 0.0
        self._reported: set[str] = set()
        if holder.serving_snapshot is not None:
            # Started on a kept version: the start-up report already told staff about the
            # folder as it is now, so touching it without a fix does not tell them again.
            self._reported.add(knowledge_digest(holder.directory))

    async def poll(self) -> ReloadOutcome | None:
        """Check the folder once; returns what happened when a version was loaded or refused."""
        try:
            current = await asyncio.to_thread(folder_state, self.holder.directory)
        except OSError as error:
            return await self._cannot_read(error)
        if self._unreadable:
            self._unreadable = False
            log.warning("the knowledge folder %s can be read again", self.holder.directory)
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
        before = self.holder.current.base
        recovering = bool(self._reported) or self.holder.serving_snapshot is not None
        problems = await asyncio.to_thread(self.holder.reload)
        if not problems:
            return await self._went_live(before, recovering)
        for problem in problems:
            log.error("knowledge not reloaded: %s", problem)
        version = await asyncio.to_thread(knowledge_digest, self.holder.directory)
        if version in self._reported:
            return ReloadOutcome(tuple(problems))
        self._reported.add(version)
        await self._tell_broken(problems)
        return ReloadOutcome(tuple(problems), reported=True)

    async def _went_live(self, before: KnowledgeBase, recovering: bool) -> ReloadOutcome:
        after = self.holder.current.base
        summary = reload_summary(before, after)
        if recovering:
            summary = summary.replace("reloaded:", "reloaded, the knowledge is fine again:", 1)
        warnings = [str(warning) for warning in after.warnings]
        log.info("knowledge %s (from %s)", summary, self.holder.directory)
        for warning in warnings:
            log.warning("knowledge %s", warning)
        self._reported.clear()
        changed = bool(knowledge_changes(before, after))
        if self.on_reloaded is not None and (changed or recovering):
            try:
                await self.on_reloaded("\n".join([summary, *warnings]))
            except Exception as error:  # a failed staff message must not stop the watcher
                log.warning("could not tell staff about the reload: %s", type(error))
        return ReloadOutcome((), summary=summary)

    async def _cannot_read(self, error: OSError) -> ReloadOutcome | None:
        if self._unreadable:
            return None
        self._unreadable = True
        self._seen = self._pending = None
        self._reported.add(UNREADABLE)
        reason = error.strerror or type(error).__name__
        problem = (
            f"{self.holder.directory}: cannot read the knowledge folder ({reason}); check that "
            "it is there and that the bot's user may read it"
        )
        log.error("knowledge folder unreadable: %s", problem)
        await self._tell_broken([problem])
        return ReloadOutcome((problem,), reported=True)

    async def _tell_broken(self, problems: list[str]) -> None:
        if self.on_broken is None:
            return
        try:
            await self.on_broken(problems)
        except Exception as error:  # a failed staff message must not stop the watcher
            log.warning("could not tell staff about the broken knowledge: %s", type(error))


def broken_knowledge_message(problems: list[str], limit: int = 15) -> str:
    """The staff chat's note about a broken edit: what is wrong and what to do."""
    shown = "\n".join(html.escape(p) for p in problems[:limit])
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return (
        "The knowledge files have problems, so patients still get the last good version.\n"
        f"{shown}{more}\n"
        "Fix these lines and save again; run 'aftercare kb check' to check first."
    )


def reloaded_message(summary: str) -> str:
    """The staff chat's note about a version that went live (what `on_reloaded` gets)."""
    return html.escape(summary, quote=False)


def started_from_snapshot_message(start: KnowledgeStart, limit: int = 15) -> str:
    """The staff chat's note when the bot started on the last good version because the
    knowledge folder had problems."""
    problems = [str(problem) for problem in start.problems]
    served = start.snapshot.describe() if start.snapshot else "the last good version"
    shown = "\n".join(html.escape(p) for p in problems[:limit])
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return (
        "The bot restarted, but the knowledge files have problems, so patients get "
        f"{html.escape(served)}.\n{shown}{more}\n"
        "Fix these lines and save: the bot picks up the fixed files by itself."
    )
