"""`--format markdown`: pastes into GitHub / GitLab / Jira tickets.

Log lines go into code fences (longer than any backtick run inside them, so no line can close
the fence); every other piece of text is escaped so that neither markdown nor inline HTML in
a log line (`<script>`, `&lt;`, `[x](javascript:…)`) is interpreted.
"""
from __future__ import annotations

import regex

from .ladder import LadderRow
from .model import FindingRow, NegotiationRow, Report
from ..limits import REGEX_TIMEOUT

# Markdown punctuation that can start markup anywhere in a line; `_` only where it is not
# inside a word (GFM ignores intraword underscores, so IKE_SA_INIT stays readable).
_SPECIAL = regex.compile(r"([\\`*\[\]|~])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = regex.compile(r"^(\s*\d*)((?<=\d)[.)]|(?<!\d)[#+\-=])")
LADDER_ROWS = 60


def esc(text: str | None, *, line_start: bool = False) -> str:
    """Escape inline text: HTML first (so `&lt;` shows as typed), then markdown punctuation;
    `line_start` when the text begins a line (a leading '#', '-' or '1.' would start a block)."""
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(lambda m: "\\" + m.group(0), text, timeout=REGEX_TIMEOUT)
    if line_start:
        text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, timeout=REGEX_TIMEOUT)
    return text.replace("\n", " ")


def cell(text: str | None) -> str:
    return esc(text) or " "


def code(text: str) -> str:
    """An inline code span that no backtick in `text` can end."""
    longest = max((len(m) for m in regex.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text.replace(chr(10), ' ')}{pad}{ticks}"


def fence(lines: list[str], lang: str = "text") -> list[str]:
    body = "\n".join(lines)
    longest = max((len(m) for m in regex.findall(r"`{3,}|~{3,}", body)), default=0)
    marker = "`" * max(3, longest + 1)
    return [f"{marker}{lang}", *lines, marker]


def _header(out: list[str], report: Report) -> None:
    out.append("# swandiag report")
    out.append("")
    out.append(f"swandiag {esc(report.swandiag_version)} · patterns {esc(report.patterns_version)} · "
               + ("redacted" if report.redacted else "**not redacted**"))
    out.append("")
    out.append("## Inputs")
    out.append("")
    out.append("| input | format | host | lines (unrecognised) | from | to | levels |")
    out.append("|---|---|---|---|---|---|---|")
    for i in report.inputs:
        levels = " ".join(f"{g}={lv}" for g, lv in i.levels.items()) or "not printed"
        verdict = {True: "sufficient", False: "**too low**", None: "unknown"}[i.level_sufficient]
        out.append(f"| {code(i.path)} | {cell(i.format)} ({i.confidence:.2f}) | {cell(i.host)} | "
                   f"{i.lines} ({i.unrecognised_lines}) | {cell(i.first)} | {cell(i.last)} | {esc(levels)}: {verdict} |")
    out.append("")
    for i in report.inputs:
        out.append(f"- {code(i.path)} sha256 {code(i.sha256 or '?')}"
                   + (f", clock corrected by {-i.shift_s:+.3f} s" if i.shift_s else ""))
        for advice in i.level_advice:
            out.append(f"  - add to strongswan.conf: {code(advice)}")
    if report.clock_offsets:
        out.append("")
        out.append("### Clock offsets")
        out.append("")
        out.append("| from | to | offset | uncertainty | method |")
        out.append("|---|---|---|---|---|")
        for o in report.clock_offsets:
            out.append(f"| {code(o.from_)} | {code(o.to)} | {o.offset_s:+.3f} s | ± {o.uncertainty_s:.3f} s | "
                       f"{cell(o.method)} ({o.samples} samples) |")


def _finding(out: list[str], n: int, f: FindingRow) -> None:
    out.append("")
    flag = " (inconclusive)" if f.inconclusive else ""
    out.append(f"### {n}. {esc(f.title)}")
    out.append("")
    out.append(f"**{f.severity.upper()}**{flag} · {code(f.id)} · confidence {f.confidence:.2f}"
               + (f" · negotiations {', '.join(code(x) for x in f.negotiations)}" if f.negotiations else ""))
    if f.explained_by:
        out.append("")
        out.append("*A symptom of " + ", ".join(code(x) for x in f.explained_by) + ": fix that first.*")
    out.append("")
    for para in f.explanation.split("\n"):
        out.append(esc(para, line_start=True) if para.strip() else "")
    if f.evidence:
        out.append("")
        out.append("**Evidence**")
        out.append("")
        out.extend(fence([f"[{e.side}] {e.input}:{e.line}  {e.text}" for e in f.evidence], "log"))
    if (f.fix_summary or f.fixes) and not f.explained_by:
        out.append("")
        out.append("**Fix**")
        out.append("")
        if f.fix_summary:
            out.append(esc(f.fix_summary, line_start=True))
            out.append("")
        for fix in f.fixes:
            out.append(f"*{esc(fix.side)} — {esc(fix.heading)}*")
            out.append("")
            out.extend(fence(fix.snippet.split("\n"), "text"))
            out.append("")
    if f.references:
        out.append("")
        out.append("References: " + ", ".join(code(r) for r in f.references))
    if f.collect:
        out.append("")
        out.append("To be sure, collect:")
        out.extend(f"- {esc(c)}" for c in f.collect)


def _ladder_line(row: LadderRow) -> str:
    time = row.time[11:23] if row.time and len(row.time) >= 23 else "--:--:--.---"
    refs = ", ".join(x for x in (f"sent {row.sent}" if row.sent else "", f"recv {row.received}" if row.received else "") if x)
    delay = f" +{row.delay_s:.3f}s" if row.delay_s is not None else ""
    rtx = f" x{row.retransmits + 1}" if row.retransmits else ""
    note = f"  !! {row.note}" if row.note else ""
    payloads = f" [{row.payloads}]" if row.payloads else ""
    return f"{time}  {row.sender} -> {row.receiver}  {row.label}{rtx}{payloads}  ({refs}{delay}){note}"


def _negotiation(out: list[str], report: Report, n: NegotiationRow) -> None:
    peer, rows = report.with_peer(n)
    out.append("")
    out.append(f"### {esc(n.id)}" + (f" ⇄ {esc(peer.id)}" if peer else ""))
    out.append("")
    out.append("| negotiation | side | role | IKE | outcome | local | remote |")
    out.append("|---|---|---|---|---|---|---|")
    for row in rows:
        outcome = row.outcome_text
        out.append(f"| {code(row.id)} | {cell(row.side)} | {cell(row.role)} | {row.ike_version or '?'} | {cell(outcome)} | "
                   f"{cell(row.local)} {cell(row.local_id)} | {cell(row.remote)} {cell(row.remote_id)} |")
    out.append("")
    if peer:
        out.append(f"Paired by {esc(', '.join(n.pairing_evidence) or '?')}.")
    elif n.unpaired_reason:
        out.append(f"Unpaired: {esc(n.unpaired_reason)}.")
    if n.ladder:
        out.append("")
        lines = [_ladder_line(r) for r in n.ladder[:LADDER_ROWS]]
        if len(n.ladder) > LADDER_ROWS:
            lines.append(f"... {len(n.ladder) - LADDER_ROWS} more messages (see --format json)")
        out.extend(fence(lines, "text"))


def render(report: Report) -> str:
    out: list[str] = []
    _header(out, report)
    out.append("")
    out.append("## Diagnosis")
    if not report.findings:
        out.append("")
        out.append("No finding: nothing in these logs matches a known failure.")
    for n, f in enumerate(report.findings, 1):
        _finding(out, n, f)
    if report.negotiations:
        out.append("")
        out.append(f"## Negotiations ({len(report.negotiations)})")
        for nid in report.shown_ladders:
            neg = report.negotiation(nid)
            if neg:
                _negotiation(out, report, neg)
    if report.missing:
        out.append("")
        out.append("## What is missing to be sure")
        out.append("")
        for m in report.missing:
            out.append(f"- \\[{esc(m.side)}\\] {esc(m.item)} — {esc(m.reason)}")
    if report.problems:
        out.append("")
        out.append("## Problems reading the inputs")
        out.append("")
        out.extend(f"- {esc(p)}" for p in report.problems)
    return "\n".join(out) + "\n"
