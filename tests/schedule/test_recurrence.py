"""Recurrence rules without a database: RRULEs from form choices, local wall-clock expansion, limits, splitting."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from server.errors import DomainError
from server.i18n import set_locale
from server.schedule import recurrence
from server.schedule.recurrence import build_rrule, expand, local_datetime


def _local_times(occurrences, tz):
    zone = ZoneInfo(tz)
    return [occ.starts_at.astimezone(zone) for occ in occurrences]


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York", "Asia/Jakarta"])
def test_weekly_evening_session_stays_at_19_local_across_dst(tz):
    # March to April crosses the spring change in Europe (29 March 2026) and the US (8 March 2026).
    first = date(2026, 2, 24)  # a Tuesday
    rule = build_rrule(frequency="weekly", first_day=first, weekdays=["TU"], count=10)
    occurrences = expand(rule, local_datetime(first, time(19, 0)), tz, 90)
    assert len(occurrences) == 10
    for local in _local_times(occurrences, tz):
        assert (local.hour, local.minute, local.weekday()) == (19, 0, 1)
    for occ in occurrences:
        assert occ.starts_at.tzinfo == UTC
        assert (occ.ends_at - occ.starts_at).total_seconds() == 90 * 60


def test_berlin_utc_instant_moves_an_hour_when_summer_time_starts():
    first = date(2026, 3, 24)
    occurrences = expand(
        build_rrule(frequency="weekly", first_day=first, count=2),
        local_datetime(first, time(19, 0)),
        "Europe/Berlin",
        60,
    )
    assert [occ.starts_at.hour for occ in occurrences] == [18, 17]


def test_new_york_utc_instant_moves_an_hour_when_summer_time_ends():
    first = date(2026, 10, 27)  # US clocks go back on 1 November 2026
    occurrences = expand(
        build_rrule(frequency="weekly", first_day=first, count=2),
        local_datetime(first, time(19, 0)),
        "America/New_York",
        60,
    )
    assert [(occ.starts_at.day, occ.starts_at.hour) for occ in occurrences] == [(27, 23), (4, 0)]


def test_jakarta_has_no_dst_so_the_utc_hour_never_changes():
    first = date(2026, 1, 6)
    occurrences = expand(
        build_rrule(frequency="weekly", first_day=first, count=52),
        local_datetime(first, time(16, 0)),
        "Asia/Jakarta",
        90,
    )
    assert {occ.starts_at.hour for occ in occurrences} == {9}


def test_a_local_time_skipped_by_dst_moves_forward_an_hour():
    # 02:30 does not exist in Berlin on 29 March 2026.
    assert recurrence.to_utc(datetime(2026, 3, 29, 2, 30), ZoneInfo("Europe/Berlin")) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )


def test_weekly_on_several_weekdays_every_two_weeks():
    first = date(2026, 3, 2)  # Monday
    rule = build_rrule(frequency="weekly", first_day=first, weekdays=["TH", "MO"], interval=2, count=4)
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=4"
    days = [
        local.date()
        for local in _local_times(expand(rule, local_datetime(first, time(10, 0)), "Asia/Jakarta", 60), "Asia/Jakarta")
    ]
    assert days == [date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 16), date(2026, 3, 19)]


def test_monthly_by_weekday_keeps_the_second_tuesday():
    first = date(2026, 3, 10)  # second Tuesday of March
    rule = build_rrule(frequency="monthly_weekday", first_day=first, count=4)
    assert "BYDAY=2TU" in rule
    days = [occ.local_start.date() for occ in expand(rule, local_datetime(first, time(19, 0)), "Europe/Berlin", 60)]
    assert days == [date(2026, 3, 10), date(2026, 4, 14), date(2026, 5, 12), date(2026, 6, 9)]


def test_monthly_by_weekday_from_a_fifth_weekday_means_the_last_one():
    first = date(2026, 1, 30)  # fifth (and last) Friday of January
    rule = build_rrule(frequency="monthly_weekday", first_day=first, count=3)
    assert "BYDAY=-1FR" in rule
    days = [occ.local_start.date() for occ in expand(rule, local_datetime(first, time(19, 0)), "America/New_York", 60)]
    assert days == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27)]


def test_monthly_last_weekday_differs_from_the_fourth_in_a_long_month():
    first = date(2026, 4, 24)  # fourth and last Friday of April; May 2026 has five Fridays
    fourth = build_rrule(frequency="monthly_weekday", first_day=first, count=2)
    last = build_rrule(frequency="monthly_last_weekday", first_day=first, count=2)
    start = local_datetime(first, time(18, 0))
    assert [o.local_start.date() for o in expand(fourth, start, "Asia/Jakarta", 60)] == [
        date(2026, 4, 24),
        date(2026, 5, 22),
    ]
    assert [o.local_start.date() for o in expand(last, start, "Asia/Jakarta", 60)] == [
        date(2026, 4, 24),
        date(2026, 5, 29),
    ]


def test_monthly_last_weekday_refuses_a_day_that_is_not_the_last_such_weekday():
    with pytest.raises(DomainError) as error:
        build_rrule(frequency="monthly_last_weekday", first_day=date(2026, 3, 10), count=3)
    assert error.value.field == "frequency"


def test_monthly_last_friday_over_months_of_different_lengths():
    first = date(2026, 4, 24)  # last Friday of April
    rule = build_rrule(frequency="monthly_last_weekday", first_day=first, until=date(2026, 7, 31))
    days = [o.local_start.date() for o in expand(rule, local_datetime(first, time(9, 0)), "Asia/Jakarta", 60)]
    assert days == [date(2026, 4, 24), date(2026, 5, 29), date(2026, 6, 26), date(2026, 7, 31)]


def test_monthly_by_date_skips_months_without_that_date():
    first = date(2026, 1, 31)
    rule = build_rrule(frequency="monthly_date", first_day=first, until=date(2026, 5, 31))
    days = [o.local_start.date() for o in expand(rule, local_datetime(first, time(9, 0)), "Asia/Jakarta", 60)]
    assert days == [date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31)]


def test_until_includes_the_whole_last_day():
    first = date(2026, 3, 3)
    rule = build_rrule(frequency="weekly", first_day=first, until=date(2026, 3, 17))
    assert len(expand(rule, local_datetime(first, time(21, 0)), "America/New_York", 60)) == 3


def test_count_gives_exactly_that_many_sessions():
    first = date(2026, 3, 3)
    rule = build_rrule(frequency="monthly_date", first_day=first, count=7)
    assert len(expand(rule, local_datetime(first, time(9, 0)), "Asia/Jakarta", 60)) == 7


def test_more_than_500_occurrences_are_refused():
    first = date(2026, 1, 1)
    with pytest.raises(DomainError) as error:
        build_rrule(frequency="weekly", first_day=first, count=501)
    assert (error.value.code, error.value.field) == ("too_many_occurrences", "count")
    rule = build_rrule(frequency="weekly", first_day=first, weekdays=["MO", "WE", "FR"], until=date(2030, 1, 1))
    with pytest.raises(DomainError) as error:
        expand(rule, local_datetime(first, time(9, 0)), "Asia/Jakarta", 60)
    assert (error.value.code, error.value.field) == ("too_many_occurrences", "until")


def test_exactly_500_occurrences_are_allowed():
    first = date(2026, 1, 1)
    rule = build_rrule(frequency="weekly", first_day=first, count=500)
    assert len(expand(rule, local_datetime(first, time(9, 0)), "Asia/Jakarta", 60)) == 500


def test_a_schedule_without_any_occurrence_is_refused():
    first = date(2026, 3, 2)  # Monday; the only weekday chosen is Friday, the end is Wednesday
    rule = build_rrule(frequency="weekly", first_day=first, weekdays=["FR"], until=date(2026, 3, 4))
    with pytest.raises(DomainError) as error:
        expand(rule, local_datetime(first, time(9, 0)), "Asia/Jakarta", 60)
    assert (error.value.code, error.value.field) == ("no_occurrences", "until")


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (dict(until=date(2026, 2, 1)), "until"),  # end before the first session
        (dict(), "until"),  # neither an end date nor a count
        (dict(until=date(2026, 4, 1), count=3), "until"),  # both
        (dict(count=0), "count"),
        (dict(count=3, interval=0), "interval"),
        (dict(count=3, interval=53), "interval"),
        (dict(count=3, frequency="daily"), "frequency"),
    ],
)
def test_bad_choices_are_field_errors(options, field):
    values = dict(frequency="weekly", first_day=date(2026, 3, 2))
    values.update(options)
    with pytest.raises(DomainError) as error:
        build_rrule(**values)
    assert error.value.field == field


def test_split_a_counted_rule_keeps_the_total():
    first = date(2026, 3, 3)
    rule = build_rrule(frequency="weekly", first_day=first, count=10)
    start = local_datetime(first, time(19, 0))
    boundary = datetime(2026, 3, 31, 19, 0)  # the fifth occurrence
    head, tail = recurrence.split(rule, start, boundary, datetime(2026, 3, 31, 18, 0))
    assert len(expand(head, start, "Europe/Berlin", 60)) == 4
    rest = expand(tail, datetime(2026, 3, 31, 18, 0), "Europe/Berlin", 60)
    assert len(rest) == 6
    assert {o.local_start.time() for o in rest} == {time(18, 0)}


def test_split_a_rule_with_an_end_date_keeps_the_end_date():
    first = date(2026, 3, 3)
    rule = build_rrule(frequency="weekly", first_day=first, until=date(2026, 4, 28))
    start = local_datetime(first, time(19, 0))
    head, tail = recurrence.split(rule, start, datetime(2026, 4, 7, 19, 0), datetime(2026, 4, 7, 19, 0))
    assert [o.local_start.day for o in expand(head, start, "Asia/Jakarta", 60)] == [3, 10, 17, 24, 31]
    assert [o.local_start.day for o in expand(tail, datetime(2026, 4, 7, 19, 0), "Asia/Jakarta", 60)] == [7, 14, 21, 28]


@pytest.fixture
def english():
    set_locale("en")
    yield
    set_locale("id")


def test_describe_says_the_rule_in_words(english):
    assert (
        recurrence.describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=6")
        == "Every 2 weeks on Tuesday, Thursday; 6 times"
    )
    assert (
        recurrence.describe("FREQ=MONTHLY;INTERVAL=1;BYDAY=2TU;COUNT=1") == "Every month on the second Tuesday; 1 time"
    )
    assert (
        recurrence.describe("FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR;UNTIL=20261231T235959")
        == "Every month on the last Friday; until Dec 31, 2026"
    )
    assert recurrence.describe("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15;COUNT=4") == "Every 3 months on day 15; 4 times"
