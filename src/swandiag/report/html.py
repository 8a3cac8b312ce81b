"""`--format html`: one self-contained page to attach to a ticket.

Inline CSS, no script, no external request (a Content-Security-Policy that allows nothing but
the inline style makes sure of it), printable, evidence and ladders in <details>. Every
string of the model passes through `e()` (html.escape with quotes) — no exceptions.
"""
from __future__ import annotations

from html import escape

from .ladder import LadderRow
from .model import FindingRow, NegotiationRow, Report

LADDER_ROWS = 60

CSS = """
:root { --fg:#1d232a; --muted:#5c6670; --line:#d6dbe0; --bg:#fff; --code:#f4f6f8;
        --err:#b3261e; --warn:#8a5a00; --info:#0b5cad; --ok:#1e7d32; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
       background: var(--bg); max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line);
     padding-bottom: .2rem; margin-top: 2rem; } h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.meta { color: var(--muted); } .warnflag { color: var(--warn); font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: var(--code); }
code, pre { font: 12.5px/1.4 ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
pre { background: var(--code); padding: .5rem .7rem; overflow-x: auto; white-space: pre-wrap;
      word-break: break-all; border-radius: 4px; margin: .3rem 0; }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--info); border-radius: 4px;
           padding: .6rem .9rem; margin: .8rem 0; page-break-inside: avoid; }
.finding.error { border-left-color: var(--err); } .finding.warning { border-left-color: var(--warn); }
.sev { font-weight: 700; text-transform: uppercase; font-size: .8rem; letter-spacing: .04em; }
.sev.error { color: var(--err); } .sev.warning { color: var(--warn); } .sev.info { color: var(--info); }
.explanation { white-space: pre-wrap; }
.side { display: inline-block; min-width: 5.5em; font-weight: 600; color: var(--info); }
details { margin: .3rem 0; } summary { cursor: pointer; font-weight: 600; }
.ladder td.t { white-space: nowrap; font-family: ui-monospace, Menlo, Consolas, monospace; }
.ladder td.arrow { white-space: nowrap; } .ladder .note { color: var(--warn); font-weight: 600; }
.ladder .refs { color: var(--muted); font-size: .85em; }
.outcome-established { color: var(--ok); } .outcome-failed, .outcome-timed-out { color: var(--err); }
ul.missing li { margin: .2rem 0; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } summary { list-style: none; }
  .finding { border-left-width: 3px; } pre { white-space: pre-wrap; } a { color: inherit; } }
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'"


def e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _header(out: list[str], report: Report) -> None:
    flag = "redacted" if report.redacted else '<span class="warnflag">not redacted</span>'
    out.append("<h1>swandiag report</h1>")
    out.append(f'<p class="meta">swandiag {e(report.swandiag_version)} · patterns {e(report.patterns_version)} · {flag}</p>')
    out.append("<h2>Inputs</h2>")
    out.append("<table><thead><tr><th>input</th><th>format</th><th>host</th><th>lines</th><th>time range</th>"
               "<th>levels</th><th>sha256</th></tr></thead><tbody>")
    for i in report.inputs:
        levels = " ".join(f"{g}={lv}" for g, lv in i.levels.items()) or "not printed"
        verdict = {True: "sufficient", False: "too low", None: "unknown"}[i.level_sufficient]
        advice = "".join(f"<br><code>{e(a)}</code>" for a in i.level_advice)
        shift = f"<br>clock corrected by {-i.shift_s:+.3f} s" if i.shift_s else ""
        out.append(
            f"<tr><td><code>{e(i.path)}</code></td><td>{e(i.format)} ({i.confidence:.2f})</td><td>{e(i.host or '-')}</td>"
            f"<td>{i.lines} ({i.unrecognised_lines} unrecognised)</td><td>{e(i.first or '?')} →<br>{e(i.last or '?')}{shift}</td>"
            f"<td>{e(levels)}: {e(verdict)}{advice}</td><td><code>{e((i.sha256 or '?')[:16])}…</code></td></tr>")
    out.append("</tbody></table>")
    if report.clock_offsets:
        out.append("<h3>Clock offsets</h3><table><thead><tr><th>from</th><th>to</th><th>offset</th><th>uncertainty</th>"
                   "<th>method</th></tr></thead><tbody>")
        for o in report.clock_offsets:
            out.append(f"<tr><td><code>{e(o.from_)}</code></td><td><code>{e(o.to)}</code></td><td>{o.offset_s:+.3f} s</td>"
                       f"<td>± {o.uncertainty_s:.3f} s</td><td>{e(o.method)} ({o.samples} samples)</td></tr>")
        out.append("</tbody></table>")


def _finding(out: list[str], n: int, f: FindingRow) -> None:
    sev = e(f.severity)
    out.append(f'<section class="finding {sev}" id="finding-{n}">')
    flag = " (inconclusive)" if f.inconclusive else ""
    out.append(f'<h3>{n}. {e(f.title)}</h3><p><span class="sev {sev}">{sev}{e(flag)}</span> · <code>{e(f.id)}</code>'
               f" · confidence {f.confidence:.2f}"
               + (" · negotiations " + ", ".join(f"<code>{e(x)}</code>" for x in f.negotiations) if f.negotiations else "")
               + "</p>")
    if f.explained_by:
        out.append(f'<p class="symptom">A symptom of {e(", ".join(f.explained_by))}: fix that first.</p>')
    out.append(f'<p class="explanation">{e(f.explanation)}</p>')
    if f.evidence:
        out.append(f"<details open><summary>Evidence ({len(f.evidence)} lines)</summary>")
        for ev in f.evidence:
            out.append(f'<div><span class="side">{e(ev.side)}</span> <code>{e(ev.input)}:{ev.line}</code>'
                       f"<pre>{e(ev.text)}</pre></div>")
        out.append("</details>")
    if (f.fix_summary or f.fixes) and not f.explained_by:
        out.append("<details open><summary>Fix</summary>")
        if f.fix_summary:
            out.append(f'<p class="explanation">{e(f.fix_summary)}</p>')
        for fix in f.fixes:
            out.append(f"<div><strong>{e(fix.side)}</strong> — {e(fix.heading)}<pre>{e(fix.snippet)}</pre></div>")
        out.append("</details>")
    if f.references:
        # shown as text, not links: a report must not make the reader's browser fetch anything
        out.append("<p>References: " + ", ".join(f"<code>{e(r)}</code>" for r in f.references) + "</p>")
    if f.collect:
        out.append("<p>To be sure, collect:</p><ul>" + "".join(f"<li>{e(c)}</li>" for c in f.collect) + "</ul>")
    out.append("</section>")


def _ladder(out: list[str], rows: list[LadderRow]) -> None:
    out.append('<table class="ladder"><thead><tr><th>time (UTC, corrected)</th><th>direction</th><th>message</th>'
               "<th>logged at</th></tr></thead><tbody>")
    for r in rows[:LADDER_ROWS]:
        refs = "<br>".join(x for x in (f"sent {e(r.sent)}" if r.sent else "", f"received {e(r.received)}" if r.received else "") if x)
        delay = f" (+{r.delay_s:.3f} s)" if r.delay_s is not None else ""
        note = f'<br><span class="note">{e(r.note)}</span>' if r.note else ""
        rtx = f" ×{r.retransmits + 1}" if r.retransmits else ""
        payloads = f"<br><code>[{e(r.payloads)}]</code>" if r.payloads else ""
        time = e(r.time[11:23] if r.time and len(r.time) >= 23 else (r.time or "?"))
        out.append(f'<tr><td class="t">{time}</td><td class="arrow">{e(r.sender)} → {e(r.receiver)}</td>'
                   f"<td><strong>{e(r.label)}</strong>{e(rtx)}{payloads}</td><td class=\"refs\">{refs}{e(delay)}{note}</td></tr>")
    if len(rows) > LADDER_ROWS:
        out.append(f'<tr><td colspan="4">… {len(rows) - LADDER_ROWS} more messages (see --format json)</td></tr>')
    out.append("</tbody></table>")


def _negotiation(out: list[str], report: Report, n: NegotiationRow, open_: bool) -> None:
    peer, rows = report.with_peer(n)
    title = f"{n.id} ⇄ {peer.id}" if peer else n.id
    out.append(f"<details{' open' if open_ else ''}><summary>{e(title)} — {e(n.outcome)}</summary>")
    out.append("<table><thead><tr><th>negotiation</th><th>side / role</th><th>IKE</th><th>outcome</th><th>local</th>"
               "<th>remote</th></tr></thead><tbody>")
    for row in rows:
        outcome = row.outcome_text
        out.append(f"<tr><td><code>{e(row.id)}</code></td><td>{e(row.side)} / {e(row.role)}</td>"
                   f"<td>{e(row.ike_version or '?')}</td><td class=\"outcome-{e(row.outcome)}\">{e(outcome)}</td>"
                   f"<td>{e(row.local or '?')}<br>{e(row.local_id or '')}</td><td>{e(row.remote or '?')}<br>{e(row.remote_id or '')}</td></tr>")
    out.append("</tbody></table>")
    if peer:
        out.append(f"<p>Paired by {e(', '.join(n.pairing_evidence) or '?')}.</p>")
    elif n.unpaired_reason:
        out.append(f"<p>Unpaired: {e(n.unpaired_reason)}.</p>")
    if n.ladder:
        _ladder(out, n.ladder)
    out.append("</details>")


def render(report: Report) -> str:
    out: list[str] = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        "<title>swandiag report</title>", f"<style>{CSS}</style>", "</head><body>",
    ]
    _header(out, report)
    out.append("<h2>Diagnosis</h2>")
    if not report.findings:
        out.append("<p>No finding: nothing in these logs matches a known failure.</p>")
    for n, f in enumerate(report.findings, 1):
        _finding(out, n, f)
    if report.negotiations:
        out.append(f"<h2>Negotiations ({len(report.negotiations)})</h2>")
        cited = {x for f in report.findings for x in f.negotiations}
        for k, nid in enumerate(report.shown_ladders):
            neg = report.negotiation(nid)
            if neg:
                _negotiation(out, report, neg, open_=k < 3 or nid in cited)
    if report.missing:
        out.append('<h2>What is missing to be sure</h2><ul class="missing">')
        out.extend(f"<li><strong>[{e(m.side)}]</strong> {e(m.item)}<br><span class=\"meta\">{e(m.reason)}</span></li>"
                   for m in report.missing)
        out.append("</ul>")
    if report.problems:
        out.append("<h2>Problems reading the inputs</h2><ul>" + "".join(f"<li>{e(p)}</li>" for p in report.problems) + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
