"""Read-only helpers over an Analysis for the views: ranking, lookups, icons, times."""
from __future__ import annotations

import time as _time
from dataclasses import dataclass

from rich.text import Text

from ..analysis import Analysis
from ..negotiation.records import Negotiation, Outcome, Side
from ..rules.records import Evidence, Finding, Severity

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
SEVERITY_ICON = {Severity.ERROR: "✖", Severity.WARNING: "▲", Severity.INFO: "ℹ"}
OUTCOME_ICON = {
    Outcome.ESTABLISHED: ("✔", "green"),
    Outcome.FAILED: ("✖", "bold red"),
    Outcome.DELETED: ("⏏", "cyan"),
    Outcome.TIMED_OUT: ("⌛", "yellow"),
    Outcome.REKEYED: ("↻", "green"),
    Outcome.UNKNOWN: ("?", "dim"),
}
INPUT_COLOURS = ("#4f9dde", "#e0a030", "#55c08a", "#c678dd", "#e06c75", "#56b6c2", "#d19a66", "#98c379")


def input_colour(index: int) -> str:
    return INPUT_COLOURS[index % len(INPUT_COLOURS)]


def short(nid: str) -> str:
    """A negotiation id without the folders of its input name (`gateway.log#1`)."""
    return nid.rsplit("/", 1)[-1]


def ranked(findings: list[Finding]) -> list[Finding]:
    """Most important first: severity, then root cause before symptom, then confidence."""
    return sorted(findings, key=lambda f: (-int(f.severity), -f.rank, -f.confidence, f.title))


def clock(ts: float | None) -> str:
    """HH:MM:SS.mmm of a corrected time (UTC: the same on every machine, for snapshots)."""
    if ts is None:
        return "--:--:--.---"
    t = _time.gmtime(ts)
    return f"{t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02}.{int(ts * 1000) % 1000:03}"


def day_clock(ts: float | None) -> str:
    if ts is None:
        return "?"
    return _time.strftime("%Y-%m-%d %H:%M:%S", _time.gmtime(ts))


@dataclass(slots=True)
class EvidenceTarget:
    input: int
    line: int


class AnalysisView:
    """What the widgets ask of an Analysis, computed once per analysis."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.findings = ranked(analysis.findings)
        self.by_id: dict[str, Negotiation] = {n.id: n for n in analysis.negotiations}
        self._input_by_name = {s.spec.name: i for i, s in enumerate(analysis.inputs)}

    def negotiation(self, nid: str | None) -> Negotiation | None:
        return self.by_id.get(nid) if nid else None

    def peer(self, neg: Negotiation) -> Negotiation | None:
        return self.by_id.get(self.analysis.correlation.peer.get(neg.id, ""))

    def lanes(self, neg: Negotiation) -> tuple[Negotiation | None, Negotiation | None]:
        """(gateway side, client side) of a negotiation and its peer."""
        peer = self.peer(neg)
        if neg.side is Side.CLIENT or (peer is not None and peer.side is Side.GATEWAY):
            return peer, neg
        return neg, peer

    def findings_for(self, neg: Negotiation) -> list[Finding]:
        ids = {neg.id}
        peer = self.peer(neg)
        if peer is not None:
            ids.add(peer.id)
        return [f for f in self.findings if ids.intersection(f.negotiations)]

    def shift(self, input_: int) -> float:
        return self.analysis.correlation.input_shift.get(input_, 0.0)

    def corrected(self, input_: int, ts: float | None) -> float | None:
        return None if ts is None else ts - self.shift(input_)

    def evidence_target(self, ev: Evidence) -> EvidenceTarget | None:
        i = self._input_by_name.get(ev.input)
        if i is None or ev.line < 1:
            return None
        return EvidenceTarget(i, ev.line)

    def input_label(self, index: int) -> str:
        if 0 <= index < len(self.analysis.inputs):
            return self.analysis.inputs[index].spec.name
        return f"input {index + 1}"

    def status(self, neg: Negotiation) -> Text:
        """IKE_SA icon then one icon per CHILD_SA."""
        icon, style = OUTCOME_ICON.get(neg.outcome, ("?", "dim"))
        out = Text()
        out.append(icon, style)
        if neg.children:
            out.append(" ")
            for child in neg.children[:6]:
                out.append("●" if child.established else "○", "green" if child.established else "red")
        return out

    def paired(self, neg: Negotiation) -> str:
        peer = self.peer(neg)
        return f"⇄ {short(peer.id)}" if peer else "unpaired"
