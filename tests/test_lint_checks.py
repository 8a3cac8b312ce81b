"""Every lint check, positive and negative, on generated configs/certificates/profiles."""
from __future__ import annotations

import pytest
from lint_factory import NOW, gateway_conf, make_cert, pem, write_gateway, write_profile

from swandiag import lint
from swandiag.lint.records import LogIdentity

T = NOW.timestamp()
GOOD = make_cert(dns=("vpn.example.com",), ips=("192.0.2.1",))


def checks(tmp_path, conf=None, cert=GOOD, profile=None, extra_files=(), version=None, log_ids=(), ca=True):
    paths = []
    if conf is not None:
        paths.append(str(write_gateway(tmp_path, conf, cert, ca=ca)))
    elif cert is not None:
        (tmp_path / "gw.pem").write_bytes(pem(cert))
        paths.append(str(tmp_path / "gw.pem"))
    if profile is not None:
        pdir = tmp_path / "profile"
        pdir.mkdir()
        paths.append(str(write_profile(pdir, **profile)))
    for name, text in extra_files:
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    model = lint.load(paths, strongswan_version=version, now=T)
    if log_ids:
        model.log_identities.extend(log_ids)
        lint.facts(model)
    assert not model.problems, model.problems
    return {i.check for i in model.issues}, model


def test_clean_gateway_has_no_warnings(tmp_path):
    found, _ = checks(tmp_path, gateway_conf(), profile={})
    assert found <= {"proposal-default-client"}, found  # Windows defaults (modp1024): info only


@pytest.mark.parametrize("cert,check", [
    (make_cert(dns=("other.example.com",)), "cert-san-missing-name"),
    (make_cert(dns=()), "cert-only-dn"),
    (make_cert(ekus=("clientAuth",)), "cert-no-serverauth"),
    (make_cert(ekus=()), "cert-no-serverauth"),
    (make_cert(ekus=("serverAuth",)), "cert-no-ike-intermediate"),
    (make_cert(start_days=-800, end_days=-5), "cert-expired"),
    (make_cert(start_days=5), "cert-not-yet-valid"),
    (make_cert(end_days=10), "cert-expiring"),
])
def test_certificate_checks(tmp_path, cert, check):
    found, _ = checks(tmp_path, gateway_conf(), cert)
    assert check in found
    good, _ = checks(tmp_path / "neg", gateway_conf(), GOOD) if (tmp_path / "neg").mkdir() is None else None
    assert check not in good


def test_san_checked_against_profile_and_windows_and_logs(tmp_path):
    conf = gateway_conf()
    found, model = checks(tmp_path, conf, profile={"remote_address": "vpn2.example.com", "remote_id": "vpn.example.com"})
    issue = next(i for i in model.issues if i.check == "cert-san-missing-name")
    assert "vpn2.example.com" in issue.name and any("RemoteAddress" in t for _, t in issue.evidence)
    (tmp_path / "b").mkdir()
    found, _ = checks(tmp_path / "b", conf, extra_files=[("vpn.ps1", "Add-VpnConnection -Name C -ServerAddress 203.0.113.5\n")])
    assert "cert-san-missing-name" in found
    (tmp_path / "c").mkdir()
    found, _ = checks(tmp_path / "c", conf, log_ids=[LogIdentity("gw.example.net", "carol", "client.log", 7)])
    assert "cert-san-missing-name" in found
    (tmp_path / "d").mkdir()
    found, _ = checks(tmp_path / "d", conf, log_ids=[LogIdentity("192.0.2.1", "carol", "client.log", 7)])
    assert "cert-san-missing-name" not in found  # IP SAN present


def test_chain_incomplete(tmp_path):
    found, _ = checks(tmp_path, gateway_conf(), ca=False)
    assert "cert-chain-incomplete" in found
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", gateway_conf(), ca=True)
    assert "cert-chain-incomplete" not in found


def test_send_cert_ifasked_with_apple_profile(tmp_path):
    conf = gateway_conf().replace("send_cert = always", "send_cert = ifasked")
    found, _ = checks(tmp_path, conf, profile={"issuer_cn": None})
    assert "send-cert-ifasked" in found
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", gateway_conf().replace("      send_cert = always\n", ""), profile={"issuer_cn": "Test Root CA"})
    assert "send-cert-ifasked" not in found  # default ifasked, but the profile makes the client send CERTREQ
    (tmp_path / "u").mkdir()
    found, _ = checks(tmp_path / "u", conf)  # explicit ifasked, no Apple client known: advice only
    assert "send-cert-ifasked-info" in found and "send-cert-ifasked" not in found


def test_proposal_intersection_with_profile(tmp_path):
    conf = gateway_conf("      proposals = aes256-sha256-ecp256")
    found, model = checks(tmp_path, conf, profile={"ike": {"EncryptionAlgorithm": "AES-128", "IntegrityAlgorithm": "SHA1-96", "DiffieHellmanGroup": 14}})
    issue = next(i for i in model.issues if i.check == "proposal-no-match")
    assert issue.facts["proto"] == "IKE" and "MODP_2048" in issue.facts["client_proposal"]
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", conf, profile={"ike": {"EncryptionAlgorithm": "AES-256", "IntegrityAlgorithm": "SHA2-256", "DiffieHellmanGroup": 19}})
    assert "proposal-no-match" not in found


def test_esp_intersection_with_profile(tmp_path):
    conf = gateway_conf(child="local_ts = 10.0.0.0/24\n            esp_proposals = aes128gcm16")
    prof = {"ike": {"EncryptionAlgorithm": "AES-256", "IntegrityAlgorithm": "SHA2-256", "DiffieHellmanGroup": 14}}
    found, model = checks(tmp_path, conf, profile=prof)
    assert any(i.check == "proposal-no-match" and i.facts["proto"] == "ESP" for i in model.issues)
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", gateway_conf(child="local_ts = 10.0.0.0/24\n            esp_proposals = aes256-sha256"), profile=prof)
    assert "proposal-no-match" not in found


