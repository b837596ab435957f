"""The scheduler behind the conversation: `SchedulerHooks` is the engine's `CheckInHooks`.

Each hook is one call of `scheduler.service` with the plan of the knowledge in use *now*
(`KnowledgeHolder.current`), so a reload of the knowledge takes effect at the next event.
When a change leaves check-ins pending (a treatment date, opting in, a new time or zone,
"resume"), `dispatch_soon` asks for a dispatch tick at once rather than at the next
periodic one, so a check-in that is already due (for example one missed while the
patient had check-ins off) goes out right away. The Telegram composition root
(`bot.app.build_application`) sets `dispatch_soon`; the terminal leaves it unset: it
plans, so /status shows the next check-in, but only the Telegram bot sends check-ins.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.checkin_hooks import CheckInAnswer
from bot.knowledge.holder import KnowledgeHolder
from bot.replies import Reply
from scheduler import service
from scheduler.dispatch import Store
from scheduler.messages import RESUME
from scheduler.planning import CheckInPlan


class SchedulerHooks:
    """`bot.conversation.CheckInHooks` over `scheduler.service` and the outbox."""

    def __init__(
        self,
        store: Store,
        knowledge: KnowledgeHolder,
        dispatch_soon: Callable[[], object] | None = None,
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.dispatch_soon = dispatch_soon

    async def treatment_changed(self, patient_id: int, now: datetime) -> None:
        """Restart the plan; the check-in whose note the date reply showed is not sent."""
        if await service.on_treatment_date(self.store, patient_id, self._plan(), now):
            self._dispatch_soon()

    async def opted_in(self, patient_id: int, now: datetime) -> None:
        if await service.on_opt_in(self.store, patient_id, self._plan(), now):
            self._dispatch_soon()

    async def opted_out(self, patient_id: int, now: datetime) -> None:
        await service.on_opt_out(self.store, patient_id, now)

    async def schedule_changed(self, patient_id: int, now: datetime) -> None:
        if await service.on_schedule_change(self.store, patient_id, self._plan(), now):
            self._dispatch_soon()

    async def patient_forgotten(self, patient_id: int) -> None:
        """Nothing to do: `forget_patient` deleted the check-in rows with the rest."""

    async def next_check_in(self, patient_id: int, now: datetime) -> datetime | None:
        upcoming = await service.next_checkin_local(self.store, patient_id)
        return upcoming.due_at if upcoming is not None else None

    async def check_in_button(self, patient_id: int, data: str, now: datetime) -> CheckInAnswer:
        """A reply, pause or resume button: recorded by the scheduler, answered by the engine
        (a worrying reply takes the engine's warning-sign path, with its staff alert)."""
        knowledge = self.knowledge.current.base
        answer = await service.handle_checkin_callback(self.store, patient_id, data, knowledge, now)
        if answer is None:
            return CheckInAnswer(remove_buttons=False)
        if data == RESUME:
            self._dispatch_soon()
        if answer.worrying:
            return CheckInAnswer(
                worrying=True, quote=answer.reply_label or "", remove_buttons=answer.remove_buttons
            )
        reply = Reply(answer.text, answer.buttons)
        return CheckInAnswer(replies=(reply,), remove_buttons=answer.remove_buttons)

    def _plan(self) -> CheckInPlan:
        return self.knowledge.current.base.plan

    def _dispatch_soon(self) -> None:
        if self.dispatch_soon is not None:
            self.dispatch_soon()
