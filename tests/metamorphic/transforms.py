"""The transformations: each rewrites a scenario into a variant a real installation could
have produced, or returns None where it does not apply (e.g. a racoon log has no charon
prefix to rewrite). `skew_s` is the clock skew the variant applies to input 1."""
from __future__ import annotations

import bz2
import gzip
import lzma
import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Callable

from . import render
from .records import Record
from .rename import Renamer
from .scenario import Doc, Scenario, data_of, load, shift, shift_raw_line

Step = Callable[[Scenario], Scenario | None]


@dataclass(frozen=True, slots=True)
class Transform:
    name: str
    apply: Step
    skew_s: float = 0.0
    format: str | None = None  # the LogFormat value swandiag must detect for the rewritten inputs
    heavy: bool = False


def _render(fn: Callable[[list[Record]], bytes], *, only_first: bool = False) -> Step:
    def step(scn: Scenario) -> Scenario | None:
        docs, done = [], 0
        for i, doc in enumerate(scn.docs):
            if doc.records is not None and (i == 0 or not only_first) and doc.records[0].ts is not None:
                doc = replace(doc, data=fn(doc.records))
                done += 1
            docs.append(doc)
        return replace(scn, docs=docs) if done else None
    return step


def _host(i: int) -> render.Host:
    return render.Host(name=f"host{i}", pid=3166 + i)


def _render_each(fn: Callable[[list[Record], render.Host], bytes], *, only_first: bool = False) -> Step:
    def step(scn: Scenario) -> Scenario | None:
        docs, done = [], 0
        for i, doc in enumerate(scn.docs):
            if doc.records is not None and (i == 0 or not only_first) and doc.records[0].ts is not None:
                doc = replace(doc, data=fn(doc.records, _host(i)))
                done += 1
            docs.append(doc)
        return replace(scn, docs=docs) if done else None
    return step


def _chain(*steps: Step) -> Step:
    def step(scn: Scenario) -> Scenario | None:
        for s in steps:
            scn = s(scn)
            if scn is None:
                return None
        return scn
    return step


def _skew(seconds: float, index: int = 1) -> Step:
    def step(scn: Scenario) -> Scenario | None:
        if len(scn.docs) <= index or not has_times(scn.docs[index]):
            return None  # a log without timestamps has no clock to skew
        docs = list(scn.docs)
        docs[index] = shift(docs[index], seconds)
        return replace(scn, docs=docs)
    return step


def has_times(doc: Doc) -> bool:
    if doc.records is not None:
        return any(r.ts is not None for r in doc.records)
    return any(shift_raw_line(x, timedelta(seconds=1)) != x for x in doc.raw[:50])


def _strip_tags(scn: Scenario) -> Scenario | None:
    if not any(r.uid is not None for d in scn.charon for r in d.records):
        return None
    return replace(scn, docs=[replace(d, records=[replace(r, conn=None, uid=None) for r in d.records])
                              if d.records is not None else d for d in scn.docs])


def _rename(*, ipv6: bool = False) -> Step:
    def step(scn: Scenario) -> Scenario | None:
        return Renamer(scn, seed=1, ipv6_outer=ipv6).apply(scn)
    return step


# --- files: newest first, compression, rotation ---------------------------------------------

def _bytes(doc: Doc) -> bytes:
    return doc.data if doc.data is not None else ("\n".join(doc.raw) + "\n").encode(errors="surrogateescape")


def _newest_first(scn: Scenario) -> Scenario | None:
    doc = scn.docs[0]
    lines = _bytes(doc).decode(errors="surrogateescape").splitlines()
    data = ("\n".join(reversed(lines)) + "\n").encode(errors="surrogateescape")
    return replace(scn, docs=[replace(doc, data=data)] + scn.docs[1:])


_COMPRESS = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}


def _compress(kind: str) -> Step:
    def step(scn: Scenario) -> Scenario | None:
        return replace(scn, docs=[replace(d, files={f"{d.name}.{kind}": _COMPRESS[kind](_bytes(d))})
                                  for d in scn.docs])
    return step


