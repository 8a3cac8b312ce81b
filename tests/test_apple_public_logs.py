"""Real public Apple-client and gateway logs (tests/fixtures/public-apple, sources in its README):
client failures the builder recognises must reach a signature, a DH group the gateway cannot
create, a retried IKE_SA_INIT, iOS device logs, racoon/L2TP server addresses, a NATed IDi."""
from __future__ import annotations

from pathlib import Path

import pytest

from swandiag.negotiation.records import Outcome
from swandiag.pipeline import analyze
from swandiag.report.missing import what_is_missing

HERE = Path(__file__).parent / "fixtures" / "public-apple"


@pytest.fixture(scope="module")
def runs():
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = analyze([str(HERE / name)])
        return cache[name]
    return get


def _ids(analysis) -> dict:
    return {f.id: f for f in analysis.findings}


@pytest.mark.parametrize(("name", "want", "cited", "fix_words"), [
    ("apple-02-client.log", "profile-invalid", "empty ike proposals array", "IKESecurityAssociationParameters"),
    ("apple-06-client.log", "dns-failed", "ikev2_dns_callback: Error -65554", "RemoteAddress"),
    ("apple-04-client.log", "dns-failed", "ikev2_dns_callback: Error -65554", "RemoteAddress"),
])
def test_nothing_left_the_device(runs, name, want, cited, fix_words):
    a = runs(name)
    found = _ids(a)
    assert want in found, sorted(found)
    f = found[want]
    assert f.severity.name == "ERROR"
    assert any(cited in e.text for e in f.evidence)
    assert fix_words in f.fix.summary + " ".join(str(v) for v in f.fix.client.values())
    # nothing was sent: the gateway's firewall, routes and configuration cannot matter
    missing = " ".join(m.item for m in what_is_missing(a))
    assert "iptables" not in missing and "ip route" not in missing and "swanctl --list-conns" not in missing
    assert "the log of the gateway" not in missing
    assert "peer-unreachable" not in found and "one-side-only" not in found


def test_terminated_by_server_asks_for_the_gateway_log(runs):
    a = runs("apple-07-client.log")
    found = _ids(a)
    assert "terminated-by-server" in found, sorted(found)
    f = found["terminated-by-server"]
    assert any("Tunnel was terminated by the server" in e.text for e in f.evidence)
    assert any("sending DELETE" in c for c in f.collect)


def test_dns_failure_is_kept_over_later_errors_and_disconnecting_ends(runs):
    (neg,) = runs("apple-04-client.log").negotiations
    assert (neg.outcome, neg.failure_reason) == (Outcome.FAILED, "DNS_FAILED")
    assert neg.failed_stage.value == "IKE_SA_INIT"


@pytest.mark.parametrize(("name", "platform"), [
    ("apple-04-client.log", "apple-ios"),  # lus-iPhone
    ("apple-03-client.log", "apple-ios"),  # Alis-iPhone, nesessionmanager(NetworkExtension)
    ("apple-06-client.log", "apple-macos"),  # set-macmini system.log
])
def test_platform_of_apple_syslog(runs, name, platform):
    negs = runs(name).negotiations
    assert negs and all(n.client_platform == platform for n in negs)


def test_dh_group_the_gateway_cannot_create(runs):
    a = runs("apple-01-gateway.log")
    found = _ids(a)
    assert "dh-group-unsupported" in found, sorted(found)
    f = found["dh-group-unsupported"]
    assert f.severity.name == "ERROR"
    assert any("DH group ECP_521 inacceptable, requesting ECP_521" in e.text for e in f.evidence)
    assert "ECP_521" in f.explanation and "plugin" in f.fix.summary
    assert "dh-group-retry" not in found


def test_duplicate_responder_start_line_is_one_negotiation(runs):
    negs = runs("apple-01-gateway.log").negotiations
    # the stray response of an earlier job, then one exchange (lines 3-10)
    lines = [sorted(e.line for e in n.events) for n in negs]
    assert [3, 4, 5, 6, 7, 8, 9, 10] in lines, lines


def test_retried_invalid_ke_is_not_a_failure(runs):
    a = runs("apple-21-gateway.log")
    first, second = a.negotiations[:2]
    assert first.successor == second.id and second.predecessor == first.id
    assert first.successor_kind == "retry"
    assert first.outcome is not Outcome.FAILED
    found = _ids(a)
    assert "dh-group-retry" in found
    assert "log-level-too-low" not in found  # nothing failed


@pytest.mark.parametrize(("name", "addr"), [
    ("apple-11-client.log", "10.10.10.10"),  # IPSec connecting to server 10.10.10.10
    ("apple-09-client.log", "66.228.39.79"),  # L2TP connecting to server 'vpn.hanwentao.net' (66.228.39.79)...
])
def test_racoon_session_knows_its_server(runs, name, addr):
    negs = [n for n in runs(name).negotiations if n.daemon == "racoon"]
    assert negs and negs[0].remote.addr == addr


def test_nated_private_idi_is_not_suggested_as_remote_id(runs):
    found = _ids(runs("apple-15-gateway.log"))
    assert "no-matching-peer-config" not in found, sorted(found)
    f = found["nated-private-idi"]
    text = f.explanation + " ".join(str(v) for v in f.fix.gateway.values()) + f.fix.summary
    assert "rightid=192.168.0.120" not in text and "remote.id = 192.168.0.120" not in text
    assert "%any" in text and "LocalIdentifier" in text


def test_ios8_configuration_request_names_the_platform(runs):
    """iOS 8 asks `CPRQ(ADDR DHCP DNS MASK ADDR6 DHCP6 DNS6)` (fingerprints.toml)."""
    negs = runs("apple-15-gateway.log").negotiations
    assert negs and {n.client_platform for n in negs} == {"apple"}
