"""Apple client logs (tests/fixtures/apple: real lines quoted in the reference, see its README)
parse into negotiations: the native IKEv2 client per session, racoon per ISAKMP SA."""
from __future__ import annotations

from pathlib import Path

import pytest

from swandiag.ingest.sources import resolve
from swandiag.negotiation.apple import build_apple
from swandiag.negotiation.builder import build
from swandiag.negotiation.racoon import build_racoon
from swandiag.negotiation.records import Outcome, Role, Side, Stage
from swandiag.parse.event import Daemon, Event
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

APPLE = Path(__file__).parent / "fixtures" / "apple"


def _parse(name: str):
    specs, problems = resolve([str(APPLE / name)])
    assert specs and not problems
    parsed = parse_input(specs[0], Options())
    events = list(parsed.events())
    assert parsed.summary.unrecognised_lines == 0
    return events, parsed.summary


@pytest.fixture(scope="module")
def negs():
    out = {}
    for path in sorted(APPLE.glob("*.log")):
        events, summary = _parse(path.name)
        out[path.name] = build_apple(iter(events), summary)
    return out


def test_every_fixture_gives_one_negotiation(negs):
    assert len(negs) == 6
    for name, found in negs.items():
        assert len(found) == 1, name
        assert found[0].id.endswith(f"{name}#1")
        assert found[0].side is Side.CLIENT and found[0].role is Role.INITIATOR
        assert found[0].events


def test_invalid_profile_fails_before_ike_sa_init(negs):
    neg = negs["console-neikev2-profile-invalid.log"][0]
    assert (neg.daemon, neg.ike_version) == (Daemon.APPLE_IKEV2.value, 2)
    assert (neg.outcome, neg.failed_stage, neg.failure_reason) == (Outcome.FAILED, Stage.IKE_SA_INIT, "PROFILE_INVALID")
    assert [o.code for o in neg.observations] == ["profile-invalid", "profile-invalid"]
    assert [o.ref.line for o in neg.observations] == [1, 2]


def test_terminated_by_server_while_starting(negs):
    neg = negs["console-nesessionmanager-terminated.log"][0]
    assert (neg.outcome, neg.failed_stage, neg.failure_reason) == (Outcome.FAILED, Stage.IKE_SA_INIT, "TERMINATED_BY_SERVER")
    assert neg.has("terminated-by-server")


def test_system_log_dns_failure(negs):
    neg = negs["system.log"][0]
    assert neg.has("dns-failed")
    assert (neg.outcome, neg.failed_stage) == (Outcome.FAILED, Stage.IKE_SA_INIT)
    assert neg.client_platform == "apple-macos"  # system.log exists only on macOS
    assert neg.host == "set-macmini"


def test_log_show_plugin_lines_log_ends(negs):
    neg = negs["logshow-neagent.log"][0]
    assert neg.outcome is Outcome.UNKNOWN and neg.failed_stage is None
    assert [e.kind for e in neg.events] == ["apple.ikev2-plugin", "apple.ikev2-pfkey-sa-null"]


def test_racoon_lines_in_a_macos_log(negs):
    cisco = negs["console-racoon-cisco-ipsec.log"][0]
    assert (cisco.daemon, cisco.ike_version, cisco.mode) == ("racoon", 1, "main")
    assert cisco.outcome is Outcome.UNKNOWN
    old = negs["old-console-racoon.log"][0]
    assert old.daemon == "racoon" and old.role is Role.INITIATOR


def test_dispatch_through_the_negotiation_builder():
    events, summary = _parse("console-neikev2-profile-invalid.log")
    found = build(iter(events), summary)
    assert [n.failure_reason for n in found] == ["PROFILE_INVALID"]


def _ev(line: int, text: str, daemon: Daemon, ts: float) -> Event:
    return Event(input=0, line=line, offset=0, ts=ts, text=text, daemon=daemon)


def test_session_life_cycle_from_catalogue_messages():
    """Catalogue strings (§3.1/3.2 of the reference) in one session: connect, then the server
    ends it; then a second attempt fails in IKE_AUTH without a server certificate."""
    ne, ike = Daemon.APPLE_NE, Daemon.APPLE_IKEV2
    session = "NESMIKEv2VPNSession[VPN (IKEv2):6C90CB38-…]"
    events = [
        _ev(1, f"{session}: status changed to connecting", ne, 10.0),
        _ev(2, f"{session}: status changed to connected", ne, 11.0),
        _ev(3, f"{session}: status changed to disconnected, last stop reason Tunnel was terminated by the server", ne, 50.0),
        _ev(4, f"{session}: status changed to connecting", ne, 60.0),
        _ev(5, "<private> No certificate payload received", ike, 61.0),
        _ev(6, f"{session}: status changed to disconnected, last stop reason Plugin initiated", ne, 62.0),
    ]
    summary = _parse("console-neikev2-profile-invalid.log")[1]
    first, second = build_apple(iter(events), summary)
    assert first.outcome is Outcome.DELETED and first.deletes[0].reason == "peer"
    assert (second.outcome, second.failed_stage, second.failure_reason) == (Outcome.FAILED, Stage.IKE_AUTH, "NO_SERVER_CERT")
    assert second.has("no-server-cert") and second.has("client-stopped")


def test_racoon_entry_point_hands_mixed_logs_to_apple():
    events, summary = _parse("console-racoon-cisco-ipsec.log")
    found = build_racoon(iter(events), summary)
    assert [n.daemon for n in found] == ["racoon"]
