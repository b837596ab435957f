"""When each check-in is due: pure functions of a treatment date, a time zone and `now`.

Nothing here reads the clock, the database or Telegram. Every instant that goes in or
comes out is an aware datetime; every instant that comes out is in UTC.

The rules, in the words of the product brief:

- Day 0 is due right away when the treatment is today (right after onboarding).
- Day N is due at the patient's local check-in time on treatment date + N days, in their
  IANA zone, so a 10:00 check-in stays at 10:00 local on both sides of a DST change. A
  local time that does not exist (the spring-forward gap) moves forward by the gap, as
  wall clocks do (02:30 becomes 03:30); an ambiguous one (autumn) is the first of the two.
- Never inside quiet hours (default 21:00-08:00 local, windows may cross midnight): a
  time inside them moves to the end of the quiet window, the next allowed time. That
  holds for day 0 too: a patient onboarding at 23:00 gets it at 08:00, so staff should
  not word day 0 as "tonight".
- A check-in missed while the bot was down, or planned for a date already past, is still
  sent if it is still relevant (`is_stale` is False), and skipped otherwise.
- Message fatigue: after `FATIGUE_STREAK` check-ins in a row with no reply and no message
  from the patient, the bot asks once whether to continue and pauses (`should_ask_to_continue`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from scheduler.clock import utc

LATE_DELIVERY_LIMIT = timedelta(hours=12)
FATIGUE_STREAK = 3


class PlannedCheckIn(NamedTuple):
    """One check-in of a plan: the day since treatment and the UTC instant it is due."""

    day: int
    due_at: datetime


class QuietHours(NamedTuple):
    """Local hours without check-ins, from `start` (included) to `end` (excluded).

    A window whose start is after its end crosses midnight (21:00-08:00); equal start and
    end mean there are no quiet hours.
    """

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, moment: time) -> bool:
        """True when the local wall-clock `moment` falls inside the quiet window."""
        moment = moment.replace(tzinfo=None, fold=0)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


class CheckInReply(NamedTuple):
    """A reply button under a check-in and what pressing it does."""

    label: str
    answer: str | None = None
    topic: str | None = None
    worrying: bool = False


class CheckInStep(NamedTuple):
    """One planned check-in: sent on `day` since treatment."""

    day: int
    message: str
    replies: tuple[CheckInReply, ...] = ()
    booking: bool = False


class CheckInPlan(NamedTuple):
    """The days the bot checks in (staff write it in `checkins.yaml`), and the local hours
    it must stay quiet."""

    steps: tuple[CheckInStep, ...]
    quiet: QuietHours = QuietHours()

    def step(self, day: int) -> CheckInStep | None:
        return next((s for s in self.steps if s.day == day), None)


class SentCheckIn(NamedTuple):
    """A check-in that reached the patient, as the fatigue rule sees it."""

    sent_at: datetime
    replied: bool


def local_instant(on: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock time `at` on date `on` in `zone`.

    A time in a spring-forward gap is read with the offset in force before the gap,
    which lands it after the gap by the gap's length; an ambiguous time (the hour that
    repeats in autumn) is the first occurrence (fold=0).
    """
    wall = datetime.combine(on, at.replace(tzinfo=None, fold=0), tzinfo=zone)
    return wall.astimezone(UTC)


def out_of_quiet_hours(moment: datetime, zone: ZoneInfo, quiet: QuietHours) -> datetime:
    """`moment` itself, or the end of the quiet window it falls in (local), in UTC."""
    local = utc(moment).astimezone(zone)
    if not quiet.contains(local.time()):
        return utc(moment)
    end_date = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:
        end_date += timedelta(days=1)
    return local_instant(end_date, quiet.end, zone)


def due_instant(
    treated_on: date, day: int, zone: ZoneInfo, checkin_time: time, quiet: QuietHours
) -> datetime:
    """When the check-in of `day` is due: local check-in time on treated_on + day, moved
    out of quiet hours. Day 0 "right away" is decided by `plan_checkins`, not here."""
    wall = local_instant(treated_on + timedelta(days=day), checkin_time, zone)
    return out_of_quiet_hours(wall, zone, quiet)


def is_stale(due_at: datetime, next_due_at: datetime | None, now: datetime) -> bool:
    """True when a missed check-in is no longer worth sending.

    A late check-in is still sent while `now` is before the patient's next check-in is due
    and within `LATE_DELIVERY_LIMIT` (12 h) of its own due time; otherwise it is skipped,
    never sent days late.
    """
    now = utc(now)
    if now - utc(due_at) > LATE_DELIVERY_LIMIT:
        return True
    return next_due_at is not None and now >= utc(next_due_at)


def plan_checkins(
    treated_on: date,
    zone: ZoneInfo | str,
    checkin_time: time,
    plan: CheckInPlan,
    now: datetime,
    quiet: QuietHours | None = None,
) -> list[PlannedCheckIn]:
    """The check-ins of `plan` still to send for a treatment on `treated_on`, due order.

    Steps already in the past are left out unless they are still relevant by the late
    rule (`is_stale`), so opting in, or onboarding with a treatment date days ago, plans
    only what is ahead. `quiet` defaults to the plan's own quiet hours.
    """
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    quiet = quiet if quiet is not None else plan.quiet
    now = utc(now)
    today = now.astimezone(zone).date()
    timeline: list[PlannedCheckIn] = []
    for step in sorted(plan.steps, key=lambda s: s.day):
        if step.day == 0 and treated_on == today:
            due_at = out_of_quiet_hours(now.replace(microsecond=0), zone, quiet)
        else:
            due_at = due_instant(treated_on, step.day, zone, checkin_time, quiet)
        timeline.append(PlannedCheckIn(step.day, due_at))
    ahead: list[PlannedCheckIn] = []
    for index, planned in enumerate(timeline):
        following = timeline[index + 1].due_at if index + 1 < len(timeline) else None
        if planned.due_at > now or not is_stale(planned.due_at, following, now):
            ahead.append(planned)
    return sorted(ahead, key=lambda p: (p.due_at, p.day))


def should_ask_to_continue(
    recent: Sequence[SentCheckIn],
    last_heard_from: datetime | None,
    streak: int = FATIGUE_STREAK,
) -> bool:
    """True when the last `streak` check-ins sent all went unanswered.

    `recent` is the patient's sent check-ins (any order); `last_heard_from` is the last
    time the patient wrote, tapped or resumed check-ins. A reply to any of the last
    `streak` check-ins, or any word from the patient after the first of them was sent,
    breaks the streak.
    """
    latest = sorted(recent, key=lambda c: utc(c.sent_at), reverse=True)[:streak]
    if len(latest) < streak or any(c.replied for c in latest):
        return False
    first_of_streak = utc(latest[-1].sent_at)
    return last_heard_from is None or utc(last_heard_from) <= first_of_streak
