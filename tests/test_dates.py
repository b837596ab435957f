"""How a patient's treatment date is read, and how days since treatment are counted.

`today` is Friday 27 November 2026 throughout.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.date_corrections import date_correction
from bot.core.dates import (
    DateProblem,
    UpcomingTreatment,
    asks_something,
    date_statement,
    days_since_treatment,
    format_treatment_date,
    parse_treatment_date,
    read_treatment_date,
)

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 11, 27)),
        ("yesterday", date(2026, 11, 26)),
        ("3 days ago", date(2026, 11, 24)),
        ("a week ago", date(2026, 11, 20)),
        ("2 weeks ago", date(2026, 11, 13)),
        ("last friday", date(2026, 11, 20)),
        ("on tuesday", date(2026, 11, 24)),
        ("20 Nov", date(2026, 11, 20)),
        ("november 20", date(2026, 11, 20)),
        ("20th of november", date(2026, 11, 20)),
        ("20/11", date(2026, 11, 20)),
        ("20/11/2026", date(2026, 11, 20)),
        ("20.11.26", date(2026, 11, 20)),
        ("2026-11-20", date(2026, 11, 20)),
    ],
)
def test_every_documented_date_form_is_understood(text: str, expected: date) -> None:
    assert parse_treatment_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["20 novmber", "Novembr 20", "20 Novemebr", "20 nov."])
def test_a_misspelt_month_is_still_understood(text: str) -> None:
    assert parse_treatment_date(text, TODAY) == date(2026, 11, 20)


@pytest.mark.parametrize(("text", "expected"), [("wensday", 25), ("thrusday", 26)])
def test_a_misspelt_weekday_is_still_understood(text: str, expected: int) -> None:
    assert parse_treatment_date(text, TODAY) == date(2026, 11, expected)


@pytest.mark.parametrize(("text", "expected"), [("yesterdy", 26), ("tody", 27)])
def test_a_misspelt_today_or_yesterday_is_still_understood(text: str, expected: int) -> None:
    assert parse_treatment_date(text, TODAY) == date(2026, 11, expected)


def test_capitals_spaces_and_trailing_punctuation_do_not_matter() -> None:
    assert parse_treatment_date("  Yesterday! ", TODAY) == date(2026, 11, 26)


def test_a_bare_weekday_that_is_today_means_the_one_a_week_ago() -> None:
    assert parse_treatment_date("friday", TODAY) == date(2026, 11, 20)


def test_a_date_inside_a_short_sentence_is_found() -> None:
    assert parse_treatment_date("I had it 3 days ago", TODAY) == date(2026, 11, 24)


def test_day_n_counts_back_n_days() -> None:
    assert parse_treatment_date("day 3", TODAY) == date(2026, 11, 24)


def test_numeric_dates_are_read_month_first_with_mdy_order() -> None:
    assert parse_treatment_date("11/20", TODAY, order="MDY") == date(2026, 11, 20)
    assert parse_treatment_date("11/20/2026", TODAY, order="MDY") == date(2026, 11, 20)


def test_an_iso_date_is_read_year_first_whatever_the_order() -> None:
    assert parse_treatment_date("2026-11-20", TODAY, order="MDY") == date(2026, 11, 20)


def test_a_day_first_date_is_refused_in_mdy_order_rather_than_misread() -> None:
    with pytest.raises(DateProblem, match=r"no month 20 .* month first, like 11/20"):
        parse_treatment_date("20/11", TODAY, order="MDY")


def test_a_month_first_date_is_refused_in_dmy_order_rather_than_misread() -> None:
    with pytest.raises(DateProblem, match=r"no month 20 .* day first, like 20/11"):
        parse_treatment_date("11/20", TODAY)


def test_an_impossible_date_like_31_february_is_refused_with_a_clear_message() -> None:
    with pytest.raises(DateProblem) as problem:
        parse_treatment_date("31/02", TODAY)
    assert problem.value.message == "31 February doesn't exist — could you check the date?"


@pytest.mark.parametrize("text", ["30/02/2026", "30 feb", "february 30th", "31.04.26"])
def test_impossible_dates_in_every_form_are_refused(text: str) -> None:
    with pytest.raises(DateProblem, match="doesn't exist — could you check the date"):
        parse_treatment_date(text, TODAY)


def test_29_february_without_a_year_is_refused_when_neither_this_nor_last_year_had_one() -> None:
    with pytest.raises(DateProblem, match="no 29 February this year or last"):
        parse_treatment_date("29/02", TODAY)


@pytest.mark.parametrize("text", ["tomorrow", "in 3 days", "28/11/2026", "2026-12-01"])
def test_a_date_in_the_future_is_refused(text: str) -> None:
    with pytest.raises(DateProblem) as problem:
        parse_treatment_date(text, TODAY)
    assert problem.value.message == (
        "That date is in the future — when did you have your treatment? "
        "(e.g. today, yesterday, 3 days ago, 20/11)"
    )


def test_the_future_date_message_gives_a_month_first_example_in_mdy_order() -> None:
    with pytest.raises(DateProblem, match=r"11/20\)$"):
        parse_treatment_date("tomorrow", TODAY, order="MDY")


@pytest.mark.parametrize(
    ("text", "expected"), [("20 mar", 2026), ("27/11", 2026), ("28/1", 2026), ("5/2", 2026)]
)
def test_a_date_without_a_year_months_ahead_is_the_most_recent_one(
    text: str, expected: int
) -> None:
    assert parse_treatment_date(text, TODAY).year == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28/11", date(2026, 11, 28)),
        ("dec 5", date(2026, 12, 5)),
        ("5th of December", date(2026, 12, 5)),
        ("tomorrow", date(2026, 11, 28)),
        ("next monday", date(2026, 11, 30)),
        ("in 3 days", date(2026, 11, 30)),
        ("2026-12-01", date(2026, 12, 1)),
    ],
)
def test_a_date_still_ahead_is_an_upcoming_treatment_not_last_year(
    text: str, expected: date
) -> None:
    found = read_treatment_date(text, TODAY)
    assert isinstance(found, UpcomingTreatment)
    assert found.on == expected


@pytest.mark.parametrize(
    "text",
    [
        "I haven't had it yet",
        "not yet",
        "havent had it done",
        "it's booked for next week",
        "not done yet",
        "it isn't until friday",
    ],
)
def test_not_having_had_it_yet_is_an_upcoming_treatment_said_in_words(text: str) -> None:
    found = read_treatment_date(text, TODAY)
    assert isinstance(found, UpcomingTreatment) and found.said_not_yet


def test_a_day_ahead_alone_is_upcoming_but_not_said_in_words() -> None:
    found = read_treatment_date("tomorrow", TODAY)
    assert isinstance(found, UpcomingTreatment) and not found.said_not_yet


def test_a_date_more_than_a_year_ahead_is_refused_as_a_mistake() -> None:
    with pytest.raises(DateProblem, match="in the future"):
        read_treatment_date("2099-01-01", TODAY)


def test_an_upcoming_treatment_asks_to_message_again_after_it_on_its_date() -> None:
    upcoming = read_treatment_date("dec 5", TODAY)
    assert isinstance(upcoming, UpcomingTreatment)
    assert "Saturday 5 December" in upcoming.message
    assert "Message me after" in upcoming.message


def test_an_upcoming_treatment_without_a_date_still_asks_to_message_after_it() -> None:
    upcoming = read_treatment_date("not yet", TODAY)
    assert isinstance(upcoming, UpcomingTreatment)
    assert upcoming.on is None
    assert "Message me after" in upcoming.message


def test_a_date_exactly_a_year_ago_is_accepted() -> None:
    assert parse_treatment_date("27/11/2025", TODAY) == date(2025, 11, 27)


@pytest.mark.parametrize("text", ["26/11/2025", "20 November 2024", "2024-11-20"])
def test_a_date_more_than_a_year_ago_is_refused_as_not_a_recent_treatment(text: str) -> None:
    with pytest.raises(DateProblem, match=r"more than a year ago.*recent treatment"):
        parse_treatment_date(text, TODAY)


@pytest.mark.parametrize("text", ["hello", "can i wear makeup", "november", "2025", "", "?"])
def test_text_that_is_not_a_date_gets_examples_to_try(text: str) -> None:
    with pytest.raises(DateProblem, match=r"couldn't read that as a date.*3 days ago"):
        parse_treatment_date(text, TODAY)


def test_a_bare_number_asks_whether_it_means_days_ago() -> None:
    with pytest.raises(DateProblem, match='Did you mean 3 days ago\\? Please write it as "3 days'):
        parse_treatment_date("3", TODAY)


def test_a_very_long_message_is_not_read_as_a_date() -> None:
    with pytest.raises(DateProblem, match="couldn't read that"):
        parse_treatment_date("yesterday " * 500, TODAY)


def test_the_treatment_day_itself_is_day_0() -> None:
    now = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    assert days_since_treatment(date(2026, 11, 27), now, ZoneInfo("UTC")) == 0


def test_days_since_treatment_counts_whole_calendar_days() -> None:
    now = datetime(2026, 11, 27, 0, 5, tzinfo=UTC)
    assert days_since_treatment(date(2026, 11, 24), now, ZoneInfo("UTC")) == 3


def test_days_are_counted_in_the_patients_time_zone() -> None:
    late_evening_utc = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    treated_on = date(2026, 11, 26)
    assert days_since_treatment(treated_on, late_evening_utc, ZoneInfo("UTC")) == 0
    assert days_since_treatment(treated_on, late_evening_utc, ZoneInfo("Asia/Tokyo")) == 1


def test_a_patient_west_of_utc_is_still_on_the_previous_day() -> None:
    early_morning_utc = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    treated_on = date(2026, 11, 26)
    tz = ZoneInfo("America/Los_Angeles")
    assert days_since_treatment(treated_on, early_morning_utc, tz) == 0


def test_days_since_treatment_is_never_negative() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert days_since_treatment(date(2026, 11, 30), now, ZoneInfo("UTC")) == 0


def test_days_since_treatment_refuses_a_clock_without_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time-zone aware"):
        days_since_treatment(date(2026, 11, 26), datetime(2026, 11, 27), ZoneInfo("UTC"))


def test_a_treatment_date_is_written_with_weekday_day_and_month() -> None:
    assert format_treatment_date(date(2026, 11, 24)) == "Tuesday 24 November"


def test_a_treatment_date_from_another_year_than_today_shows_the_year() -> None:
    assert format_treatment_date(date(2025, 12, 20), TODAY) == "Saturday 20 December 2025"
    assert format_treatment_date(date(2026, 11, 24), TODAY) == "Tuesday 24 November"


@pytest.mark.parametrize(
    ("message", "told"),
    [
        ("had it done yesterday, can i wear makeup?", "had it done yesterday"),
        ("is this normal? my treatment was on monday", "my treatment was on monday"),
        ("I had it yesterday and my face is red", "I had it yesterday and my face is red"),
        ("last tuesday", "last tuesday"),
        ("can i wash my face tonight", None),
        ("I want to wear makeup tonight and go out", None),
    ],
)
def test_only_the_part_of_a_message_that_tells_the_treatment_is_read_for_its_date(
    message: str, told: str | None
) -> None:
    assert date_statement(message) == told


def test_a_message_asks_something_by_a_question_word_first_or_a_question_mark() -> None:
    assert asks_something("had it tuesday, when can I swim")
    assert asks_something("makeup ok tomorrow?")
    assert not asks_something("had it tuesday, face is red")


CORRECTION_TODAY = date(2026, 11, 28)  # a Saturday
STORED = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("actually it was on monday not yesterday", date(2026, 11, 23)),
        ("oops wrong date, it was wednesday", date(2026, 11, 25)),
        ("I had my microneedling done on the 20th of november", date(2026, 11, 20)),
        ("im on day 5", date(2026, 11, 23)),
        ("actually it was on wensday", date(2026, 11, 25)),
        ("sat 21st", date(2026, 11, 21)),
    ],
)
def test_a_statement_made_only_of_a_date_is_a_date_correction(text: str, meant: date) -> None:
    assert date_correction(text, STORED, CORRECTION_TODAY) == meant


@pytest.mark.parametrize(
    "text",
    [
        "swollen since monday",
        "it was worse on monday",
        "in the sun",
        "sat in the sun",
        "may",
        "yesterday",
        "my next session is on friday",
        "was it monday?",
        "no not yesterday",
    ],
)
def test_a_symptom_a_word_like_a_day_the_same_date_or_a_question_is_no_correction(
    text: str,
) -> None:
    assert date_correction(text, STORED, CORRECTION_TODAY) is None
