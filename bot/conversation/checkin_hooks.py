"""How the conversation tells the check-in scheduler what changed, and what a press on a
check-in button means: a protocol the engine calls inside its transaction, after it has
stored the change, so the scheduler reads the patient's current row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlite_utils import Database

from bot.conversation.events import Reply


@dataclass(frozen=True)
class CheckInAnswer:
    """What a press on a check-in button ("ci:...") means for the conversation.

    The scheduler records what was pressed; the engine does the talking: `replies` as
    they are, then the answer of `topic` for the patient's day, or, when `worrying`, the
    warning-sign path with a staff alert quoting `quote`.
    """

    replies: tuple[Reply, ...] = ()
    topic: str | None = None
    worrying: bool = False
    quote: str = ""
    remove_buttons: bool = True
    due_now: bool = False
    """A check-in became due right away (after "keep going"): have it sent now."""


class CheckInHooks(Protocol):
    """What the scheduler hears. The methods that plan return True when a check-in is due
    right away, so the caller can have it sent now rather than at the next periodic look."""

    def treatment_changed(
        self, db: Database, patient_id: int, shown_day: int | None, now: datetime
    ) -> bool:
        """A treatment date was given or changed: restart the plan from it (if opted in).
        `shown_day` is the check-in whose message the reply to the date already showed."""

    def opted_in(self, db: Database, patient_id: int, now: datetime) -> bool:
        """Check-ins turned on (the onboarding button, "yes", or /checkins on)."""

    def opted_out(self, db: Database, patient_id: int, now: datetime) -> None:
        """Check-ins turned off (the onboarding button, "no", or /checkins off)."""

    def schedule_changed(self, db: Database, patient_id: int, now: datetime) -> bool:
        """/time or /timezone changed when pending check-ins are due."""

    def patient_forgotten(self, db: Database, patient_id: int) -> None:
        """The patient's rows are gone; drop anything kept elsewhere."""

    def next_check_in(self, db: Database, patient_id: int, now: datetime) -> datetime | None:
        """When the next check-in is due (aware), for /status; None if none is planned."""

    def check_in_button(
        self, db: Database, patient_id: int, data: str, now: datetime
    ) -> CheckInAnswer:
        """A press on a button whose callback data starts with "ci:"."""


class NoCheckIns:
    """The hooks when no scheduler is attached: nothing is planned, presses do nothing."""

    def treatment_changed(
        self, db: Database, patient_id: int, shown_day: int | None, now: datetime
    ) -> bool:
        return False

    def opted_in(self, db: Database, patient_id: int, now: datetime) -> bool:
        return False

    def opted_out(self, db: Database, patient_id: int, now: datetime) -> None:
        return None

    def schedule_changed(self, db: Database, patient_id: int, now: datetime) -> bool:
        return False

    def patient_forgotten(self, db: Database, patient_id: int) -> None:
        return None

    def next_check_in(self, db: Database, patient_id: int, now: datetime) -> datetime | None:
        return None

    def check_in_button(
        self, db: Database, patient_id: int, data: str, now: datetime
    ) -> CheckInAnswer:
        return CheckInAnswer(remove_buttons=False)
