"""Clock times and time zones, as settings give them and as patients type them."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.core.clock_input import (
    parse_clock_time,
    parse_timezone,
    read_clock_time,
    read_timezone,
    zone_label,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("18:30", time(18, 30)),
        ("9:30", time(9, 30)),
        ("18.30", time(18, 30)),
        ("18h", time(18, 0)),
        ("18h30", time(18, 30)),
        ("6pm", time(18, 0)),
        ("6 pm", time(18, 0)),
        ("6:30 pm", time(18, 30)),
        ("6.30am", time(6, 30)),
        ("6 p.m.", time(18, 0)),
        ("12pm", time(12, 0)),
        ("12am", time(0, 0)),
        ("noon", time(12, 0)),
        ("10", time(10, 0)),
    ],
)
def test_a_patient_can_type_a_time_the_way_they_say_it(typed: str, expected: time) -> None:
    assert read_clock_time(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "18:75", "13pm", "0am", "teatime", "", "6 ish"])
def test_a_time_that_does_not_exist_or_is_not_a_time_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="is not a time"):
        read_clock_time(typed)


@pytest.mark.parametrize("typed", ["10am", "18.30", "noon"])
def test_a_setting_takes_the_24_hour_clock_only(typed: str) -> None:
    with pytest.raises(ValueError, match="use 24-hour HH:MM"):
        parse_clock_time(typed)
    assert parse_clock_time("18:30") == time(18, 30)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("uk", "Europe/London"),
        ("UK", "Europe/London"),
        ("manchester", "Europe/London"),
        ("CET", "Europe/Paris"),
        ("pst", "America/Los_Angeles"),
    ],
)
def test_a_patient_can_name_a_time_zone_by_place_or_abbreviation(typed: str, zone: str) -> None:
    assert read_timezone(typed).key == zone


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("GMT+1", "Etc/GMT-1"),
        ("gmt +1", "Etc/GMT-1"),
        ("UTC-5", "Etc/GMT+5"),
        ("+3", "Etc/GMT-3"),
        ("UTC+0", "UTC"),
        ("UTC+05:30", "Asia/Kolkata"),
    ],
)
def test_an_offset_from_gmt_or_utc_is_a_fixed_zone_of_that_offset(typed: str, zone: str) -> None:
    assert read_timezone(typed).key == zone


def test_an_iana_etc_name_keeps_its_own_meaning() -> None:
    # Found by the kill bench, which moves patients to Etc/GMT-14 (UTC+14).
    assert read_timezone("Etc/GMT-14").key == "Etc/GMT-14"
    assert read_timezone("etc/gmt+10").key == "Etc/GMT+10"
    assert read_timezone("GMT-10").key == "Etc/GMT+10"


def test_a_fixed_offset_zone_is_that_many_hours_ahead_of_utc() -> None:
    noon_utc = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert noon_utc.astimezone(read_timezone("GMT+1")).hour == 13
    assert noon_utc.astimezone(read_timezone("UTC-5")).hour == 7


def test_a_country_with_several_zones_is_refused_with_a_suggestion() -> None:
    with pytest.raises(ValueError, match=r"such as America/New_York$"):
        read_timezone("USA")


def test_a_misspelt_city_suggests_the_zone_it_resembles() -> None:
    with pytest.raises(ValueError, match=r"such as Europe/Berlin$"):
        read_timezone("berlinn")


@pytest.mark.parametrize("typed", ["Mars/Olympus", "UTC+15", "GMT+5:15", "nowhere at all"])
def test_an_unknown_zone_or_offset_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="is not a time zone"):
        read_timezone(typed)


def test_a_setting_takes_exact_iana_names_only() -> None:
    assert parse_timezone("Europe/London").key == "Europe/London"
    with pytest.raises(ValueError, match="is not a time zone"):
        parse_timezone("london")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("GMT+1", "GMT+1"), ("UTC-5", "GMT-5"), ("Etc/GMT-14", "GMT+14"), ("berlin", "Europe/Berlin")],
)
def test_a_zone_is_shown_with_its_offset_the_way_patients_count_it(typed: str, shown: str) -> None:
    assert zone_label(read_timezone(typed)) == shown
