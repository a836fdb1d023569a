import datetime as dt

from project.dates import long_date


def test_a_moment_is_written_as_the_uk_calendar_day():
    late_in_june = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)  # already 1 July in London (BST)
    assert long_date(late_in_june) == "1 July 2026"
    assert long_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == "31 December 2026"  # GMT


def test_dates_and_nothing():
    assert long_date(dt.date(2027, 3, 3)) == "3 March 2027"
    assert long_date(None) == ""
