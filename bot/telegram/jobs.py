"""The periodic work of `aftercare run` on python-telegram-bot's JobQueue (APScheduler):
repeating jobs that a stop lets finish rather than cancels.

A late run still runs and piled-up runs coalesce; what is due lives in SQLite, so a missed
run delays work and never loses it. APScheduler logs a run cancelled at shutdown as an
error with a traceback, and the run would stop halfway through its work: so stopping
pauses the schedule and waits for the runs under way (at most `FINISH_SECONDS`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram.ext import JobQueue

Work = Callable[[], Coroutine[Any, Any, None]]

log = logging.getLogger(__name__)


class _CancelledRuns(logging.Filter):
    """Keeps out APScheduler's traceback for a run cancelled as the loop ends (only a stop
    does that, and the run says so in one line): every other error still shows."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


logging.getLogger("apscheduler.executors.default").addFilter(_CancelledRuns())

FINISH_SECONDS = 5.0
"""How long stopping waits for a run under way to finish its work."""
_OPTIONS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}


class PeriodicJobs:
    """Repeating jobs on one JobQueue, each run known until it ends."""

    def __init__(self, queue: JobQueue[Any] | None) -> None:
        if queue is None:
            raise RuntimeError("python-telegram-bot is installed without its job-queue extra")
        self.queue = queue
        self._running: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        await self.queue.start()

    def every(self, seconds: float, work: Work, name: str, first: float | None = None) -> None:
        """Run `work` every `seconds` (first after `first` seconds, else after `seconds`)."""

        async def run(_context: object) -> None:
            task = asyncio.current_task()
            if task is None:  # never: a job runs as a task of its own
                return await work()
            self._running.add(task)
            try:
                await work()
            except asyncio.CancelledError:
                # Only a stop cancels a run, once it has waited `FINISH_SECONDS`: what the
                # run left undone is still due in SQLite, so it is said in one line, not
                # in APScheduler's traceback of an error.
                log.warning("the %s job was stopped halfway; what it left is still due", name)
            finally:
                self._running.discard(task)

        self.queue.run_repeating(run, seconds, first=first, name=name, job_kwargs=_OPTIONS)

    async def stop(self) -> None:
        if not self.queue.scheduler.running:
            return
        self.queue.scheduler.pause()
        if self._running:
            await asyncio.wait(set(self._running), timeout=FINISH_SECONDS)
        await self.queue.stop(wait=False)
