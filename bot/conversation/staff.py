"""Staff commands: /stats, /unanswered and /reload.

They are answered apart from the conversation's transaction (a `StaffJob`), because
each may take a while (a report over every stored question, grouping a hundred thousand
unanswered texts, training the knowledge's classifiers) and must never hold up a
patient's reply: `run_staff_job` reads through the Store's read-only connection (never
queueing before patients' writes), does the work on a thread of its own, and returns the
text to send.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.conversation.events import Outgoing, StaffJob
from bot.conversation.turn import Turn
from bot.conversation.wording import format_stats, format_unanswered, reload_report
from bot.knowledge.holder import KnowledgeHolder
from bot.storage import questions, stats
from bot.storage.store import Store
from bot.tools.unanswered import top_groups

STAFF_COMMAND_MENU: dict[str, str] = {
    "stats": "Patients, questions and warning signs, last 7 and 30 days",
    "unanswered": "Questions I could not answer, most frequent first",
    "reload": "Load the knowledge files again now",
}
"""The staff commands and their one-line descriptions, as Telegram's menu shows them."""
COMMANDS = tuple(STAFF_COMMAND_MENU)
UNANSWERED_DAYS = 30
UNANSWERED_SHOWN = 15
"""/unanswered lists this many groups, the biggest; only they are matched to a topic."""


def command(turn: Turn, name: str) -> list[Outgoing]:
    return [StaffJob(name, turn.sender.chat_id)]


async def run_staff_job(
    job: StaffJob, store: Store, knowledge: KnowledgeHolder, now: datetime
) -> str:
    """The answer to a staff command, in Telegram HTML."""
    if job.name == "stats":
        return format_stats(await store.read(stats.stats, now))
    if job.name == "unanswered":
        since = now - timedelta(days=UNANSWERED_DAYS)
        matcher = knowledge.current.matcher
        asked = await store.read(questions.asked_unanswered, since, matcher.reading)
        grouping = await asyncio.to_thread(top_groups, asked, matcher, UNANSWERED_SHOWN)
        return format_unanswered(grouping.groups, UNANSWERED_SHOWN, grouping.total)
    before = knowledge.current.base
    problems = await asyncio.to_thread(knowledge.reload)
    return reload_report(before if problems else knowledge.current.base, problems)
