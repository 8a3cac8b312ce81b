"""charon `filelog` text: `[<time>[.ms|.us] ]NN[GRP[lvl]][ <conn|N>] msg`.

`time_format` is any strftime string, so the timestamp is simply everything before the
first `NN[GRP]` token. Also covers charon-cmd/stdout loggers (same layout, no time).
"""
from __future__ import annotations

import re

import regex

from ..event import Daemon, LogFormat
from .base import TIMEOUT, find_core, is_hex_row, split_core

FORMATS = (LogFormat.CHARON_FILELOG,)
_CHARON = Daemon.CHARON

# Shapes of common time_format values, for reporting only (sniff time, never per line).
_TIME_SHAPES = (
    (r"[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d", "%b %e %T"),
    (r"[A-Z][a-z]{2}, \d{4}-\d\d-\d\d, \d\d:\d\d:\d\d", "%a, %Y-%m-%d, %H:%M:%S"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:?\d\d", "%FT%T%z"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "%FT%TZ"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", "%Y-%m-%dT%H:%M:%S"),
    (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "%Y-%m-%d %H:%M:%S"),
)
_SHAPES = [(regex.compile(p + r"$"), name) for p, name in _TIME_SHAPES]
_FRACTION = regex.compile(r"\d\d:\d\d:\d\d[.,](\d+)")


def describe_time(tkey: str | None) -> tuple[str | None, str | None]:
    """(time_format, time_precision) that printed this timestamp, as far as the shape tells."""
    if tkey is None:
        return None, None
    precision = None
    try:
        m = _FRACTION.search(tkey, timeout=TIMEOUT)
        if m:
            digits = len(m.group(1))
            precision = "ms" if digits == 3 else "us" if digits == 6 else f"{digits} digits"
            tkey = tkey[: m.start(1) - 1] + tkey[m.end(1):]
        for pattern, name in _SHAPES:
            if pattern.match(tkey, timeout=TIMEOUT):
                return name, precision
    except TimeoutError:
        pass
    return "custom", precision


def split_filelog(line: str):
    """(time key, thread, group, level, sa_name, sa_id, text) of a filelog line, or None."""
    b = line.find("[")
    if b < 2 or not line[b - 2:b].isdigit():
        b = find_core(line)
        if b < 0:
            return None
    a = b - 2
    while a > 0 and line[a - 1].isdigit():
        a -= 1
    if a == 0:
        tkey = None
    elif line[a - 1] == " " and a > 1:
        tkey = line[: a - 1]
    else:
        return None
    if b - a > 6:
        return None
    core = split_core(line, b)
    if core is None:
        return None
    group, level, name, sid, text = core
    return tkey, int(line[a:b]), group, level, name, sid, text


def block_pattern(width: int) -> re.Pattern[str]:
    """One multi-line pattern for a whole block of filelog lines whose timestamps are
    `width` characters wide (0 = no timestamp), run with `findall` over the block: one tuple
    (time key, "NN[GRP" or "NN[GRPl", SA tag "<conn|N> "/"<N> " or "", message) per line,
    every line ending in "\\n". A line whose prefix does not have exactly this canonical shape
    (other width, odd SA tag, a dump row that may continue the previous message, a bare
    `NN[GRP]` …) still matches, with empty prefix groups and the whole line as message; the
    stream hands those lines to FilelogParser.parse, so the fast path only ever accepts lines
    that parse() reads the same way (a time key holding "[" is sent there too: parse() splits
    at the first "[", see stream.py).

    Stdlib `re`, not `regex` with a timeout: this pattern is fixed code, not data, and linear —
    fixed-width or bounded pieces, negated character classes that cannot overlap their
    delimiters, possessive quantifiers (nothing is ever given back), no nested quantifiers — so
    it cannot backtrack, and `regex`'s per-call timeout would cost ~1 µs a line on its own.
    The SA tag keeps its delimiters so that the line length is the sum of the pieces."""
    when = f"(.{{{width}}}) " if width else "()"
    return re.compile(
        "^(?:" + when + r"([0-9]{2,6}+\[[A-Z]{3}[0-4]?+)\] ((?:<(?:[^|>\n]*+\|)?+[0-9]++> )?+)(?!<)(?!.{4}: ))?+(.*+)\n",
        re.MULTILINE)


