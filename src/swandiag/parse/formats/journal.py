"""charon-systemd in the journal, structured: `journalctl -o json` (one object per line, also
`json-seq` and `json-sse` framing), `-o json-pretty` (one object over many lines), `-o export`
(FIELD=value lines, blank line between entries) and `-o verbose` (a header line, then indented
FIELD=value lines), plus `-o cat` (bare messages). The structured forms give thread, group,
level and IKE_SA id/name as fields."""
from __future__ import annotations

from ..event import Daemon, LogFormat
from ..paste import is_journal_catalog, is_prompt
from .base import BARE_VOCAB, END_OF_INPUT, HOLD, json_object
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


def _entry(f: dict):
    """fields_to_event for an entry that has been held line by line: one without a MESSAGE
    still becomes an (empty) event, so its lines stay accounted for."""
    if "MESSAGE" not in f:
        f["MESSAGE"] = ""
    return fields_to_event(f)


class JsonParser:
    """One object per line; `json-seq` puts RS (0x1E) before each, `json-sse` writes
    `data: OBJECT` and a blank line."""

    format = LogFormat.JOURNAL_JSON

    def __init__(self, details: dict):
        self.details = details
        self.sse = None  # the event of a `data:` line, waiting for its blank line

    def parse(self, line: str):
        if line[:1] == "\x1e":
            line = line[1:]
        elif line.startswith("data: {"):
            obj = json_object(line[6:])
            if obj is None:
                return None
            self.sse = fields_to_event(obj)
            return HOLD if self.sse is not None else None
        elif not line and self.sse is not None:
            r, self.sse = self.sse, None
            return r
        obj = json_object(line)
        return None if obj is None else fields_to_event(obj)


class PrettyParser:
    """`journalctl -o json-pretty`: `{`, one `"FIELD" : value` line per field, `}`."""

    format = LogFormat.JOURNAL_JSON
    _MAX_LINES = 4096  # an entry longer than this is not a journal entry

    def __init__(self, details: dict):
        self.details = details
        self.parts: list[str] | None = None

    def parse(self, line: str):
        if self.parts is None:
            if line.rstrip() == "{":
                self.parts = [line]
                return HOLD
            obj = json_object(line)  # a compact object in between
            return None if obj is None else fields_to_event(obj)
        self.parts.append(line)
        if line.rstrip() == "}":
            obj = json_object("\n".join(self.parts))
            self.parts = None
            return None if obj is None else _entry(obj)
        if len(self.parts) > self._MAX_LINES:
            self.parts = None
            return None
        return HOLD


def _verbose_head(line: str) -> int | None:
    """The realtime (µs) of a `-o verbose` entry's first line,
    `Sun 2026-11-29 22:44:00.622625 UTC [s=…;i=…;b=…;m=…;t=6617207858c21;x=…]`; the cursor's
    `t=` is that time in hex, so the zone the viewer printed does not matter."""
    if line[:1] == " " or not line.endswith("]"):
        return None
    b = line.rfind(" [s=")
    if b < 0:
        return None
    for part in line[b + 2:-1].split(";"):
        if part[:2] == "t=":
            try:
                return int(part[2:], 16)
            except ValueError:
                return None
    return None


class VerboseParser:
    """`journalctl -o verbose`: the header line, then `    FIELD=value` lines (a multi-line
    value goes on indented under its first line); an entry ends where the next one begins."""

    format = LogFormat.JOURNAL_EXPORT

    def __init__(self, details: dict):
        self.details = details
        self.fields: dict[str, object] | None = None
        self.key: str | None = None  # the field whose value may go on over more lines
        self.ends_before = True

    def parse(self, line: str):
        head = _verbose_head(line)
        if head is not None or line == END_OF_INPUT:
            done, self.fields, self.key = self.fields, None, None
            if head is not None:
                self.fields = {"__REALTIME_TIMESTAMP": str(head)}
            if done is None:
                return HOLD if head is not None else None
            return _entry(done)
        f = self.fields
        if f is None:
            return None
        if line[:4] == "    " and line[4:5] != " ":
            k = line.find("=", 5)
            name = line[4:k] if k > 0 else ""
            if name and name.replace("_", "").isalnum() and name.upper() == name:
                self.key = name if name in _WANTED else None
                if self.key:
                    f[name] = line[k + 1:]
                return HOLD
        key = self.key
        if key is not None and line.startswith(" " * (5 + len(key))):
            f[key] = f"{f[key]}\n{line[5 + len(key):]}"
            return HOLD
        if line[:1] == " " or is_journal_catalog(line):
            return HOLD  # the rest of a field we do not keep, or the catalog's explanation
        return None


