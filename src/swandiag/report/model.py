"""The format-neutral report: one ordering and one content for text, Markdown, JSON and HTML.

`build(analysis)` turns an Analysis into plain records of display strings (log text already
stripped of control characters, times as ISO-8601 UTC). Renderers only lay these out;
redaction rewrites this model field by field (redact.redact_report), so every format gets
exactly the same redacted content.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .. import __version__
from ..analysis import Analysis, InputSummary
from ..negotiation.records import Direction, Message, Negotiation
from .ladder import LadderRow, build_ladder
from .missing import MissingItem, what_is_missing
from .sanitize import strip_controls
from .timefmt import iso

SCHEMA = "swandiag/report/v1"
LADDER_ROWS_SHOWN = 60  # human formats cut long ladders; JSON keeps every row
LADDERS_SHOWN = 20  # human formats show at most this many ladders (findings' first)


def _s(text: object) -> str:
    return strip_controls("" if text is None else str(text))


def _opt(text: object) -> str | None:
    return None if text is None else _s(text)


@dataclass(slots=True)
class InputRow:
    path: str  # InputSpec.name
    format: str
    confidence: float
    kind: str
    host: str | None
    daemon: str | None
    daemon_version: str | None
    sha256: str | None
    lines: int
    events: int
    unrecognised_lines: int
    first: str | None
    last: str | None
    shift_s: float  # subtracted from this input's times to reach the reference clock
    levels: dict[str, int]
    level_sufficient: bool | None
    level_advice: list[str]


@dataclass(slots=True)
class OffsetRow:
    from_: str
    to: str
    offset_s: float
    uncertainty_s: float
    method: str
    samples: int


@dataclass(slots=True)
class EvidenceRow:
    input: str
    line: int
    text: str
    side: str


@dataclass(slots=True)
class FixRow:
    side: str  # 'gateway' | 'client'
    heading: str  # e.g. 'swanctl.conf', 'iOS/macOS profile'
    snippet: str


@dataclass(slots=True)
class FindingRow:
    id: str
    severity: str
    confidence: float
    title: str
    explanation: str
    negotiations: list[str]
    evidence: list[EvidenceRow]
    fix_summary: str
    fixes: list[FixRow]
    references: list[str]
    inconclusive: bool
    explains: list[str]
    collect: list[str]
    explained_by: list[str] = field(default_factory=list)  # a symptom of these root causes


@dataclass(slots=True)
class NegotiationRow:
    id: str
    input: str
    host: str | None
    side: str
    role: str
    ike_version: int | None
    daemon: str
    conn: str | None
    outcome: str
    failed_stage: str | None
    failure_reason: str | None
    peer: str | None
    pairing_evidence: list[str]
    pairing_score: float | None
    unpaired_reason: str | None
    local: str | None
    remote: str | None
    nat_local: bool | None
    nat_remote: bool | None
    local_id: str | None
    remote_id: str | None
    eap_identity: str | None
    xauth_user: str | None
    vips_requested: list[str]
    vips_assigned: list[str]
    ike_proposal: str | None
    esp_proposal: str | None
    client_platform: str | None
    daemon_version: str | None
    first: str | None  # corrected time
    last: str | None
    ladder: list[LadderRow]

    @property
    def outcome_text(self) -> str:
        """'failed at IKE_AUTH (AUTHENTICATION_FAILED)' — the outcome as the human formats print it."""
        stage = f" at {self.failed_stage}" if self.failed_stage else ""
        reason = f" ({self.failure_reason})" if self.failure_reason else ""
        return f"{self.outcome}{stage}{reason}"


@dataclass(slots=True)
class Report:
    schema: str
    swandiag_version: str
    patterns_version: str
    redacted: bool
    inputs: list[InputRow] = field(default_factory=list)
    clock_offsets: list[OffsetRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    negotiations: list[NegotiationRow] = field(default_factory=list)
    missing: list[MissingItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # ids of the negotiations whose ladders the human formats show, in display order
    # (a pair is shown once, under the first of its two ids)
    shown_ladders: list[str] = field(default_factory=list)

    def negotiation(self, nid: str) -> NegotiationRow | None:
        return next((n for n in self.negotiations if n.id == nid), None)

    def with_peer(self, n: NegotiationRow) -> tuple[NegotiationRow | None, tuple[NegotiationRow, ...]]:
        """A negotiation's paired peer (None when unpaired) and the rows to show: it, then the peer."""
        peer = self.negotiation(n.peer) if n.peer else None
        return peer, ((n, peer) if peer else (n,))


