"""Android `logcat` lines of charon (the strongSwan app's android logger tags every line
`charon` with body `NN[GRP] msg`, INFO for levels 0-1, DEBUG above). Styles: brief
`I/charon  ( 1234): …`, time `11-29 22:15:43.123 I/charon( 1234): …`, threadtime
`11-29 22:15:43.123  1234  1250 I charon  : …`, Android Studio's `I/charon: …` (also after
`2024-05-01 12:00:00.123 1234-1250/org.strongswan.android `); racoon lines come from Android's
own IKEv1 client. The app's own log file is a filelog
(`%b %e %T`) and is read by charon_text."""
from __future__ import annotations

import regex

from ..event import Daemon, LogFormat
from .base import TIMEOUT, split_core

FORMATS = (LogFormat.ANDROID,)
_LOGCAT = regex.compile(
    r"(?:(?P<t>(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\s+)?"
    r"(?:(?P<pid>\d+)\s+(?P<tid>\d+)\s+(?P<prio>[VDIWEF]) (?P<tag>[^:]*?)\s*: "
    r"|(?P<prio2>[VDIWEF])/(?P<tag2>[^(]*?)\(\s*(?P<pid2>\d+)\): "
    # Android Studio: `[date time pid-tid/package ]I/charon: …`
    r"|(?:(?P<pid3>\d+)-\d+/\S+\s+)?(?P<prio3>[VDIWEF])/(?P<tag3>[\w.-]+): )(?P<msg>.*)")
# the app's charon, and racoon of Android's own IKEv1 VPN client (Android ≤ 11)
_DAEMONS = {"charon": Daemon.CHARON, "racoon": Daemon.RACOON}


def split_logcat(line: str):
    try:
        m = _LOGCAT.match(line, timeout=TIMEOUT)
    except TimeoutError:
        return None
    if m is None:
        return None
    tag = next(t for t in (m["tag"], m["tag2"], m["tag3"]) if t is not None).strip()
    pid = m["pid"] or m["pid2"] or m["pid3"]
    return m["t"], tag, int(pid) if pid else None, m["msg"]


class LogcatParser:
    format = LogFormat.ANDROID

    def __init__(self, details: dict):
        self.details = details

    def parse(self, line: str):
        r = split_logcat(line)
        if r is None:
            if line.startswith("--------- beginning of"):
                return (None, None, Daemon.OTHER, None, None, None, None, None, None, line, "logcat", None)
            return None
        tkey, tag, pid, body = r
        b = body.find("[", 2, 8)
        if tag == "charon" and b >= 2 and body[:b].isdigit():
            core = split_core(body, b)
            if core is not None:
                group, level, name, sid, text = core
                return (tkey, None, Daemon.CHARON, pid, int(body[:b]), group, level, name, sid, text, tag, None)
        daemon = _DAEMONS.get(tag, Daemon.OTHER)
        return (tkey, None, daemon, pid, None, None, None, None, None, body, tag, None)


def score(lines: list[str]) -> dict[LogFormat, tuple[float, dict]]:
    body = [x for x in lines if x.strip() and not x.startswith("--------- beginning of")]
    if not body:
        return {}
    hits = [split_logcat(x) for x in body]
    ok = [h for h in hits if h is not None]
    if not ok or not any(h[1] in _DAEMONS for h in ok):
        return {}
    # the `X/charon` tag is specific: a few mangled lines in a paste do not make it a filelog
    return {LogFormat.ANDROID: (min(1.0, len(ok) / len(body) + 0.05), {"logcat": True, "time_format": "%m-%d %H:%M:%S.%f" if ok[0][0] else None})}


def make_parser(fmt: LogFormat, details: dict) -> LogcatParser:
    return LogcatParser(details)
