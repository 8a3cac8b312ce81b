"""Signatures on real public user logs (tests/fixtures/public-signatures, sources in its README):
daemon start failures and crashes, an ESP/PFS mismatch in CREATE_CHILD_SA, redacted hosts in
address templates, and a PSK diagnosis that must not fire for a certificate client."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from swandiag.parse.templates import match_text
from swandiag.pipeline import analyze

HERE = Path(__file__).parent / "fixtures" / "public-signatures"


def _findings(name: str) -> dict:
    analysis = analyze([str(HERE / name)])
    return {f.id: f for f in analysis.findings}


@pytest.mark.parametrize(("name", "want", "cited"), [
    # charon's plugin loader: kernel interface missing in a container (docker logs, no timestamps)
    ("daemon-init-failed-docker-gh41.log", "daemon-start-failed",
     "feature CUSTOM:libcharon in critical plugin 'charon' has unmet dependency: CUSTOM:kernel-ipsec"),
    ("daemon-init-failed-gh36.log", "daemon-start-failed", "initialization failed - aborting charon"),
    # ipsec starter gave up waiting for charon's pid file
    ("daemon-start-timeout-gh39.log", "daemon-start-failed", "charon too long to start... - kill kill"),
    ("daemon-crash-openwrt-gh16.log", "daemon-crashed", "killing ourself, received critical signal"),
])
def test_daemon_that_did_not_run_is_diagnosed_not_no_ike_traffic(name, want, cited):
    found = _findings(name)
    assert want in found, sorted(found)
    assert "no-ike-traffic" not in found  # it did not run: it says nothing about packets
    assert any(cited in e.text for e in found[want].evidence)
    assert found[want].severity.name == "ERROR"


def test_crash_explains_the_start_failure_it_causes():
    found = _findings("daemon-crash-openwrt-gh16.log")
    assert "daemon-crashed" in found["daemon-start-failed"].explained_by
    assert [f.id for f in analyze([str(HERE / "daemon-crash-openwrt-gh16.log")]).findings][0] == "daemon-crashed"


@pytest.mark.parametrize("body", [
    "initialization failed - aborting charon",
    "invalid uid/gid - aborting charon-nm",
    "capability dropping failed - aborting charon",
    "charon already running ('/var/run/charon.pid' exists)",
    "killing ourself, received critical signal",
    "failed to load 2 critical plugin features",
    "loading critical plugin 'kernel-netlink' failed",
    "feature CUSTOM:libcharon in critical plugin 'charon' failed to load",
    "charon has quit: initialization failed",
    "charon-systemd too long to start... - kill kill",
])
def test_every_daemon_failure_variant_has_a_template(body):
    assert match_text(body, "charon") is not None, body


def test_esp_pfs_mismatch_in_create_child_sa_responder():
    found = _findings("esp-pfs-create-child-responder-web31.log")
    assert "esp-proposal-mismatch" in found and "ike-proposal-mismatch" not in found, sorted(found)
    f = found["esp-proposal-mismatch"]
    assert "ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ, ESP:AES_GCM_16_128/NO_EXT_SEQ" in f.explanation
    assert "ESP:AES_GCM_16_128/MODP_2048/NO_EXT_SEQ" in f.explanation
    assert "only the DH group (PFS) differs" in f.fix.summary and "MODP_2048" in f.fix.summary
    lines = " ".join(e.text for e in f.evidence)
    assert "configured proposals:" in lines and "received proposals:" in lines


def test_esp_pfs_mismatch_in_create_child_sa_initiator():
    found = _findings("esp-pfs-create-child-initiator-web24.log")
    assert "esp-proposal-mismatch" in found and "ike-proposal-mismatch" not in found, sorted(found)
    assert "PFS (MODP_2048)" in found["esp-proposal-mismatch"].explanation


def test_psk_mismatch_not_claimed_for_a_certificate_client():
    found = _findings("rsa-client-unencrypted-notify-gh06.log")
    assert "psk-mismatch" not in found, sorted(found)


def test_redacted_hosts_still_build_the_negotiation():
    analysis = analyze([str(HERE / "redacted-hosts-established-gh35.log")])
    assert [n.outcome.value for n in analysis.negotiations] == ["established"]
    assert analysis.negotiations[0].remote.addr == "[server ip]"


@pytest.mark.parametrize(("body", "src", "size"), [
    ("received packet: from {{{roadwarriorIp}}}[3258] to 172.31.1.33[500](604 bytes)", ["{{{roadwarriorIp}}}", 3258], 604),
    ("received packet: from [server ip][4500] to 10.100.102.8[4500] (76 bytes)", ["[server ip]", 4500], 76),
    ("sending packet: from 2001:db8::1[500] to 2001:db8::2[500] (248 bytes)", ["2001:db8::1", 500], 248),
])
def test_packet_hosts_are_any_token_before_the_port(body, src, size):
    kind, facts = match_text(body, "charon", "NET")
    assert kind == "net.packet" and facts["src"] == src and facts["size"] == size


@pytest.mark.parametrize("body", [
    "received packet: from " + "[" * 20000 + " to x[500]",
    "received packet: from " + "[a]" * 20000 + "[500] to " + "b" * 20000,
    "IKE_SA a[1] established between " + "a" * 20000 + "..." + "[b" * 5000,
])
def test_hostile_address_lines_are_cheap(body):
    start = time.perf_counter()
    match_text(body, "charon")
    assert time.perf_counter() - start < 1.0
