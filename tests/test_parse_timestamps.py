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
