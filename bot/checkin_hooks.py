"""How the conversation engine and the check-in scheduler talk: a protocol the engine
calls after each change it stores, and what a press on a check-in button means."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.replies import Reply


@dataclass(frozen=True)
class CheckInAnswer:
    """What a press on a check-in button ("ci:...") means for the conversation.

    The scheduler decides (and records) what was pressed; the engine does the talking:
    `replies` as they are, then the answer of `topic` for the patient's day, or, when
    `worrying`, the warning-sign path with a staff alert quoting `quote`.
    """

    replies: tuple[Reply, ...] = ()
    topic: str | None = None
    worrying: bool = False
    quote: str = ""
    remove_buttons: bool = True


class CheckInHooks(Protocol):
    """How the conversation tells the scheduler what changed. Each call comes after the
    change is stored, so the scheduler reads the patient's current row; the names follow
    `scheduler.service`."""

    async def treatment_changed(self, patient_id: int, now: datetime) -> None:
        """A treatment date was given or changed: restart the plan from it (if opted in)."""

    async def opted_in(self, patient_id: int, now: datetime) -> None:
        """Check-ins turned on (the onboarding button, "yes", or /checkins on)."""

    async def opted_out(self, patient_id: int, now: datetime) -> None:
        """Check-ins turned off (the onboarding button, "no", or /checkins off)."""

    async def schedule_changed(self, patient_id: int, now: datetime) -> None:
        """/time or /timezone changed when pending check-ins are due."""

    async def patient_forgotten(self, patient_id: int) -> None:
        """The patient's rows are gone; drop anything kept outside the database."""

    async def next_check_in(self, patient_id: int, now: datetime) -> datetime | None:
        """When the next check-in is due (aware), for /status; None if none is planned."""

    async def check_in_button(self, patient_id: int, data: str, now: datetime) -> CheckInAnswer:
        """A press on a button whose callback data starts with "ci:"."""


class NoCheckIns:
    """The hooks when no scheduler is attached: nothing is planned, presses do nothing."""

    async def treatment_changed(self, patient_id: int, now: datetime) -> None:
        return None

    async def opted_in(self, patient_id: int, now: datetime) -> None:
        return None

    async def opted_out(self, patient_id: int, now: datetime) -> None:
        return None

    async def schedule_changed(self, patient_id: int, now: datetime) -> None:
        return None

    async def patient_forgotten(self, patient_id: int) -> None:
        return None

    async def next_check_in(self, patient_id: int, now: datetime) -> datetime | None:
        return None

    async def check_in_button(self, patient_id: int, data: str, now: datetime) -> CheckInAnswer:
        return CheckInAnswer(remove_buttons=False)
