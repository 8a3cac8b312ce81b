"""A case: what one signature is evaluated on — the gateway's and the client's view of one
negotiation (either may be missing), plus pluggable fact sources (the input summary of each
side, lint facts).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..lint.records import Loc
from ..analysis import Analysis, InputSummary
from ..negotiation.records import EventRef, Negotiation, Role, Side

SIDES = ("gateway", "client")


@dataclass(slots=True)
class Hit:
    """One piece of evidence a condition matched: where, when, and the facts it carries."""

    side: str  # 'gateway' | 'client' | 'config'
    ref: EventRef | None
    ts: float | None = None  # corrected to the reference clock
    facts: dict[str, Any] = field(default_factory=dict)
    text: str | None = None  # for evidence that is not an event (lint facts)
    source: str | None = None  # input name for non-event evidence
    line: int | None = None  # line in `source`


@dataclass(slots=True)
class Case:
    analysis: Analysis
    sides: dict[str, Negotiation]  # 'gateway' / 'client' -> negotiation
    _events: dict[tuple[int, int], Any] = field(default_factory=dict)
    # indexes over the whole analysis, built once and shared by every case of one evaluation
    # (build_cases passes one dict to all its cases): negotiations by input, memoised results
    # of conditions that look across negotiations (siblings), observation codes per negotiation
    shared: dict[Any, Any] = field(default_factory=dict)

    def negotiation(self, side: str) -> Negotiation | None:
        return self.sides.get(side)

    def present(self, side: str) -> bool:
        return side in self.sides

    @property
    def paired(self) -> bool:
        return len(self.sides) == 2

    def ids(self) -> list[str]:
        return [self.sides[s].id for s in SIDES if s in self.sides]

    def input_summary(self, side: str) -> InputSummary | None:
        neg = self.sides.get(side)
        if neg is None or not (0 <= neg.input < len(self.analysis.inputs)):
            return None
        return self.analysis.inputs[neg.input]

    def input_name(self, index: int) -> str:
        if 0 <= index < len(self.analysis.inputs):
            return self.analysis.inputs[index].spec.name
        return f"input{index}"

    def corrected(self, ts: float | None, input_index: int) -> float | None:
        if ts is None:
            return None
        return ts - self.analysis.correlation.input_shift.get(input_index, 0.0)

    def event_at(self, ref: EventRef | None) -> Any:
        """The event a reference points at (for its text), from the case's negotiations."""
        if ref is None:
            return None
        if not self._events:
            for neg in self.sides.values():
                for ev in neg.events:
                    self._events.setdefault((ev.input, ev.line), ev)
        return self._events.get((ref.input, ref.line))

    def siblings(self, side: str) -> list[Negotiation]:
        """Every negotiation of the same input as this side's (itself included)."""
        neg = self.sides.get(side)
        if neg is None:
            return []
        return by_input(self.analysis, self.shared).get(neg.input, [])

    def codes(self, side: str) -> frozenset[str]:
        """The observation codes of this side's negotiation (computed once per negotiation)."""
        neg = self.sides.get(side)
        if neg is None:
            return frozenset()
        cache = self.shared.setdefault("codes", {})
        got = cache.get(id(neg))
        if got is None or got[0] is not neg:
            got = cache[id(neg)] = (neg, frozenset(o.code for o in neg.observations))
        return got[1]


def by_input(analysis: Analysis, shared: dict[Any, Any]) -> dict[int, list[Negotiation]]:
    """Negotiations per input, in analysis order (computed once per evaluation)."""
    got = shared.get("by_input")
    if got is None or got[0] is not analysis.negotiations or got[1] != len(analysis.negotiations):
        index: dict[int, list[Negotiation]] = {}
        for n in analysis.negotiations:
            index.setdefault(n.input, []).append(n)
        got = shared["by_input"] = (analysis.negotiations, len(analysis.negotiations), index)
    return got[2]


