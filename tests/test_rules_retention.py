"""Bounded negotiation memory and the fast rules stage change nothing a user sees.

The pipeline keeps only the events rules and evidence need (negotiation.retention, decided from
the loaded signatures by rules.retention) and releases kept events' facts; the engine skips
signatures whose observation codes are absent and memoises cross-negotiation conditions. On
every labelled corpus / lab-extra scenario the findings (ids, confidence, explanation,
negotiations, evidence input:line:text, fixes) must equal those of a run that keeps every event,
every negotiation must still account for all its lines, and its first event must be kept.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import swandiag.rules.retention as rules_retention
from swandiag.pipeline import analyze
from swandiag.rules.case import Case, build_cases
from swandiag.rules.conditions import codes_allow, required_codes
from swandiag.rules.loader import load_signatures

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = [ROOT / "tests" / "fixtures" / "corpus", ROOT / "tests" / "fixtures" / "lab-extra"]


def _scenarios() -> list[tuple[str, list[str]]]:
    out = []
    for root in FIXTURES:
        for label in sorted(root.rglob("label.json")):
            spec = json.loads(label.read_text()).get("swandiag")
            if spec:
                out.append((str(label.parent.relative_to(ROOT)), [str(label.parent / i) for i in spec["inputs"]]))
    return out


SCENARIOS = _scenarios()


def _findings(analysis) -> list[tuple]:
    return [(f.id, f.severity, f.confidence, f.explanation, tuple(f.negotiations),
             tuple((e.input, e.line, e.text, e.side) for e in f.evidence),
             f.fix.summary, tuple(f.fix.gateway.items()), tuple(f.fix.client.items()), tuple(f.collect),
             tuple(f.explains)) for f in analysis.findings]


def test_there_are_scenarios():
    assert len(SCENARIOS) >= 60


@pytest.mark.parametrize("name,paths", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_retention_changes_no_finding(name, paths, monkeypatch):
    bounded = analyze(paths)
    monkeypatch.setattr(rules_retention, "retention_for", lambda signatures: None)
    full = analyze(paths)
    assert _findings(bounded) == _findings(full)
    assert [n.id for n in bounded.negotiations] == [n.id for n in full.negotiations]
    for b, f in zip(bounded.negotiations, full.negotiations):
        assert (b.outcome, b.failed_stage, b.failure_reason, b.client_platform) == \
            (f.outcome, f.failed_stage, f.failure_reason, f.client_platform)
        assert [(m.exchange, m.ref, m.size, tuple(m.packet_refs)) for m in b.messages] == \
            [(m.exchange, m.ref, m.size, tuple(m.packet_refs)) for m in f.messages]
        assert [(o.code, o.ref, o.detail) for o in b.observations] == [(o.code, o.ref, o.detail) for o in f.observations]
        # every line stays accounted for, the first event is kept, kept events are a subset
        assert b.line_spans() == f.line_spans()
        if f.events:
            assert b.events and b.events[0].line == f.events[0].line
        assert {e.line for e in b.events} <= {e.line for e in f.events}


def test_retention_drops_noise_somewhere():
    """The corpus has level-3+ logs: the bounded run keeps far fewer events."""
    kept = dropped = 0
    for _, paths in SCENARIOS:
        for n in analyze(paths).negotiations:
            kept += len(n.events)
            dropped += len(n.other_lines) // 2
    assert dropped > kept


def test_event_conditions_without_field_tests_keep_everything():
    sigs = load_signatures([])
    assert rules_retention.retention_for(sigs) is not None
    from swandiag.rules.conditions import Items

    class Fake:
        when = Items("any", "events", {})

    assert rules_retention.retention_for([*sigs, Fake()]) is None


def test_cases_share_one_index_and_codes_gate_signatures():
    paths = dict(SCENARIOS)["tests/fixtures/corpus/lab/psk-mismatch"]
    analysis = analyze(paths)
    cases = build_cases(analysis)
    assert cases and all(c.shared is cases[0].shared for c in cases)
    sigs = {s.id: s for s in load_signatures([])}
    psk = required_codes(sigs["psk-mismatch"].when)
    assert psk, "psk-mismatch needs mac-mismatch / decrypt-failed"
    assert any(codes_allow(psk, c) for c in cases)
    assert not codes_allow(psk, Case(analysis, {}))
