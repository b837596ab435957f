"""The knowledge in use by the running bot, swapped whole on a reload.

With `KnowledgeSnapshots` (a folder beside the database) every good version is also
kept, so a start over a broken folder can serve the last good version instead of not
starting: `start_knowledge` says which happened, with the folder's `file:line` problems.
"""

from __future__ import annotations

import gc
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.core.matching import Matcher
from bot.core.model import KnowledgeError, Problem
from bot.knowledge.compiled import Knowledge, compile_knowledge
from bot.knowledge.loader import problems_report
from bot.knowledge.snapshots import (
    KnowledgeSnapshots,
    SavedVersion,
    folder_digest,
    snapshot_folder,
)

log = logging.getLogger(__name__)


class KnowledgeHolder:
    """The knowledge in use; `reload()` swaps in a fresh copy all at once, or not at all."""

    def __init__(
        self,
        directory: Path,
        snapshots: KnowledgeSnapshots | None = None,
        *,
        serving: tuple[SavedVersion, Knowledge] | None = None,
    ) -> None:
        """Load `directory`; a `KnowledgeError` here means there is no good version yet.

        `serving` starts from a kept version instead (see `start_knowledge`): the folder
        is still the one `reload()` reads, and its first good version replaces it."""
        self.directory = directory
        self.snapshots = snapshots
        self.serving_snapshot: SavedVersion | None = None
        if serving is not None:
            self.serving_snapshot, self.current = serving
        else:
            self.current = self._load()

    def reload(self) -> list[str]:
        """Load the folder again. On problems keep serving the last good version and return
        them as `file:line: message`; on success return an empty list."""
        try:
            fresh = self._load()
        except KnowledgeError as error:
            return [str(problem) for problem in error.problems]
        self.current = fresh
        self.serving_snapshot = None
        settle_memory()
        return []

    def _load(self) -> Knowledge:
        try:
            digest = folder_digest(self.directory) if self.snapshots else ""
            # Serving as soon as it can: the cache entry is written meanwhile.
            knowledge = compile_knowledge(self.directory, write_aside=True)
        except OSError as error:
            # The folder vanished or became unreadable halfway through: a problem like any
            # other, so the last good version keeps serving.
            reason = error.strerror or type(error).__name__
            raise KnowledgeError(
                [Problem(str(self.directory), 1, f"cannot read the knowledge folder: {reason}")]
            ) from error
        if self.snapshots is not None:
            self._keep(self.snapshots, digest)
        return knowledge

    def _keep(self, snapshots: KnowledgeSnapshots, digest: str) -> None:
        try:
            kept = snapshots.keep(self.directory, digest)
        except OSError as error:
            log.warning(
                "could not keep a copy of the good knowledge in %s: %s",
                snapshots.folder,
                error.strerror or type(error).__name__,
            )
            return
        if kept is not None:
            log.info("kept a copy of the good knowledge in %s", kept.path)


@dataclass(frozen=True)
class KnowledgeStart:
    """How the knowledge started: from its folder, from the last good version kept beside
    the database (the folder has `problems`), or not at all (`holder` is None)."""

    holder: KnowledgeHolder | None
    problems: tuple[Problem, ...] = ()
    snapshot: SavedVersion | None = None

    def report(self) -> str:
        """What the operator reads when the folder could not be used as it is."""
        if not self.problems:
            return ""
        lines = [str(problem) for problem in self.problems]
        directory = self.holder.directory if self.holder else None
        if self.snapshot is not None:
            lines.append(
                f"The knowledge in {directory} has {len(self.problems)} problem(s), so the bot "
                f"is serving the last good version: {self.snapshot.describe()}. Fix the "
                "problems and save: the bot picks up the fixed folder by itself."
            )
        else:
            lines.append(
                "There is no good version of the knowledge to serve: fix the problems above "
                "and run 'aftercare kb check' again."
            )
        return "\n".join(lines)


def start_knowledge(directory: Path, snapshots: KnowledgeSnapshots | None = None) -> KnowledgeStart:
    """Load `directory`; when it has problems, fall back to the newest kept version."""
    try:
        return KnowledgeStart(KnowledgeHolder(directory, snapshots))
    except KnowledgeError as error:
        problems = tuple(error.problems)
    kept = snapshots.newest_loadable() if snapshots is not None else None
    if kept is None:
        return KnowledgeStart(None, problems)
    version, base = kept
    serving = (version, Knowledge(base, Matcher(base)))
    holder = KnowledgeHolder(directory, snapshots, serving=serving)
    return KnowledgeStart(holder, problems, version)


def open_knowledge(directory: Path, db_path: Path | None = None) -> KnowledgeHolder | None:
    """The knowledge to start with, or None after telling the operator what is wrong.

    With `db_path`, good versions are kept beside the database and a broken folder falls
    back to the last of them (said loudly on standard error)."""
    snapshots = KnowledgeSnapshots(snapshot_folder(db_path)) if db_path is not None else None
    start = start_knowledge(directory, snapshots)
    if start.holder is None and snapshots is None:
        print(problems_report(KnowledgeError(list(start.problems)), directory), file=sys.stderr)
    elif start.problems:
        print(start.report(), file=sys.stderr)
    return start.holder


def settle_memory() -> None:
    """Keep the garbage collector away from the knowledge in use: collect what is
    unreachable (the version just replaced), then move every surviving object out of the
    collector's reach (`gc.freeze`), so no full collection walks the knowledge's hundreds
    of thousands of objects in the middle of a patient's reply.

    Called after each reload; call it once more when start-up is done (the composition
    root), after everything long-lived is built. Unfreezing first lets the collection see
    what the previous call froze: a replaced version is not kept forever.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