@dataclass(slots=True)
class InputFacts:
    """One log input as the run sees it (`on = "run"`, `items = "inputs"`)."""

    name: str
    format: str
    daemon: str | None
    daemon_version: str | None
    started: bool  # the daemon's start banner is in the log
    first: float | None
    last: float | None
    span: float  # seconds between its first and last timestamp (0 when unknown)
    negotiations: int  # negotiations built from it
    ike_traffic: bool  # a line of a negotiation or a 'received packet' (InputSummary.ike_traffic)
    loc: Loc  # what a finding cites: the start banner, else line 1
    text: str  # the cited line's gist
    side: str  # of its negotiations; 'gateway' when it has none (a daemon nobody reached answers no one)
    facts: dict[str, Any] = field(default_factory=dict)  # {fact.input}, {fact.window} …
    # the daemon did not run (start failure, crash: an event of FAILURE_KINDS in its log); a log
    # of a daemon that never ran says nothing about IKE packets (no-ike-traffic)
    daemon_failed: bool = False
    daemon_events: list["DaemonEvent"] = field(default_factory=list)  # its DAEMON_KINDS events


@dataclass(slots=True)
class DaemonEvent:
    """A daemon lifecycle message outside any negotiation (`on = "run"`, `items = "daemon_events"`):
    a start failure, a crash, the starter giving up on the daemon, a plugin that did not load."""

    input: str
    kind: str  # template id (DAEMON_KINDS)
    text: str
    group: str | None
    loc: Loc  # what a finding cites
    side: str  # of its input (InputFacts.side)
    failure: bool  # one of FAILURE_KINDS: the daemon did not start or died
    facts: dict[str, Any] = field(default_factory=dict)  # the template's facts + {fact.input}, {fact.line}


@dataclass(slots=True)
class RunFacts:
    """Run-level facts for `on = "run"` conditions (what no single negotiation carries)."""

    inputs: list[InputFacts]
    negotiations: list[Negotiation]
    daemon_events: list[DaemonEvent] = field(default_factory=list)  # of every log input, in input order


# Daemon lifecycle templates (template_data/charon.toml `dmn.*`/`lib.*`, starter.toml): the
# daemon did not start or died (FAILURE_KINDS), or a plugin did not load (context for them).
FAILURE_KINDS = frozenset({
    "dmn.init_failed", "dmn.integrity_failed", "dmn.already_running", "dmn.crash_signal",
    "lib.critical_feature_unmet", "lib.critical_feature_failed", "lib.critical_features_failed",
    "lib.critical_plugin_failed", "starter.start_timeout", "starter.refused", "starter.died", "starter.quit",
})
# ... plus context: a plugin that did not load, a certificate the x509/openssl plugin rejected
# (unsupported critical extension), and the starter's "charon (PID) started after N ms" (it ran).
DAEMON_KINDS = FAILURE_KINDS | {
    "dmn.thread_signal", "lib.plugin_load_failed", "lib.unsupported_critical_ext", "asn.critical_ext_unsupported",
    "starter.started",
}


def run_facts(analysis: Analysis, shared: dict[Any, Any]) -> RunFacts:
    got = shared.get("run_facts")
    if got is not None and got[0] is analysis and got[1] == len(analysis.negotiations):
        return got[2]
    per_input = by_input(analysis, shared)
    inputs = []
    everything: list[DaemonEvent] = []
    for i, summary in enumerate(analysis.inputs):
        if summary.kind != "log":
            continue
        side = _majority_side(per_input.get(i, ()))
        lifecycle = _daemon_events(summary, side)
        everything.extend(lifecycle)
        span = (summary.last - summary.first) if summary.first is not None and summary.last is not None else 0.0
        window = (f"{_clock(summary.first)} to {_clock(summary.last)} UTC ({span:.0f} s)" if span else "?")
        daemon = getattr(summary.daemon, "value", summary.daemon)
        inputs.append(InputFacts(
            name=summary.spec.name, format=getattr(summary.format, "value", str(summary.format)), daemon=daemon,
            daemon_version=summary.daemon_version, started=summary.started_line is not None,
            first=summary.first, last=summary.last, span=span, negotiations=len(per_input.get(i, ())),
            ike_traffic=summary.ike_traffic, loc=Loc(summary.spec.name, summary.started_line or 1),
            text=((f"{daemon or 'daemon'} {summary.daemon_version or ''} started; " if summary.started_line else "")
                  + f"log covers {window}, {len(per_input.get(i, ()))} negotiation(s)").replace("  ", " "),
            side=side,
            facts={"input": summary.spec.name, "window": window, "daemon_version": summary.daemon_version or "?"},
            daemon_failed=any(e.failure for e in lifecycle), daemon_events=lifecycle))
    facts = RunFacts(inputs, list(analysis.negotiations), everything)
    shared["run_facts"] = (analysis, len(analysis.negotiations), facts)
    return facts


