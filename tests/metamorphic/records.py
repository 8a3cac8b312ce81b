"""charon filelog text ⇄ a neutral record (time, thread, group, SA tag, message lines).

Only the prefix differs between charon's outputs (charon-logs.md §1.1): one record per
DBG call, so a level-3 hex dump (head `… => N bytes @ 0x…` plus its `   0: 4A …` rows, each
row repeated with the full prefix by the file logger, §1.8) is one record with several lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

# Everything before the `NN[GRP]` token is the user's strftime time (charon-logs.md §1.11).
_CORE = re.compile(r"^(?:(?P<time>.*?) )?(?P<thread>\d{2,})\[(?P<group>[A-Z]{3})(?P<lvl>[0-4])?\]"
                   r"(?: <(?:(?P<conn>[^|>]*)\|)?(?P<uid>\d+)>)?(?: (?P<msg>.*))?$")
_HEX_HEAD = re.compile(r"=> \d+ bytes @ (?:0x)?[0-9a-fA-F]+$")
_HEX_ROW = re.compile(r"^ *\d+: (?:[0-9A-F]{2} )")
# The time formats the corpus was written with (label.json log_formats).
_TIME_FORMATS = ("%b %d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z")
LAB_YEAR = 2026  # the lab's clock (ISO-stamped corpus logs say 2026-11-29)
LOCAL = datetime.now().astimezone().tzinfo  # swandiag reads zone-less stamps as local time


@dataclass(frozen=True, slots=True)
class Record:
    ts: datetime | None  # aware
    thread: int
    group: str
    conn: str | None  # connection name of the <conn|N> tag
    uid: int | None  # IKE_SA unique id of the tag
    lines: tuple[str, ...]  # message text, one item per physical line
    level: int | None = None  # from [IKE1] when the source printed it

    @property
    def msg(self) -> str:
        return "\n".join(self.lines)

    def shifted(self, delta: timedelta) -> "Record":
        return self if self.ts is None else replace(self, ts=self.ts + delta)


def parse_time(text: str) -> datetime | None:
    frac = 0.0
    m = re.search(r"(\d\d:\d\d:\d\d)[.,](\d+)", text)
    if m:
        frac = float("0." + m.group(2))
        text = text[:m.start(2) - 1] + text[m.end(2):]
    text = re.sub(r"\s+", " ", text.strip())
    for fmt in _TIME_FORMATS:
        try:
            dt = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt.startswith("%b"):
            dt = dt.replace(year=LAB_YEAR)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=LOCAL)
        return dt + timedelta(seconds=frac)
    return None


def parse_filelog(lines: list[str]) -> list[Record] | None:
    """Records of a charon text filelog, or None when the input is something else."""
    out: list[Record] = []
    for raw in lines:
        m = _CORE.match(raw)
        if not m:
            return None
        ts = parse_time(m["time"]) if m["time"] else None
        if m["time"] and ts is None:
            return None
        rec = Record(ts, int(m["thread"]), m["group"], m["conn"], int(m["uid"]) if m["uid"] else None,
                     (m["msg"] or "",), int(m["lvl"]) if m["lvl"] else None)
        prev = out[-1] if out else None
        if (prev is not None and _HEX_ROW.match(rec.lines[0]) and prev.thread == rec.thread
                and prev.group == rec.group and (_HEX_HEAD.search(prev.lines[0]) or _HEX_ROW.match(prev.lines[-1]))):
            out[-1] = replace(prev, lines=prev.lines + rec.lines)  # continuation of one %b dump
            continue
        out.append(rec)
    return out or None


def tag(rec: Record) -> str:
    if rec.uid is None:
        return ""
    return f" <{rec.conn}|{rec.uid}>" if rec.conn is not None else f" <{rec.uid}>"


def core(rec: Record, line: str, *, ike_name: bool = True, level: int | None = None) -> str:
    """`NN[GRP[l]][ <conn|N>] text` exactly as file_logger.c / sys_logger.c print it."""
    grp = rec.group + ("" if level is None else str(level))
    return f"{rec.thread:02d}[{grp}]{tag(rec) if ike_name else ''} {line}"


def fraction(ts: datetime, digits: int) -> str:
    return f".{ts.microsecond // 10 ** (6 - digits):0{digits}d}"


def epoch_us(ts: datetime) -> int:
    return round(ts.timestamp() * 1e6)


def to_local(ts: datetime) -> datetime:
    return ts.astimezone(LOCAL)


UTC = timezone.utc


def from_journal_json(path) -> list[Record]:
    """The charon-systemd entries of a real `journalctl -o json` capture as records (their own
    thread, group, level, IKE_SA and source time)."""
    import json

    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            f = json.loads(line)
            if f.get("SYSLOG_IDENTIFIER") != "charon-systemd":
                continue
            ts = datetime.fromtimestamp(int(f["_SOURCE_REALTIME_TIMESTAMP"]) / 1e6, UTC)
            uid = f.get("IKE_SA_UNIQUE_ID")
            out.append(Record(ts, int(f["THREAD"]), f["GROUP"], f.get("IKE_SA_NAME"), int(uid) if uid else None,
                              tuple(f["MESSAGE"].split("\n")), int(f["LEVEL"])))
    return out
