"""When check-ins are due: time zones, daylight saving, quiet hours, late and tired patients."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.planning import (
    CheckInPlan,
    CheckInStep,
    PlannedCheckIn,
    QuietHours,
    SentCheckIn,
    due_instant,
    is_stale,
    local_instant,
    plan_checkins,
    should_ask_to_continue,
)

PLAN = CheckInPlan(
    tuple(CheckInStep(day, f"Day {day}") for day in (0, 1, 3, 7, 14, 28, 42)),
    QuietHours(time(21, 0), time(8, 0)),
)
QUIET = QuietHours(time(21, 0), time(8, 0))
NO_QUIET = QuietHours(time(0, 0), time(0, 0))
TEN = time(10, 0)


def at(text: str) -> datetime:
    """An aware UTC instant from '2026-01-10 18:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def days(planned: list[PlannedCheckIn]) -> list[int]:
    return [p.day for p in planned]


# Time zones on both sides of UTC


def test_a_10_00_check_in_in_los_angeles_is_due_at_18_00_utc_in_winter() -> None:
    due = due_instant(date(2026, 1, 10), 1, ZoneInfo("America/Los_Angeles"), TEN, QUIET)
    assert due == at("2026-01-11 18:00")


def test_a_10_00_check_in_in_tokyo_is_due_at_01_00_utc_the_same_day() -> None:
    due = due_instant(date(2026, 1, 10), 1, ZoneInfo("Asia/Tokyo"), TEN, QUIET)
    assert due == at("2026-01-11 01:00")


def test_a_10_00_check_in_in_auckland_summer_is_due_the_previous_evening_in_utc() -> None:
    due = due_instant(date(2026, 1, 10), 1, ZoneInfo("Pacific/Auckland"), TEN, QUIET)
    assert due == at("2026-01-10 21:00")
    assert local(due, "Pacific/Auckland") == "2026-01-11 10:00"


def test_every_planned_day_is_at_the_local_check_in_time_on_treatment_date_plus_day() -> None:
    zone = "Asia/Tokyo"
    planned = plan_checkins(date(2026, 1, 10), zone, TEN, PLAN, now=at("2026-01-09 00:00"))
    assert [local(p.due_at, zone) for p in planned] == [
        f"{date(2026, 1, 10) + timedelta(days=d):%Y-%m-%d} 10:00" for d in (0, 1, 3, 7, 14, 28, 42)
    ]


def test_due_instants_come_back_in_utc() -> None:
    planned = plan_checkins(
        date(2026, 1, 10), "America/Los_Angeles", TEN, PLAN, now=at("2026-01-10 17:00")
    )
    assert all(p.due_at.utcoffset() == timedelta(0) for p in planned)


# Daylight saving


@pytest.mark.parametrize(
    ("zone", "treated_on", "before_utc", "after_utc"),
    [
        # Europe/London springs forward on 29 March 2026, falls back on 25 October 2026.
        ("Europe/London", date(2026, 3, 27), "10:00", "09:00"),
        ("Europe/London", date(2026, 10, 23), "09:00", "10:00"),
        # America/New_York springs forward on 8 March 2026, falls back on 1 November 2026.
        ("America/New_York", date(2026, 3, 6), "15:00", "14:00"),
        ("America/New_York", date(2026, 10, 30), "14:00", "15:00"),
    ],
)
def test_a_10_00_check_in_stays_at_10_00_local_across_a_dst_change(
    zone: str, treated_on: date, before_utc: str, after_utc: str
) -> None:
    tz = ZoneInfo(zone)
    before = due_instant(treated_on, 1, tz, TEN, QUIET)
    after = due_instant(treated_on, 3, tz, TEN, QUIET)
    assert before.strftime("%H:%M") == before_utc
    assert after.strftime("%H:%M") == after_utc
    assert local(before, zone).endswith("10:00")
    assert local(after, zone).endswith("10:00")


def test_a_time_in_the_spring_forward_gap_moves_forward_by_the_gap() -> None:
    # 02:30 does not exist in New York on 8 March 2026: it becomes 03:30 EDT.
    due = local_instant(date(2026, 3, 8), time(2, 30), ZoneInfo("America/New_York"))
    assert due == at("2026-03-08 07:30")
    assert local(due, "America/New_York") == "2026-03-08 03:30"


def test_a_time_in_the_spring_forward_gap_in_london_moves_forward_by_the_gap() -> None:
    due = due_instant(date(2026, 3, 28), 1, ZoneInfo("Europe/London"), time(1, 30), NO_QUIET)
    assert local(due, "Europe/London") == "2026-03-29 02:30"


def test_an_ambiguous_autumn_time_is_the_first_of_the_two() -> None:
    # 01:30 happens twice in New York on 1 November 2026: first in EDT (UTC-4).
    due = local_instant(date(2026, 11, 1), time(1, 30), ZoneInfo("America/New_York"))
    assert due == at("2026-11-01 05:30")


