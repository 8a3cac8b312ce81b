"""`--format json`: the versioned `swandiag/report/v1` document (docs/report-schema.json).

Keys come out in a fixed order and lists in the model's order, so two reports of the same
inputs are byte-identical and diff cleanly.
"""
from __future__ import annotations

import json
from dataclasses import asdict

from .model import Report


def _input(i) -> dict:
    return {
        "path": i.path, "format": i.format, "confidence": i.confidence, "kind": i.kind, "host": i.host,
        "daemon": i.daemon, "daemon_version": i.daemon_version, "sha256": i.sha256, "lines": i.lines,
        "events": i.events, "unrecognised_lines": i.unrecognised_lines, "first": i.first, "last": i.last,
        "shift_s": i.shift_s, "levels": dict(i.levels), "level_sufficient": i.level_sufficient,
        "level_advice": list(i.level_advice),
    }


def _offset(o) -> dict:
    return {"from": o.from_, "to": o.to, "offset_s": o.offset_s, "uncertainty_s": o.uncertainty_s,
            "method": o.method, "samples": o.samples}


def _finding(f) -> dict:
    fix: dict = {"summary": f.fix_summary, "gateway": {}, "client": {}}
    for row in f.fixes:
        fix[row.side][row.heading] = row.snippet
    return {
        "id": f.id, "severity": f.severity, "confidence": f.confidence, "title": f.title,
        "explanation": f.explanation, "inconclusive": f.inconclusive, "negotiations": list(f.negotiations),
        "evidence": [{"input": e.input, "line": e.line, "text": e.text, "side": e.side} for e in f.evidence],
        "fix": fix, "references": list(f.references), "explains": list(f.explains), "explained_by": list(f.explained_by), "collect": list(f.collect),
    }


def _negotiation(n) -> dict:
    data = {
        "id": n.id, "input": n.input, "host": n.host, "side": n.side, "role": n.role, "ike_version": n.ike_version,
        "daemon": n.daemon, "conn": n.conn, "outcome": n.outcome, "failed_stage": n.failed_stage,
        "failure_reason": n.failure_reason, "peer": n.peer, "pairing_evidence": list(n.pairing_evidence),
        "pairing_score": n.pairing_score, "unpaired_reason": n.unpaired_reason, "local": n.local, "remote": n.remote,
        "nat_local": n.nat_local, "nat_remote": n.nat_remote, "local_id": n.local_id, "remote_id": n.remote_id,
        "eap_identity": n.eap_identity, "xauth_user": n.xauth_user, "vips_requested": list(n.vips_requested),
        "vips_assigned": list(n.vips_assigned), "ike_proposal": n.ike_proposal, "esp_proposal": n.esp_proposal,
        "client_platform": n.client_platform, "daemon_version": n.daemon_version, "first": n.first, "last": n.last,
    }
    data["ladder"] = [asdict(r) for r in n.ladder]
    return data


def to_dict(report: Report) -> dict:
    return {
        "schema": report.schema,
        "swandiag_version": report.swandiag_version,
        "patterns_version": report.patterns_version,
        "redacted": report.redacted,
        "inputs": [_input(i) for i in report.inputs],
        "clock_offsets": [_offset(o) for o in report.clock_offsets],
        "findings": [_finding(f) for f in report.findings],
        "negotiations": [_negotiation(n) for n in report.negotiations],
        "missing": [{"item": m.item, "reason": m.reason, "side": m.side} for m in report.missing],
        "problems": list(report.problems),
    }


def render(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