def patterns_version(pattern_dirs: list[str] | None = None) -> str:
    """A content digest of the signatures in use: two runs with the same patterns agree."""
    try:
        from ..rules.loader import signature_files

        files = signature_files(pattern_dirs)
    except Exception:  # noqa: BLE001 - the report must not fail because the rules stage is unusable
        return "unknown"
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        try:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            continue
    return f"{len(files)} signatures, sha256:{digest.hexdigest()[:12]}"


def _input_row(summary: InputSummary, shift: float) -> InputRow:
    fmt = getattr(summary.format, "value", summary.format)
    return InputRow(
        path=_s(summary.spec.name), format=_s(fmt), confidence=round(float(summary.confidence or 0.0), 3),
        kind=_s(summary.kind), host=_opt(summary.host), daemon=_opt(summary.daemon),
        daemon_version=_opt(summary.daemon_version), sha256=summary.sha256, lines=int(summary.lines),
        events=int(summary.events), unrecognised_lines=int(summary.unrecognised_lines),
        first=iso(summary.first), last=iso(summary.last), shift_s=round(float(shift), 3),
        levels={_s(k): int(v) for k, v in sorted(summary.levels.items())},
        level_sufficient=summary.level_sufficient, level_advice=[_s(a) for a in summary.level_advice],
    )


def _endpoint(ep) -> str | None:
    if ep is None or not ep.addr:
        return None
    return _s(f"{ep.addr}[{ep.port}]" if ep.port else ep.addr)


def _negotiation_row(neg: Negotiation, analysis: Analysis, by_id: dict[str, Negotiation],
                     pairing_of: dict) -> NegotiationRow:
    corr = analysis.correlation
    name = _name(analysis, neg.input)
    peer_id = corr.peer.get(neg.id)
    pairing = pairing_of.get(neg.id)
    shift = corr.input_shift.get(neg.input, 0.0)
    peer = by_id.get(peer_id) if peer_id else None
    ladder = build_ladder(neg, peer, analysis)
    return NegotiationRow(
        id=_s(neg.id), input=name, host=_opt(neg.host), side=neg.side.value, role=neg.role.value,
        ike_version=neg.ike_version, daemon=_s(neg.daemon), conn=_opt(neg.conn), outcome=neg.outcome.value,
        failed_stage=neg.failed_stage.value if neg.failed_stage else None, failure_reason=_opt(neg.failure_reason),
        peer=_opt(peer_id), pairing_evidence=[e.value for e in pairing.evidence] if pairing else [],
        pairing_score=round(pairing.score, 3) if pairing else None,
        unpaired_reason=None if peer_id else _opt(corr.unpaired_reason.get(neg.id)),
        local=_endpoint(neg.local), remote=_endpoint(neg.remote), nat_local=neg.nat_local, nat_remote=neg.nat_remote,
        local_id=_opt(neg.local_id), remote_id=_opt(neg.remote_id), eap_identity=_opt(neg.eap_identity),
        xauth_user=_opt(neg.xauth_user), vips_requested=[_s(v) for v in neg.vips_requested],
        vips_assigned=[_s(v) for v in neg.vips_assigned], ike_proposal=_opt(neg.ike_proposals.selected),
        esp_proposal=_opt(neg.esp_proposals.selected), client_platform=_opt(neg.client_platform),
        daemon_version=_opt(neg.daemon_version),
        first=iso(neg.first_ts - shift if neg.first_ts is not None else None),
        last=iso(neg.last_ts - shift if neg.last_ts is not None else None),
        ladder=ladder,
    )


def _name(analysis: Analysis, index: int) -> str:
    if 0 <= index < len(analysis.inputs):
        return _s(analysis.inputs[index].spec.name)
    return f"input-{index}"


