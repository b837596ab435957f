"""The last good knowledge, kept beside the database so it survives a restart.

Every version of the knowledge folder that loads without a problem is copied into a
folder next to the database (`aftercare.db` -> `aftercare.db.knowledge/`), one
subfolder per version, named by when it was kept:

    aftercare.db.knowledge/
      20261124T101500.123456Z/
        version.json      which folder it was copied from, when, and a hash of its files
        knowledge/        the files, as they were

When the bot starts and the folder has a problem (a bad edit, a crash in the middle of
a save), it serves the newest copy that still loads instead of not starting at all.
A version is kept only once (by content), and only the newest `KEEP_VERSIONS` are kept.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.core.model import KnowledgeBase, KnowledgeError
from bot.knowledge.loader import load_knowledge

KEEP_VERSIONS = 50
"""Enough history to go back weeks of daily edits; each copy is a few hundred kilobytes."""
VERSION_FILE = "version.json"
FILES = "knowledge"
_SKIPPED = (".*", "__pycache__", "*.pyc", "*~", "*.swp")
"""Editor leftovers and caches: not part of what staff wrote."""


def snapshot_folder(db_path: Path) -> Path:
    """Where the kept versions live for the database at `db_path`."""
    return db_path.with_name(db_path.name + ".knowledge")


@dataclass(frozen=True)
class SavedVersion:
    """One kept version: its files, the folder they came from and when they were kept."""

    path: Path
    source: str
    saved_at: datetime
    digest: str

    @property
    def files(self) -> Path:
        return self.path / FILES

    def describe(self) -> str:
        """For people: 'the version of 24 Nov 2026 10:15 UTC from /srv/knowledge'."""
        return f"the version of {self.saved_at:%d %b %Y %H:%M} UTC from {self.source}"


def folder_digest(directory: Path) -> str:
    """One hash of every file under `directory` (names and contents): a version's identity."""
    digest = hashlib.sha256()
    for path in sorted(_files(directory)):
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _files(directory: Path) -> list[Path]:
    found: list[Path] = []
    for path in directory.rglob("*"):
        relative = path.relative_to(directory)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.is_file() and not path.name.endswith(("~", ".swp", ".pyc")):
            found.append(path)
    return found


class KnowledgeSnapshots:
    """The kept versions in one folder: keep a good one, find the newest that loads."""

    def __init__(self, folder: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.folder = folder
        self._clock = clock or (lambda: datetime.now(UTC))

    def versions(self) -> list[SavedVersion]:
        """Every kept version, newest first; a damaged one is skipped."""
        if not self.folder.is_dir():
            return []
        found: list[SavedVersion] = []
        for path in sorted(self.folder.iterdir(), reverse=True):
            try:
                about = json.loads((path / VERSION_FILE).read_text(encoding="utf-8"))
                found.append(
                    SavedVersion(
                        path,
                        str(about["source"]),
                        datetime.fromisoformat(about["saved_at"]),
                        str(about["digest"]),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return found

    def keep(self, directory: Path, loaded_digest: str) -> SavedVersion | None:
        """Copy `directory`, which loaded as the version `loaded_digest`, unless that version
        is the newest kept already. The copy is kept only if its files are the ones that
        loaded: a save that happened during the load is not taken for a good version."""
        newest = self.versions()
        if newest and newest[0].digest == loaded_digest:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        saved_at = self._clock()
        staging = Path(tempfile.mkdtemp(prefix=".keeping-", dir=self.folder))
        try:
            shutil.copytree(directory, staging / FILES, ignore=shutil.ignore_patterns(*_SKIPPED))
            if folder_digest(staging / FILES) != loaded_digest:
                return None
            about = {
                "source": str(directory.resolve()),
                "saved_at": saved_at.isoformat(),
                "digest": loaded_digest,
            }
            (staging / VERSION_FILE).write_text(json.dumps(about, indent=2), encoding="utf-8")
            target = self.folder / saved_at.strftime("%Y%m%dT%H%M%S.%fZ")
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._prune()
        return SavedVersion(target, about["source"], saved_at, loaded_digest)

    def newest_loadable(self) -> tuple[SavedVersion, KnowledgeBase] | None:
        """The newest kept version that still loads (an older bot may have accepted what
        this one refuses), with its knowledge; None when there is none."""
        for version in self.versions():
            try:
                return version, load_knowledge(version.files)
            except KnowledgeError:
                continue
        return None

    def _prune(self) -> None:
        for old in self.versions()[KEEP_VERSIONS:]:
            shutil.rmtree(old.path, ignore_errors=True)
