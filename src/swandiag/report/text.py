"""`--format text`: for terminals. Coloured only when asked (stdout is a TTY and NO_COLOR is
unset: the command decides), plain otherwise; laid out for 80 columns.

Everything goes through rich `Text` objects, never markup strings, so a `[bold]` or an
escape sequence inside a log line is shown as the characters it is (the model already
stripped control characters).
"""
from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from .ladder import LadderRow
from .model import FindingRow, NegotiationRow, Report

SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "cyan"}
OUTCOME_STYLE = {"established": "green", "failed": "red", "timed-out": "red", "deleted": "yellow"}
LADDER_ROWS = 60


class _Out:
    def __init__(self, width: int, color: bool):
        self.buf = io.StringIO()
        self.console = Console(file=self.buf, width=width, color_system="standard" if color else None,
                               force_terminal=color, no_color=not color, highlight=False, markup=False,
                               emoji=False, soft_wrap=False, legacy_windows=False)
        self.width = width

    def line(self, *parts: tuple[str, str] | str, indent: int = 0, hang: int = 2) -> None:
        text = Text()
        for part in parts:
            if isinstance(part, tuple):
                text.append(part[0], style=part[1] or None)
            else:
                text.append(part)
        # wrap ourselves so continuation lines keep the block's indent (plus two)
        avail = max(20, self.width - indent - hang)
        for n, chunk in enumerate(text.wrap(self.console, avail, overflow="fold")):
            chunk.rstrip()
            self.console.print(Text(" " * (indent + (hang if n else 0))) + chunk, crop=False, soft_wrap=True)

    def para(self, body: str, indent: int, style: str = "") -> None:
        for raw in _paragraphs(body):
            self.line((raw, style), indent=indent, hang=0)

    def blank(self) -> None:
        self.console.print("")

    def heading(self, title: str) -> None:
        self.blank()
        self.line((title, "bold underline"))


def _paragraphs(body: str) -> list[str]:
    """Reflow text written with hard line breaks: a blank line ends a paragraph, and a line
    that starts a list item or a snippet (indented) keeps its own line."""
    out: list[str] = []
    for line in body.splitlines():
        stripped = line.strip()
        if not stripped:
            if out and out[-1] != "":
                out.append("")
            continue
        starts_block = stripped[:2] in ("- ", "* ") or line[:1] in (" ", "\t") or stripped[:1].isdigit() and ". " in stripped[:4]
        if out and out[-1] and not starts_block:
            out[-1] += " " + stripped
        else:
            out.append(line.rstrip() if line[:1] in (" ", "\t") else stripped)
    while out and out[-1] == "":
        out.pop()
    return [p for p in out if p] or [""]


def _short_time(iso: str | None) -> str:
    return iso[11:23] if iso and len(iso) >= 23 else (iso or "--:--:--.---")


def _header(out: _Out, report: Report) -> None:
    redacted = "redacted" if report.redacted else "NOT redacted"
    out.line(("swandiag report", "bold"), "  ", (redacted, "yellow" if not report.redacted else "dim"))
    out.line((f"swandiag {report.swandiag_version} · patterns {report.patterns_version}", "dim"))
    out.heading("Inputs")
    for i in report.inputs:
        out.line((i.path, "bold"), f"  {i.format} ({i.confidence:.2f})", f"  host {i.host or '-'}", indent=2)
        out.line(f"{i.lines} lines, {i.events} events, {i.unrecognised_lines} unrecognised", indent=4)
        last = i.last[11:] if i.first and i.last and i.first[:10] == i.last[:10] else i.last
        out.line(f"{i.first or '?'} → {last or '?'}", indent=4)
        if i.shift_s:
            out.line(f"clock corrected by {-i.shift_s:+.3f} s", indent=4)
        levels = " ".join(f"{g}={lv}" for g, lv in i.levels.items()) or "not printed"
        verdict = {True: ("levels sufficient", "green"), False: ("levels too low", "yellow"), None: ("levels unknown", "dim")}
        out.line(f"levels {levels} · ", verdict[i.level_sufficient], indent=4)
        for advice in i.level_advice:
            out.line(("add: ", "dim"), advice, indent=6)
        out.line((f"sha256 {i.sha256 or '?'}", "dim"), indent=4)
    if report.clock_offsets:
        out.heading("Clock offsets")
        for o in report.clock_offsets:
            out.line(f"{o.to} vs {o.from_}: {o.offset_s:+.3f} s ± {o.uncertainty_s:.3f} s ({o.method}, {o.samples} samples)",
                     indent=2)


