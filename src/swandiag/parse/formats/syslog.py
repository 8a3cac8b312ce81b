"""syslog-style lines: `[<PRI>]TIME [host] ident[pid]: body`.

Covers RFC 3164 files (`Nov 29 21:43:58 host charon: 05[IKE] …`, also `ipsec:`/`charon[pid]:`,
OpenWrt logd), rsyslog ISO-8601 high precision, RFC 5424, every `journalctl -o short*` mode and
`with-unit` (charon-systemd bodies are bare messages, charon/ipsec bodies carry `NN[GRP]`;
`-x` adds catalog lines under an entry), and macOS /var/log/system.log (`racoon[PID]:`, ASL
`racoon[PID] <Notice>:`, nesessionmanager).
The header is split with string operations; the body keeps its leading spaces.
"""
from __future__ import annotations

from ..event import Daemon, LogFormat
from ..paste import is_journal_catalog, is_journal_marker
from .base import BARE_VOCAB, split_core
from .racoon import LEVELS as RACOON_LEVELS

FORMATS = (LogFormat.SYSLOG, LogFormat.JOURNAL_TEXT, LogFormat.MACOS_SYSLOG)
_MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
_DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
CHARON_IDENTS = {"charon", "charon-systemd", "charon-nm", "charon-cmd", "ipsec", "strongswan", "charon-svc",
                 "ipsec_starter", "starter"}
APPLE_IDENTS = {"racoon": Daemon.RACOON, "NEIKEv2Provider": Daemon.APPLE_IKEV2, "neagent": Daemon.APPLE_IKEV2,
                "nesessionmanager": Daemon.APPLE_NE, "NetworkExtension": Daemon.APPLE_NE, "nehelper": Daemon.APPLE_NE,
                "pppd": Daemon.APPLE_NE, "configd": Daemon.OTHER}
# `journalctl -o short-full|with-unit` print the zone's abbreviation (`%Z`); these are the
# unambiguous ones (IST, CST, BST … name several zones: such stamps stay in --tz/local time)
_ZONE_ABBREVIATIONS = {
    "UTC": "+0000", "GMT": "+0000", "Z": "+0000", "WET": "+0000", "WEST": "+0100", "CET": "+0100",
    "CEST": "+0200", "MET": "+0100", "MEST": "+0200", "EET": "+0200", "EEST": "+0300", "MSK": "+0300",
    "EST": "-0500", "EDT": "-0400", "CDT": "-0500", "MST": "-0700", "MDT": "-0600", "PST": "-0800",
    "PDT": "-0700", "AKST": "-0900", "AKDT": "-0800", "HST": "-1000", "JST": "+0900", "KST": "+0900",
    "AEST": "+1000", "AEDT": "+1100", "ACST": "+0930", "ACDT": "+1030", "AWST": "+0800", "NZST": "+1200",
    "NZDT": "+1300", "SAST": "+0200", "HKT": "+0800", "SGT": "+0800",
}
# Month abbreviations as glibc's %b prints them in the locales users paste from (lower case,
# trailing dot dropped), and English in any case: → the C locale's name
_MONTH_NAMES = {name: en for en, names in {
    "Jan": "jan janv ene gen sty led oca jän янв січ", "Feb": "feb févr fév fev lut úno şub фев лют",
    "Mar": "mar mär mrt mars bře мар бер", "Apr": "apr avr avril abr kwi dub nis апр кві",
    "May": "may mai mei mag maj kvě мая май тра", "Jun": "jun juin giu cze čen haz июн чер juni",
    "Jul": "jul juil lug lip čec tem июл лип juli", "Aug": "aug août ago sie srp ağu авг сер",
    "Sep": "sep sept set wrz zář eyl сен вер", "Oct": "oct okt ott out paź říj eki окт жов",
    "Nov": "nov lis kas ноя лис", "Dec": "dec déc dez dic gru pro ara дек гру",
}.items() for name in names.split()}
# programs that write charon's console output into their own log (NetworkManager-l2tp runs `ipsec up`)
_RELAYS = {"NetworkManager", "nm-l2tp-service"}
_FACILITIES = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
               "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"}
_SEVERITIES = {"emerg", "alert", "crit", "err", "warn", "warning", "notice", "info", "debug"}
_CHARON_UNITS = {"strongswan.service", "strongswan-starter.service", "strongswan-swanctl.service", "ipsec.service"}
_ASL_LEVELS = {"<Debug>": "DEBUG", "<Info>": "INFO", "<Notice>": "NOTICE", "<Warning>": "WARNING",
               "<Error>": "ERROR", "<Critical>": "ERROR", "<Alert>": "ERROR", "<Emergency>": "ERROR"}


