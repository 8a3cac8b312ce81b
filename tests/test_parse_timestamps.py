"""Timestamp strings → epoch: year inference, New Year, zones, fractions."""
from __future__ import annotations

import datetime as dt

import pytest

from swandiag.parse.timestamps import Clock, split_fraction, zone

UTC = dt.timezone.utc


def ref(y, m, d):
    return dt.datetime(y, m, d, 12, tzinfo=UTC).timestamp()


def test_yearless_uses_reference_year():
    c = Clock(tz=UTC, ref=ref(2026, 11, 30))
    assert c.epoch("Nov 29 22:15:43") == dt.datetime(2026, 11, 29, 22, 15, 43, tzinfo=UTC).timestamp()


def test_yearless_after_reference_is_last_year():
    c = Clock(tz=UTC, ref=ref(2027, 1, 2))
    assert c.epoch("Dec 31 23:59:59") == dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()
    # ... and the log rolls over into the new year
    assert c.epoch("Jan  1 00:00:01") == dt.datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC).timestamp()


def test_fixed_year_option():
    c = Clock(tz=UTC, ref=ref(2030, 6, 1), year=2020)
    assert c.epoch("Mar  1 10:00:00") == dt.datetime(2020, 3, 1, 10, tzinfo=UTC).timestamp()


def test_zone_applies_to_naive_stamps_only():
    c = Clock(tz=zone("Europe/Zurich"), ref=ref(2026, 11, 30))
    assert c.epoch("2026-11-29 22:00:00") == dt.datetime(2026, 11, 29, 21, tzinfo=UTC).timestamp()
    assert c.epoch("2026-11-29T22:04:31+0000") == dt.datetime(2026, 11, 29, 22, 4, 31, tzinfo=UTC).timestamp()


def test_unknown_zone():
    with pytest.raises(ValueError):
        zone("Mars/Olympus")


def test_fractions():
    assert split_fraction("2026-11-29T22:02:52.412") == ("2026-11-29T22:02:52", 0.412)
    assert split_fraction("2026-11-29T22:02:52.412+0100") == ("2026-11-29T22:02:52+0100", 0.412)
    assert split_fraction("29.11.2026 22:02:52") == ("29.11.2026 22:02:52", 0.0)
    c = Clock(tz=UTC, ref=ref(2026, 11, 30))
    assert c.epoch("Nov 29 22:44:00.622554") % 1 == pytest.approx(0.622554, abs=1e-6)


def test_garbage_is_none():
    assert Clock(tz=UTC).epoch("not a time") is None


# ---- the hour memo: a new second is its hour's epoch plus minutes and seconds
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SHAPES = ("%b %e %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S%z", "%a, %Y-%m-%d, %H:%M:%S",
           "%d.%m.%Y %H:%M:%S")


def _strftime(t: dt.datetime, fmt: str) -> str:
    return t.strftime(fmt.replace("%e", f"{t.day:2d}"))


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)),
       st.sampled_from(_SHAPES), st.sampled_from(["UTC", "Europe/Zurich", "America/New_York", "Australia/Lord_Howe"]))
def test_memoised_seconds_match_the_calendar(when, fmt, tz):
    """Stamps of one hour, read through the memo, are the calendar's epoch for each one.

    A wall time that occurs twice (the hour the clocks go back) reads as its first occurrence,
    fold=0: the stamp itself cannot say which one it was.
    """
    tzinfo = zone(tz)
    clock = Clock(tz=tzinfo, ref=ref(2026, 11, 30), year=when.year)
    for m, s in ((0, 0), (when.minute, when.second), (59, 59), (17, 3)):
        t = when.replace(minute=m, second=s, microsecond=0, fold=0)
        assert clock.epoch(_strftime(t, fmt)) == t.replace(tzinfo=tzinfo).timestamp(), t


def test_memo_in_an_hour_with_a_half_hour_shift():
    """Lord Howe Island moves its clocks by 30 minutes at 02:00: 02:00-02:29 do not exist."""
    tzinfo = zone("Australia/Lord_Howe")
    clock = Clock(tz=tzinfo, ref=ref(2026, 11, 30))
    for stamp, t in (("2026-10-04 01:59:59", dt.datetime(2026, 10, 4, 1, 59, 59)),
                     ("2026-10-04 02:45:00", dt.datetime(2026, 10, 4, 2, 45)),
                     ("2026-10-04 02:31:07", dt.datetime(2026, 10, 4, 2, 31, 7))):
        assert clock.epoch(stamp) == t.replace(tzinfo=tzinfo).timestamp(), stamp


def test_a_repeated_wall_time_reads_as_its_first_occurrence():
    """Lord Howe goes back from 02:00 +11 to 01:30 +10:30: 01:30-01:59 happen twice."""
    tzinfo = zone("Australia/Lord_Howe")
    clock = Clock(tz=tzinfo, ref=ref(2026, 11, 30), year=2025)
    for stamp, t in (("Apr  6 01:00:00", dt.datetime(2025, 4, 6, 1, 0, 0)),
                     ("Apr  6 01:59:59", dt.datetime(2025, 4, 6, 1, 59, 59)),
                     ("Apr  6 02:00:00", dt.datetime(2025, 4, 6, 2, 0, 0))):
        assert clock.epoch(stamp) == t.replace(tzinfo=tzinfo, fold=0).timestamp(), stamp
    # the first 01:59:59 is at +11: one second later (02:00 +11 does not exist any more)
    # the wall clock reads 01:30:00 +10:30, so 02:00:00 +10:30 is half an hour after it
    assert clock.epoch("Apr  6 02:00:00") - clock.epoch("Apr  6 01:59:59") == 1801.0


def test_memo_across_a_daylight_saving_change():
    c = Clock(tz=zone("Europe/Zurich"), ref=ref(2026, 11, 30))
    spring = c.epoch("Mar 29 03:00:00") - c.epoch("Mar 29 01:59:59")  # 02:00 → 03:00 in 2026
    assert spring == 1.0
    assert c.epoch("Oct 25 03:30:00") - c.epoch("Oct 25 01:30:00") == 3 * 3600.0  # 03:00 → 02:00


def test_out_of_range_fields_are_unreadable():
    c = Clock(tz=UTC, ref=ref(2026, 11, 30))
    assert c.epoch("Nov 29 22:15:43") is not None
    assert c.epoch("Nov 29 22:75:43") is None and c.epoch("Nov 29 24:15:43") is None
