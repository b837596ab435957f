"""The composition root of `aftercare run`: python-telegram-bot's `Application` (built
with its handlers in `bot.telegram.application`), and the pieces that keep messages safe
around it.

    getUpdates --> inbox (SQLite) --> InboxProcessor --> handlers --> conversation
                                                                          |
    Telegram <-- Delivery <-- outbox (SQLite) <---------------------------+

`TelegramBot.start` brings them up in this order: reach Telegram (waiting it out if it is
down), settle what a killed run left half-sent, process what it left unprocessed, then
poll.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time
from typing import Any

from sqlite_utils import Database
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.compose import Product, compose
from bot.config import ConfigError, load_settings
from bot.conversation import alerts, outbound, relay
from bot.conversation.checkins import queue_due
from bot.conversation.events import Sender, StaffJob
from bot.conversation.staff import run_staff_job
from bot.knowledge.holder import settle_memory, start_knowledge
from bot.knowledge.snapshots import KnowledgeSnapshots, snapshot_folder
from bot.knowledge.watcher import (
    KnowledgeWatcher,
    broken_knowledge_message,
    reloaded_message,
    started_from_snapshot_message,
)
from bot.storage import inbox, notices, outbox
from bot.telegram.application import (
    TelegramApplication,
    build_application,
    configure_logging,
    register_handlers,
    set_command_menus,
)
from bot.telegram.delivery import Delivery
from bot.telegram.handlers import TelegramChat
from bot.telegram.jobs import PeriodicJobs
from bot.telegram.limits import SendLimits
from bot.telegram.pipeline import AfterCommit, queue
from bot.telegram.polling import Backoff, Poller, TokenRefused
from bot.telegram.processing import InboxProcessor

log = logging.getLogger(__name__)

RELOAD_POLL_SECONDS = 2.0
"""How often the knowledge folder is looked at; an edit goes live at the first look a
settle time (2 s) after it, so 2-4 s after the save. Looking more often would not make
that much sooner, and each look costs every patient's burst a little CPU."""
PRUNE_SECONDS = 3600.0
FIRST_RUN = 0.1
"""Seconds after start-up the check-in and housekeeping jobs first run."""
DISPATCH_JOB = "aftercare-checkins"
WATCHER_JOB = "knowledge-watcher"
PRUNE_JOB = "inbox-prune"
ALERTS_JOB = "alerts-and-conversations"
ALERTS_SECONDS = 60.0
EXIT_CONFIG = 2
EXIT_KNOWLEDGE = 1