def split_time(line: str) -> tuple[str | float | None, int] | None:
    """(timestamp text, index after it and its space) of a syslog line, PRI already gone."""
    if line[3:4] == " " and line[:3] in _MONTHS:  # Nov 29 22:44:00[.622554]
        if line[6:7] == " " and line[9:10] == ":" and line[12:13] == ":":
            end = 15
            if line[15:16] == ".":
                end = line.find(" ", 15)
                if end < 0:
                    return None
            if line[end:end + 1] != " ":
                return None
            return line[:end], end + 1
        return _bsd_time(line)
    if line[:1].isalpha() and line[:3] not in _DAYS:
        return _bsd_time(line)
    if line[4:5] == "-" and line[10:11] == "T" and line[:4].isdigit():  # ISO 8601 / RFC 3339
        end = line.find(" ", 11)
        if end < 0 or end > 40:
            return None
        return line[:end], end + 1
    if line[3:4] == " " and line[:3] in _DAYS:
        if line[4:7] in _MONTHS:  # OpenWrt logread: Thu Jan 29 19:34:03 2026
            if line[24:25] != " " or not line[20:24].isdigit():
                return None
            return line[:24], 25
        return _short_full(line)
    if line[:1] == "[":  # journalctl -o short-monotonic|short-delta: seconds since boot, no date
        end = line.find("] ", 1, 40)
        if end < 0 or not line[1:end].lstrip(" ").split(" ", 1)[0].replace(".", "", 1).isdigit():
            return None
        return None, end + 2
    if line[2:3] == ":" and line[5:6] == ":" and line[:2].isdigit() and line[3:5].isdigit() and line[6:8].isdigit():
        end = line.find(" ", 8, 16) if line[8:9] == "." else 8  # a time of day alone: `17:10:22 charon: …`
        if end < 0 or line[end:end + 1] != " ":
            return None
        return line[:end], end + 1
    if line[10:11] == "." and line[17:18] == " " and line[:10].isdigit() and line[11:17].isdigit():
        return float(line[:17]), 18  # journalctl -o short-unix: 1795992240.622625
    return None


def _bsd_time(line: str) -> tuple[str, int] | None:
    """`Dec 6 15:36:49` (a web page collapsed the pad space), `feb 22 08:11:42`, `okt 16 …`,
    `тра 29 …` (journalctl prints the viewer's LC_TIME month names): the key in the C
    locale's `%b %e %T` form."""
    sp = line.find(" ", 2, 8)
    if sp < 0:
        return None
    month = _MONTH_NAMES.get(line[:sp].rstrip(".").lower())
    if month is None:
        return None
    i = sp + 1 + (line[sp + 1:sp + 2] == " ")
    j = line.find(" ", i, i + 3)
    if j < 0 or not line[i:j].isdigit() or line[j + 3:j + 4] != ":" or line[j + 6:j + 7] != ":":
        return None
    end = j + 9
    if line[end:end + 1] == ".":
        end = line.find(" ", end)
        if end < 0:
            return None
    if line[end:end + 1] != " " or not line[j + 1:j + 3].isdigit():
        return None
    return f"{month} {line[i:j]:>2}{line[j:end]}", end + 1


def _short_full(line: str) -> tuple[str, int] | None:
    """`Sun 2026-11-29 22:44:00 CET ` (journalctl -o short-full|with-unit) → an ISO key with
    the zone's offset where its abbreviation names one zone."""
    if line[8:9] != "-" or line[14:15] != " " or line[17:18] != ":" or line[20:21] != ":" or line[23:24] != " ":
        return None
    end = line.find(" ", 24, 34)
    if end < 0:
        return None
    zone = line[24:end]
    offset = _ZONE_ABBREVIATIONS.get(zone)
    if offset is None and zone[:1] in "+-" and zone[1:].isdigit() and len(zone) in (3, 5):  # `+03`, `+0530`
        offset = zone.ljust(5, "0")
    return line[4:23] + (offset or ""), end + 1