def _finding(out: _Out, n: int, f: FindingRow) -> None:
    out.blank()
    tag = f.severity.upper() + (" (inconclusive)" if f.inconclusive else "")
    out.line(f"{n}. ", (tag, SEVERITY_STYLE.get(f.severity, "")), "  ", (f.title, "bold"), indent=0)
    out.line((f"{f.id} · confidence {f.confidence:.2f}", "dim"), indent=3)
    if f.explained_by:
        out.line(("a symptom of: ", "yellow"), ", ".join(f.explained_by), " (fix that first)", indent=3)
    if f.negotiations:
        out.line(("negotiations: ", "dim"), ", ".join(f.negotiations), indent=3)
    out.para(f.explanation, indent=3)
    if f.evidence:
        out.line(("Evidence", "bold"), indent=3)
        for e in f.evidence:
            out.line((f"{e.side:<8}", "cyan"), f" {e.input}:{e.line}", indent=5)
            out.para(e.text, indent=7, style="dim")
    if (f.fix_summary or f.fixes) and not f.explained_by:
        out.line(("Fix", "bold"), indent=3)
        if f.fix_summary:
            out.para(f.fix_summary, indent=5)
        for fix in f.fixes:
            out.line((f"{fix.side} — {fix.heading}:", "cyan"), indent=5)
            for line in fix.snippet.split("\n"):
                out.line(line, indent=7)  # config: indentation matters, folded only if too long
    if f.references:
        out.line(("References", "bold"), indent=3)
        for ref in f.references:
            out.para(ref, indent=5)
    if f.collect:
        out.line(("To be sure, collect", "bold"), indent=3)
        for c in f.collect:
            out.para(f"- {c}", indent=5)


def _ladder_row(out: _Out, row: LadderRow) -> None:
    arrow = f"{row.sender} → {row.receiver}"
    out.line(_short_time(row.time), "  ", (arrow, "cyan"), "  ", (row.label, "bold"),
             f" ×{row.retransmits + 1}" if row.retransmits else "", indent=2)
    refs = ", ".join(x for x in (f"sent {row.sent}" if row.sent else "", f"received {row.received}" if row.received else "") if x)
    delay = f" (+{row.delay_s:.3f} s)" if row.delay_s is not None else ""
    detail = f"[{row.payloads}] " if row.payloads else ""
    out.para(f"{detail}{refs}{delay}", indent=16, style="dim")
    if row.note:
        out.line((row.note, "yellow"), indent=16)


def _negotiation(out: _Out, report: Report, n: NegotiationRow) -> None:
    peer, rows = report.with_peer(n)
    out.blank()
    title = f"{n.id} ⇄ {peer.id}" if peer else n.id
    out.line((title, "bold"))
    for row in rows:
        outcome = row.outcome_text
        ike = f"IKEv{row.ike_version}" if row.ike_version else "IKE?"
        out.line(f"{row.side} {row.role} {ike} {row.conn or ''}".rstrip() + ": ",
                 (outcome, OUTCOME_STYLE.get(row.outcome, "")), indent=2)
        ends = f"{row.local or '?'} ({row.local_id or '?'}) ↔ {row.remote or '?'} ({row.remote_id or '?'})"
        out.para(ends, indent=4, style="dim")
    if peer:
        out.line(("paired by ", "dim"), ", ".join(n.pairing_evidence) or "?", indent=2)
    elif n.unpaired_reason:
        out.line(("unpaired: ", "dim"), n.unpaired_reason, indent=2)
    for row in n.ladder[:LADDER_ROWS]:
        _ladder_row(out, row)
    if len(n.ladder) > LADDER_ROWS:
        out.line((f"… {len(n.ladder) - LADDER_ROWS} more messages (see --format json)", "dim"), indent=2)


def render(report: Report, *, color: bool = False, width: int = 80) -> str:
    out = _Out(width=max(60, width), color=color)
    _header(out, report)
    out.heading("Diagnosis")
    if not report.findings:
        out.line("No finding: nothing in these logs matches a known failure.", indent=2)
    for n, f in enumerate(report.findings, 1):
        _finding(out, n, f)
    if report.negotiations:
        out.heading(f"Negotiations ({len(report.negotiations)})")
        for nid in report.shown_ladders:
            neg = report.negotiation(nid)
            if neg:
                _negotiation(out, report, neg)
        hidden = len(report.negotiations) - sum(1 + bool(report.negotiation(x) and report.negotiation(x).peer)
                                                 for x in report.shown_ladders)
        if hidden > 0:
            out.blank()
            out.line((f"{hidden} more negotiations in --format json", "dim"), indent=2)
    if report.missing:
        out.heading("What is missing to be sure")
        for m in report.missing:
            out.para(f"- [{m.side}] {m.item}", indent=2)
            out.para(m.reason, indent=4, style="dim")
    if report.problems:
        out.heading("Problems reading the inputs")
        for p in report.problems:
            out.para(f"- {p}", indent=2)
    return out.buf.getvalue()
