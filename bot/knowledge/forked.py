"""Work done in a child process forked from this one, its result handed back through a
pipe: how the models train at a start (`bot.knowledge.trained`).

In a thread, training shares the GIL with the start it runs beside: building a model's
matrix is Python, so it ran in turns with the reading of the other files and the
building of the match index, and a start on two cores waited for the sum of both. A
forked child has a GIL of its own, so that work runs on the other core; and it has
liblinear's random generator to itself, so its fits train what they train alone. Forking
costs a millisecond or two: the child shares this process's memory (the texts, the
modules already imported) until either side writes to it.

A child is forked only while this process runs one thread. Forking copies every lock as
it stands, and the child has none of the other threads: a lock one of them held then
(the import lock, a logging handler's, liblinear's) would never be let go there. The
running bot, which has threads, trains in a thread instead (`may_fork`).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import weakref
from collections.abc import Callable
from typing import Generic, NoReturn, TypeVar

Result = TypeVar("Result")


def may_fork() -> bool:
    """Whether work may go to a forked child now: on Linux (where forking is the usual way
    to start a process, and safe for the libraries loaded), with no other thread."""
    return sys.platform == "linux" and threading.active_count() == 1


class Forked(Generic[Result]):
    """`work()` run in a child process started now; `result()` waits for what it returned
    (or raises what it raised). Dropped unread, the child is stopped."""

    def __init__(self, work: Callable[[], Result]) -> None:
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(reading)
            _run_child(work, writing)
        os.close(writing)
        self.pid, self._reading = pid, reading
        # A result nobody reads (the load stopped at a problem in the files) must not keep
        # a child blocked on a full pipe: it is stopped when this object goes.
        self._stop = weakref.finalize(self, _stop_child, pid, reading)

    def result(self) -> Result:
        self._stop.detach()
        with os.fdopen(self._reading, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(self.pid, 0)
        if not payload:
            raise ChildProcessError("the child process stopped before it was done")
        done, value = pickle.loads(payload)
        if not done:
            raise value
        return value


def _run_child(work: Callable[[], object], writing: int) -> NoReturn:
    """In the child: `work`'s result (or its error) written to the pipe, then out at once,
    with no exit handler of the parent's run twice (`os._exit`)."""
    status = 0
    try:
        try:
            payload = pickle.dumps((True, work()))
        except Exception as error:
            payload = pickle.dumps((False, _picklable(error)))
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(payload)
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _picklable(error: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return ChildProcessError(f"{type(error).__name__}: {error}")
    return error


def _stop_child(pid: int, reading: int) -> None:
    os.close(reading)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        return
