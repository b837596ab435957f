"""What to do with a check-in that is due: the dispatcher's decisions, pure.

The caller (`bot.conversation.checkins.queue_due`) finds the due check-ins, asks `decide`
about each, and queues the ones to send; the sender (`bot.telegram.delivery`) delivers
them. Nothing here knows about SQLite or Telegram.

The rules, in the words of the product brief: never twice, never at night, not lost if
the bot was down, and a stale one skipped rather than sent days late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduler.clock import utc
from scheduler.planning import (
    LATE_DELIVERY_LIMIT,
    QuietHours,
    SentCheckIn,
    is_stale,
    local_instant,
    out_of_quiet_hours,
    should_ask_to_continue,
)


class Action(Enum):
    SEND = "send"
    SKIP = "skip"
    """Stale, or no longer in the plan: never sent."""
    DEFER = "defer"
    """Late, and it is night for the patient: due again when the quiet hours end."""
    CANCEL = "cancel"
    """The patient opted out, blocked the bot or is gone."""
    ASK_TO_CONTINUE = "ask-to-continue"
    """The last check-ins went unanswered: pause, and ask once whether to go on."""


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str = ""
    until: datetime | None = None
    """For DEFER: when it is due again. For SEND: the latest moment it may still go out."""


def patient_zone(name: str) -> ZoneInfo:
    """The patient's stored zone; UTC if the name is no longer known to this machine."""
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return ZoneInfo("UTC")


def decide(
    *,
    due_at: datetime,
    next_due_at: datetime | None,
    now: datetime,
    zone: ZoneInfo,
    quiet: QuietHours,
    in_plan: bool,
    sendable: bool,
    recent: list[SentCheckIn],
    last_heard_from: datetime | None,
) -> Decision:
    """What to do with one due check-in now."""
    if not in_plan:
        return Decision(Action.SKIP, "no longer in the plan")
    if not sendable:
        return Decision(Action.CANCEL, "patient opted out or unreachable")
    if is_stale(due_at, next_due_at, now):
        return Decision(Action.SKIP, "stale: too late to send")
    allowed = out_of_quiet_hours(now, zone, quiet)
    if allowed > utc(now):
        if is_stale(due_at, next_due_at, allowed):
            return Decision(Action.SKIP, "stale by the end of quiet hours")
        return Decision(Action.DEFER, "deferred out of quiet hours", until=allowed)
    if should_ask_to_continue(recent, last_heard_from):
        return Decision(Action.ASK_TO_CONTINUE, "paused after check-ins went unanswered")
    return Decision(Action.SEND, until=send_window_end(due_at, next_due_at, zone, quiet, now))


def send_window_end(
    due_at: datetime,
    next_due_at: datetime | None,
    zone: ZoneInfo,
    quiet: QuietHours,
    now: datetime,
) -> datetime:
    """The latest moment a check-in queued now may still be sent: before it goes stale,
    and before the patient's next quiet hours begin (an outage must not push it into the
    night; after this moment it goes back to the dispatcher, which decides again)."""
    ends = [utc(due_at) + LATE_DELIVERY_LIMIT]
    if next_due_at is not None:
        ends.append(utc(next_due_at))
    night = next_quiet_start(now, zone, quiet)
    if night is not None:
        ends.append(night)
    return min(ends)


def next_quiet_start(now: datetime, zone: ZoneInfo, quiet: QuietHours) -> datetime | None:
    """When the patient's next quiet hours begin (UTC), or None without quiet hours."""
    if quiet.start == quiet.end:
        return None
    local = utc(now).astimezone(zone)
    start = local_instant(local.date(), quiet.start, zone)
    if start <= utc(now):
        start = local_instant(local.date() + timedelta(days=1), quiet.start, zone)
    return start
