"""Diagnoses of real public user logs from resolved threads (tests/fixtures/public-diagnoses,
sources and the settled cause of each in its README): the top finding names that cause and its
fix has what the thread's fix needed."""
from __future__ import annotations

from pathlib import Path

import pytest

from swandiag.parse.templates import match_text
from swandiag.pipeline import analyze

HERE = Path(__file__).parent / "fixtures" / "public-diagnoses"


def _run(name: str):
    analysis = analyze([str(HERE / name)])
    return analysis, {f.id: f for f in analysis.findings}


def _fix_text(finding) -> str:
    fix = finding.fix
    parts = [fix.summary]
    for side in (fix.gateway, fix.client):
        for key, value in (side or {}).items():
            parts.append(f"{key}: {value}")
    return "\n".join(parts)


def _top(analysis) -> str:
    return analysis.findings[0].id if analysis.findings else "none"


# --- diag-13: XAuth fails because the gateway has no XAuth secret for the user -------------------

def test_missing_xauth_secret_is_its_own_cause_not_a_wrong_password():
    analysis, found = _run("xauth-no-secret-opnsense-core4438.log")
    assert _top(analysis) == "xauth-no-secret", [f.id for f in analysis.findings]
    assert "xauth-auth-failed" not in found  # the user's password was right
    f = found["xauth-no-secret"]
    assert any("no XAuth secret found for '${FQDN}' - '${USER}'" in e.text for e in f.evidence)
    fix = _fix_text(f)
    assert ': XAUTH "' in fix and "${USER}" in fix
    assert "xauth-${USER}" in fix and "id = ${USER}" in fix


def test_wrong_xauth_password_still_is_xauth_auth_failed():
    analysis = analyze([str(HERE.parent / "corpus" / "lab" / "xauth-wrong-password")])
    ids = [f.id for f in analysis.findings]
    assert "xauth-auth-failed" in ids and "xauth-no-secret" not in ids, ids


# --- diag-11 / opnsense#474: no shared key, every variant of the message yields the ids ----------

@pytest.mark.parametrize(("body", "local_id", "remote_id", "local_addr", "remote_addr"), [
    # IKEv1 phase1.c lookup_shared_key(): '%H - %H' fallback (no peer config ids)
    ("no shared key found for 192.168.1.8 - 138.197.147.93", "192.168.1.8", "138.197.147.93",
     "192.168.1.8", "138.197.147.93"),
    # IKEv1 phase1.c find_shared_key(): '%Y'[%H] - '%Y'[%H]
    ("no shared key found for 'A.A.A.A'[A.A.A.A] - 'B.B.B.B'[B.B.B.B]", "A.A.A.A", "B.B.B.B", "A.A.A.A", "B.B.B.B"),
    ("no shared key found for 'vpn.example.com'[192.0.2.1] - '%any'[192.0.2.10]", "vpn.example.com", "%any",
     "192.0.2.1", "192.0.2.10"),
    # IKEv2 psk_authenticator.c: '%Y' - '%Y'
    ("no shared key found for 'vpn.example.com' - 'carol@example.com'", "vpn.example.com", "carol@example.com",
     None, None),
])
def test_no_shared_key_variants_give_both_identities(body, local_id, remote_id, local_addr, remote_addr):
    got = match_text(body, "charon", "IKE")
    assert got is not None
    kind, facts = got[0], got[1]
    assert kind == "ike.no_shared_key"
    assert facts.get("local_id") == local_id and facts.get("remote_id") == remote_id, facts
    assert facts.get("local_addr") == local_addr and facts.get("remote_addr") == remote_addr, facts


def test_client_without_its_psk_names_the_ids_and_its_own_secrets_file():
    analysis, found = _run("psk-missing-client-hwdsl2-249.log")
    assert _top(analysis) == "psk-missing"
    f = found["psk-missing"]
    assert "'192.168.1.8' / '138.197.147.93'" in f.explanation, f.explanation
    assert "'?'" not in f.explanation
    fix = _fix_text(f)
    assert "= ?" not in fix and " ?" not in fix.replace(" ?\n", "X"), fix
    assert "192.168.1.8 138.197.147.93 : PSK" in fix
    assert "/etc/strongswan/ipsec.secrets" in fix  # the client's own secrets file (distro path)


def test_gateway_without_the_psk_names_the_ids():
    analysis, found = _run("psk-missing-opnsense-core474.log")
    assert _top(analysis) == "psk-missing"
    f = found["psk-missing"]
    assert "'A.A.A.A' / 'B.B.B.B'" in f.explanation, f.explanation
    fix = _fix_text(f)
    assert "id-1 = A.A.A.A" in fix and "id-2 = B.B.B.B" in fix, fix
    assert "= ?" not in fix


# --- diag-03: constraint line whose blanks were lost in the paste --------------------------------

@pytest.mark.parametrize("body", [
    "constraint check failed: certificate does not confirm identity'192.168.2.33'(ID_IPV4_ADDR)",
    "constraint check failed: certificate does not confirm identity '192.168.2.33' (ID_IPV4_ADDR)",
    "constraint check failed: certificate does not confirm identity '192.168.2.33'",
])
def test_constraint_identity_tolerates_missing_blanks(body):
    got = match_text(body, "charon", "CFG")
    assert got is not None and got[0] == "cfg.constraint_cert_identity", got
    assert got[1]["required"] == "192.168.2.33"


