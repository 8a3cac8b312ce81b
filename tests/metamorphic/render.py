"""Render records the way each real producer prints them (charon-logs.md §1.2–1.6,
journald-notes.md §2, strongswan6-notes.md §1.2). Each function returns the file's bytes."""
from __future__ import annotations

import json
import struct
from dataclasses import dataclass

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


def journal_short(recs: list[Record], mode: str, *, host: Host = Host()) -> bytes:
    """journalctl -o short|short-iso|short-precise|cat. Multi-line MESSAGEs: continuation lines are
    indented to the message column (systemd's print_multiline); `cat` prints MESSAGE alone."""
    out = []
    for rec in journal_entries(recs):
        local = to_local(rec.ts)
        if mode == "cat":
            out.extend(rec.lines)
            continue
        if mode == "short":
            stamp = local.strftime("%b %d %H:%M:%S")  # day zero-padded (journald-notes §2)
        elif mode == "short-precise":
            stamp = local.strftime("%b %d %H:%M:%S") + fraction(local, 6)
        else:  # short-iso
            stamp = local.strftime("%Y-%m-%dT%H:%M:%S%z")
        prefix = f"{stamp} {host.name} charon-systemd[{host.pid}]: "
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