def test_known_client_defaults(tmp_path):
    found, model = checks(tmp_path, gateway_conf("      proposals = aes256gcm16-prfsha384-ecp384"))
    labels = {i.facts["client"] for i in model.issues if i.check == "proposal-default-client"}
    assert {"iOS manual configuration", "macOS manual configuration"} <= labels
    (tmp_path / "n").mkdir()
    found, model = checks(tmp_path / "n", gateway_conf("      proposals = aes256-sha256-modp2048, aes256-sha1-modp1024"))
    assert not any(i.check == "proposal-default-client" for i in model.issues)


def test_modp1536_trap(tmp_path):
    found, _ = checks(tmp_path, gateway_conf("      proposals = aes256-sha256-modp1536"))
    assert "modp1536-trap" in found
    (tmp_path / "p").mkdir()
    found, _ = checks(tmp_path / "p", gateway_conf(), profile={"ike": {"DiffieHellmanGroup": 5}})
    assert "modp1536-trap" in found
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", gateway_conf("      proposals = aes256-sha256-modp2048, aes256-sha256-modp1536"))
    assert "modp1536-trap" not in found  # modp2048 is chosen first


def test_ipv6_pool_without_default_ts(tmp_path):
    found, _ = checks(tmp_path, gateway_conf(pool_addrs="10.10.0.0/24, fd00::/120"))
    assert "ipv6-pool-no-default-ts" in found
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", gateway_conf(pool_addrs="10.10.0.0/24, fd00::/120", child="local_ts = 0.0.0.0/0, ::/0"))
    assert "ipv6-pool-no-default-ts" not in found


def test_mobike_dpd_old_strongswan(tmp_path):
    found, _ = checks(tmp_path, gateway_conf(), version="strongSwan 5.3.5")
    assert "mobike-dpd-old-strongswan" in found
    for n, (extra, version) in enumerate([("", "5.5.1"), ("      mobike = no", "5.3.5"), ("", None)]):
        (tmp_path / str(n)).mkdir()
        found, _ = checks(tmp_path / str(n), gateway_conf(extra), version=version)
        assert "mobike-dpd-old-strongswan" not in found


def test_reauth_and_dpd_for_macos(tmp_path):
    conf = gateway_conf("      reauth_time = 4h").replace("      dpd_delay = 300s\n", "")
    found, _ = checks(tmp_path, conf, profile={})
    assert {"responder-reauth", "dpd-unset"} <= found
    (tmp_path / "u").mkdir()
    found, _ = checks(tmp_path / "u", conf)  # no Apple client known: advice only
    assert "responder-reauth-info" in found and "responder-reauth" not in found
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", gateway_conf("      reauth_time = 0\n      rekey_time = 4h"))
    assert not {"responder-reauth", "dpd-unset"} & found


def test_split_dns(tmp_path):
    found, _ = checks(tmp_path, gateway_conf(pool_extra="      dns = 10.0.0.53\n      25 = corp.example.com"))
    assert "split-dns-domain" in found and "split-dns-missing" not in found
    (tmp_path / "m").mkdir()
    found, _ = checks(tmp_path / "m", gateway_conf(pool_extra="      dns = 10.0.0.53"))
    assert "split-dns-missing" in found
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", gateway_conf(pool_extra="      dns = 10.0.0.53", child="local_ts = 0.0.0.0/0"))
    assert not {"split-dns-missing", "split-dns-domain"} & found


@pytest.mark.parametrize("policy,check", [("keep", "unique-keep"), ("never", "unique-never")])
def test_unique_policy(tmp_path, policy, check):
    found, _ = checks(tmp_path, gateway_conf(f"      unique = {policy}"))
    assert check in found
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", gateway_conf("      unique = replace"))
    assert check not in found


def test_identities_that_cannot_match(tmp_path):
    found, model = checks(tmp_path, gateway_conf(remote_id="*@example.com"), profile={"remote_id": "gw.example.net", "local_id": "carol@example.com"})
    issue = next(i for i in model.issues if i.check == "identity-no-match")
    assert issue.facts["conn"] == "rw" and "IDr" in issue.facts["reason"]
    (tmp_path / "i").mkdir()
    found, model = checks(tmp_path / "i", gateway_conf(remote_id="*@example.com"), profile={"local_id": "carol@other.org"})
    assert "IDi" in next(i for i in model.issues if i.check == "identity-no-match").facts["reason"]
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", gateway_conf(remote_id="*@example.com"), profile={"local_id": "carol@example.com"})
    assert "identity-no-match" not in found


def test_ecdsa_and_weak_keys(tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec
    found, _ = checks(tmp_path, gateway_conf(), make_cert(key=ec.generate_private_key(ec.SECP256R1())), profile={})
    assert "cert-ecdsa-apple" in found
    (tmp_path / "n").mkdir()
    found, _ = checks(tmp_path / "n", gateway_conf(), profile={})
    assert not {"cert-ecdsa-apple", "cert-weak-key"} & found


def test_certs_alone_are_judged_as_server_certs(tmp_path):
    found, _ = checks(tmp_path, None, make_cert(ekus=("clientAuth",), dns=("vpn.example.com",)))
    assert "cert-no-serverauth" not in found  # a client certificate: not a server's
    (tmp_path / "s").mkdir()
    found, _ = checks(tmp_path / "s", None, make_cert(ekus=(), dns=("vpn.example.com",)))
    assert "cert-no-serverauth" in found