def split_header(line: str):
    """(time text, host, ident, pid, asl_level, body) or None."""
    if line[:1] == "<":  # <30>... on the wire / RFC 5424
        k = line.find(">", 1, 5)
        if k < 0 or not line[1:k].isdigit():
            return None
        line = line[k + 1:]
        if line[:2] == "1 ":
            return _rfc5424(line[2:])
    t = split_time(line)
    if t is None:
        return _untimed(line)
    tkey, pos = t
    pos += line[pos:pos + 1] == "\t"  # OPNsense's GUI puts a tab before the ident
    bare = _bare_tag(line, pos)
    if bare is not None:
        return tkey, None, bare[0], None, None, bare[1], None
    k = line.find(": ", pos)
    if k < 0:
        if line.endswith(":") and " " not in line[pos:]:
            k = len(line) - 1
        else:
            return None
    header = line[pos:k].split()
    body = line[k + 2:]
    asl = facility = None
    if len(header) >= 2 and header[-1] in _ASL_LEVELS:
        asl = _ASL_LEVELS[header.pop()]
    if header and _is_facility(header[0]):  # OpenWrt logread: `daemon.info ipsec: `, `daemon.info : `
        facility = header.pop(0).partition(".")[0]
    if len(header) == 2:
        host, tag = header
    elif len(header) == 1:
        host, tag = None, header[0]
    elif not header and facility and body[:2].isdigit():
        host, tag = None, ""  # logread with an empty tag: charon's `NN[GRP]` body says who it is
    else:
        return None
    tag, pid = _tag_pid(tag)
    if not tag and header or "/" in tag and not tag.startswith("/"):
        return None
    return tkey, host, tag, pid, asl, body, facility


def _repeated(line: str) -> bool:
    """syslogd's `--- last message repeated 2 times ---` (also after a time and host), macOS's
    `- Last output repeated twice -`."""
    low = line[:80].lower()
    return "repeated" in low and ("last message repeated" in low or "last output repeated" in low)


def _is_facility(word: str) -> bool:
    f, dot, sev = word.partition(".")
    return bool(dot) and f in _FACILITIES and sev in _SEVERITIES


def _bare_tag(line: str, pos: int) -> tuple[str, str] | None:
    """pfSense's log view: `charon 16[IKE] …` (or `[charon] 10[NET] …`), the ident with no
    colon and no host, right before charon's `NN[GRP]`: (ident, body) or None."""
    sp = line.find(" ", pos, pos + 24)
    if sp < 0 or not line[sp + 1:sp + 3].isdigit():
        return None
    tag = line[pos:sp]
    if tag[-1:] == ":":
        return None
    if tag[:1] == "[" and tag[-1:] == "]":
        tag = tag[1:-1]
    if not (tag in CHARON_IDENTS or tag.startswith("charon")):
        return None
    b = line.find("[", sp + 1, sp + 9)
    if b < 0 or not line[sp + 1:b].isdigit():
        return None
    return tag, line[sp + 1:]


def _tag_pid(tag: str) -> tuple[str, int | None]:
    """(ident, pid) of a syslog tag `ident[pid]` or `ident`; ("", None) for a malformed `[…]`."""
    if not tag.endswith("]"):
        return tag, None
    b = tag.find("[")
    if b <= 0 or not tag[b + 1:-1].isdigit():
        return "", None
    return tag[:b], int(tag[b + 1:-1])


def _untimed(line: str):
    """`charon: 09[ENC] …` / `racoon[490]: …`: a syslog line pasted without its time and host
    (firewall docs and forum posts quote them so); only for the IPsec daemons' own idents."""
    k = line.find(": ", 2, 40)
    if k < 0:
        return None
    tag, pid = _tag_pid(line[:k])
    if not (tag in CHARON_IDENTS or tag in APPLE_IDENTS or tag.startswith("charon") or tag in _RELAYS):
        return None
    return None, None, tag, pid, None, line[k + 2:], None


def _rfc5424(rest: str):
    # TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG
    parts = rest.split(" ", 5)
    if len(parts) < 6:
        return None
    tkey, host, app, procid, _msgid, tail = parts
    if tail.startswith("- "):
        body = tail[2:]
    elif tail.startswith("["):
        end = tail.find("] ")
        if end < 0:
            return None
        body = tail[end + 2:]
    elif tail == "-":
        body = ""
    else:
        return None
    if body.startswith("\ufeff"):
        body = body[1:]
    pid = int(procid) if procid.isdigit() else None
    return (None if tkey == "-" else tkey), (None if host == "-" else host), app, pid, None, body, None


def daemon_of(ident: str, has_core: bool) -> Daemon:
    if ident.endswith(")") and "(" in ident:  # iOS: `neagent(Foundation)[2409]`, the library in brackets
        ident = ident[:ident.index("(")]
    if ident in CHARON_IDENTS or ident.startswith("charon") or ident in _CHARON_UNITS:
        return Daemon.CHARON
    apple = APPLE_IDENTS.get(ident)
    if apple is not None:
        return apple
    return Daemon.CHARON if has_core else Daemon.OTHER


