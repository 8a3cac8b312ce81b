"""Timestamp strings → epoch seconds (UTC), cheaply.

Consecutive log lines share the same second, so the work is a dict lookup per line; the
strptime work happens once per distinct hour (a new second within a known hour is the hour's
epoch plus minutes and seconds: time zones change their offset on the hour; an hour where the
offset changes inside it, as on Lord Howe Island, is parsed stamp by stamp). Fractions (`.412`,
`.622554`) are split off before the lookup. Year-less stamps (`Nov 29 22:15:43`) get their year
from a reference time (the file's mtime, `--year`, or now) and roll over at New Year.
"""
from __future__ import annotations

import datetime as _dt
import re
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Tried in order on the first stamp that misses; the one that parses is kept until it fails.
_FORMATS = (
    "%b %d %H:%M:%S",  # %b %e %T (syslog, filelog default); strptime accepts the space pad
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S",
    "%a, %Y-%m-%d, %H:%M:%S",  # the strongSwan maintainers' recipe
    "%a %b %d %H:%M:%S %Y",
    "%a %b %d %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%y %I:%M:%S %p",  # old macOS Console exports: 1/20/16 3:08:02.674 PM
    "%m/%d/%Y %I:%M:%S %p",
    "%H:%M:%S%z",  # Console.app copies: 11:19:15.371532-0700
    "%H:%M:%S %z",  # ... macOS 10.12: 07:44:03.910071 -0400
    "%H:%M:%S",
)
_MAX_CACHE = 50_000
_MISS = object()
_EACH = object()  # an hour whose stamps are each parsed in full
# HH:MM:SS inside a stamp (stdlib re: fixed code, bounded, run once per distinct second)
_TIME_OF_DAY = re.compile(r"(?<![\d:])([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(?![\d:])")


def zone(name: str | None) -> _dt.tzinfo | None:
    """The tzinfo for a --tz value; None = the machine's local time."""
    if not name or name.lower() == "local":
        return None
    if name.upper() in ("UTC", "Z", "GMT"):
        return _dt.timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def split_fraction(key: str) -> tuple[str, float]:
    """'22:02:52.412+0100' → ('22:02:52+0100', 0.412); only a fraction right after HH:MM:SS."""
    i = key.find(".")
    while i != -1:
        if i >= 8 and key[i - 3] == ":" and key[i - 6] == ":" and key[i + 1:i + 2].isdigit():
            j = i + 1
            n = len(key)
            while j < n and key[j].isdigit():
                j += 1
            return key[:i] + key[j:], float("0" + key[i:j])
        i = key.find(".", i + 1)
    return key, 0.0


