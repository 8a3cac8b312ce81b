"""The commonest support case: one log only (usually the gateway's; the iPhone user has none).

Every corpus and lab-extra scenario is diagnosed from the gateway's log alone and from the
client's log(s) alone. EXPECT says what each side's log can honestly support, from the label's
`which_side_reports_it`/description and reference/ios-macos-clients.md — not from what the tool
printed:
  an id        the top error/warning finding (this side's log shows the cause);
  SYMPTOM      a symptom-level finding on top (auth-failed …) plus `one-side-only` whose collect
               names the other end's log and levels — never a root cause this side cannot see;
  INCONCLUSIVE no error/warning finding, but `one-side-only` saying what to collect;
  CLEAN        nothing failed in this log (successes; a client whose SA the gateway dropped silently);
  NOTHING_RECEIVED  this charon log holds no negotiation at all (the packets never arrived): no
               error/warning, only the info `no-ike-traffic` (check UDP 500/4500, collect the client's log).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from swandiag.pipeline import analyze
from swandiag.rules.engine import UNKNOWN_PLATFORM_FACTOR, evaluate
from swandiag.rules.loader import load_signatures
from swandiag.rules.records import Severity

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"
SYMPTOM, INCONCLUSIVE, CLEAN, NOTHING_RECEIVED = "symptom+inconclusive", "inconclusive", "clean", "nothing-received"
# symptom-level findings: what one end sees of the other's decision (they name no cause)
SYMPTOMS = {"auth-failed", "modecfg-failed", "half-open-timeout", "rekey-failed", "peer-unreachable"}

# scenario -> (gateway log only, client log(s) only)
EXPECT: dict[str, tuple[str, str]] = {
    "corpus/journal/ok-ikev2-cert": (CLEAN, CLEAN),
    "corpus/journal/proposal-mismatch-ike": ("ike-proposal-mismatch", "ike-proposal-mismatch"),  # NO_PROP in IKE_SA_INIT
    "corpus/journal/psk-mismatch": ("psk-mismatch", SYMPTOM),  # client: AUTHENTICATION_FAILED only
    "corpus/lab/dpd-timeout": ("dpd-dead-peer", "dpd-dead-peer"),  # both give up on DPD
    "corpus/lab/duplicate-id-keep": ("duplicate-ike-sa", CLEAN),  # client1's SA vanishes silently
    "corpus/lab/duplicate-id-replace": ("duplicate-ike-sa", CLEAN),
    "corpus/lab/eap-wrong-password": ("eap-auth-failed", "eap-auth-failed"),  # both: EAP failure
    "corpus/lab/expired-cert": ("cert-expired", SYMPTOM),
    "corpus/lab/fragmentation-off": (INCONCLUSIVE, "ike-fragmentation"),  # gw: IKE_AUTH never arrives
    "corpus/lab/fragmentation-on": (CLEAN, CLEAN),
    "corpus/lab/gw-local-id-unset": ("no-matching-peer-config", SYMPTOM),
    # client (no ike_name): its IKE_AUTH retransmits and give-up now join the IKE_SA (they were
    # dropped as untagged job lines), so it times out; why the gateway never answers is in its log
    "corpus/lab/half-open-timeout": ("half-open-timeout", INCONCLUSIVE),
    "corpus/lab/ipv6-pool-without-default-route": ("ipv6-pool-no-default-ts", "ipv6-pool-no-default-ts"),
    "corpus/lab/kernel-no-esp": ("kernel-algorithm-missing", INCONCLUSIVE),  # client: NO_PROP, not an ESP mismatch
    "corpus/lab/mobike-dpd-nat-nomobike": (CLEAN, CLEAN),
    "corpus/lab/mobike-dpd-nat": (CLEAN, CLEAN),
    "corpus/lab/multi-subnet-ikev1": ("ikev1-multiple-subnets", CLEAN),
    "corpus/lab/no-certreq": ("missing-certreq", "missing-certreq"),  # client: no CERTREQ sent, no CERT back
    "corpus/lab/no-matching-peer-config": ("no-matching-peer-config", SYMPTOM),
    "corpus/lab/no-serverauth-eku": (CLEAN, CLEAN),
    "corpus/lab/ok-ikev1-xauth-psk": (CLEAN, CLEAN),
    "corpus/lab/ok-ikev1-xauth": (CLEAN, CLEAN),
    "corpus/lab/ok-ikev2-cert-stroke": (CLEAN, CLEAN),
    "corpus/lab/ok-ikev2-cert": (CLEAN, CLEAN),
    "corpus/lab/ok-ikev2-eap": (CLEAN, CLEAN),
    # gw: only daemon start-up/shutdown (firewall drops UDP 500/4500): the "I see nothing in the
    # log" case says so (no-ike-traffic, info) instead of saying nothing
    "corpus/lab/peer-unreachable": (NOTHING_RECEIVED, "peer-unreachable"),
    "corpus/lab/pool-exhausted": ("pool-exhausted", SYMPTOM),  # client2: INTERNAL_ADDRESS_FAILURE
    "corpus/lab/proposal-mismatch-esp": ("esp-proposal-mismatch", INCONCLUSIVE),  # same NO_PROP as kernel-no-esp
    "corpus/lab/proposal-mismatch-ike-v1": ("ike-proposal-mismatch", "ike-proposal-mismatch"),
    "corpus/lab/proposal-mismatch-ike": ("ike-proposal-mismatch", "ike-proposal-mismatch"),
    "corpus/lab/psk-mismatch-v1": ("psk-mismatch", "psk-mismatch"),  # client cannot decrypt MM6
    "corpus/lab/psk-mismatch": ("psk-mismatch", SYMPTOM),
    "corpus/lab/reauth-ikev1-xauth": ("ikev1-reauth-expired", CLEAN),  # label allows it
    "corpus/lab/rekey-reauth": (CLEAN, CLEAN),
    "corpus/lab/san-mismatch-v1": (INCONCLUSIVE, "san-mismatch"),  # gw: client DELETEs the new ISAKMP SA
    "corpus/lab/san-mismatch": ("san-mismatch", "san-mismatch"),  # gw: CERT sent, AUTH_FAILED back
    "corpus/lab/san-only-dn": ("san-mismatch", "san-mismatch"),
    "corpus/lab/ts-unacceptable": ("ts-unacceptable", "ts-unacceptable"),
    "corpus/lab/untrusted-ca": ("cert-untrusted", SYMPTOM),
    "corpus/lab/xauth-wrong-password": ("xauth-auth-failed", "xauth-auth-failed"),
    "corpus/lab6/no-certreq": ("missing-certreq", "missing-certreq"),
    "corpus/lab6/ok-ikev2-cert": (CLEAN, CLEAN),
    "corpus/lab6/proposal-mismatch-ike": ("ike-proposal-mismatch", "ike-proposal-mismatch"),
    "corpus/lab6/psk-mismatch": ("psk-mismatch", SYMPTOM),
    "corpus/lab6/san-mismatch": ("san-mismatch", SYMPTOM),
    "corpus/racoon/a-psk-xauth-modecfg-success": (CLEAN, CLEAN),
    "corpus/racoon/c-phase1-no-proposal-chosen": ("ike-proposal-mismatch", "ike-proposal-mismatch"),
    "corpus/racoon/e-xauth-wrong-password": ("xauth-auth-failed", "xauth-auth-failed"),
    "corpus/racoon/g-peer-unreachable-timeout": (NOTHING_RECEIVED, "peer-unreachable"),  # same, charon gw
    "corpus/racoon/h-dpd-peer-dead": (CLEAN, "dpd-dead-peer"),  # gw log ends before its DPD gives up
    "lab-extra/aggressive-mode-psk": ("aggressive-mode-psk", SYMPTOM),
    "lab-extra/dh-group-retry": (CLEAN, CLEAN),
    "lab-extra/dns-attribute-failed": (CLEAN, "dns-attribute-failed"),  # only the client fails to install DNS
    "lab-extra/ios-default-proposals": (CLEAN, CLEAN),
    "lab-extra/ios-default-proposals-modp1536": (CLEAN, CLEAN),  # strongSwan client copes with MODP_1536
    "lab-extra/nat-t-blocked": (INCONCLUSIVE, INCONCLUSIVE),
    "lab-extra/no-pool-vip": ("modecfg-failed", "modecfg-failed"),
    "lab-extra/no-private-key": ("no-private-key", SYMPTOM),
    "lab-extra/psk-missing": ("psk-missing", SYMPTOM),
    "lab-extra/rekey-collision": (CLEAN, CLEAN),  # rekey-collision is info
    "lab-extra/rekey-failed-pfs": ("esp-proposal-mismatch", "rekey-failed"),
    "lab-extra/socket-error": ("socket-error", SYMPTOM),  # client: no answer at all (gateway cannot send)
}
# sides recorded at level 1 (label.json log_formats) where the failure's lines are missing:
# log-level-too-low must be there, with the lines to add
LEVEL_TOO_LOW = {
    ("corpus/lab/fragmentation-off", "gateway"), ("lab-extra/nat-t-blocked", "gateway"),
    ("lab-extra/nat-t-blocked", "client"), ("corpus/lab/kernel-no-esp", "client"),
    ("corpus/lab/proposal-mismatch-esp", "client"), ("corpus/lab/expired-cert", "client"),
    ("corpus/lab/untrusted-ca", "client"), ("corpus/lab/no-matching-peer-config", "client"),
    ("lab-extra/psk-missing", "client"), ("lab-extra/no-private-key", "client"),
}
# this side's log shows the root cause itself (a finding that needs nothing more, no other
# signature's symptom): one-side-only would wrongly send the user to the other end's log
CAUSE_SHOWN = {
    ("corpus/lab/eap-wrong-password", "gateway"), ("corpus/lab/ts-unacceptable", "client"),
    ("corpus/lab/xauth-wrong-password", "client"), ("corpus/racoon/e-xauth-wrong-password", "client"),
    ("corpus/lab/san-mismatch", "gateway"), ("corpus/lab/no-certreq", "gateway"),
}
SCENARIOS = sorted(EXPECT)
COLLECT_GATEWAY = "collect the gateway's charon log from daemon start with ike=2, cfg=2"
COLLECT_CLIENT = "collect the client's log"


def _inputs(scenario: str, side: str) -> list[str]:
    spec = json.loads((FIX / scenario / "label.json").read_text())["swandiag"]
    names = [n for n in spec["inputs"] if n.startswith("gateway") == (side == "gateway")]
    return [str(FIX / scenario / n) for n in names]


@pytest.fixture(scope="module")
def run():
    memo: dict[tuple[str, str], object] = {}

    def get(scenario: str, side: str):
        if (scenario, side) not in memo:
            memo[scenario, side] = analyze(_inputs(scenario, side))
        return memo[scenario, side]
    return get


def test_table_covers_every_scenario():
    found = {str(p.parent.relative_to(FIX)) for base in ("corpus", "lab-extra") for p in (FIX / base).rglob("label.json")}
    assert found == set(EXPECT)


@pytest.mark.parametrize("side", ["gateway", "client"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_one_log_only(scenario: str, side: str, run):
    want = EXPECT[scenario][0 if side == "gateway" else 1]
    analysis = run(scenario, side)
    serious = [f for f in analysis.findings if f.severity is not Severity.INFO]
    one_side = [f for f in analysis.findings if f.id == "one-side-only"]
    expected_ids = json.loads((FIX / scenario / "label.json").read_text())["swandiag"]["expect"]
    if want == CLEAN or want == NOTHING_RECEIVED:
        assert not serious, [f.id for f in serious]
        assert not one_side
        if want == NOTHING_RECEIVED:
            assert not analysis.negotiations
            silent = [f for f in analysis.findings if f.id == "no-ike-traffic"]
            assert silent and silent[0].severity is Severity.INFO, [f.id for f in analysis.findings]
            assert any(COLLECT_CLIENT in c for c in silent[0].collect), silent[0].collect
        else:
            assert "no-ike-traffic" not in [f.id for f in analysis.findings]
        return
    if want == INCONCLUSIVE:
        assert not serious, f"a cause this log cannot show: {[f.id for f in serious]}"
    elif want == SYMPTOM:
        assert serious and serious[0].id in SYMPTOMS, [f.id for f in serious]
        assert not [f.id for f in serious if f.id not in SYMPTOMS and f.id not in expected_ids], "a wrong root cause"
    else:
        assert serious and serious[0].id == want, [f.id for f in serious]
        if (scenario, side) in CAUSE_SHOWN:  # no "collect the other end's log" beside it
            assert not one_side, f"one-side-only beside the root cause {want}"
        return
    # inconclusive: say exactly which log to collect, of the other end only
    assert one_side and one_side[0].inconclusive and one_side[0].severity is Severity.INFO
    collect = " | ".join(one_side[0].collect)
    other, this = (COLLECT_CLIENT, COLLECT_GATEWAY) if side == "gateway" else (COLLECT_GATEWAY, COLLECT_CLIENT)
    assert other in collect and this not in collect, collect


@pytest.mark.parametrize("scenario,side", sorted(LEVEL_TOO_LOW))
def test_level_too_low_names_the_lines_to_add(scenario: str, side: str, run):
    label = json.loads((FIX / scenario / "label.json").read_text())
    fmt = label["log_formats"][side]
    assert fmt.get("default", 1) <= 1 and fmt.get("levels", {}).get("cfg", 1) < 2, "not a level-1 log"
    found = [f for f in run(scenario, side).findings if f.id == "log-level-too-low"]
    assert found, "log-level-too-low missing"
    finding = found[0]
    assert finding.severity is Severity.INFO and finding.inconclusive
    assert any("cfg = 2" in c for c in finding.collect), finding.collect


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_meta_findings_never_outrank_a_cause(scenario: str, run):
    for side in ("gateway", "client"):
        ids = [f.id for f in run(scenario, side).findings]
        serious = [f.id for f in run(scenario, side).findings if f.severity is not Severity.INFO]
        for meta in ("log-level-too-low", "one-side-only"):
            if meta in ids and serious:
                assert ids.index(meta) > ids.index(serious[-1])


def test_racoon_at_info_asks_for_log_debug(run):
    found = [f for f in run("corpus/racoon/c-phase1-no-proposal-chosen", "client").findings if f.id == "log-level-too-low"]
    assert found and any("log debug;" in c for c in found[0].collect)


# ---- Apple clients seen from the gateway only (reference ios-macos-clients.md §4/§5) ------------

APPLE_FIXTURES = ["ios-modp1536", "split-dns", "dpd-mobike-nat-d", "orphaned-child-sa", "macos-responder-reauth"]


@pytest.mark.parametrize("name", APPLE_FIXTURES)
def test_apple_fingerprint_from_gateway_log(name: str):
    analysis = analyze([str(ROOT / "patterns" / "fixtures" / name / "gateway.log")])
    assert any((n.client_platform or "").startswith("apple") for n in analysis.negotiations)


def test_apple_quirk_states_the_platform():
    analysis = analyze([str(ROOT / "patterns" / "fixtures" / "ios-modp1536" / "gateway.log")])
    top = [f for f in analysis.findings if f.id == "ios-modp1536"][0]
    assert "Client platform: apple" in top.explanation and top.confidence == 0.6


def test_apple_quirk_on_unrecognised_client_fires_less_sure():
    analysis = analyze([str(ROOT / "patterns" / "fixtures" / "ios-modp1536" / "gateway.log")])
    for neg in analysis.negotiations:
        neg.client_platform = None
    found = [f for f in evaluate(analysis, load_signatures([])) if f.id == "ios-modp1536"]
    assert found, "a platform-specific quirk must still fire when the platform is unknown"
    assert found[0].confidence == pytest.approx(0.6 * UNKNOWN_PLATFORM_FACTOR)
    assert "not recognised" in found[0].explanation


def test_apple_quirk_skips_a_known_other_platform():
    analysis = analyze([str(ROOT / "patterns" / "fixtures" / "ios-modp1536" / "gateway.log")])
    for neg in analysis.negotiations:
        neg.client_platform = "windows"
    assert not [f for f in evaluate(analysis, load_signatures([])) if f.id == "ios-modp1536"]
