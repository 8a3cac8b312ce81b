"""charon-systemd in the journal, structured: `journalctl -o json` (one object per line) and
`-o export` (FIELD=value lines, blank line between entries), plus `-o cat` (bare messages).
The structured forms give thread, group, level and IKE_SA id/name as fields."""
from __future__ import annotations

from ..event import Daemon, LogFormat
from .base import BARE_VOCAB, HOLD, json_object
from .syslog import daemon_of

FORMATS = (LogFormat.JOURNAL_JSON, LogFormat.JOURNAL_EXPORT, LogFormat.JOURNAL_TEXT)
_WANTED = {"MESSAGE", "__REALTIME_TIMESTAMP", "_SOURCE_REALTIME_TIMESTAMP", "_HOSTNAME", "_PID", "SYSLOG_IDENTIFIER",
           "_COMM", "THREAD", "GROUP", "LEVEL", "IKE_SA_UNIQUE_ID", "IKE_SA_NAME", "_TRANSPORT"}


def _int(v) -> int | None:
    if isinstance(v, str) and v.isdigit():
        return int(v)
    return v if isinstance(v, int) else None


def _message(v) -> str:
    if isinstance(v, list):  # binary-safe form: array of byte values
        try:
            return bytes(x & 0xFF for x in v if isinstance(x, int)).decode("utf-8", "replace")
        except (TypeError, ValueError):
            return ""
    return v if isinstance(v, str) else ""


def fields_to_event(f: dict):
    """The event tuple for one journal entry's fields, or None without a MESSAGE."""
    if "MESSAGE" not in f:
        return None
    msg = _message(f.get("MESSAGE"))
    cont = None
    if "\n" in msg:
        first, *rest = msg.split("\n")
        msg, cont = first, rest
    ts_us = _int(f.get("_SOURCE_REALTIME_TIMESTAMP")) or _int(f.get("__REALTIME_TIMESTAMP"))
    ts = ts_us / 1e6 if ts_us is not None else None
    ident = f.get("SYSLOG_IDENTIFIER") or f.get("_COMM") or ""
    ident = ident if isinstance(ident, str) else ""
    group = f.get("GROUP") if isinstance(f.get("GROUP"), str) else None
    name = f.get("IKE_SA_NAME") if isinstance(f.get("IKE_SA_NAME"), str) else None
    host = f.get("_HOSTNAME") if isinstance(f.get("_HOSTNAME"), str) else None
    daemon = daemon_of(ident, group is not None) if ident else (Daemon.CHARON if group else Daemon.OTHER)
    return (ts, host, daemon, _int(f.get("_PID")), _int(f.get("THREAD")), group, _int(f.get("LEVEL")), name,
            _int(f.get("IKE_SA_UNIQUE_ID")), msg, ident, cont)


class JsonParser:
    format = LogFormat.JOURNAL_JSON

    def __init__(self, details: dict):
        self.details = details

    def parse(self, line: str):
        obj = json_object(line)
        return None if obj is None else fields_to_event(obj)


class ExportParser:
    """Field lines are held until the blank line that ends the entry."""

    format = LogFormat.JOURNAL_EXPORT

    def __init__(self, details: dict):
        self.details = details
        self.fields: dict[str, object] = {}
        self.binary: str | None = None  # field whose binary value is being read
        self.open = False

    def parse(self, line: str):
        if not line:
            if not self.open:
                return None
            f, self.fields, self.binary, self.open = self.fields, {}, None, False
            return fields_to_event(f)
        k = line.find("=")
        if k > 0 and line[:k].replace("_", "").isalnum() and line[:k].isupper() or (k > 0 and line[:k].startswith("_")):
            name = line[:k]
            if name in _WANTED:
                self.fields[name] = line[k + 1:]
            self.binary = None
            self.open = True
            return HOLD
        if self.open or (line.replace("_", "").isalnum() and line.isupper()):
            # FIELD\n<u64 length><bytes>\n: the value was split where its bytes had newlines
            if line.replace("_", "").isalnum() and line.isupper() and self.binary is None:
                self.binary = line
            elif self.binary == "MESSAGE":
                prev = self.fields.get("MESSAGE")
                self.fields["MESSAGE"] = (prev + "\n" + line) if isinstance(prev, str) else line[8:]
            self.open = True
            return HOLD
        return None


def _bare_known(line: str) -> bool:
    word = line.split(" ", 1)[0]
    return word in BARE_VOCAB or word.rstrip(":") in BARE_VOCAB


class BareParser:
    """Bare charon messages with no prefix at all (`journalctl -o cat`, `ipsec up`)."""

    def __init__(self, fmt: LogFormat, details: dict):
        self.format = fmt
        self.details = details

    def parse(self, line: str):
        if not line.strip():
            return None
        daemon = Daemon.OTHER if line.startswith("$ ") else Daemon.CHARON
        return (None, None, daemon, None, None, None, None, None, None, line, None, None)


def bare_score(lines: list[str]) -> float:
    """How sure we are that unprefixed lines are charon messages (never fully sure)."""
    n = known = words = 0
    for line in lines:
        if not line.strip():
            continue
        n += 1
        if not line.startswith(" ") and _bare_known(line):
            words += 1
            known += 1
        elif line.startswith(" ") and ("=" in line or line.rstrip().endswith(":")):
            known += 1  # charon's config dump at cfg level 2
    if not n or words / n < 0.3:
        return 0.0
    return round(min(0.9, 0.5 + known / n * 0.4), 3)


def score(lines: list[str]) -> dict[LogFormat, tuple[float, dict]]:
    body = [x for x in lines if x.strip()]
    if not body:
        return {}
    out: dict[LogFormat, tuple[float, dict]] = {}
    js = sum(1 for x in body if x.startswith("{") and '"MESSAGE"' in x and ("__REALTIME_TIMESTAMP" in x or "_PID" in x))
    if js:
        out[LogFormat.JOURNAL_JSON] = (js / len(body), {"_module": "journal", "output": "json"})
    if lines and lines[0].startswith("__CURSOR=") or any(x.startswith("__REALTIME_TIMESTAMP=") for x in body[:50]):
        p = ExportParser({})
        ok = sum(1 for x in lines if p.parse(x) is not None)
        n = len(lines) or 1
        out[LogFormat.JOURNAL_EXPORT] = (ok / n, {"_module": "journal", "output": "export"})
    if not any(x.startswith("$ ") for x in body):
        bs = bare_score(body)
        if bs:
            out[LogFormat.JOURNAL_TEXT] = (bs, {"_module": "journal", "output": "cat"})
    return out


def make_parser(fmt: LogFormat, details: dict):
    if fmt is LogFormat.JOURNAL_JSON:
        return JsonParser(details)
    if fmt is LogFormat.JOURNAL_EXPORT:
        return ExportParser(details)
    return BareParser(fmt, details)