def _daemon_events(summary: InputSummary, side: str) -> list[DaemonEvent]:
    """The daemon lifecycle events of one log input (the parse stage keeps them aside: they
    belong to no negotiation), as the templates name them."""
    from ..parse.templates import classify

    name = summary.spec.name
    out: list[DaemonEvent] = []
    for ev in summary.daemon_events:
        kind = classify(ev)
        if kind not in DAEMON_KINDS:
            continue
        text = ev.text.strip()
        facts = dict(ev.facts or {})
        facts.update(input=name, line=text, at=f"{name}:{ev.line}")
        out.append(DaemonEvent(input=name, kind=kind, text=text, group=ev.group, loc=Loc(name, ev.line),
                               side=side, failure=kind in FAILURE_KINDS, facts=facts))
    # `facts.restarted`: the daemon the starter reported dead was started again later in this
    # input ("charon (PID) started after N ms" after it); false = it stayed down as far as the log goes
    # (an input printed newest first, summary.reversed, has the later lines above)
    sign = -1 if getattr(summary, "reversed", False) else 1
    started = [sign * e.loc.line for e in out if e.kind == "starter.started"]
    for e in out:
        if e.kind == "starter.died":
            e.facts["restarted"] = any(line > sign * e.loc.line for line in started)
    return out


def _majority_side(negs: Any) -> str:
    sides = [side_of(n) for n in negs]
    return "client" if sides and sides.count("client") > sides.count("gateway") else "gateway"


def _clock(ts: float) -> str:
    import time
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts))


def side_of(neg: Negotiation) -> str | None:
    if neg.side is Side.GATEWAY:
        return "gateway"
    if neg.side is Side.CLIENT:
        return "client"
    if neg.role is Role.RESPONDER:
        return "gateway"
    if neg.role is Role.INITIATOR:
        return "client"
    return None


def build_cases(analysis: Analysis) -> list[Case]:
    """One case per paired group of negotiations (usually two), one per unpaired negotiation."""
    by_id = {n.id: n for n in analysis.negotiations}
    seen: set[str] = set()
    cases: list[Case] = []
    shared: dict[Any, Any] = {}
    for neg in analysis.negotiations:
        if neg.id in seen:
            continue
        group = [neg]
        seen.add(neg.id)
        peer_id = analysis.correlation.peer.get(neg.id)
        peer = by_id.get(peer_id) if peer_id else None
        if peer is not None and peer.id not in seen:
            group.append(peer)
            seen.add(peer.id)
        cases.append(Case(analysis, _assign(group, analysis, shared), shared=shared))
    return cases


def _assign(group: list[Negotiation], analysis: Analysis, shared: dict[Any, Any]) -> dict[str, Negotiation]:
    sides: dict[str, Negotiation] = {}
    undecided = []
    for neg in group:
        side = side_of(neg)
        if side and side not in sides:
            sides[side] = neg
        else:
            undecided.append(neg)
    for neg in undecided:  # both claim one side, or nothing is known: the busier input is the gateway
        free = [s for s in SIDES if s not in sides]
        if not free:
            break
        if len(free) == 2:
            per_input = by_input(analysis, shared)
            counts = len(per_input.get(neg.input, ()))
            others = [n for n in group if n is not neg]
            other_counts = max((len(per_input.get(o.input, ())) for o in others), default=0)
            sides["gateway" if counts >= other_counts else "client"] = neg
        else:
            sides[free[0]] = neg
    return sides
