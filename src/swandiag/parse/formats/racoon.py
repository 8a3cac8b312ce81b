"""ipsec-tools racoon log file: `YYYY-MM-DD HH:MM:SS: [[addr] ]LEVEL: [file.c:N:func(): ]msg`
(Apple's older racoon: `[PID] LEVEL:`). Lines without the timestamp (hex dumps, values after
an embedded newline such as `new cookie:`) continue the previous message."""
from __future__ import annotations

from ..event import Daemon, LogFormat

FORMATS = (LogFormat.RACOON,)
LEVELS = frozenset(("INFO", "DEBUG", "DEBUG2", "ERROR", "WARNING", "NOTIFY"))
_RACOON = Daemon.RACOON


def split_racoon(line: str):
    """(time key, level word, text) or None."""
    if line[4:5] != "-" or line[19:21] != ": " or line[13:14] != ":" or not line[:4].isdigit():
        return None
    rest = line[21:]
    if rest[:1] == "[":  # [192.0.2.1] or [PID]
        e = rest.find("] ")
        if e < 0:
            return None
        rest = rest[e + 2:]
    w = rest.find(": ")
    if w < 0:
        if rest.rstrip(":") in LEVELS and rest.endswith(":"):
            return line[:19], rest[:-1], ""
        return None
    level = rest[:w]
    if level not in LEVELS:
        return None
    return line[:19], level, rest[w + 2:]


class RacoonParser:
    format = LogFormat.RACOON

    def __init__(self, details: dict):
        self.details = details

    def parse(self, line: str):
        r = split_racoon(line)
        if r is None:
            return line  # continuation (a line that is part of the previous message)
        tkey, level, text = r
        return (tkey, None, _RACOON, None, None, level, None, None, None, text, "racoon", None)


def score(lines: list[str]) -> dict[LogFormat, tuple[float, dict]]:
    heads = [split_racoon(x) for x in lines if x.strip()]
    ok = [h for h in heads if h is not None]
    # a line or two before the first stamp (racoon -F prints `Foreground mode.`) is allowed
    if not ok or all(h is None for h in heads[:5]):
        return {}
    levels = sorted({h[1] for h in ok})
    # continuation lines (hex dumps) are part of the format: judge by the timestamped share
    # among lines that are not plain hex/indented continuations
    frac = min(1.0, 0.5 + len(ok) / max(1, len(heads)))
    return {LogFormat.RACOON: (frac, {"time_format": "%Y-%m-%d %T", "levels": levels})}


def make_parser(fmt: LogFormat, details: dict) -> RacoonParser:
    return RacoonParser(details)