class SyslogParser:
    def __init__(self, fmt: LogFormat, details: dict):
        self.format = fmt
        self.details = details

    def parse(self, line: str):
        h = split_header(line)
        if h is None:
            if is_journal_marker(line):  # `systemctl status` above its journal lines
                return (None, None, Daemon.OTHER, None, None, None, None, None, None, line, "systemctl", None)
            if line[:1] == " " and line.strip():
                return line.lstrip(" ")  # journalctl indents the further lines of a message
            if line.startswith("-- ") and line.endswith(" --"):  # journalctl's `-- Boot … --`
                return (None, None, Daemon.OTHER, None, None, None, None, None, None, line, "journalctl", None)
            if is_journal_catalog(line):
                return line  # `journalctl -x` explains the entry above
            if _repeated(line):
                return line  # the entry above, again
            return None
        tkey, host, ident, pid, asl, body, facility = h
        # one message logged to two facilities (charon's default: daemon and auth) is one event
        source = ident if facility is None else f"{ident}@{facility}"
        b = body.find("[", 2, 8)
        if b >= 2 and body[:b].isdigit():
            core = split_core(body, b)
            if core is not None:
                group, level, name, sid, text = core
                daemon = daemon_of(ident, True)
                return (tkey, host, daemon, pid, int(body[:b]), group, level, name, sid, text, source, None)
        daemon = daemon_of(ident, False)
        if daemon is Daemon.OTHER and ident in _RELAYS and body.split(" ", 1)[0] in BARE_VOCAB:
            daemon = Daemon.CHARON  # `ipsec up` output that NetworkManager-l2tp passed on
        group = asl
        if daemon is Daemon.RACOON:  # ipsec-tools via syslog: `racoon: INFO: msg`
            w = body.find(": ")
            if 0 < w <= 8 and body[:w] in RACOON_LEVELS:
                group, body = body[:w], body[w + 2:]
        return (tkey, host, daemon, pid, None, group, None, None, None, body, source, None)


def score(lines: list[str]) -> dict[LogFormat, tuple[float, dict]]:
    n = ok = 0
    idents: dict[str, int] = {}
    charon_core = bare_charon = apple = ipsec_tools = 0
    hosts: set[str] = set()
    tkeys: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        n += 1
        h = split_header(line)
        if h is None:
            continue
        ok += 1
        tkey, host, ident, pid, asl, body, _facility = h
        idents[ident] = idents.get(ident, 0) + 1
        if host:
            hosts.add(host)
        if tkey:
            tkeys.append(tkey)
        b = body.find("[", 2, 8)
        if b >= 2 and body[:b].isdigit() and split_core(body, b) is not None:
            charon_core += 1
        elif ident.startswith("charon") or ident in _CHARON_UNITS:
            bare_charon += 1
        if ident in APPLE_IDENTS or ident.partition("(")[0] in APPLE_IDENTS:
            apple += 1
            if ident == "racoon" and pid is None and body[:body.find(": ") + 1 or 1][:-1] in RACOON_LEVELS:
                ipsec_tools += 1  # ipsec-tools racoon (no LOG_PID, level word): not a Mac
    if not n or not ok:
        return {}
    frac = ok / n
    details: dict = {"_module": "syslog", "idents": sorted(idents, key=lambda k: -idents[k])[:8]}
    if hosts:
        details["host"] = sorted(hosts)[0] if len(hosts) == 1 else None
    if tkeys:
        t = tkeys[0]
        details["time_format"] = ("epoch" if not isinstance(t, str) else "iso8601" if t[4:5] == "-"
                                  else "rfc3164-precise" if "." in t else "rfc3164")
    out: dict[LogFormat, tuple[float, dict]] = {}
    relevant = charon_core + bare_charon + apple
    if relevant == 0:
        # a syslog file with no IPsec daemon in the sample: still syslog, but say so
        out[LogFormat.SYSLOG] = (frac * 0.6, details)
        return out
    if apple > charon_core + bare_charon and apple > ipsec_tools:
        out[LogFormat.MACOS_SYSLOG] = (frac, details)
    elif bare_charon > 0 and bare_charon >= charon_core // 4:
        details["journal"] = True
        out[LogFormat.JOURNAL_TEXT] = (frac, details)
    else:
        out[LogFormat.SYSLOG] = (frac, details)
    return out


def make_parser(fmt: LogFormat, details: dict) -> SyslogParser:
    return SyslogParser(fmt, details)
