"""Render records the way each real producer prints them (charon-logs.md §1.2–1.6,
journald-notes.md §2, strongswan6-notes.md §1.2). Each function returns the file's bytes."""
from __future__ import annotations

import json
import struct
from dataclasses import dataclass, replace

from .levels import level_of
from .records import UTC, Record, core, epoch_us, fraction, to_local

BANNER = "Starting IKE charon daemon"  # charon-systemd sends it to sd_notify only (journald-notes §3.5)


@dataclass(frozen=True, slots=True)
class Host:
    name: str = "vpn-gw01"
    pid: int = 3166


def _text(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode() if lines else b""


def _stamp(rec: Record, fmt: str, digits: int) -> str:
    if rec.ts is None:
        return ""
    local = to_local(rec.ts)
    return local.strftime(fmt) + (fraction(local, digits) if digits else "")


def filelog(recs: list[Record], time_format: str | None, digits: int = 0, *, ike_name: bool = True,
            log_level: bool | None = None, host: Host = Host()) -> bytes:
    """file_logger.c: `[<time>[.frac] ]NN[GRP[l]][ <conn|N>] line`, every line of a message prefixed."""
    out = []
    for rec in recs:
        lvl = level_of(rec) if log_level or (log_level is None and rec.level is not None) else None
        stamp = _stamp(rec, time_format, digits) + " " if time_format else ""
        out.extend(stamp + core(rec, line, ike_name=ike_name, level=lvl) for line in rec.lines)
    return _text(out)


def _bsd_time(rec: Record) -> str:
    # RFC 3164 / rsyslog traditional: `Nov  5 …`, day space-padded
    local = to_local(rec.ts)
    return f"{local:%b} {local.day:2d} {local:%H:%M:%S}"


def syslog(recs: list[Record], ident: str, *, host: Host = Host(), with_host: bool = True, pid: bool = False,
           pri: bool = False) -> bytes:
    """sys_logger.c sends `NN[GRP] <conn|N> line` per message line; rsyslog adds time, host, tag."""
    tag_ = f"{ident}[{host.pid}]:" if pid else f"{ident}:"
    head = "<30>" if pri else ""  # daemon.info: map_level = -1 sends everything at LOG_INFO
    out = []
    for rec in recs:
        prefix = f"{head}{_bsd_time(rec)} " + (f"{host.name} " if with_host else "") + tag_
        out.extend(f"{prefix} {core(rec, line)}" for line in rec.lines)
    return _text(out)


def pfsense_view(recs: list[Record]) -> bytes:
    """The pfSense/OPNsense log view (clog, older releases): time, then `charon NN[GRP] …`, no host
    and no colon after the tag (as users copy it from the GUI)."""
    out = []
    for rec in recs:
        out.extend(f"{_bsd_time(rec)} charon {core(rec, line)}" for line in rec.lines)
    return _text(out)


def logread(recs: list[Record]) -> bytes:
    """OpenWrt `logread` of charon's syslog output with an empty tag: `Sun May 18 08:37:25 2025
    daemon.info : 00[DMN] …`. charon logs level 0 to LOG_AUTHPRIV as well (logging.html), so
    those messages come twice, the second copy under `authpriv.info`."""
    out = []
    for rec in recs:
        local = to_local(rec.ts)
        stamp = f"{local:%a %b} {local.day:2d} {local:%H:%M:%S %Y}"
        for line in rec.lines:
            out.append(f"{stamp} daemon.info : {core(rec, line)}")
            if level_of(rec) == 0:
                out.append(f"{stamp} authpriv.info : {core(rec, line)}")
    return _text(out)


def rsyslog_iso(recs: list[Record], ident: str = "charon", *, host: Host = Host()) -> bytes:
    """RSYSLOG_FileFormat: RFC 3339 with microseconds and a `+00:00` zone."""
    out = []
    for rec in recs:
        local = to_local(rec.ts)
        stamp = local.strftime("%Y-%m-%dT%H:%M:%S") + fraction(local, 6) + local.strftime("%z")[:3] + ":" + \
            local.strftime("%z")[3:]
        out.extend(f"{stamp} {host.name} {ident}: {core(rec, line)}" for line in rec.lines)
    return _text(out)


def rfc5424(recs: list[Record], ident: str = "charon", *, host: Host = Host()) -> bytes:
    """`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG` (RFC 5424 §6); charon opens syslog without LOG_PID."""
    out = []
    for rec in recs:
        utc = rec.ts.astimezone(UTC)
        stamp = utc.strftime("%Y-%m-%dT%H:%M:%S") + fraction(utc, 6) + "Z"
        out.extend(f"<30>1 {stamp} {host.name} {ident} - - - {core(rec, line)}" for line in rec.lines)
    return _text(out)


def docker(recs: list[Record]) -> bytes:
    """`docker logs -t`: RFC3339NanoFixed UTC stamp, then the container's stdout filelog line (no time_format)."""
    out = []
    for rec in recs:
        utc = rec.ts.astimezone(UTC)
        stamp = utc.strftime("%Y-%m-%dT%H:%M:%S") + f".{utc.microsecond:06d}000Z"
        out.extend(f"{stamp} {core(rec, line)}" for line in rec.lines)
    return _text(out)


def _json_escape(text: str) -> str:
    # file_logger.c escapes only \n, \\ and " (strongswan6-notes.md §1.2)
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def json6(recs: list[Record], *, ike_name: bool = True, digits: int = 6) -> bytes:
    """6.x `json = yes` with time_format %Y-%m-%dT%H:%M:%S and time_precision us; keys in fixed order."""
    out = []
    for rec in recs:
        parts = []
        if rec.ts is not None:
            local = to_local(rec.ts)
            parts.append(f'"time":"{local:%Y-%m-%dT%H:%M:%S}{fraction(local, digits) if digits else ""}"')
        parts += [f'"thread":{rec.thread}', f'"group":"{rec.group}"', f'"level":{level_of(rec)}']
        if ike_name and rec.uid is not None:
            parts.append(f'"ikesa-uniqueid":"{rec.uid}"')
            if rec.conn is not None:
                parts.append(f'"ikesa-name":"{rec.conn}"')
        parts.append(f'"msg":"{_json_escape(rec.msg)}"')
        out.append("{" + ",".join(parts) + "}")
    return _text(out)


# --- charon-systemd in the journal: one entry per message, bare MESSAGE -----------------------

def journal_entries(recs: list[Record]) -> list[Record]:
    return [r for r in recs if not r.lines[0].startswith(BANNER)]


BOOT_BEFORE_S = 3600  # short-monotonic/-delta: the host booted this long before the first entry
# what `journalctl -x` prints under PID 1's "Starting strongswan.service" (systemd.catalog, systemd ≥ 246)
START_JOB = ("Starting strongswan.service - strongSwan IPsec IKEv1/IKEv2 daemon using swanctl...",
             ("Subject: A start job for unit strongswan.service has begun execution", "Defined-By: systemd",
              "Support: https://www.debian.org/support", "", "A start job for unit strongswan.service has begun execution.",
              "", "The job identifier is 1525."))


def _short_stamp(rec: Record, mode: str, boot: float, prev: float | None) -> str:
    """The time column of journalctl's short modes (logs-show.c output_timestamp_*)."""
    local = to_local(rec.ts)
    if mode == "short":
        return local.strftime("%b %d %H:%M:%S")  # day zero-padded (journald-notes §2)
    if mode == "short-precise":
        return local.strftime("%b %d %H:%M:%S") + fraction(local, 6)
    if mode == "short-iso":
        return local.strftime("%Y-%m-%dT%H:%M:%S%z")
    if mode == "short-iso-precise":  # systemd ≥ 250 prints the offset with a colon
        z = local.strftime("%z")
        return local.strftime("%Y-%m-%dT%H:%M:%S") + fraction(local, 6) + z[:3] + ":" + z[3:]
    if mode in ("short-full", "with-unit"):
        return local.strftime("%a %Y-%m-%d %H:%M:%S %Z")
    us = epoch_us(rec.ts)
    if mode == "short-unix":
        return f"{us // 10**6:10d}.{us % 10**6:06d}"
    mono = us - round(boot * 1e6)
    stamp = f"[{mono // 10**6:5d}.{mono % 10**6:06d}"
    if mode == "short-delta":
        delta = 0 if prev is None else mono - round(prev * 1e6)
        stamp += f" <{delta // 10**6:5d}.{delta % 10**6:06d} >"
    return stamp + "]"


def journal_short(recs: list[Record], mode: str, *, host: Host = Host(), catalog: bool = False) -> bytes:
    """journalctl -o short|short-iso|short-iso-precise|short-precise|short-full|short-unix|
    short-monotonic|short-delta|with-unit|cat (with-unit names the unit where the others name the
    identifier). Multi-line MESSAGEs: continuation lines are indented to the message column
    (systemd's print_multiline); `cat` prints MESSAGE alone. `catalog`: `journalctl -x`, PID 1's
    start job with its explanation first."""
    out = []
    entries = journal_entries(recs)
    boot = entries[0].ts.timestamp() - BOOT_BEFORE_S if entries else 0.0
    prev = None
    ident = "strongswan.service" if mode == "with-unit" else "charon-systemd"
    if catalog and entries:
        first = replace(entries[0], lines=(START_JOB[0],))
        out.append(f"{_short_stamp(first, mode, boot, prev)} {host.name} systemd[1]: {START_JOB[0]}")
        out.extend(f"\u2591\u2591 {line}".rstrip(" ") + (" " if not line else "") for line in START_JOB[1])
    for rec in entries:
        if mode == "cat":
            out.extend(rec.lines)
            continue
        prefix = f"{_short_stamp(rec, mode, boot, prev)} {host.name} {ident}[{host.pid}]: "
        prev = rec.ts.timestamp() - boot
        out.append(prefix + rec.lines[0])
        out.extend(" " * len(prefix) + line for line in rec.lines[1:])
    return _text(out)


def _fields(rec: Record, host: Host, seq: int) -> list[tuple[str, str]]:
    us = epoch_us(rec.ts)
    lvl = level_of(rec)
    fields = [("__CURSOR", f"s=0b377a2147794ebba68073d8eeb1aced;i={seq:x};b=d8a9df17f8644251a430029c078d7e60"),
              ("__REALTIME_TIMESTAMP", str(us + 300)), ("_HOSTNAME", host.name), ("SYSLOG_IDENTIFIER", "charon-systemd"),
              ("_TRANSPORT", "journal"), ("_PID", str(host.pid)), ("_COMM", "charon-systemd"),
              ("_EXE", "/usr/sbin/charon-systemd"), ("_SYSTEMD_UNIT", "strongswan.service"),
              ("THREAD", str(rec.thread))]
    if rec.uid is not None:
        fields.append(("IKE_SA_UNIQUE_ID", str(rec.uid)))
    fields += [("GROUP", rec.group), ("PRIORITY", str(5 if lvl == 0 else 6 if lvl == 1 else 7)), ("LEVEL", str(lvl))]
    if rec.uid is not None and rec.conn is not None:
        fields.append(("IKE_SA_NAME", rec.conn))
    fields += [("MESSAGE", rec.msg), ("_SOURCE_REALTIME_TIMESTAMP", str(us))]
    return fields


def journal_json(recs: list[Record], *, host: Host = Host()) -> bytes:
    """journalctl -o json: one object per entry, every value a string."""
    out = [json.dumps(dict(_fields(rec, host, i)), ensure_ascii=False, separators=(",", ":"))
           for i, rec in enumerate(journal_entries(recs))]
    return _text(out)


def journal_json_framed(recs: list[Record], framing: str, *, host: Host = Host()) -> bytes:
    """journalctl -o json-seq (RS before each object), json-sse (`data: ` and a blank line) and
    json-pretty (one field per line, indented 8, `"KEY" : value`)."""
    out = []
    for i, rec in enumerate(journal_entries(recs)):
        fields = dict(_fields(rec, host, i))
        if framing == "json-seq":
            out.append("\x1e" + json.dumps(fields, ensure_ascii=False, separators=(",", ":")))
        elif framing == "json-sse":
            out += ["data: " + json.dumps(fields, ensure_ascii=False, separators=(",", ":")), ""]
        else:
            body = ",\n".join(f"        {json.dumps(k)} : {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items())
            out += ["{", body, "}"]
    return _text(out)


def journal_verbose(recs: list[Record], *, host: Host = Host()) -> bytes:
    """journalctl -o verbose: `%a %Y-%m-%d %H:%M:%S.%f %Z [cursor]`, then `    FIELD=value` per data
    field (no `__` fields); a value's further lines are indented under its first (logs-show.c)."""
    out = []
    for i, rec in enumerate(journal_entries(recs)):
        fields = _fields(rec, host, i)
        realtime = int(dict(fields)["__REALTIME_TIMESTAMP"])
        local = to_local(rec.ts)
        cursor = (f"s=0b377a2147794ebba68073d8eeb1aced;i={i:x};b=d8a9df17f8644251a430029c078d7e60;"
                  f"m={realtime - 1795988000000000:x};t={realtime:x};x={i * 7919:x}")
        out.append(local.strftime("%a %Y-%m-%d %H:%M:%S") + fraction(local, 6) + local.strftime(" %Z") + f" [{cursor}]")
        for key, value in fields:
            if key.startswith("__"):
                continue
            first, *more = value.split("\n")
            out.append(f"    {key}={first}")
            out.extend(" " * (5 + len(key)) + line for line in more)
    return _text(out)


def journal_export(recs: list[Record], *, host: Host = Host()) -> bytes:
    """journalctl -o export: FIELD=value lines, a blank line after each entry; a value with a
    newline is binary: FIELD\\n, 64-bit LE length, the bytes, \\n (journald-notes §2)."""
    out = bytearray()
    for i, rec in enumerate(journal_entries(recs)):
        for key, value in _fields(rec, host, i):
            data = value.encode()
            if "\n" in value:
                out += key.encode() + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
            else:
                out += key.encode() + b"=" + data + b"\n"
        out += b"\n"
    return bytes(out)
