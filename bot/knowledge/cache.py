"""Files in the user's cache folder: what a restart would otherwise compute again.

Two kinds of entry live here: trained models (`bot.knowledge.trained`) and compiled
knowledge with its matcher built (`bot.knowledge.compiled`). Each entry is one file named
after its key, a fingerprint of everything it was made from, and the file holds that key
beside what it caches, in a one-line header with a checksum of the rest:

    {"format": 1, "key": "<fingerprint>", "sections": [["meta", 120], ...], "crc32": 12345}
    <the sections' bytes, one after the other>

An entry is read back only when its header parses, names the key asked for and the
checksum matches: a truncated, damaged or foreign file counts as no entry, so what it
held is computed again and written over it, never trusted. The checksum is a CRC-32: it
is there to catch damage (a foreign file is refused by its key, and by what may be read
back, below), and a cryptographic hash of a compiled knowledge's megabytes would cost
`aftercare ask` more than its answer does. Entries are written whole or not at all (a
temporary file renamed into place), and only the few most recently used of each kind are
kept. A folder that cannot be written costs the next start the work, never a start.

Nothing read back can run code: a model's sections are JSON, UTF-8 text and the raw
bytes of Python's `array` module; the compiled knowledge is a pickle read by an unpickler
that may rebuild knowledge types only (`bot.knowledge.codec`).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import threading
import zlib
from collections.abc import Mapping
from pathlib import Path

FORMAT = 1
"""Bumped when the layout of an entry changes, so old files are ignored."""
KEEP = 4
"""Entries of each kind kept: the knowledge's last few versions (a reverted edit reads its
entry back), not every version ever made."""


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/aftercare`, else `~/.cache/aftercare`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aftercare"


def entry_path(folder: Path, kind: str, key: str) -> Path:
    """Where the entry of `kind` for `key` is. Any entry a child of this process is still
    writing (`writing_aside`) is written first: what this process finds there is whole."""
    wait_for_writing()
    return folder / f"{kind}-{key}.cache"


_writing: list[int] = []
"""The children of this process writing entries."""


def writing_aside(pid: int) -> None:
    """Child `pid` of this process is writing an entry: waited for before this process
    next finds an entry's path, and before it exits (so the next start finds it)."""
    if not _writing:
        atexit.register(wait_for_writing)
    _writing.append(pid)


def wait_for_writing() -> None:
    """Every entry this process's children are writing, written (or given up)."""
    while _writing:
        # Another thread may take the last one first.
        with contextlib.suppress(IndexError, ChildProcessError):
            os.waitpid(_writing.pop(), 0)
    atexit.unregister(wait_for_writing)


def read_entry(path: Path, key: str, *, touch: bool = True) -> dict[str, bytes] | None:
    """The sections stored at `path` for `key`, or None if there is no sound entry;
    `touch` marks it as used, so pruning keeps the entries still read."""
    try:
        with path.open("rb") as file:
            header = json.loads(file.readline())
            if header["format"] != FORMAT or header["key"] != key:
                return None
            # Each section read from the file on its own, not sliced out of the whole body:
            # a compiled knowledge is megabytes, and a second copy of them costs `aftercare
            # ask` milliseconds.
            sections: dict[str, bytes] = {}
            crc = 0
            for name, size in header["sections"]:
                data = file.read(int(size))
                if len(data) != int(size):
                    return None
                sections[str(name)] = data
                crc = zlib.crc32(data, crc)
            if file.read(1) or crc != header["crc32"]:
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if touch:
        _touch(path)
    return sections


def write_entry(path: Path, key: str, sections: Mapping[str, bytes]) -> None:
    """Store `sections` for `key` at `path`, whole or not at all, then prune its kind."""
    body = b"".join(sections.values())
    header = {
        "format": FORMAT,
        "key": key,
        "sections": [[name, len(data)] for name, data in sections.items()],
        "crc32": zlib.crc32(body),
    }
    # A name no other writer uses (two processes, or two reloads, may store the same key).
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(json.dumps(header).encode() + b"\n" + body)
        partial.replace(path)
    except OSError:
        # A read-only or full cache folder only costs the next start the work.
        with contextlib.suppress(OSError):
            partial.unlink()
        return
    kind = path.name.rsplit("-", 1)[0]
    prune(path.parent, kind)


def prune(folder: Path, kind: str, keep: int = KEEP) -> None:
    """Delete all but the `keep` most recently used entries of `kind` in `folder`."""
    try:
        entries = sorted(
            folder.glob(f"{kind}-*.cache"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        return