class FilelogParser:
    format = LogFormat.CHARON_FILELOG

    def __init__(self, details: dict | None = None, fmt: LogFormat = LogFormat.CHARON_FILELOG):
        self.format = fmt
        self.details = details or {}
        self._thread = -1
        width = self.details.get("_time_width")
        # (pattern, characters before the thread digits) for stream's block fast path
        self.fast = None if width is None or fmt is not LogFormat.CHARON_FILELOG else (
            block_pattern(width), width + 1 if width else 0)

    def parse(self, line: str):
        # split_filelog + split_core inlined: this runs once per line of the biggest inputs
        b = line.find("[")
        if b < 2 or not line[b - 2:b].isdigit():
            return self._slow(line)
        a = b - 2
        while a > 0 and line[a - 1].isdigit():
            a -= 1
        if a == 0:
            tkey = None
        elif line[a - 1] == " " and a > 1:
            tkey = line[: a - 1]
        else:
            return self._slow(line)
        c = b + 4
        if line[c:c + 1] == "]":
            level = None
        elif line[c + 1:c + 2] == "]" and line[c] in "01234":
            level = ord(line[c]) - 48
            c += 1
        else:
            return self._slow(line)
        group = line[b + 1:b + 4]
        if not group.isupper() or line[c + 1:c + 2] != " " or b - a > 6:
            return self._slow(line)
        thread = int(line[a:b])
        if line[c + 2:c + 3] == "<":
            e = line.find("> ", c + 3)
            if e < 0:
                return self._slow(line)
            tag = line[c + 3:e]
            name, bar, sid = tag.rpartition("|")
            if not sid.isdigit():
                return self._slow(line)
            text = line[e + 2:]
            if text[4:6] == ": " and thread == self._thread and is_hex_row(text):
                return text
            self._thread = thread
            return (tkey, None, _CHARON, None, thread, group, level, name or None, int(sid), text, None, None)
        text = line[c + 2:]
        if text[4:6] == ": " and thread == self._thread and is_hex_row(text):
            return text
        self._thread = thread
        return (tkey, None, _CHARON, None, thread, group, level, None, None, text, None, None)

    def _slow(self, line: str):
        r = split_filelog(line)
        if r is None:
            return None
        tkey, thread, group, level, name, sid, text = r
        if text[:1] == " " and thread == self._thread and is_hex_row(text):
            return text  # a dump row: continuation of the `=> N bytes @` line
        self._thread = thread
        return (tkey, None, _CHARON, None, thread, group, level, name, sid, text, None, None)


def details_of(lines: list[str]) -> tuple[float, dict]:
    n = ok = 0
    tags = levels = 0
    tkeys: list[str | None] = []
    threads: set[int] = set()
    for line in lines:
        if not line.strip():
            continue
        n += 1
        r = split_filelog(line)
        if r is None:
            continue
        ok += 1
        tkey, thread, group, level, name, sid, text = r
        threads.add(thread)
        if sid is not None:
            tags += 1
        if level is not None:
            levels += 1
        tkeys.append(tkey)
    if not n:
        return 0.0, {}
    timed = [t for t in tkeys if t is not None]
    details: dict = {"ike_name": tags > 0, "log_level": levels > 0 and levels >= ok // 2}
    if timed:
        tf, precision = describe_time(timed[0])
        details["time_format"] = tf
        if precision:
            details["time_precision"] = precision
    else:
        details["time_format"] = None
    widths = {len(t) if t is not None else 0 for t in tkeys}
    details["_time_width"] = widths.pop() if len(widths) == 1 else None  # for the block fast path
    details["_untimed"] = not timed
    details["_main_thread"] = 0 in threads
    return ok / n, details


def score(lines: list[str]) -> dict[LogFormat, tuple[float, dict]]:
    frac, details = details_of(lines)
    return {LogFormat.CHARON_FILELOG: (frac, details)}


def make_parser(fmt: LogFormat, details: dict) -> FilelogParser:
    return FilelogParser(details, fmt)
