"""The charon negotiation builder on real user logs (excerpts as people paste them).

Fixtures: tests/fixtures/public/*.log, verbatim copies of public posts (sources in the README there).
Each test names the defect it guards: excerpts that begin after `initiating IKE_SA`, an
INVALID_KE_PAYLOAD retry, CREATE_CHILD_SA failures, SAs already established before the excerpt,
the `reauthenticating` phantom and a responder whose ladder was lost.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from swandiag.ingest.sources import resolve
from swandiag.negotiation.builder import build
from swandiag.negotiation.records import Direction, Negotiation, Outcome, Role, Stage
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

PUBLIC = Path(__file__).parent / "fixtures" / "public"


def negs(name: str) -> list[Negotiation]:
    specs, _problems = resolve([str(PUBLIC / f"{name}.log")])
    parsed = parse_input(specs[0], Options())
    return build(parsed.events(), parsed.summary)


def one(name: str) -> Negotiation:
    found = negs(name)
    assert len(found) == 1, [(n.id, n.role, n.outcome) for n in found]
    return found[0]


def exchanges(n: Negotiation) -> list[tuple[str, int | None, str, bool]]:
    return [(m.exchange, m.mid, m.direction.value, m.is_request) for m in n.messages]


# -- 1. an excerpt that starts after `initiating IKE_SA` (no ike_name tag) -------------------------
def test_gh07_auth_failure_without_initiating_line():
    # 12[IKE] no trusted ECDSA public key found for '174.138.5.95'
    # 12[ENC] generating INFORMATIONAL request 2 [ N(AUTH_FAILED) ]
    n = one("gh-07")
    assert n.outcome is Outcome.FAILED
    assert n.failed_stage is Stage.IKE_AUTH
    assert n.failure_reason == "AUTHENTICATION_FAILED"
    assert n.remote.addr == "174.138.5.95"
    assert any(a.ok is False for a in n.auth)
    assert exchanges(n) == [("INFORMATIONAL", 2, "out", True)]
    assert [e.line for e in n.events] == list(range(1, 8))


def test_gh06_client_from_ike_sa_init_request():
    n = one("gh-06")
    assert n.role is Role.INITIATOR
    assert exchanges(n)[:3] == [("IKE_SA_INIT", 0, "out", True), ("IKE_SA_INIT", 0, "in", False),
                                ("IKE_AUTH", 1, "out", True)]
    assert n.outcome is Outcome.FAILED and n.failed_stage is Stage.IKE_AUTH


def test_gh10_responder_from_ike_sa_init_response():
    n = one("gh-10")
    assert n.role is Role.RESPONDER
    assert n.conn == "ikev2"
    assert exchanges(n) == [("IKE_SA_INIT", 0, "out", False), ("IKE_AUTH", 1, "in", True)]
    assert n.remote.addr == "27.20.19.175"


def test_gh28_quick_mode_rekey_of_an_sa_older_than_the_excerpt():
    n = one("gh-28")
    assert n.ike_version == 1
    assert ("QUICK_MODE", 6, "out", False) in exchanges(n)
    assert [c.uid for c in n.children if c.established] == [31]
    assert n.outcome is Outcome.ESTABLISHED and n.failed_stage is None


def test_gh29_main_mode_responder_from_received_packet():
    n = one("gh-29")
    assert n.role is Role.RESPONDER
    assert exchanges(n)[0] == ("ID_PROT", 0, "in", True)
    assert n.remote.addr == "24.114.xx.yy"


def test_gh35_one_sa_across_threads_by_message_id():
    # the poster's redacted '[server ip]' leaves no address: request 0 (thread 13) and its
    # response (thread 14) still make one SA
    n = one("gh-35")
    assert n.role is Role.INITIATOR
    assert exchanges(n)[:2] == [("ID_PROT", 0, "out", True), ("ID_PROT", 0, "in", False)]


# -- 2. INVALID_KE_PAYLOAD and the retry ------------------------------------------------------------
@pytest.mark.parametrize("name", ["web-15", "gh-08"])
def test_invalid_ke_retry_is_not_the_outcome(name):
    n = one(name)
    assert n.has("invalid-ke")  # still observed (signature dh-group-retry)
    assert n.outcome is Outcome.UNKNOWN  # the log ends in the retry's IKE_AUTH
    assert n.failed_stage is None and n.failure_reason is None
    inits = [m for m in n.messages if m.exchange == "IKE_SA_INIT" and m.direction is Direction.OUT]
    assert len(inits) == 2


# -- 3. CREATE_CHILD_SA failures: stage and the attempt's proposals ----------------------------------
def test_web30_ts_unacceptable_in_create_child_sa():
    n = one("web-30")
    assert (n.outcome, n.failed_stage, n.failure_reason) == (Outcome.FAILED, Stage.CREATE_CHILD_SA, "TS_UNACCEPTABLE")
    [c] = n.children
    assert (c.name, c.uid, c.exchange, c.failed, c.failure_reason) == ("con3", 15, "CREATE_CHILD_SA", True, "TS_UNACCEPTABLE")


def test_web31_responder_refuses_esp_proposals_in_create_child_sa():
    n = one("web-31")  # newest first
    assert (n.outcome, n.failed_stage, n.failure_reason) == (Outcome.FAILED, Stage.CREATE_CHILD_SA, "NO_PROPOSAL_CHOSEN")
    assert n.has("esp-proposals-unacceptable") and not n.has("proposals-unacceptable")
    assert n.esp_proposals.unacceptable and not n.ike_proposals.unacceptable
    [c] = n.children
    assert (c.uid, c.exchange, c.failed) == (13096, "CREATE_CHILD_SA", True)
    assert c.proposals.received == ["ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ", "ESP:AES_GCM_16_128/NO_EXT_SEQ"]
    assert c.proposals.configured[0] == "ESP:AES_GCM_16_128/MODP_2048/NO_EXT_SEQ"
    assert c.proposals.unacceptable


def test_web24_initiator_create_child_sa_refused():
    n = one("web-24")  # newest first
    assert (n.outcome, n.failed_stage, n.failure_reason) == (Outcome.FAILED, Stage.CREATE_CHILD_SA, "NO_PROPOSAL_CHOSEN")
    [c] = n.children
    assert (c.uid, c.exchange, c.failed, c.failure_reason) == (13103, "CREATE_CHILD_SA", True, "NO_PROPOSAL_CHOSEN")
    assert len(c.proposals.configured) == 3 and all(p.startswith("ESP:") for p in c.proposals.configured)


# -- 4. SAs established before the excerpt -----------------------------------------------------------
def test_gh20_peer_deletes_an_established_sa():
    found = {n.unique_id: n for n in negs("gh-20")}
    assert found[3].outcome is Outcome.DELETED and found[3].failed_stage is None
    assert found[1].outcome is Outcome.ESTABLISHED  # INFORMATIONAL request 5: past IKE_AUTH
    assert ("INFORMATIONAL", 5, "in", True) in exchanges(found[1])


def test_gh42_dpd_giveup_on_a_live_sa_is_not_an_unanswered_first_message():
    found = {n.unique_id: n for n in negs("gh-42")}  # newest first, tagged <con1|N>
    old = found[1]
    assert old.outcome is Outcome.TIMED_OUT
    assert old.failed_stage is Stage.ESTABLISHED and old.failure_reason == "DPD_TIMEOUT"
    assert old.successor is None  # a restart after a give-up, not a rekey
    assert found[2].role is Role.INITIATOR and found[2].outcome is Outcome.UNKNOWN


# -- 5. `reauthenticating IKE_SA x[N]` alone makes no negotiation ------------------------------------
def test_web16_no_phantom_from_reauthenticating():
    n = one("web-16")
    assert n.unique_id == 2 and n.role is Role.INITIATOR and n.conn == "net-net"
    assert exchanges(n)[:2] == [("IKE_SA_INIT", 0, "out", True), ("IKE_SA_INIT", 0, "in", False)]


# -- 6. a responder's ladder when the job's lines precede `checkin IKE_SA (unnamed)[N]` --------------
def test_gh01_responder_ladder():
    n = one("gh-01")
    assert n.role is Role.RESPONDER
    assert n.unique_id == 2
    assert exchanges(n) == [("IKE_SA_INIT", 0, "out", False)]
    assert n.messages[0].size == 273
