"""The knowledge base on real logs: every labelled scenario gets its expected diagnosis, and
every signature passes its own fixtures (`swandiag patterns test`)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from swandiag.pipeline import analyze
from swandiag.rules.fixtures import fixture_inputs, run_fixtures
from swandiag.rules.loader import load_signatures
from swandiag.rules.records import Severity

ROOT = Path(__file__).resolve().parent.parent
LABELS = sorted(p for base in ("tests/fixtures/corpus", "tests/fixtures/lab-extra", "patterns/fixtures")
                for p in (ROOT / base).rglob("label.json"))
# known gaps, each with the reason (strict: the test fails once they are fixed, so the mark goes)
KNOWN = {
}


@pytest.fixture(scope="module")
def cached():
    memo: dict[tuple[str, ...], object] = {}

    def run(paths: list[str]):
        key = tuple(paths)
        if key not in memo:
            memo[key] = analyze(list(paths))
        return memo[key]
    return run


def _scenario(label: Path) -> str:
    return str(label.parent.relative_to(ROOT))


@pytest.mark.parametrize("label", LABELS, ids=_scenario)
def test_diagnosis(label: Path, cached, request):
    scenario = _scenario(label)
    if scenario in KNOWN:
        request.node.add_marker(pytest.mark.xfail(reason=KNOWN[scenario], strict=True))
    spec = json.loads(label.read_text())["swandiag"]
    analysis = cached(fixture_inputs(scenario, ROOT))
    serious = [f for f in analysis.findings if f.severity is not Severity.INFO]
    if spec["expect"]:
        assert serious, f"no error/warning finding, expected one of {spec['expect']}"
        assert serious[0].id in spec["expect"], [f.id for f in serious]
        top = serious[0]
        assert top.evidence, "the top finding cites no evidence"
        assert all(e.line > 0 and e.input for e in top.evidence)
    else:
        unexpected = [f.id for f in serious if f.id not in spec.get("allow", [])]
        assert not unexpected


def test_every_signature_has_a_fixture():
    missing = [s.id for s in load_signatures([]) if not s.fixtures.match and not s.id.startswith("lint-")]
    assert not missing, f"signatures without a 'match' fixture: {missing}"


def test_required_ids_exist():
    required = """ios-modp1536 missing-certreq san-mismatch server-cert-eku xauth-reauth-delete dpd-mobike-nat-d
    ipv6-pool-no-default-ts orphaned-child-sa split-dns ikev1-multiple-subnets aggressive-mode-psk macos-responder-reauth
    ike-proposal-mismatch esp-proposal-mismatch dh-group-retry psk-mismatch eap-auth-failed xauth-auth-failed
    cert-untrusted cert-expired no-private-key no-matching-peer-config remote-id-mismatch ts-unacceptable pool-exhausted
    peer-unreachable nat-t-blocked ike-fragmentation dpd-dead-peer duplicate-ike-sa kernel-install-failed
    kernel-algorithm-missing dns-attribute-failed half-open-timeout rekey-collision rekey-failed ikev1-reauth-expired
    psk-missing modecfg-failed socket-error log-level-too-low one-side-only""".split()
    have = {s.id: s for s in load_signatures([])}
    assert not [r for r in required if r not in have]
    assert have["log-level-too-low"].severity is Severity.INFO and have["one-side-only"].severity is Severity.INFO
    for s in have.values():
        if not s.id.startswith("lint-"):
            assert s.fix.gateway or s.fix.client, f"{s.id} has no fix"
            assert s.references, f"{s.id} has no reference"


def test_fixtures_of_every_signature(cached):
    sigs = [s for s in load_signatures([]) if not s.id.startswith("lint-")]
    results = run_fixtures(sigs, analyze=cached, root=ROOT)
    assert len(results) >= 2 * len(sigs) - 5
    failed = [(r.signature, r.fixture, r.problem) for r in results
              if not r.ok and r.fixture.split(":")[0] not in KNOWN]
    assert not failed


def test_two_sided_evidence_and_ranking(cached):
    a = cached(fixture_inputs("tests/fixtures/corpus/lab/psk-mismatch", ROOT))
    ids = [f.id for f in a.findings]
    assert ids.index("psk-mismatch") < ids.index("auth-failed")
    top = a.findings[0]
    assert {e.side for e in top.evidence} == {"gateway", "client"}
    assert any("MAC mismatched" in e.text for e in top.evidence)
    assert "carol@example.com" in top.explanation
    assert "auth-failed" in top.explains


def test_one_side_only_says_what_to_collect(cached):
    base = ROOT / "tests/fixtures/corpus/lab/psk-mismatch"
    a = cached([str(base / "client.log")])
    meta = next(f for f in a.findings if f.id == "one-side-only")
    assert meta.inconclusive and meta.severity is Severity.INFO
    assert any("only visible on the responder" in c and "ike=2, cfg=2" in c for c in meta.collect)
    serious = [f for f in a.findings if f.severity is not Severity.INFO]
    assert serious and serious[0].id == "auth-failed"  # the symptom, honestly labelled
