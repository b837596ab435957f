"""Work done in child processes forked from this one, each handed its work and handing back
its result through pipes: how the models train at a start (`bot.knowledge.trained`).

In a thread, training shares the GIL with the start it runs beside: building a model's
matrix is Python, so it ran in turns with the reading of the other files and the
building of the match index, and a start on two cores waited for the sum of both. A
forked child has a GIL of its own, so that work runs on the other core; and it has
liblinear's random generator to itself, so its fits train what they train alone.

The children are forked as the load begins, before there is anything to train: the first
imports what training needs (NumPy and liblinear, a fifth of a second) while this process
reads the first files, then forks the others, which find all of it imported. Each then
waits for the work this process sends it when it has read what that work learns from.

A child is forked only while this process runs one thread. Forking copies every lock as
it stands, and the child has none of the other threads: a lock one of them held then
(the import lock, a logging handler's, liblinear's) would never be let go there. The
running bot, which has threads, trains in a thread instead (`may_fork`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import signal
import sys
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

WORK_ROOM = 1 << 20
"""Bytes a work pipe holds: Linux's largest pipe for a process that is not privileged."""


def may_fork() -> bool:
    """Whether work may go to forked children now: on Linux (where forking is the usual way
    to start a process, and safe for the libraries loaded), with no other thread."""
    return sys.platform == "linux" and threading.active_count() == 1


class Job:
    """One child's two pipes: its work going there, its result coming back."""

    def __init__(self) -> None:
        self._work_read, self._work_write = os.pipe()
        self._result_read, self._result_write = os.pipe()
        self.sent = False
        # Room for the whole work (a model's texts, a few hundred kB), so that sending it
        # does not wait for a child still importing to read it. Where the system refuses a
        # pipe this large, the usual 64 kB only costs that wait.
        with contextlib.suppress(OSError):
            fcntl.fcntl(self._work_write, fcntl.F_SETPIPE_SZ, WORK_ROOM)

    def send(self, work: Callable[[], Any]) -> None:
        """Give the child its work (a picklable call); `result` then waits for it."""
        with os.fdopen(self._take("_work_write"), "wb") as pipe:
            pipe.write(pickle.dumps(work))
        self.sent = True

    def skip(self) -> None:
        """Tell the child there is no work for it: it stops."""
        _close(self._take("_work_write"))

    def result(self) -> Any:
        """What the work returned, once done (what it raised is raised here)."""
        if not self.sent:
            raise RuntimeError("no work was sent to this child")
        with os.fdopen(self._take("_result_read"), "rb") as pipe:
            payload = pipe.read()
        if not payload:
            raise ChildProcessError("the child process stopped before it was done")
        done, value = pickle.loads(payload)
        if not done:
            raise value
        return value

    def _take(self, name: str) -> int:
        """A pipe end, closed by whoever takes it: never closed twice (by then its number
        may name another file)."""
        end: int = getattr(self, name)
        if end < 0:
            raise RuntimeError("this end of the pipe is used already")
        setattr(self, name, -1)
        return end

    def _serve(self) -> None:
        """In the child: the work read, done, and its result (or error) written back. No
        work (the pipe closed empty: this process had nothing to send) is no result."""
        with os.fdopen(self._take("_work_read"), "rb") as pipe:
            payload = pipe.read()
        if not payload:
            return
        try:
            result = pickle.dumps((True, pickle.loads(payload)()))
        except Exception as error:
            result = pickle.dumps((False, _picklable(error)))
        with os.fdopen(self._take("_result_write"), "wb") as pipe:
            pipe.write(result)

    def _close_ends(self, *names: str) -> None:
        for name in names:
            if getattr(self, name) >= 0:
                _close(self._take(name))

    def _close_parent_ends(self) -> None:
        self._close_ends("_work_write", "_result_read")

    def _close_child_ends(self) -> None:
        self._close_ends("_work_read", "_result_write")


class Workers:
    """`count` children forked now, `prepare()` run in the first before it forks the
    others; `jobs[i]` sends the i-th its work. `wait` once the results are read. Children
    whose results nobody reads (the load stopped at a problem in the files) are stopped
    when this object goes, so that none is left blocked on a full pipe."""

    def __init__(self, count: int, prepare: Callable[[], None]) -> None:
        self.jobs = [Job() for _ in range(count)]
        pid = os.fork()
        if pid == 0:
            _run_first(self.jobs, prepare)
        for job in self.jobs:
            job._close_child_ends()
        self.pid = pid
        self._stop = weakref.finalize(self, _stop_children, pid, self.jobs)

    def wait(self) -> None:
        """The children reaped, once every result sent for is read (their CPU time then
        counts in this process's children's, as for any command it ran)."""
        if self._stop.detach() is None:
            return
        for job in self.jobs:
            job._close_parent_ends()
        if not any(job.sent for job in self.jobs):
            # Nothing to train (every model was stored): what they import is not needed.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def _run_first(jobs: Sequence[Job], prepare: Callable[[], None]) -> NoReturn:
    """In the first child: `prepare`, the others forked, its own job served, the others
    waited for, then out at once (`os._exit`: no exit handler of the parent runs twice)."""
    status = 0
    try:
        for job in jobs:
            job._close_parent_ends()
        # A failure here (scikit-learn missing) is raised again by the work, where it says
        # so to the caller.
        with contextlib.suppress(Exception):
            prepare()
        others = []
        for index, job in enumerate(jobs[1:], start=1):
            pid = os.fork()
            if pid == 0:
                _run_other(jobs, index)
            job._close_child_ends()
            others.append(pid)
        jobs[0]._serve()
        for pid in others:
            os.waitpid(pid, 0)
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _run_other(jobs: Sequence[Job], index: int) -> NoReturn:
    status = 0
    try:
        for other, job in enumerate(jobs):
            if other != index:
                job._close_child_ends()
        jobs[index]._serve()
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


def _close(end: int) -> None:
    try:
        os.close(end)
    except OSError:
        return


def _stop_children(pid: int, jobs: list[Job]) -> None:
    """The first child stopped and reaped; the others stop by themselves, at the closed
    pipes: waiting for work that never comes, or writing a result nobody reads."""
    for job in jobs:
        job._close_parent_ends()
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        return