def _rotate(scn: Scenario) -> Scenario | None:
    """logrotate of the first input: charon.log.2.gz (oldest), charon.log.1, charon.log."""
    doc = scn.docs[0]
    lines = _bytes(doc).decode(errors="surrogateescape").splitlines(keepends=True)
    if len(lines) < 6:
        return None
    def boundary(i: int) -> int:  # don't split inside a multi-line record (one write)
        while i < len(lines) and lines[i][:1] == " ":
            i += 1
        return i

    a, b = boundary(len(lines) // 3), boundary(2 * len(lines) // 3)
    enc = lambda part: "".join(part).encode(errors="surrogateescape")  # noqa: E731
    files = {"charon.log.2.gz": gzip.compress(enc(lines[:a])), "charon.log.1": enc(lines[a:b]),
             "charon.log": enc(lines[b:])}
    return replace(scn, docs=[replace(doc, files=files)] + scn.docs[1:])


# --- busy gateway: other real clients' negotiations interleaved ------------------------------

BACKGROUND = ("corpus/lab/ok-ikev2-cert", "corpus/lab/ok-ikev2-eap", "corpus/lab/ok-ikev1-xauth-psk",
              "corpus/lab/ok-ikev2-cert-stroke")
_START = re.compile(r"received packet|initiating|is initiating")


def _negotiation_records(folder: str) -> list[Record]:
    recs = load(folder).docs[0].records or []
    start = next((i for i, r in enumerate(recs) if _START.search(r.lines[0])), len(recs))
    return recs[start:]


def _renumber(recs: list[Record], offset: int, conns: set[str]) -> list[Record]:
    names = "|".join(re.escape(c) for c in sorted(conns | {"(unnamed)"}, key=len, reverse=True))
    ike = re.compile(rf"((?:{names}))\[(\d+)\]")
    child = re.compile(r"([\w.-]+)\{(\d+)\}")
    fix = lambda t: child.sub(lambda m: f"{m[1]}{{{int(m[2]) + offset}}}",  # noqa: E731
                               ike.sub(lambda m: f"{m[1]}[{int(m[2]) + offset}]", t))
    return [replace(r, uid=r.uid + offset if r.uid is not None else None, lines=tuple(fix(x) for x in r.lines))
            for r in recs]


def background(scn: Scenario, k: int, folder: str) -> list[Record]:
    """Background scenario `folder` as the k-th unrelated client of scn's gateway."""
    bg = load(folder)
    gw_addrs = _local_addresses(scn.docs[0])
    # the background gateway's address becomes our gateway's; everything else of that client is
    # renamed (its own address too, even when it shares the gateway's /16 as in the lab: another
    # client at our client's address and ports would be the same 5-tuple, not another client)
    own_addrs = set(_local_addresses(bg.docs[0])) if gw_addrs else set()
    renamer = Renamer(replace(bg, docs=bg.docs[:1]), seed=k + 2, keep=own_addrs)
    recs = [replace(r, lines=tuple(renamer.line(x) for x in r.lines), conn=renamer.conn(r.conn) if r.conn else None)
            for r in _negotiation_records(folder)]
    if gw_addrs:
        for own in _local_addresses(bg.docs[0]):
            recs = [replace(r, lines=tuple(x.replace(own, gw_addrs[0]) for x in r.lines)) for r in recs]
    return _renumber(recs, 100 * (k + 1), set(renamer.conns.values()))


def _local_addresses(doc: Doc) -> list[str]:
    found = []
    for r in doc.records or []:
        m = re.match(r"received packet: from \S+ to (\d+\.\d+\.\d+\.\d+)\[", r.lines[0])
        if m and m[1] not in found:
            found.append(m[1])
    return found


def _place(recs: list[Record], at) -> list[Record]:
    first = next(r.ts for r in recs if r.ts is not None)
    return [r.shifted(at - first) for r in recs]


def _busy(count: int) -> Step:
    def step(scn: Scenario) -> Scenario | None:
        gw = scn.docs[0]
        if gw.records is None or gw.records[0].ts is None or scn.name in BACKGROUND:
            return None
        start = next((r.ts for r in gw.records if _START.search(r.lines[0])), gw.records[0].ts)
        merged = list(gw.records)
        for k in range(count):
            folder = BACKGROUND[k % len(BACKGROUND)]
            at = start + timedelta(seconds=2 * k - count)
            merged += _place(background(scn, k, folder), at)
        merged.sort(key=lambda r: r.ts)  # stable: each source keeps its order within a second
        return replace(scn, docs=[replace(gw, records=merged)] + scn.docs[1:])
    return step


def _mid(where: str) -> Step:
    """The gateway log starts (or ends) in the middle of an unrelated client's negotiation."""
    def step(scn: Scenario) -> Scenario | None:
        gw = scn.docs[0]
        if gw.records is None or gw.records[0].ts is None or scn.name in BACKGROUND:
            return None
        other = background(scn, 0, BACKGROUND[0])
        half = len(other) // 2
        if where == "start":
            part = _place(other[half:], gw.records[0].ts - timedelta(seconds=1))
            part = [replace(r, ts=min(r.ts, gw.records[0].ts)) for r in part]
            recs = part + list(gw.records)
        else:
            part = _place(other[:half], gw.records[-1].ts + timedelta(seconds=1))
            recs = list(gw.records) + part
        return replace(scn, docs=[replace(gw, records=recs)] + scn.docs[1:])
    return step


def _cut_startup(scn: Scenario) -> Scenario | None:
    """Users paste from the first packet on: no daemon start, no config dump."""
    docs, done = [], 0
    for doc in scn.docs:
        if doc.records is not None:
            start = next((i for i, r in enumerate(doc.records) if _START.search(r.lines[0])), 0)
            if start:
                doc, done = replace(doc, records=doc.records[start:]), done + 1
        docs.append(doc)
    return replace(scn, docs=docs) if done else None


# --- how logs arrive when pasted (forum posts, tickets, mails, chats) -------------------------

def _paste(fn: Callable[[list[str]], list[str]], *, eol: Callable[[int], str] = lambda i: "\n") -> Step:
    """Every input rewritten line by line (its lines are real, only the decoration is added)."""
    def step(scn: Scenario) -> Scenario | None:
        docs = []
        for doc in scn.docs:
            lines = data_of(doc).decode(errors="surrogateescape").split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            out = fn(lines)
            data = "".join(x + eol(i) for i, x in enumerate(out)).encode(errors="surrogateescape")
            docs.append(replace(doc, data=data))  # records/raw stay: what the lines say
        return replace(scn, docs=docs)
    return step


def _quote(level: str = "> ") -> Callable[[list[str]], list[str]]:
    return lambda lines: [(level + x) if x else level.rstrip() for x in lines]


def _numbered(fmt: str) -> Callable[[list[str]], list[str]]:
    return lambda lines: [fmt.format(i) + x for i, x in enumerate(lines, 1)]


def _indent(lead: str) -> Callable[[list[str]], list[str]]:
    return lambda lines: [lead + x for x in lines]


_PAD_DAY = re.compile(r"^([A-Z][a-z]{2}) {2}(\d) ")


def _terminal_cut(width: int) -> Callable[[list[str]], list[str]]:
    """A pager in a `width`-column terminal, copied: long lines broken at the edge, mid-word."""
    def cut(lines: list[str]) -> list[str]:
        return [x[i:i + width] for x in lines for i in range(0, max(len(x), 1), width)]
    return cut


def _html_day(lines: list[str]) -> list[str]:
    """A web page collapses `Dec  6` to `Dec 6` (HTML folds runs of spaces)."""
    return [_PAD_DAY.sub(r"\1 \2 ", x) for x in lines]


# glibc's %b in nl_NL (journalctl prints the viewer's LC_TIME month names)
_NL_MONTHS = dict(zip("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
                      "jan feb mrt apr mei jun jul aug sep okt nov dec".split()))


def _dutch_months(scn: Scenario) -> Scenario | None:
    """The gateway's journal as a Dutch-speaking admin's journalctl prints it."""
    doc = scn.docs[0]
    lines = data_of(doc).decode(errors="surrogateescape").split("\n")
    data = "\n".join(_NL_MONTHS.get(x[:3], x[:3]) + x[3:] if x[3:4] == " " else x for x in lines)
    return replace(scn, docs=[replace(doc, data=data.encode(errors="surrogateescape")), *scn.docs[1:]])


def mail_wrap(lines: list[str], width: int = 76) -> list[str]:
    """Hard-wrap like a mail client: break at the last space within `width` (the space goes);
    a word longer than the line stays whole on a line of its own."""
    out = []
    for line in lines:
        while len(line) > width:
            k = line.rfind(" ", 0, width + 1)
            if k <= 0:
                k = line.find(" ", width + 1)  # a word longer than the line: break after it
                if k < 0:
                    break
            out.append(line[:k])
            line = line[k + 1:]
        out.append(line)
    return out


# --- the catalogue ---------------------------------------------------------------------------

FILELOG = "charon-filelog"
TRANSFORMS: tuple[Transform, ...] = (
    # filelog options (charon-logs.md §1.2)
    Transform("filelog-weekday", _render(lambda r: render.filelog(r, "%a, %Y-%m-%d, %H:%M:%S")), format=FILELOG),
    Transform("filelog-iso-ms", _render(lambda r: render.filelog(r, "%Y-%m-%dT%H:%M:%S", 3)), format=FILELOG),
    Transform("filelog-iso-us", _render(lambda r: render.filelog(r, "%Y-%m-%dT%H:%M:%S", 6)), format=FILELOG),
    Transform("filelog-ms-no-ike-name", _render(lambda r: render.filelog(r, "%b %e %T", 3, ike_name=False)),
              format=FILELOG),
    Transform("filelog-log-level", _render(lambda r: render.filelog(r, "%b %e %T", log_level=True)), format=FILELOG),
    Transform("no-ike-name", _strip_tags, format=None),
    # syslog (charon-logs.md §1.3)
    Transform("syslog-charon", _render_each(lambda r, h: render.syslog(r, "charon", host=h)), format="syslog"),
    Transform("syslog-charon-pid", _render_each(lambda r, h: render.syslog(r, "charon", host=h, pid=True)),
              format="syslog"),
    Transform("syslog-openwrt-ipsec", _render_each(lambda r, h: render.syslog(r, "ipsec", host=h)), format="syslog"),
    Transform("syslog-remote-pri", _render_each(lambda r, h: render.syslog(r, "charon", host=h, with_host=False,
                                                                           pri=True)), format="syslog"),
    Transform("rsyslog-iso", _render_each(lambda r, h: render.rsyslog_iso(r, host=h)), format="syslog"),
    Transform("pfsense-log-view", _render(render.pfsense_view), format="syslog"),
    Transform("logread-two-facilities", _render(render.logread), format="syslog"),
    Transform("rfc5424", _render_each(lambda r, h: render.rfc5424(r, host=h)), format="syslog"),
    # charon-systemd in the journal, on the gateway (journald-notes.md §2)
    Transform("journal-short", _render_each(lambda r, h: render.journal_short(r, "short", host=h), only_first=True),
              format="journal-text"),
    Transform("journal-short-iso", _render_each(lambda r, h: render.journal_short(r, "short-iso", host=h),
                                                only_first=True), format="journal-text"),
    Transform("journal-short-precise", _render_each(lambda r, h: render.journal_short(r, "short-precise", host=h),
                                                    only_first=True), format="journal-text"),
    Transform("journal-json", _render_each(lambda r, h: render.journal_json(r, host=h), only_first=True),
              format="journal-json"),
    Transform("journal-export", _render_each(lambda r, h: render.journal_export(r, host=h), only_first=True),
              format="journal-export"),
    # journalctl's other output modes (systemd logs-show.c)
    *(Transform(f"journal-{mode}", _render_each(lambda r, h, mode=mode: render.journal_short(r, mode, host=h),
                                                only_first=True), format="journal-text")
      for mode in ("short-full", "short-unix", "short-iso-precise", "with-unit")),
    Transform("journal-short-x", _render_each(lambda r, h: render.journal_short(r, "short", host=h, catalog=True),
                                              only_first=True), format="journal-text"),
    *(Transform(f"journal-{framing}", _render_each(lambda r, h, framing=framing: render.journal_json_framed(
        r, framing, host=h), only_first=True), format="journal-json")
      for framing in ("json-seq", "json-sse", "json-pretty")),
    Transform("journal-verbose", _render_each(lambda r, h: render.journal_verbose(r, host=h), only_first=True),
              format="journal-export"),
    # 6.x JSON filelog (strongswan6-notes.md §1.2), docker -t (charon-logs.md §1.6)
    Transform("json6", _render(render.json6), format="charon-json"),
    Transform("docker-t", _render(render.docker), format=None),
    # clocks (both directions, seconds and whole hours)
    Transform("skew+37s", _skew(37), skew_s=37),
    Transform("skew-45s", _skew(-45), skew_s=-45),
    Transform("skew+2h", _skew(7200), skew_s=7200),
    Transform("skew-3h", _skew(-10800), skew_s=-10800),
    # identities and addresses
    Transform("rename", _rename()),
    Transform("rename-ipv6-outer", _rename(ipv6=True)),
    # what users paste
    Transform("newest-first", _newest_first),
    Transform("gzip", _compress("gz")),
    Transform("bz2-xz", lambda s: _compress("bz2")(s) if len(s.docs) < 2 else replace(
        s, docs=_compress("bz2")(s).docs[:1] + _compress("xz")(s).docs[1:])),
    Transform("rotated", _rotate),
    Transform("cut-startup", _cut_startup),
    Transform("mid-start", _mid("start")),
    Transform("mid-end", _mid("end")),
    Transform("busy-6", _busy(6)),
    # paste decorations: quoting, line numbers, code-block indentation, CRLF, mail wrap
    Transform("paste-quote", _paste(_quote("> "))),
    Transform("paste-quote-nested", _paste(_quote(">> "))),
    Transform("paste-line-numbers", _paste(_numbered("{}: "))),
    Transform("paste-line-numbers-bar", _paste(_numbered("{:>4} | "))),
    Transform("paste-indent", _paste(_indent("    "))),
    Transform("paste-indent-tab", _paste(_indent("\t"))),
    Transform("paste-crlf", _paste(lambda lines: lines, eol=lambda i: "\r\n")),
    Transform("paste-some-cr", _paste(lambda lines: lines, eol=lambda i: "\r\n" if i % 3 == 0 else "\n")),
    Transform("paste-html-day", _paste(_html_day)),
    Transform("paste-terminal-cut", _paste(_terminal_cut(120))),
    Transform("journal-short-nl", _chain(_render_each(lambda r, h: render.journal_short(r, "short", host=h),
                                                      only_first=True), _dutch_months), format="journal-text"),
    Transform("paste-mail-wrap", _paste(mail_wrap)),
    Transform("paste-mail-quote-wrap", _paste(lambda lines: _quote("> ")(mail_wrap(lines, 72)))),
    # combinations seen in the field
    Transform("journal-json+skew-1h", _chain(_skew(-3600), _render_each(
        lambda r, h: render.journal_json(r, host=h), only_first=True)), skew_s=-3600),
    Transform("rsyslog-iso+rename+skew+20s", _chain(_rename(), _skew(20), _render_each(
        lambda r, h: render.rsyslog_iso(r, host=h))), skew_s=20),
    Transform("busy+no-ike-name", _chain(_busy(4), _strip_tags), heavy=True),
    Transform("busy+journal-short", _chain(_busy(4), _render_each(
        lambda r, h: render.journal_short(r, "short", host=h), only_first=True)), heavy=True),
)
BY_NAME = {t.name: t for t in TRANSFORMS}