def test_server_certificate_without_the_address_the_client_uses():
    analysis, found = _run("constraint-identity-nospace-hwdsl2-docker420.log")
    assert _top(analysis) in ("remote-id-mismatch", "san-mismatch"), [f.id for f in analysis.findings]
    f = found[_top(analysis)]
    assert "192.168.2.33" in f.explanation
    assert "192.168.2.33" in _fix_text(f)


# --- diag-04: CA certificate with a critical extension the plugin rejects is not loaded ----------

def test_ca_certificate_that_failed_to_load_is_diagnosed():
    analysis, found = _run("ca-load-name-constraints-algo1758.log")
    assert _top(analysis) == "cert-load-failed", [f.id for f in analysis.findings]
    f = found["cert-load-failed"]
    cited = " ".join(e.text for e in f.evidence)
    assert "found unsupported critical X.509 extension: X509v3 Name Constraints" in cited
    assert "X509v3 Name Constraints" in f.explanation
    assert "enforce_critical = no" in _fix_text(f)


@pytest.mark.parametrize(("body", "group", "kind"), [
    ("found unsupported critical X.509 extension: X509v3 Name Constraints", "LIB", "lib.unsupported_critical_ext"),
    ("critical 'nameConstraints' extension not supported", "ASN", "asn.critical_ext_unsupported"),
])
def test_critical_extension_messages_have_templates(body, group, kind):
    got = match_text(body, "charon", group)
    assert got is not None and got[0] == kind, got


# --- diag-07: the starter reports charon died, and it never came back ----------------------------

def test_charon_that_died_and_never_restarted_did_not_start():
    analysis, found = _run("charon-died-no-tun-one-key-ikev2-121.log")
    assert "daemon-start-failed" in found, [f.id for f in analysis.findings]
    f = found["daemon-start-failed"]
    assert any("charon has died -- restart scheduled (5sec)" in e.text for e in f.evidence)
    assert "/dev/net/tun" in _fix_text(f)


def test_one_died_followed_by_a_start_is_not_a_start_failure(tmp_path):
    log = tmp_path / "starter.log"
    log.write_text(
        "ipsec_starter[10997]: charon (18019) started after 40 ms\n"
        "ipsec_starter[10997]: charon has died -- restart scheduled (5sec)\n"
        "ipsec_starter[10997]: charon (18031) started after 40 ms\n")
    found = {f.id for f in analyze([str(log)]).findings}
    assert "daemon-start-failed" not in found, found


# --- diag-15: the responder requires a virtual IP the initiator did not ask for ------------------

def test_gateway_sent_fail_cp_required_without_a_cp_request():
    analysis, found = _run("fail-cp-required-vpp3374.log")
    assert _top(analysis) == "vip-not-requested", [f.id for f in analysis.findings]
    fix = _fix_text(found["vip-not-requested"])
    assert "vips = 0.0.0.0" in fix and "leftsourceip=%config" in fix


# --- diag-16: the crypto plugin does not load (library mismatch), not a kernel problem -----------

def test_plugin_relocation_error_asks_for_a_matching_build():
    analysis, found = _run("openssl-plugin-relocation-dosxvpn20.log")
    assert _top(analysis) == "plugin-load-failed", [f.id for f in analysis.findings]
    f = found["plugin-load-failed"]
    assert any("i2d_re_X509_CRL_tbs: symbol not found" in e.text for e in f.evidence)
    fix = _fix_text(f)
    assert "openssl" in fix and "OpenSSL" in fix and "modprobe" not in fix
    assert "plugin-load-failed" in found["daemon-start-failed"].explained_by


def test_fail_cp_required_after_a_cp_request_is_not_vip_not_requested(tmp_path):
    # the same response, but the peer's IKE_AUTH request did ask for an address
    log = tmp_path / "gateway.log"
    real = (HERE / "fail-cp-required-vpp3374.log").read_text().splitlines()
    request = ("Jun 16 10:24:53 strongswan-ipsec charon: 12[ENC] parsed IKE_AUTH request 1 "
               "[ IDi N(INIT_CONTACT) IDr AUTH CPRQ(ADDR DNS) SA TSi TSr ]")
    log.write_text("\n".join([request, *real]) + "\n")
    analysis = analyze([str(log)])
    negs = analysis.negotiations
    assert any("CPRQ(ADDR DNS)" in m.payloads for n in negs for m in n.messages), [m.payloads for n in negs for m in n.messages]
    assert "vip-not-requested" not in {f.id for f in analysis.findings}


def test_a_restart_loop_is_a_start_failure_even_if_it_was_started_again(tmp_path):
    log = tmp_path / "starter.log"
    log.write_text("".join(
        "ipsec_starter[10997]: charon (%d) started after 40 ms\n"
        "ipsec_starter[10997]: charon has died -- restart scheduled (5sec)\n" % pid for pid in (18019, 18031))
        + "ipsec_starter[10997]: charon (18040) started after 40 ms\n")
    found = {f.id for f in analyze([str(log)]).findings}
    assert "daemon-start-failed" in found, found
