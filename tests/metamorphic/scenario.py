"""A labelled scenario as documents that transformations rewrite, and the judgement of a run
(the same checks as /work/shared/tools/score-corpus, plus the exact pairing and offset)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from swandiag.pipeline import Options, analyze
from swandiag.report.json_ import to_dict
from swandiag.report.model import build

from .records import LAB_YEAR, LOCAL, Record, parse_filelog

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROOTS = (FIXTURES / "corpus", FIXTURES / "lab-extra")
SERIOUS = {"error", "warning", "critical"}


def all_scenarios() -> list[str]:
    return sorted(str(p.parent.relative_to(FIXTURES)) for root in ROOTS for p in root.rglob("label.json")
                  if "swandiag" in json.loads(p.read_text()))


@dataclass(slots=True)
class Doc:
    """One input file: parsed records when it is a charon text filelog, else its raw lines."""

    name: str
    raw: list[str]
    records: list[Record] | None
    shift_s: float = 0.0  # clock skew applied to this document
    data: bytes | None = None  # rendered form (set by a format step)
    files: dict[str, bytes] = field(default_factory=dict)  # final file name(s) -> bytes


@dataclass(slots=True)
class Scenario:
    name: str
    spec: dict
    docs: list[Doc]

    @property
    def charon(self) -> list[Doc]:
        return [d for d in self.docs if d.records is not None]


@lru_cache(maxsize=None)
def _load_raw(folder: str) -> tuple[dict, tuple[tuple[str, tuple[str, ...]], ...]]:
    path = FIXTURES / folder
    spec = json.loads((path / "label.json").read_text())["swandiag"]
    docs = tuple((name, tuple((path / name).read_text(errors="surrogateescape").splitlines())) for name in spec["inputs"])
    return spec, docs


@lru_cache(maxsize=None)
def _records(folder: str, name: str) -> tuple[Record, ...] | None:
    spec, docs = _load_raw(folder)
    lines = dict(docs)[name]
    recs = parse_filelog(list(lines))
    return tuple(recs) if recs is not None else None


def load(folder: str) -> Scenario:
    spec, docs = _load_raw(folder)
    out = []
    for name, lines in docs:
        recs = _records(folder, name)
        out.append(Doc(name, list(lines), list(recs) if recs is not None else None))
    return Scenario(folder, spec, out)


# --- raw documents (racoon, journal text): shift the leading timestamp in place -------------

_RAW_TIMES = (
    (re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?=:)"), "%Y-%m-%d %H:%M:%S"),  # racoon plog
    (re.compile(r"^(\w{3} [ \d]\d \d\d:\d\d:\d\d)"), "%b %d %H:%M:%S"),  # syslog / journal short
    (re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)"), "%Y-%m-%dT%H:%M:%S"),  # ISO (zone kept)
)


def shift_raw_line(line: str, delta: timedelta) -> str:
    for pattern, fmt in _RAW_TIMES:
        m = pattern.match(line)
        if not m:
            continue
        text = re.sub(r"\s+", " ", m.group(1))
        dt = datetime.strptime(f"{LAB_YEAR} {text}" if fmt.startswith("%b") else text,
                               f"%Y {fmt}" if fmt.startswith("%b") else fmt) + delta
        if not fmt.startswith("%b"):
            new = dt.strftime(fmt)
        elif m.group(1)[4] == " ":  # keep the producer's day padding (%e vs %d)
            new = f"{dt:%b} {dt.day:2d} {dt:%H:%M:%S}"
        else:
            new = dt.strftime("%b %d %H:%M:%S")
        return new + line[m.end(1):]
    return line


def shift(doc: Doc, seconds: float) -> Doc:
    delta = timedelta(seconds=seconds)
    if doc.records is not None:
        return replace(doc, records=[r.shifted(delta) for r in doc.records], shift_s=doc.shift_s + seconds)
    return replace(doc, raw=[shift_raw_line(line, delta) for line in doc.raw], shift_s=doc.shift_s + seconds)


def data_of(doc: Doc) -> bytes:
    """The document's bytes: rendered, else its records in the original filelog layout, else raw."""
    if doc.data is not None:
        return doc.data
    if doc.records is not None:
        from .render import filelog
        time_format, digits = original_time_format(doc.raw)
        return filelog(doc.records, time_format, digits)
    return ("\n".join(doc.raw) + "\n").encode(errors="surrogateescape")


