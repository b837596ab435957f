"""The periodic jobs of `aftercare run` on python-telegram-bot's JobQueue: a stop lets a
run finish, and one that would not finish is cut off with one line, never a traceback."""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram.ext import Application

from bot.telegram import jobs
from bot.telegram.jobs import PeriodicJobs

# The JobQueue holds its application weakly: kept here for the tests' length.
APPLICATION = Application.builder().token("123:TEST").build()


def periodic_jobs() -> PeriodicJobs:
    return PeriodicJobs(APPLICATION.job_queue)


async def test_a_stop_waits_for_a_run_under_way_to_finish() -> None:
    periodic = periodic_jobs()
    started, finished = asyncio.Event(), asyncio.Event()

    async def work() -> None:
        started.set()
        await asyncio.sleep(0.2)
        finished.set()

    await periodic.start()
    periodic.every(60, work, "short", first=0.01)
    await asyncio.wait_for(started.wait(), 5)
    await periodic.stop()
    assert finished.is_set()


async def test_a_run_that_outlasts_the_stop_is_cut_off_with_one_line_and_no_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(jobs, "FINISH_SECONDS", 0.1)
    periodic = periodic_jobs()
    started = asyncio.Event()

    async def work() -> None:
        started.set()
        await asyncio.sleep(30)

    await periodic.start()
    periodic.every(60, work, "slow", first=0.01)
    await asyncio.wait_for(started.wait(), 5)
    with caplog.at_level(logging.WARNING):
        await periodic.stop()
        # As `aftercare run` ends: the loop's last tasks (that run among them) cancelled.
        left = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)
    assert "the slow job was stopped halfway" in caplog.text
    assert not [record for record in caplog.records if record.exc_info]


# The error goes to the application's error handling, which here is not running.
@pytest.mark.filterwarnings("ignore:Tasks created via:telegram.warnings.PTBUserWarning")
async def test_a_run_that_fails_still_shows_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    periodic = periodic_jobs()
    failed = asyncio.Event()

    async def work() -> None:
        failed.set()
        raise ValueError("a bug in a job")

    await periodic.start()
    periodic.every(60, work, "faulty", first=0.01)
    await asyncio.wait_for(failed.wait(), 5)
    await asyncio.sleep(0.1)
    await periodic.stop()
    assert any(record.exc_info for record in caplog.records)