# Quiet hours


def test_a_22_30_check_in_moves_to_08_00_the_next_morning() -> None:
    due = due_instant(date(2026, 6, 1), 1, ZoneInfo("Europe/London"), time(22, 30), QUIET)
    assert local(due, "Europe/London") == "2026-06-03 08:00"


def test_a_06_00_check_in_moves_to_08_00_the_same_morning() -> None:
    due = due_instant(date(2026, 6, 1), 1, ZoneInfo("Europe/London"), time(6, 0), QUIET)
    assert local(due, "Europe/London") == "2026-06-02 08:00"


def test_a_check_in_at_the_end_of_quiet_hours_is_allowed_and_one_at_the_start_is_not() -> None:
    assert not QUIET.contains(time(8, 0))
    assert not QUIET.contains(time(20, 59))
    assert QUIET.contains(time(21, 0))
    assert QUIET.contains(time(0, 0))


def test_quiet_hours_that_do_not_cross_midnight_move_a_time_to_their_end() -> None:
    lunch = QuietHours(time(12, 0), time(14, 0))
    due = due_instant(date(2026, 6, 1), 1, ZoneInfo("Asia/Tokyo"), time(13, 0), lunch)
    assert local(due, "Asia/Tokyo") == "2026-06-02 14:00"


def test_equal_start_and_end_mean_no_quiet_hours() -> None:
    assert not NO_QUIET.contains(time(3, 0))


def test_the_plan_uses_its_own_quiet_hours() -> None:
    plan = CheckInPlan(PLAN.steps, QuietHours(time(22, 0), time(9, 0)))
    planned = plan_checkins(
        date(2026, 6, 1), "Europe/London", time(8, 30), plan, now=at("2026-05-31 00:00")
    )
    assert {local(p.due_at, "Europe/London")[-5:] for p in planned} == {"09:00"}


# Day 0 and dates in the past


def test_day_0_is_due_right_away_when_the_treatment_was_today() -> None:
    now = at("2026-06-01 14:03:27.5")
    planned = plan_checkins(date(2026, 6, 1), "Europe/London", TEN, PLAN, now)
    assert planned[0] == PlannedCheckIn(0, at("2026-06-01 14:03:27"))


def test_day_0_after_a_late_evening_onboarding_waits_for_the_end_of_quiet_hours() -> None:
    now = at("2026-06-01 22:00")  # 23:00 in London (BST)
    planned = plan_checkins(date(2026, 6, 1), "Europe/London", TEN, PLAN, now)
    assert planned[0].day == 0
    assert local(planned[0].due_at, "Europe/London") == "2026-06-02 08:00"


def test_today_is_the_patients_local_date_not_the_utc_date() -> None:
    # 23:30 UTC on 1 June is already 2 June in Tokyo: a treatment on 2 June is today.
    now = at("2026-06-01 23:30")
    planned = plan_checkins(date(2026, 6, 2), "Asia/Tokyo", TEN, PLAN, now)
    assert planned[0] == PlannedCheckIn(0, now)


def test_a_treatment_ten_days_ago_plans_only_what_is_ahead() -> None:
    planned = plan_checkins(
        date(2026, 6, 1), "Europe/London", TEN, PLAN, now=at("2026-06-11 12:00")
    )
    assert days(planned) == [14, 28, 42]


def test_a_check_in_due_an_hour_ago_today_is_still_planned_and_due_at_once() -> None:
    planned = plan_checkins(
        date(2026, 6, 1), "Europe/London", TEN, PLAN, now=at("2026-06-04 10:00")
    )
    assert days(planned) == [3, 7, 14, 28, 42]
    assert local(planned[0].due_at, "Europe/London") == "2026-06-04 10:00"


def test_a_treatment_yesterday_does_not_send_day_0_the_next_day() -> None:
    planned = plan_checkins(
        date(2026, 6, 1), "Europe/London", TEN, PLAN, now=at("2026-06-02 07:00")
    )
    assert days(planned) == [1, 3, 7, 14, 28, 42]


def test_a_treatment_in_the_future_plans_day_0_at_the_check_in_time_on_that_day() -> None:
    planned = plan_checkins(
        date(2026, 6, 5), "Europe/London", TEN, PLAN, now=at("2026-06-01 12:00")
    )
    assert local(planned[0].due_at, "Europe/London") == "2026-06-05 10:00"


def test_a_treatment_long_ago_plans_nothing() -> None:
    assert plan_checkins(date(2025, 1, 1), "UTC", TEN, PLAN, now=at("2026-06-01 12:00")) == []


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        plan_checkins(date(2026, 6, 1), "UTC", TEN, PLAN, now=datetime(2026, 6, 1, 12))