def _finding_row(finding) -> FindingRow:
    fixes = [FixRow("gateway", _s(k), _verbatim(v)) for k, v in finding.fix.gateway.items()]
    fixes += [FixRow("client", _s(k), _verbatim(v)) for k, v in finding.fix.client.items()]
    return FindingRow(
        id=_s(finding.id), severity=finding.severity.label, confidence=round(float(finding.confidence), 3),
        title=_s(finding.title), explanation=_multiline(finding.explanation),
        negotiations=[_s(n) for n in finding.negotiations],
        evidence=[EvidenceRow(_s(e.input), int(e.line), _s(e.text), _s(e.side)) for e in finding.evidence],
        fix_summary=_multiline(finding.fix.summary), fixes=fixes, references=[_s(r) for r in finding.references],
        inconclusive=bool(finding.inconclusive), explains=[_s(x) for x in finding.explains],
        explained_by=[_s(x) for x in finding.explained_by],
        collect=[_s(c) for c in finding.collect],
    )


def _verbatim(text: str | None) -> str:
    """Config snippets: every line and its indentation kept, controls stripped per line."""
    return "\n".join(_s(line).rstrip() for line in (text or "").split("\n")).strip("\n")


def _multiline(text: str | None) -> str:
    """Explanations come from TOML with soft line breaks: join those, keep the hard ones
    (blank lines, indented or bulleted lines, lines after a colon), strip everything else."""
    out: list[str] = []
    for raw in (text or "").split("\n"):
        line = _s(raw).rstrip()
        hard = (not out or not line or not out[-1] or line[:1] in " \t-*•|" or out[-1].endswith(":")
                or line[:1].isdigit() and line[1:3].startswith((".", ")")))
        if hard:
            out.append(line)
        else:
            out[-1] = f"{out[-1]} {line.lstrip()}"
    return "\n".join(out).strip("\n")


def _neg_sort_key(neg: Negotiation, analysis: Analysis):
    shift = analysis.correlation.input_shift.get(neg.input, 0.0)
    first = neg.first_ts - shift if neg.first_ts is not None else float("inf")
    return (first, neg.input, neg.id)


def _shown_ladders(report: Report) -> list[str]:
    """Negotiations the findings cite first, then failed ones, then the rest; a pair once."""
    cited = [nid for f in report.findings for nid in f.negotiations]
    failed = [n.id for n in report.negotiations if n.outcome not in ("established", "rekeyed")]
    order = cited + failed + [n.id for n in report.negotiations]
    seen: set[str] = set()
    shown: list[str] = []
    for nid in order:
        row = report.negotiation(nid)
        if row is None or nid in seen:
            continue
        seen.add(nid)
        if row.peer:
            seen.add(row.peer)
        shown.append(nid)
        if len(shown) >= LADDERS_SHOWN:
            break
    return shown


def build(analysis: Analysis, *, patterns: str | None = None) -> Report:
    corr = analysis.correlation
    report = Report(schema=SCHEMA, swandiag_version=__version__,
                    patterns_version=patterns if patterns is not None else patterns_version(), redacted=False)
    report.inputs = [_input_row(s, corr.input_shift.get(s.spec.index, 0.0)) for s in analysis.inputs]
    report.clock_offsets = sorted(
        (OffsetRow(_s(o.from_), _s(o.to), round(float(o.offset_s), 3), round(float(o.uncertainty_s), 3),
                   _s(o.method), int(o.samples)) for o in corr.offsets),
        key=lambda o: (o.from_, o.to),
    )
    report.findings = [_finding_row(f) for f in analysis.findings]
    by_id = {n.id: n for n in analysis.negotiations}
    negs = sorted(analysis.negotiations, key=lambda n: _neg_sort_key(n, analysis))
    pairing_of = {}
    for p in corr.pairings:  # the first pairing naming a negotiation, as a lookup (busy gateways)
        pairing_of.setdefault(p.a, p)
        pairing_of.setdefault(p.b, p)
    report.negotiations = [_negotiation_row(n, analysis, by_id, pairing_of) for n in negs]
    report.missing = what_is_missing(analysis)
    report.problems = [_s(p) for p in analysis.problems]
    report.shown_ladders = _shown_ladders(report)
    return report


__all__ = ["Report", "InputRow", "OffsetRow", "FindingRow", "EvidenceRow", "FixRow", "NegotiationRow",
           "LadderRow", "MissingItem", "build", "iso", "SCHEMA", "Direction", "Message"]
