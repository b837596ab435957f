"""The one owner of the SQLite database: its schema, its file and its connection.

SQLite objects belong to the thread that made them, so `Store` opens the connection on a
single worker thread of its own and runs every piece of database work there, one at a
time: `await store.run(fn, ...)` from the bot (the event loop keeps serving other
patients meanwhile), `store.run_sync(fn, ...)` from CLI commands and tests. Each call of
`fn(db, ...)` is its own transaction: its writes all land or none do. The functions
themselves are plain code in `bot/patients.py` (and the scheduler's modules) that take a
`sqlite_utils.Database`.

Long reads for staff (stats, the unanswered inbox) go elsewhere: `await store.read(fn,
...)` runs `fn(db, ...)` on a second, read-only connection with a thread of its own. The
database is in WAL mode, so it reads a snapshot while the database thread goes on writing:
a patient's reply never waits behind a staff report.

Group commit: when many patients write at once, the calls waiting in the queue run
together in one SQLite transaction, each inside its own savepoint (a failing call is rolled
back alone), and one commit makes them all durable. No caller hears "done" before that
commit, so a crash loses nothing a caller was told was saved; a burst of 50 messages costs
one disk sync instead of 50.

Some writes need not wait for the disk (`run(..., durable=False)`): those whose loss in a
power cut only means a message is sent again or recorded as "unknown whether it arrived",
which a killed run already means (the outcome of a delivery). A batch of only such writes
commits without a disk sync; it still survives the process being killed (SQLite has
written it), and the next durable commit syncs it with its own. A write nobody needs to
wait for (`post`: a message delivered) is handed back to the event loop only when its
caller has something to do about it, so it costs the loop no wake-up otherwise.

The schema is created and evolved only by numbered migrations, applied at start-up: the
ones below, then the scheduler's (`scheduler/outbox.py`), as listed in `MIGRATION_SETS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import secrets
import stat
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from sqlite_utils import Database

from bot.core.pseudonym import use_key
from bot.storage.migrations import apply_migrations
from bot.storage.reader import Reader

T = TypeVar("T")
log = logging.getLogger(__name__)

OWNER_ONLY = stat.S_IRUSR | stat.S_IWUSR
_THREAD_NAME = "aftercare-db"
_TRUNCATE_WAL = "_aftercare_truncate_wal"
BATCH_LIMIT = 64
"""At most this many queued calls share one commit."""


@dataclass(frozen=True)
class _Posted:
    """A call nobody waits for (`Store.post`): `then` runs on `loop` when the call
    returned True or failed."""

    loop: asyncio.AbstractEventLoop
    then: Callable[[], None]

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return self.loop


_Result: TypeAlias = Future[Any] | asyncio.Future[Any] | _Posted
_Job = tuple[Callable[..., Any], tuple[Any, ...], _Result, bool]
"""A call for the database thread: the function, its arguments, its result (an asyncio
future for a caller on an event loop), durable."""
_Outcome = tuple[_Result, Any, BaseException | None]


class Store:
    """The database file and the one thread that may touch its connection."""

    def __init__(self, path: str | Path) -> None:
        """Open (creating if needed) the database at `path` and bring its schema up to date.

        A new file is created readable by its owner only; `":memory:"` gives a private
        in-memory database, for tests.
        """
        self.path = path if path == ":memory:" else Path(path)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._db: Database | None = None
        self._closed = False
        self._reader: Reader | None = None
        self._reader_lock = threading.Lock()
        self._wal_to_truncate = False
        """A truncation of the write-ahead log that a reader held up, to try again."""
        self._syncing = True
        """Whether commits wait for the disk now (`PRAGMA synchronous` FULL, not NORMAL)."""
        self._thread = threading.Thread(target=self._serve, name=_THREAD_NAME, daemon=True)
        self._thread.start()
        try:
            self._submit(lambda _db: None).result()
        except BaseException:
            self._jobs.put(None)
            self._thread.join()
            raise

    async def run(self, fn: Callable[..., T], *args: Any, durable: bool = True) -> T:
        """`fn(db, *args)` in one transaction on the database thread, without blocking
        the event loop. `fn` must return plain data, not a lazy iterator over rows. Not
        `durable`: see the module's docstring."""
        if self._closed:
            raise RuntimeError("the Store is closed")
        # An asyncio future, answered from the database thread together with the rest of
        # its batch (`_hand_back`): one wake-up of the event loop per commit, not one per
        # call as a wrapped thread future costs.
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put((fn, args, future, durable))
        return await future

    def post(
        self, fn: Callable[..., bool], *args: Any, then: Callable[[], None], durable: bool = True
    ) -> None:
        """`fn(db, *args)` in one transaction on the database thread, without waiting for
        it: `then()` runs on this event loop once it committed and returned True (or failed,
        which is logged); otherwise the loop hears nothing of it. Like every call, it runs
        after the calls asked for before it and before those asked for after it, so a
        later `run` sees what it wrote."""
        if self._closed:
            raise RuntimeError("the Store is closed")
        self._jobs.put((fn, args, _Posted(asyncio.get_running_loop(), then), durable))

    def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(db, *args)` in one transaction on the database thread, waiting for it."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("run_sync() called from inside a Store function would deadlock")
        return self._submit(fn, *args).result()

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(db, *args)` on the read-only connection, without blocking the event loop or
        the database thread; all of `fn` reads one snapshot. For an in-memory database
        (there is no second connection to it) this is `run`."""
        return await asyncio.wrap_future(self._submit_read(fn, *args))

    def read_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(db, *args)` on the read-only connection, waiting for it."""
        return self._submit_read(fn, *args).result()

    def close(self) -> None:
        """Finish the work already asked for, then close the connections. Safe to repeat."""
        with self._reader_lock:
            if self._closed:
                return
            self._closed = True
            reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
        self._jobs.put(None)
        self._thread.join()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _submit(self, fn: Callable[..., T], *args: Any, durable: bool = True) -> Future[T]:
        if self._closed:
            raise RuntimeError("the Store is closed")
        future: Future[T] = Future()
        self._jobs.put((fn, args, future, durable))
        return future

    def _submit_read(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        if not isinstance(self.path, Path):
            return self._submit(fn, *args)
        with self._reader_lock:
            if self._closed:
                raise RuntimeError("the Store is closed")
            if self._reader is None:
                self._reader = Reader(self.path, self._after_read)
            return self._reader.submit(fn, args)

    def _after_read(self) -> None:
        """A finished read may have been what kept the log from being truncated."""
        if self._wal_to_truncate:
            # Straight onto the queue: the database thread outlives the reader even while
            # closing (`close` stops the reader first).
            self._jobs.put((_nothing, (), Future(), False))

    def _serve(self) -> None:
        """The database thread: open, then run queued calls in batches until closed."""
        try:
            self._open()
        except BaseException as error:
            opening = self._jobs.get()
            if opening is not None:
                _hand_back([(opening[2], None, error)])
            return
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    break
                batch = [job]
                stop = False
                while len(batch) < BATCH_LIMIT:
                    try:
                        queued = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if queued is None:
                        stop = True
                        break
                    batch.append(queued)
                self._run_batch(batch)
                if stop:
                    break
        finally:
            self._close()

    def _run_batch(self, batch: list[_Job]) -> None:
        db = self._db
        assert db is not None  # opened before the first job is taken
        self._commit_batch(db, batch)
        if self._wal_to_truncate:
            # What was deleted must not live on in the write-ahead log either.
            self._wal_to_truncate = not _truncate_wal(db)

    def _commit_batch(self, db: Database, batch: list[_Job]) -> None:
        outcomes: list[_Outcome] = []
        durable = any(job[3] for job in batch)
        if durable != self._syncing:
            # Set between transactions only (SQLite refuses it inside one), and only when
            # it changes: a run of writes that need not wait for the disk (deliveries in a
            # burst) costs no statements around each commit.
            db.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            self._syncing = durable
        try:
            with db.atomic():
                if len(batch) == 1:
                    # Alone in its transaction: no savepoint needed to roll it back alone.
                    fn, args, future, _ = batch[0]
                    outcomes.append((future, fn(db, *args), None))
                else:
                    self._run_each_in_savepoint(db, batch, outcomes)
        except Exception as error:
            _hand_back([(future, None, error) for _, _, future, _ in batch])
            return
        if getattr(db, _TRUNCATE_WAL, False):
            setattr(db, _TRUNCATE_WAL, False)
            # Known before anyone hears "done", so a read ending from now on sees it.
            self._wal_to_truncate = True
        _hand_back(outcomes)

    @staticmethod
    def _run_each_in_savepoint(db: Database, batch: list[_Job], outcomes: list[_Outcome]) -> None:
        # A savepoint by hand: sqlite-utils' `atomic` asks the OS for a random name and
        # wraps a generator around every call.
        conn = db.conn
        for fn, args, future, _ in batch:
            conn.execute("SAVEPOINT aftercare_call")
            try:
                value = fn(db, *args)
            except Exception as error:
                if not conn.in_transaction:
                    raise  # the error ended the whole transaction: all of it failed
                conn.execute("ROLLBACK TO aftercare_call")
                conn.execute("RELEASE aftercare_call")
                outcomes.append((future, None, error))
            else:
                conn.execute("RELEASE aftercare_call")
                outcomes.append((future, value, None))

    def _open(self) -> None:
        if isinstance(self.path, Path):
            _create_owner_only(self.path)
            db = Database(self.path)
            db.enable_wal()
        else:
            db = Database(memory=True)
        db.execute("PRAGMA foreign_keys = ON")
        # Every commit on disk before anyone hears "done" (SQLite's default, said here
        # because a batch of writes that need not wait for the disk turns it down).
        db.execute("PRAGMA synchronous = FULL")
        # Deleted rows are overwritten, not left in free pages: /forget leaves nothing.
        db.execute("PRAGMA secure_delete = ON")
        apply_migrations(db)
        use_key(installation_key(db))
        if isinstance(self.path, Path):
            _restrict_companion_files(self.path)
        self._db = db

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _hand_back(outcomes: list[_Outcome]) -> None:
    """Give committed calls their results: a thread's future at once, and each event
    loop's futures in one call on that loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
    for outcome in outcomes:
        future, value, failure = outcome
        if isinstance(future, Future):
            _settle(outcome)
            continue
        if isinstance(future, _Posted) and value is not True:
            if failure is None:
                continue  # nothing for its caller to do
            log.error("a write nobody waited for failed", exc_info=failure)
        by_loop.setdefault(future.get_loop(), []).append(outcome)
    for loop, settled in by_loop.items():
        # A loop already closed has no caller left to tell; the work is done.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle_each, settled)


def _settle_each(outcomes: list[_Outcome]) -> None:
    for outcome in outcomes:
        _settle(outcome)


def _settle(outcome: _Outcome) -> None:
    future, value, failure = outcome
    if isinstance(future, _Posted):
        future.then()
        return
    if future.done():
        return  # the caller gave up waiting (it was cancelled); the work is done
    if failure is None:
        future.set_result(value)
    else:
        future.set_exception(failure)


def _nothing(_db: Database) -> None:
    """A call that only gives the database thread a turn (to truncate the log)."""


def _truncate_wal(db: Database) -> bool:
    """Checkpoint the write-ahead log and empty it; False if a reader (a staff report on an
    older snapshot, or another process) still needs it. Never waits for that reader:
    patients' writes would wait with it. The caller tries again after the next write or
    read."""
    waited_ms = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute("PRAGMA busy_timeout = 0")
    try:
        busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(waited_ms)}")
    return busy == 0


def truncate_wal_after_commit(db: Database) -> None:
    """Ask for the write-ahead log to be checkpointed and emptied as soon as the current
    transaction commits (after `/forget`: the deleted rows must not stay on disk there)."""
    setattr(db, _TRUNCATE_WAL, True)


def installation_key(db: Database) -> bytes:
    """This installation's secret for pseudonyms in the logs, made on first use."""
    row = db.execute("SELECT value FROM settings WHERE name = 'log_key'").fetchone()
    if row is None:
        key = secrets.token_hex(16)
        with db.atomic():
            db.execute("INSERT INTO settings (name, value) VALUES ('log_key', ?)", [key])
        return key.encode()
    return str(row[0]).encode()


def _create_owner_only(path: Path) -> None:
    """Patient data must not be readable by other users of the machine."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, OWNER_ONLY)
    os.close(descriptor)
    os.chmod(path, OWNER_ONLY)


def _restrict_companion_files(path: Path) -> None:
    # SQLite gives -wal and -shm the database file's mode; this makes sure of it even for
    # a database first opened by something else.
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.chmod(companion, OWNER_ONLY)
