"""macOS unified log text (`log show` / `log stream` default style and Console.app copies)
and old Console exports, for racoon and the native IKEv2 client (NEIKEv2Provider, neagent,
nesessionmanager). Formats per reference/ios-macos-clients.md §2.3 (A1–A7)."""
from __future__ import annotations

import regex

from ..event import Daemon, LogFormat
from .base import TIMEOUT, split_core
from .syslog import APPLE_IDENTS, RACOON_LEVELS

FORMATS = (LogFormat.MACOS_UNIFIED,)
# A1/A2: date time.us±TZ  thread  Type  activity  pid  [ttl]  process: (library) [subsystem:category] msg
_SHOW = regex.compile(
    r"(?P<t>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+[+-]\d{4})\s+0x[0-9a-f]+\s+(?P<type>Default|Info|Debug|Error|Fault|Activity)"
    r"\s+0x[0-9a-f]+\s+(?P<pid>\d+)\s+(?:\d+\s+)?(?P<proc>[^:\s]+): (?:\((?P<lib>[^)]*)\) )?(?:\[[^\]]*\] )?(?P<msg>.*)")
# A3–A5: Console.app copy: [type<TAB>]time[ ]±TZ<TAB>process<TAB>msg (the Type column can be hidden;
# macOS 10.12 puts a space before the zone)
_CONSOLE = regex.compile(r"(?:(?P<type>default|info|debug|error|fault)\t)?(?P<t>\d\d:\d\d:\d\d\.\d+ ?[+-]\d{4})\t"
                         r"(?P<proc>[^\t]+)\t(?P<msg>.*)")
# Console.app copy with the Time column hidden: type<TAB>process<TAB>subsystem<TAB>msg
_UNTIMED = regex.compile(r"(?P<type>default|info|debug|error|fault)\t(?P<proc>[^\t]+)\t(?P<sub>[\w.-]+)\t(?P<msg>.*)")
# A7: old Console export: M/D/YY h:mm:ss.mmm AM proc[pid]: msg
_OLD = regex.compile(r"(?P<t>\d{1,2}/\d{1,2}/\d\d \d{1,2}:\d\d:\d\d\.\d+ [AP]M) (?P<proc>[^\[\s]+)\[(?P<pid>\d+)\]: (?P<msg>.*)")
_HEADER = regex.compile(r"(?:Timestamp|Filtering the log data|Skipping info and debug|---)")


def _daemon(proc: str, lib: str | None) -> Daemon:
    d = APPLE_IDENTS.get(proc)
    if d is not None:
        return d
    if lib == "NetworkExtension" or proc.startswith("NE"):
        return Daemon.APPLE_NE
    return Daemon.OTHER


def _group(daemon: Daemon, msg: str, kind: str) -> tuple[str, str]:
    """(group, text): racoon's own level word if the message has one, else the log type."""
    if daemon is Daemon.RACOON:
        w = msg.find(": ")
        if 0 < w <= 8 and msg[:w] in RACOON_LEVELS:
            return msg[:w], msg[w + 2:]
    return kind.upper(), msg


def split_unified(line: str):
    try:
        m = _SHOW.match(line, timeout=TIMEOUT) or _CONSOLE.match(line, timeout=TIMEOUT) or _OLD.match(
            line, timeout=TIMEOUT) or _UNTIMED.match(line, timeout=TIMEOUT)
    except TimeoutError:
        return None
    if m is None:
        return None
    g = m.groupdict()
    proc = g["proc"].strip()
    daemon = _daemon(proc, g.get("lib"))
    group, text = _group(daemon, g["msg"], g.get("type") or "default")
    pid = int(g["pid"]) if g.get("pid") else None
    return g.get("t"), daemon, pid, group, text, proc


class UnifiedParser:
    format = LogFormat.MACOS_UNIFIED

    def __init__(self, details: dict):
        self.details = details

    def parse(self, line: str):
        r = split_unified(line)
        if r is None:
            if not line.strip():
                return None
            try:
                if _HEADER.match(line, timeout=TIMEOUT):  # `log show`'s column header and footer
                    return (None, None, Daemon.OTHER, None, None, None, None, None, None, line, "log", None)
            except TimeoutError:
                return None
            return line  # a message with embedded newlines continues here
        tkey, daemon, pid, group, text, proc = r
        if "charon" in proc:  # the strongSwan app for macOS (org.strongswan.charon-xpc): charon's `NN[GRP] …`
            b = text.find("[", 2, 8)
            core = split_core(text, b) if b >= 2 and text[:b].isdigit() else None
            if core is not None:
                group, level, name, sid, msg = core
                return (tkey, None, Daemon.CHARON, pid, int(text[:b]), group, level, name, sid, msg, proc, None)
        return (tkey, None, daemon, pid, None, group, None, None, None, text, proc, None)


def score(lines: list[str]) -> dict[LogFormat, tuple[float, dict]]:
    body = [x for x in lines if x.strip()]
    if not body:
        return {}
    hits = [split_unified(x) for x in body]
    ok = [h for h in hits if h is not None]
    if not ok:
        return {}
    procs = sorted({h[5] for h in ok})
    return {LogFormat.MACOS_UNIFIED: (min(1.0, len(ok) / len(body) + 0.05), {"processes": procs[:8]})}


def make_parser(fmt: LogFormat, details: dict) -> UnifiedParser:
    return UnifiedParser(details)