# Re-planning


def test_re_planning_with_a_new_time_moves_every_day_still_ahead() -> None:
    now = at("2026-06-03 12:00")
    before = plan_checkins(date(2026, 6, 1), "Europe/London", TEN, PLAN, now)
    after = plan_checkins(date(2026, 6, 1), "Europe/London", time(18, 0), PLAN, now)
    assert days(before) == days(after) == [3, 7, 14, 28, 42]
    assert all(local(p.due_at, "Europe/London").endswith("18:00") for p in after)


def test_re_planning_to_an_earlier_time_today_keeps_todays_check_in_while_relevant() -> None:
    now = at("2026-06-04 08:30")  # 09:30 in London; day 3 was at 10:00, now at 09:00
    planned = plan_checkins(date(2026, 6, 1), "Europe/London", time(9, 0), PLAN, now)
    assert planned[0].day == 3
    assert planned[0].due_at == at("2026-06-04 08:00")


def test_re_planning_with_a_new_time_zone_keeps_the_local_time() -> None:
    now = at("2026-06-03 12:00")
    planned = plan_checkins(date(2026, 6, 1), "America/Los_Angeles", TEN, PLAN, now)
    assert local(planned[0].due_at, "America/Los_Angeles") == "2026-06-04 10:00"
    assert planned[0].due_at == at("2026-06-04 17:00")


def test_re_planning_with_a_new_treatment_date_restarts_from_day_0() -> None:
    now = at("2026-06-20 09:00")
    assert days(plan_checkins(date(2026, 6, 1), "UTC", TEN, PLAN, now)) == [28, 42]
    assert days(plan_checkins(date(2026, 6, 20), "UTC", TEN, PLAN, now)) == [
        0,
        1,
        3,
        7,
        14,
        28,
        42,
    ]


# The late-delivery rule


def test_a_missed_check_in_is_sent_within_12_hours_before_the_next_is_due() -> None:
    assert not is_stale(at("2026-06-02 09:00"), at("2026-06-04 09:00"), at("2026-06-02 21:00"))


def test_a_missed_check_in_more_than_12_hours_late_is_stale() -> None:
    assert is_stale(at("2026-06-02 09:00"), at("2026-06-04 09:00"), at("2026-06-02 21:00:01"))


def test_a_missed_check_in_is_stale_once_the_next_one_is_due() -> None:
    assert is_stale(at("2026-06-02 09:00"), at("2026-06-02 15:00"), at("2026-06-02 15:00"))


def test_the_last_check_in_only_has_the_12_hour_limit() -> None:
    assert not is_stale(at("2026-06-02 09:00"), None, at("2026-06-02 20:00"))
    assert is_stale(at("2026-06-02 09:00"), None, at("2026-06-03 09:00"))


def test_a_check_in_not_yet_due_is_not_stale() -> None:
    assert not is_stale(at("2026-06-02 09:00"), None, at("2026-06-01 09:00"))


# Message fatigue


def sent(*stamps_and_replies: tuple[str, bool]) -> list[SentCheckIn]:
    return [SentCheckIn(at(stamp), replied) for stamp, replied in stamps_and_replies]


def test_three_unanswered_check_ins_and_silence_ask_whether_to_continue() -> None:
    recent = sent(
        ("2026-06-01 09:00", False), ("2026-06-02 09:00", False), ("2026-06-04 09:00", False)
    )
    assert should_ask_to_continue(recent, last_heard_from=at("2026-05-31 12:00"))


def test_a_reply_to_one_of_the_last_three_check_ins_keeps_them_coming() -> None:
    recent = sent(
        ("2026-06-01 09:00", False), ("2026-06-02 09:00", True), ("2026-06-04 09:00", False)
    )
    assert not should_ask_to_continue(recent, last_heard_from=at("2026-05-31 12:00"))


def test_a_message_from_the_patient_since_the_first_of_the_three_keeps_them_coming() -> None:
    recent = sent(
        ("2026-06-01 09:00", False), ("2026-06-02 09:00", False), ("2026-06-04 09:00", False)
    )
    assert not should_ask_to_continue(recent, last_heard_from=at("2026-06-03 18:00"))


def test_two_unanswered_check_ins_are_not_yet_a_streak() -> None:
    recent = sent(("2026-06-02 09:00", False), ("2026-06-04 09:00", False))
    assert not should_ask_to_continue(recent, last_heard_from=None)


def test_only_the_three_latest_check_ins_count_for_the_streak() -> None:
    recent = sent(
        ("2026-06-01 09:00", True),
        ("2026-06-02 09:00", False),
        ("2026-06-04 09:00", False),
        ("2026-06-08 09:00", False),
    )
    assert should_ask_to_continue(recent, last_heard_from=at("2026-06-01 10:00"))
