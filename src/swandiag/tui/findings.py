"""Findings with their explanation, fix and evidence; Enter on an evidence line jumps to it."""
from __future__ import annotations

import os
from collections.abc import Callable

from rich.console import Group
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..rules.records import Finding
from .model import SEVERITY_ICON, SEVERITY_STYLE, AnalysisView
from .text import clean

Redact = Callable[[str], str]


def _plain(s: str) -> str:
    return s


class FindingsPanel(OptionList):
    """Options are either text (disabled) or one evidence line (id `ev:<input>:<line>:<n>`)."""

    def show(self, view: AnalysisView, findings: list[Finding], redact: Redact | None = None) -> None:
        red = redact or _plain
        self.clear_options()
        if not findings:
            self.add_option(Option(Text("No finding for this negotiation.", "dim"), disabled=True))
            return
        n = 0
        first_evidence = None
        for f in findings:
            title = Text()
            title.append(f"{SEVERITY_ICON[f.severity]} {f.severity.label.upper()} ", SEVERITY_STYLE[f.severity])
            title.append(clean(f.title), "bold")
            title.append(f"  ({f.confidence:.0%})", "dim")
            if f.inconclusive:
                title.append("  inconclusive", "yellow")
            self.add_option(Option(title, disabled=True))
            if f.explanation:
                self.add_option(Option(Text(red(clean(f.explanation))), disabled=True))
            for ev in f.evidence:
                target = view.evidence_target(ev)
                line = Text("  ↳ ", "bold cyan")
                line.append(f"{ev.side} {os.path.basename(ev.input)}:{ev.line} ", "cyan")
                line.append(red(clean(ev.text)), "italic")
                oid = f"ev:{target.input}:{target.line}:{n}" if target else None
                n += 1
                self.add_option(Option(line, id=oid, disabled=target is None))
                if first_evidence is None and target is not None:
                    first_evidence = self.option_count - 1
            fix = _fix(f, red)
            if fix is not None:
                self.add_option(Option(fix, disabled=True))
            self.add_option(None)  # separator
        self.highlighted = first_evidence


def _fix(f: Finding, red: Redact) -> Group | None:
    parts: list[Text] = []
    if f.fix.summary:
        parts.append(Text.assemble(("Fix: ", "bold green"), red(clean(f.fix.summary))))
    for who, snippets in (("gateway", f.fix.gateway), ("client", f.fix.client)):
        for where, snippet in snippets.items():
            parts.append(Text(f"  {who} · {clean(where)}", "green"))
            for line in snippet.splitlines()[:12]:
                parts.append(Text("    " + red(clean(line)), "bright_white on grey15"))
    if f.collect:
        parts.append(Text("To be sure, collect: " + "; ".join(clean(c) for c in f.collect), "yellow"))
    return Group(*parts) if parts else None