def original_time_format(lines: list[str]) -> tuple[str | None, int]:
    """The strftime format (and fraction digits) a corpus filelog was written with."""
    head = next((x for x in lines if x.strip()), "")
    m = re.match(r"^(.*?) ?\d{2,}\[[A-Z]{3}", head)
    stamp = m.group(1) if m else ""
    frac = re.search(r":\d\d[.,](\d+)", stamp)
    digits = len(frac.group(1)) if frac else 0
    if not stamp:
        return None, 0
    if stamp[:3].isalpha():
        return "%b %e %T", digits
    sep = "T" if stamp[10:11] == "T" else " "
    zone = "%z" if re.search(r"[+-]\d{4}$", stamp) else ""
    return f"%Y-%m-%d{sep}%H:%M:%S" + zone, digits


# --- running and judging -------------------------------------------------------------------

def write(scn: Scenario, folder: Path) -> list[str]:
    """Write every document; returns the paths to hand to swandiag, in input order."""
    paths: list[str] = []
    for i, doc in enumerate(scn.docs):
        files = doc.files or {doc.name: data_of(doc)}
        sub = folder / f"in{i}"
        sub.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (sub / name).write_bytes(data)
        paths.extend(str(sub / name) for name in files)
    return paths


def report(paths: list[str]) -> dict:
    return to_dict(build(analyze(paths, Options())))


@dataclass(frozen=True, slots=True)
class Verdict:
    top: str | None
    diagnosis_ok: bool
    pairs: frozenset  # {(input index, negotiation start second), ...} pairs
    offset: float | None  # input 1 relative to input 0, as swandiag estimated it
    formats: tuple[str, ...]
    unrecognised: int


def judge(report_: dict, spec: dict, shifts: list[float], doc_of: dict[str, int] | None = None) -> Verdict:
    findings = [f for f in report_["findings"] if str(f["severity"]).lower() in SERIOUS]
    expect, allow = set(spec.get("expect", [])), set(spec.get("allow", []))
    if expect:
        top = findings[0]["id"] if findings else None
        ok = top in expect
    else:
        unexpected = [f["id"] for f in findings if f["id"] not in allow]
        top, ok = ",".join(unexpected) or None, not unexpected
    paths = [row["path"] for row in report_["inputs"]]
    doc_of = doc_of or _doc_index(paths)
    negs = {n["id"]: n for n in report_["negotiations"]}

    def key(n: dict):
        d = doc_of[n["input"]]
        first = n["first"]
        # `first` is already on the reference clock (input 0's) after swandiag's offset correction
        stamp = round(_epoch(first)) if first is not None else -int(n["id"].rsplit("#", 1)[-1])
        return (d, stamp)

    pairs = frozenset(frozenset((key(n), key(negs[n["peer"]]))) for n in negs.values() if n.get("peer") in negs)
    offset = None
    for o in report_["clock_offsets"]:
        a, b = doc_of.get(o["from"]), doc_of.get(o["to"])
        if (a, b) == (0, 1):
            offset = o["offset_s"]
        elif (a, b) == (1, 0):
            offset = -o["offset_s"]
    return Verdict(top, ok, pairs, offset, tuple(row["format"] for row in report_["inputs"]),
                   sum(int(row["unrecognised_lines"] or 0) for row in report_["inputs"]))


def _doc_index(paths: list[str]) -> dict[str, int]:
    """Input path -> document index (the in<i>/ folder the file was written to)."""
    out = {}
    for p in paths:
        m = re.search(r"/in(\d+)/", p)
        out[p] = int(m.group(1)) if m else 0
        out[Path(p).name] = out[p]
    return out


def _epoch(value) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    dt = datetime.fromisoformat(str(value))
    return (dt if dt.tzinfo else dt.replace(tzinfo=LOCAL)).timestamp()


def same_pairs(a: frozenset, b: frozenset, slack: int = 2) -> bool:
    """Pair sets equal, a negotiation's start time allowed to move by `slack` seconds."""
    def close(p, q) -> bool:
        (x1, x2), (y1, y2) = sorted(p), sorted(q)
        return all(u[0] == v[0] and abs(u[1] - v[1]) <= slack for u, v in ((x1, y1), (x2, y2)))
    return len(a) == len(b) and all(any(close(p, q) for q in b) for p in a)