class ExportParser:
    """Field lines are held until the blank line that ends the entry."""

    format = LogFormat.JOURNAL_EXPORT

    def __init__(self, details: dict):
        self.details = details
        self.fields: dict[str, object] = {}
        self.binary: str | None = None  # field whose binary value is being read
        self.open = False
        self.ends_before = False

    def parse(self, line: str):
        if not line or line == END_OF_INPUT:  # (a paste often loses the last blank line)
            if not self.open:
                return None
            self.ends_before = bool(line)
            f, self.fields, self.binary, self.open = self.fields, {}, None, False
            return _entry(f)
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
        daemon = Daemon.OTHER if line.startswith("$ ") or is_prompt(line) else Daemon.CHARON
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
    js = seq = sse = 0
    for x in body:
        if '"MESSAGE"' in x and ("__REALTIME_TIMESTAMP" in x or "_PID" in x):
            if x[:1] == "{":
                js += 1
            elif x[:2] == "\x1e{":
                seq += 1
            elif x.startswith("data: {"):
                sse += 1
    if js or seq or sse:
        output = "json-seq" if seq > js else "json-sse" if sse > js else "json"
        out[LogFormat.JOURNAL_JSON] = ((js + seq + sse) / len(body), {"_module": "journal", "output": output})
    else:
        pretty = _pretty_share(body)
        if pretty:
            out[LogFormat.JOURNAL_JSON] = (pretty, {"_module": "journal", "output": "json-pretty"})
    heads = sum(1 for x in body if _verbose_head(x) is not None)
    if heads:
        p = VerboseParser({})
        ok = sum(1 for x in lines if p.parse(x) is not None)
        out[LogFormat.JOURNAL_EXPORT] = (ok / (len(lines) or 1), {"_module": "journal", "output": "verbose"})
    if lines and lines[0].startswith("__CURSOR=") or any(x.startswith("__REALTIME_TIMESTAMP=") for x in body[:50]):
        p = ExportParser({})
        ok = sum(1 for x in lines if p.parse(x) is not None)
        n = len(lines) or 1
        out[LogFormat.JOURNAL_EXPORT] = (ok / n, {"_module": "journal", "output": "export"})
    if not any(x.startswith("$ ") or is_prompt(x) for x in body[:5]):
        bs = bare_score(body)
        if bs:
            out[LogFormat.JOURNAL_TEXT] = (bs, {"_module": "journal", "output": "cat"})
    return out


def _pretty_share(body: list[str]) -> float:
    """Share of lines that are json-pretty framing or `"FIELD" : value` lines, if the sample
    has the fields of journal entries."""
    if not any(x.lstrip().startswith('"MESSAGE" : ') for x in body):
        return 0.0
    ok = 0
    for x in body:
        t = x.strip()
        if t in ("{", "}") or (t[:1] == '"' and '" : ' in t):
            ok += 1
    return ok / len(body)


def make_parser(fmt: LogFormat, details: dict):
    output = details.get("output")
    if fmt is LogFormat.JOURNAL_JSON:
        return PrettyParser(details) if output == "json-pretty" else JsonParser(details)
    if fmt is LogFormat.JOURNAL_EXPORT:
        return VerboseParser(details) if output == "verbose" else ExportParser(details)
    return BareParser(fmt, details)
