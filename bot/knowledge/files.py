"""Which files make up a knowledge folder, and one hash of them all: the identity of a
version. Light on purpose (no YAML): a start that finds its compiled knowledge in the
cache (`bot.knowledge.compiled`) needs only this to know the cache still fits."""

from __future__ import annotations

# BLAKE2 from the standard library's own module, which `hashlib` itself uses: importing
# `hashlib` loads OpenSSL first, about 3% of a cached `aftercare ask` for one digest.
from _blake2 import blake2b
from pathlib import Path

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge"
SIGNS_FOLDER = "warning-signs"


def warning_sign_files(root: Path) -> list[Path]:
    """signs.yaml and every examples file, in a stable order."""
    folder = root / SIGNS_FOLDER
    return [folder / "signs.yaml", *sorted((folder / "examples").glob("*.yaml"))]


def knowledge_files(directory: Path) -> list[Path]:
    """Every file that makes up the knowledge, in a stable order."""
    topics = sorted((directory / "topics").glob("*.yaml"))
    extras = [directory / n for n in ("bot.yaml", "checkins.yaml", "concepts.yaml")]
    signs = [p for p in warning_sign_files(directory) if p.exists()]
    return topics + [p for p in extras if p.exists()] + signs


def knowledge_digest(directory: Path) -> str:
    """One hash of every knowledge file's name and content (raises `OSError` when the
    folder itself cannot be listed)."""
    digest = blake2b(digest_size=32)
    for path in knowledge_files(directory):
        digest.update(str(path.relative_to(directory)).encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()