class Clock:
    """Converts one input's timestamp strings to epoch seconds."""

    __slots__ = ("tz", "ref", "year", "_fmt", "cache", "_hours", "_last_month", "fractional", "formats",
                 "newest_first")

    def __init__(self, tz: _dt.tzinfo | None = None, ref: float | None = None, year: int | None = None,
                 fractional: bool = True):
        self.tz = tz
        self.ref = ref if ref is not None else time.time()
        self.year = year  # fixed year for year-less stamps (--year), else inferred
        self._fmt: str | None = None
        # key → epoch seconds (None: unreadable). Callers may look keys up here first and call
        # epoch() only on a miss; only the clock writes it (and clears it at a New Year).
        self.cache: dict[str, float | None] = {}
        self._hours: dict[str, float | None] = {}  # the stamp at HH:00:00 → its epoch
        self._last_month = 0
        self.fractional = fractional
        self.formats = _FORMATS
        self.newest_first = False  # a reversed export crosses New Year backwards

    def epoch(self, key: str | None) -> float | None:
        """Epoch seconds for a timestamp string, None if it cannot be read."""
        if key is None:
            return None
        v = self.cache.get(key, 0)
        if v != 0:
            return v  # type: ignore[return-value]
        base, frac = split_fraction(key) if self.fractional else (key, 0.0)
        if base is not key:  # split_fraction returns `key` itself when there is no fraction
            v = self.cache.get(base, 0)
            if v == 0:
                v = self._parse(base)
                self._remember(base, v)
            return None if v is None else v + frac
        v = self._parse(key)
        self._remember(key, v)
        return v

    def _remember(self, key: str, v: float | None) -> None:
        if len(self.cache) >= _MAX_CACHE:
            self.cache.clear()
        self.cache[key] = v

    def _parse(self, text: str) -> float | None:
        text = " ".join(text.split()) if "  " in text else text.strip()
        m = _TIME_OF_DAY.search(text)
        if m is None:
            return self._parse_stamp(text)
        head, tail = text[:m.start(2)], text[m.end(3):]
        top = head + "00:00" + tail
        base = self._hours.get(top, _MISS)
        if base is _MISS:
            if len(self._hours) >= _MAX_CACHE:
                self._hours.clear()
            base = self._parse_stamp(top)
            if base is not None and self._parse_stamp(head + "59:59" + tail) != base + 3599:
                base = _EACH  # the offset changes within this hour (Lord Howe's half-hour DST)
            self._hours[top] = base
        if base is _EACH:
            return self._parse_stamp(text)
        return None if base is None else base + int(m.group(2)) * 60 + int(m.group(3))

    def _forget(self) -> None:
        self.cache.clear()
        self._hours.clear()

    def _parse_stamp(self, text: str) -> float | None:
        if self._fmt is not None:
            v = self._try(text, self._fmt)
            if v is not None:
                return v
        for fmt in self.formats:
            if fmt == self._fmt:
                continue
            v = self._try(text, fmt)
            if v is not None:
                self._fmt = fmt
                return v
        return None

    def _try(self, text: str, fmt: str) -> float | None:
        try:
            if "%Y" not in fmt:
                return self._yearless(text, fmt)
            dt = _dt.datetime.strptime(text, fmt)
        except ValueError:
            return None
        return self._to_epoch(dt)

    def _to_epoch(self, dt: _dt.datetime) -> float:
        if dt.tzinfo is None:
            if self.tz is None:
                return dt.timestamp()  # naive = local time of this machine
            dt = dt.replace(tzinfo=self.tz)
        return dt.timestamp()

    def _yearless(self, text: str, fmt: str) -> float | None:
        if fmt.startswith("%H:%M:%S"):  # time of day only: the last such time before the reference
            t = _dt.datetime.strptime(text, fmt)
            day = _dt.datetime.fromtimestamp(self.ref, t.tzinfo or self.tz).date()
            v = self._to_epoch(_dt.datetime.combine(day, t.timetz()))
            # (the reference is the file's mtime or now: a log does not run ahead of it)
            return v - 86400 if v > self.ref + 300 else v
        if self.year is None:
            ref = _dt.datetime.fromtimestamp(self.ref, self.tz)
            probe = _dt.datetime.strptime(f"{_leap_or(ref.year, text)} {text}", f"%Y {fmt}")
            # a first stamp after the reference (+2 days of slack) belongs to last year
            self.year = (_leap_or(ref.year - 1, text) if probe - ref.replace(tzinfo=None) > _dt.timedelta(days=2)
                         else probe.year)
            self._last_month = probe.month
        dt = _dt.datetime.strptime(f"{self.year} {text}", f"%Y {fmt}")
        if dt.month < self._last_month - 6 and not self.newest_first:  # Dec → Jan: New Year
            self.year += 1
            self._forget()
            dt = dt.replace(year=self.year)
        elif dt.month > self._last_month + 6 and self.newest_first:  # Jan → Dec, newest first
            self.year -= 1
            self._forget()
            dt = dt.replace(year=self.year)
        self._last_month = dt.month
        return self._to_epoch(dt)


def _leap_or(year: int, text: str) -> int:
    """`year`, or the last leap year before it for a year-less Feb 29 (a log of that day was
    written in a leap year)."""
    if "Feb 29" not in text and "Feb  29" not in text:
        return year
    while not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        year -= 1
    return year
