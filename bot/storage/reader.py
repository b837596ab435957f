"""The read-only connection of `bot.storage.store.Store`: long reads for staff (stats,
the unanswered inbox) on a thread of their own, each reading one snapshot of the database
while the database thread goes on writing (the database is in WAL mode)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

T = TypeVar("T")

_READER_NAME = "aftercare-db-reader"
_ReadJob = tuple[Callable[..., Any], tuple[Any, ...], "Future[Any]"]


class Reader:
    """A read-only connection to the database file, on a thread of its own that runs the
    calls given to it one at a time, each in one read transaction (one snapshot)."""

    def __init__(self, path: Path, after_each: Callable[[], None]) -> None:
        self._path = path
        self._after_each = after_each
        self._jobs: queue.SimpleQueue[_ReadJob | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=_READER_NAME, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], args: tuple[Any, ...]) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((fn, args, future))
        return future

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join()

    def _serve(self) -> None:
        try:
            db = Database(self._path)
            db.execute("PRAGMA query_only = ON")
        except Exception as error:
            while (job := self._jobs.get()) is not None:
                job[2].set_exception(error)
            return
        try:
            while (job := self._jobs.get()) is not None:
                fn, args, future = job
                if future.set_running_or_notify_cancel():
                    try:
                        with db.atomic():
                            result = fn(db, *args)
                    except Exception as error:
                        future.set_exception(error)
                    else:
                        future.set_result(result)
                self._after_each()
        finally:
            db.close()
