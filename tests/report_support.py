"""Helpers for the report/redaction tests: hand-built Analysis objects from real corpus logs.

The report stage must be testable without the upstream stages, so these build an Analysis
directly: every raw line of every input becomes evidence of one finding (the harshest test
for redaction and escaping), and a crude per-input negotiation carries the IKE messages the
log shows. Nothing here is used by the product.
"""
from __future__ import annotations

import calendar
import hashlib
import json
import re
from pathlib import Path

from swandiag.analysis import Analysis, InputSummary
from swandiag.correlate.records import ClockOffset, Correlation, Pairing, PairingEvidence
from swandiag.ingest.records import InputSpec
from swandiag.negotiation.records import (Direction, Endpoint, EventRef, Message, Negotiation, Outcome, Role,
                                          Side, Stage)
from swandiag.parse.event import LogFormat
from swandiag.rules.records import Evidence, Finding, Fix, Severity

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
MSG = re.compile(r"(parsed|generating) (\S+) (request|response) (\d+) \[ ?(.*?) ?\]")
PKT = re.compile(r"received packet: from (\S+?)\[(\d+)\] to (\S+?)\[(\d+)\]")
SYSLOG_TS = re.compile(r"^(\w{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)")
ISO_TS = re.compile(r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)")
MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}


def scenarios() -> list[tuple[Path, dict]]:
    out = []
    for label in sorted(CORPUS.rglob("label.json")):
        spec = json.loads(label.read_text()).get("swandiag")
        if spec:
            out.append((label.parent, spec))
    return out


def _ts(line: str) -> float | None:
    m = ISO_TS.search(line[:40])
    if m:
        return float(calendar.timegm(tuple(int(x) for x in m.groups()) + (0, 0, 0)))
    m = SYSLOG_TS.match(line)
    if m and m.group(1) in MONTHS:
        return float(calendar.timegm((2026, MONTHS[m.group(1)], int(m.group(2)), int(m.group(3)),
                                      int(m.group(4)), int(m.group(5)), 0, 0, 0)))
    return None


def stub_analysis(folder: Path, inputs: list[str], *, all_lines_as_evidence: bool = True) -> Analysis:
    analysis = Analysis()
    for index, name in enumerate(inputs):
        path = folder / name
        data = path.read_bytes()
        lines = data.decode("utf-8", "replace").splitlines()
        side = Side.GATEWAY if name.startswith("gateway") else Side.CLIENT
        times = [t for t in (_ts(x) for x in lines) if t is not None]
        summary = InputSummary(
            spec=InputSpec(index, name, ()), format=LogFormat.RACOON if "racoon" in name else LogFormat.CHARON_FILELOG,
            confidence=1.0, host=f"{side.value}-host", sha256=hashlib.sha256(data).hexdigest(), lines=len(lines),
            events=len(lines), first=min(times, default=None), last=max(times, default=None),
            levels={"ike": 2, "cfg": 2}, level_sufficient=True)
        analysis.inputs.append(summary)
        neg = Negotiation(id=f"{name}#1", input=index, host=summary.host, daemon="charon", side=side,
                          role=Role.RESPONDER if side is Side.GATEWAY else Role.INITIATOR, ike_version=2,
                          outcome=Outcome.FAILED, failed_stage=Stage.IKE_AUTH, failure_reason="TEST")
        for lineno, line in enumerate(lines, 1):
            m = MSG.search(line)
            if m:
                neg.messages.append(Message(
                    exchange=m.group(2), mid=int(m.group(4)),
                    direction=Direction.IN if m.group(1) == "parsed" else Direction.OUT,
                    is_request=m.group(3) == "request", payloads=tuple(m.group(5).split()), ts=_ts(line),
                    ref=EventRef(index, lineno)))
            p = PKT.search(line)
            if p and neg.local.addr is None:
                neg.remote = Endpoint(p.group(1), int(p.group(2)))
                neg.local = Endpoint(p.group(3), int(p.group(4)))
        neg.first_ts, neg.last_ts = summary.first, summary.last
        analysis.negotiations.append(neg)
    negs = analysis.negotiations
    if len(negs) >= 2:
        a, b = negs[0], negs[1]
        analysis.correlation = Correlation(
            pairings=[Pairing(a.id, b.id, (PairingEvidence.PACKET_SEQUENCE,), 0.9)],
            offsets=[ClockOffset(inputs[0], inputs[1], 0.0, 0.5, "matched-packets", 3)],
            peer={a.id: b.id, b.id: a.id}, input_shift={0: 0.0, 1: 0.0})
    evidence = []
    if all_lines_as_evidence:
        for index, name in enumerate(inputs):
            side = "gateway" if name.startswith("gateway") else "client"
            text = (folder / name).read_bytes().decode("utf-8", "replace")
            evidence.extend(Evidence(name, n, line, side) for n, line in enumerate(text.splitlines(), 1))
    analysis.findings.append(Finding(
        id="test-finding", severity=Severity.ERROR, confidence=0.9, title="Everything the logs say",
        explanation="Every line of every input, for the redaction test.\n" + "\n".join(e.text for e in evidence[:50]),
        negotiations=[n.id for n in negs], evidence=evidence,
        fix=Fix(gateway={"swanctl.conf": evidence[0].text if evidence else "x"}, client={"profile": "y"},
                summary="fix it"),
        references=["https://docs.strongswan.org/"]))
    return analysis