class TelegramBot:
    """`aftercare run` wired: the application, the inbox processor, the poller, the
    sender and the periodic work (check-ins, knowledge reloads, housekeeping)."""

    def __init__(
        self,
        product: Product,
        application: TelegramApplication,
        *,
        limits: SendLimits | None = None,
        poll_timeout: int | None = None,
        watch_knowledge: bool = True,
    ) -> None:
        self.product = product
        self.application = application
        settings = product.settings
        self.delivery = Delivery(
            product.store,
            application.bot,
            staff_chat_id=settings.staff_chat_id,
            clock=product.clock,
            limits=limits,
        )
        self.processor = InboxProcessor(application, product.store, product.clock)
        self.poller = Poller(
            application.bot,
            product.store,
            self.processor.submit,
            product.clock,
            take_at_once=self.processor.take_at_once,
        )
        if poll_timeout is not None:
            self.poller.poll_timeout = poll_timeout
        self.chat = TelegramChat(
            product.conversation,
            product.store,
            product.clock,
            self.after_commit,
            lambda: application.bot.username,
        )
        register_handlers(application, self.chat)
        self.watcher = (
            KnowledgeWatcher(
                product.knowledge,
                time.monotonic,
                on_broken=self._tell_staff_broken,
                on_reloaded=self._tell_staff_reloaded,
            )
            if watch_knowledge
            else None
        )
        self.checkins_due = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        self._background: set[asyncio.Task[Any]] = set()
        self._jobs: PeriodicJobs | None = None

    async def start(self, loops: bool = True) -> None:
        """Reach Telegram, settle the last run's leftovers, then start everything.
        Without `loops` (tests), polling, check-in dispatch and housekeeping don't run."""
        await self._initialize()
        await set_command_menus(self.application.bot, self.product.settings)
        await self._check_staff_chat()
        await self.delivery.start()
        await self.processor.start()
        if not loops:
            return
        await self.start_jobs()
        settle_memory()  # the Application and its clients are built by now
        self._tasks = [
            asyncio.create_task(self.poller.run(), name="aftercare-polling"),
            asyncio.create_task(self.dispatch_when_due(), name="aftercare-checkins-now"),
        ]
        log.info("aftercare is running as @%s", self.application.bot.username)

    async def start_jobs(self) -> None:
        """The periodic work: check-ins, knowledge reloads, alerts, housekeeping."""
        jobs = self._jobs = PeriodicJobs(self.application.job_queue)

        async def watch_knowledge() -> None:
            if self.watcher is not None:
                await self.watcher.poll()

        async def prune() -> None:
            await self.product.store.run(inbox.prune, self.product.clock())

        # Started first, and first runs a moment ahead: APScheduler treats a start time
        # already past as missed and waits a whole interval.
        await jobs.start()
        seconds = self.product.settings.dispatch_seconds
        jobs.every(seconds, self.dispatch_checkins, DISPATCH_JOB, first=FIRST_RUN)
        jobs.every(RELOAD_POLL_SECONDS, watch_knowledge, WATCHER_JOB)
        jobs.every(PRUNE_SECONDS, prune, PRUNE_JOB, first=FIRST_RUN)
        jobs.every(ALERTS_SECONDS, self.look_after_alerts, ALERTS_JOB, first=FIRST_RUN)

    async def run_until(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set or the token is refused (raises `TokenRefused`)."""
        await self.start()
        stopping = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait(
                [stopping, *self._tasks], return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                if task is not stopping and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        finally:
            stopping.cancel()
            await self.stop()

    async def stop(self) -> None:
        for task in [*self._tasks, *self._background]:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._background, return_exceptions=True)
        if self._jobs is not None:
            await self._jobs.stop()
        await self.processor.stop()
        await self.delivery.stop()
        await self.application.shutdown()

    async def after_commit(self, after: AfterCommit) -> None:
        """What an update's transaction left to do: send, dispatch, staff reports."""
        if after.ready is not None:
            self.delivery.offer(after.ready)
        elif after.queued:
            self.delivery.wake()
        if after.checkins_due:
            self.checkins_due.set()
        for job in after.staff_jobs:
            task = asyncio.create_task(self._staff_job(job.name, job.chat_id))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def dispatch_checkins(self) -> None:
        """Queue every check-in due now, then have them sent."""
        product = self.product
        report = await product.store.run(queue_due, product.knowledge.current.base, product.clock())
        if report.handled:
            log.info(
                "check-ins: %d queued, %d skipped as stale, %d deferred to morning, "
                "%d cancelled, %d asked to continue",
                report.queued,
                report.skipped,
                report.deferred,
                report.cancelled,
                report.asked_to_continue,
            )
        if report.queued or report.asked_to_continue:
            self.delivery.wake()

    async def staff_reports_done(self) -> None:
        """Wait until every staff report asked for so far is queued (tests, benchmarks)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def _staff_job(self, name: str, chat_id: int) -> None:
        product = self.product
        text = await run_staff_job(
            StaffJob(name, chat_id), product.store, product.knowledge, product.clock()
        )
        await product.store.run(
            outbox.enqueue, outbound.staff_message(chat_id, text), product.clock()
        )
        self.delivery.wake()

    async def dispatch_when_due(self) -> None:
        """A change that left a check-in due right away (a treatment date, opting in)
        has it sent now, not at the next periodic look."""
        while True:
            await self.checkins_due.wait()
            self.checkins_due.clear()
            try:
                await self.dispatch_checkins()
            except Exception:
                log.exception("check-in dispatch failed; trying again at the next look")

    async def _tell_staff_broken(self, problems: list[str]) -> None:
        await self.tell_staff(broken_knowledge_message(problems))

    async def _tell_staff_reloaded(self, summary: str) -> None:
        await self.tell_staff(reloaded_message(summary))

    async def tell_staff(self, text: str) -> None:
        """A note for the staff chat (knowledge reloaded or refused, a start from the
        last good knowledge); logged instead when there is no staff chat."""
        chat_id = self.product.settings.staff_chat_id
        if chat_id is None:
            log.warning("a note for staff was not sent: AFTERCARE_STAFF_CHAT_ID is not set")
            return
        message = outbound.staff_message(chat_id, text)
        await self.product.store.run(outbox.enqueue, message, self.product.clock())
        self.delivery.wake()

    async def _initialize(self) -> None:
        """Reach Telegram; while it is out of reach, keep trying and say so."""
        backoff = Backoff()
        while True:
            try:
                await self.application.initialize()
                return
            except InvalidToken as error:
                raise TokenRefused from error
            except NetworkError as error:
                await backoff.wait(error)

    async def _check_staff_chat(self) -> None:
        """Say at start-up whether warning-sign alerts can reach anyone."""
        settings = self.product.settings
        store, clock = self.product.store, self.product.clock
        if settings.staff_chat_id is None:
            log.warning(
                "AFTERCARE_STAFF_CHAT_ID is not set: warning-sign alerts reach nobody, and the "
                "urgent answer tells patients to call the clinic themselves"
            )
            return
        try:
            chat = await self.application.bot.get_chat(settings.staff_chat_id)
        except TelegramError as error:
            log.error(
                "cannot reach the staff chat %s (%s): alerts will wait until the bot is "
                "added to it or AFTERCARE_STAFF_CHAT_ID is corrected",
                settings.staff_chat_id,
                error.message,
            )
            await store.run(
                notices.set_notice, notices.STAFF_CHAT_UNREACHABLE, error.message, clock()
            )
            return
        await store.run(notices.clear_notice, notices.STAFF_CHAT_UNREACHABLE)
        self.delivery.staff_forum = bool(chat.is_forum)
        shape = "a forum: each patient gets a topic" if chat.is_forum else "a group"
        log.info("staff chat reachable (%s): alerts go to %r", shape, chat.title or chat.id)
        if settings.escalation_chat_id is not None:
            try:
                await self.application.bot.get_chat(settings.escalation_chat_id)
            except TelegramError as error:
                log.error(
                    "cannot reach the escalation chat %s (%s): alerts nobody takes go to the "
                    "staff chat only",
                    settings.escalation_chat_id,
                    error.message,
                )

    async def look_after_alerts(self) -> None:
        """Alerts nobody took are sent again; silent staff conversations hand back."""
        product = self.product
        now = product.clock()

        def unit(db: Database) -> AfterCommit:
            knowledge = product.knowledge.current.base
            due = alerts.escalations(db, knowledge, product.settings, now)
            due.extend(relay.close_idle(db, knowledge, product.settings, now))
            return queue(db, due, Sender(0, 0), now, product.settings, None)

        after = await product.store.run(unit)
        if after.queued:
            self.delivery.wake()


def run() -> int:
    """`aftercare run`: long polling until SIGINT or SIGTERM; returns the exit code."""
    configure_logging()
    try:
        settings = load_settings()
        token = settings.require_token()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    start = start_knowledge(
        settings.knowledge_dir, KnowledgeSnapshots(snapshot_folder(settings.db_path))
    )
    if start.holder is None:
        print(start.report(), file=sys.stderr)
        return EXIT_KNOWLEDGE
    if start.problems:
        # A broken folder at start-up: the clinic still gets a bot, and everyone hears.
        log.error("%s", start.report())
    product = compose(settings, start.holder)
    application = build_application(token, settings.telegram_api_base_url)
    bot = TelegramBot(product, application)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        log.info(
            "aftercare is connecting to Telegram (it keeps trying while Telegram is out of reach)"
        )
        if start.snapshot is not None:
            await bot.tell_staff(started_from_snapshot_message(start))
        await bot.run_until(stop)

    try:
        asyncio.run(main())
    except TokenRefused:
        print(
            "Telegram refused TELEGRAM_BOT_TOKEN: copy it again from @BotFather.", file=sys.stderr
        )
        return EXIT_CONFIG
    finally:
        product.close()
    log.info("aftercare stopped")
    return 0
