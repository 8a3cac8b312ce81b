"""The lint readers: swanctl.conf (includes, conf.d, references), ipsec.conf, secrets,
strongswan.conf loggers, certificates, profiles (plain, binary, signed), Windows, detect."""
from __future__ import annotations

from lint_factory import make_cert, pem, write_profile

from swandiag.lint import detect, ipsec_conf, profiles, strongswan_conf, swanctl, windows
from swandiag.lint.certs import load_bytes
from swandiag.lint.records import LintProblem


def test_swanctl_includes_conf_d_and_lines(tmp_path):
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "swanctl.conf").write_text("# main\nconnections {\n   base {\n      dpd_delay = 30s\n   }\n}\ninclude conf.d/*.conf\n")
    (tmp_path / "conf.d" / "rw.conf").write_text(
        'connections {\n  rw : base {\n    proposals = aes256-sha256-modp2048, default\n    local {\n      id = "vpn.example.com"\n    }\n'
        '    children {\n      net { local_ts = 10.0.0.0/8 }\n    }\n  }\n}\n')
    res = swanctl.load(str(tmp_path / "swanctl.conf"))
    assert not res.problems
    rw = next(c for c in res.connections if c.name == "rw")
    assert rw.proposals == ["aes256-sha256-modp2048", "default"]
    assert rw.dpd_delay == "30s"  # from the referenced base section
    assert rw.local[0].id == "vpn.example.com"
    assert rw.children[0].local_ts == ["10.0.0.0/8"]
    assert rw.at("proposals").path.endswith("rw.conf") and rw.at("proposals").line == 3


def test_swanctl_hostile_input_gives_problems_not_crashes(tmp_path):
    (tmp_path / "loop.conf").write_text("include loop.conf\nconnections {\n = x\n}}}\n" + "a {" * 200)
    res = swanctl.load(str(tmp_path / "loop.conf"))
    assert res.problems  # reported, one line each
    assert all(isinstance(p, LintProblem) for p in res.problems)


def test_swanctl_secrets_keep_structure_only():
    res = swanctl.load_text('secrets {\n ike-1 {\n  id-a = alice\n  secret = "TOPSECRET"\n }\n}\n')
    assert res.secrets[0].kind == "ike" and res.secrets[0].ids == ["alice"]
    assert "TOPSECRET" not in repr(res)


def test_ipsec_conf_default_also_and_reauth():
    text = ("config setup\n    uniqueids = never\nconn %default\n    ike = aes128-sha256-modp3072!\n"
            "conn base\n    leftcert = gw.pem\nconn rw\n    also = base\n    left = 192.0.2.1\n    leftid = @vpn.example.com\n"
            "    right = %any\n    rightsourceip = 10.1.0.0/24\n    auto = add\n")
    res = ipsec_conf.load_text(text, "ipsec.conf")
    rw = next(c for c in res.connections if c.name == "rw")
    assert rw.proposals == ["aes128-sha256-modp3072"] and rw.local[0].certs == ["gw.pem"]
    assert rw.local[0].id == "@vpn.example.com" and rw.unique == "never"
    assert rw.reauth_time == "3h"  # ipsec.conf reauthenticates by default
    assert rw.at("local_addrs").line == 9


def test_secrets_structure_never_values():
    entries = ipsec_conf.secrets_from_text(': RSA gw.pem\nalice : EAP "PW-VALUE"\n@a @b : PSK 0sVALUE\n', "ipsec.secrets")
    assert [(e.kind, e.ids) for e in entries] == [("rsa", []), ("eap", ["alice"]), ("psk", ["@a", "@b"])]
    assert "VALUE" not in repr(entries)


def test_strongswan_conf_loggers():
    conf, problems = strongswan_conf.load_text(
        "charon {\n filelog {\n  log {\n   path = /var/log/charon.log\n   time_format = %b %e %T\n   ike_name = yes\n"
        "   default = 1\n   ike = 2\n  }\n }\n syslog {\n  daemon {\n   default = 0\n  }\n }\n plugins {\n  eap-radius {\n   secret = X\n  }\n }\n}\n")
    assert not problems
    fl, sl = conf.loggers
    assert (fl.kind, fl.name, fl.level("ike"), fl.level("cfg"), fl.ike_name) == ("filelog", "/var/log/charon.log", 2, 1, True)
    assert strongswan_conf.expected_format(fl)["format"] == "charon-filelog"
    assert sl.kind == "syslog" and sl.level("ike") == 0
    assert not any("secret" in k for k in conf.settings)


def test_certificate_facts():
    cert = make_cert(dns=("vpn.example.com",), ips=("192.0.2.1",), ekus=("serverAuth",))
    problems: list = []
    (info,) = load_bytes(pem(cert), "gw.pem", problems)
    assert info.san_dns == ["vpn.example.com"] and info.san_ip == ["192.0.2.1"]
    assert info.ekus == ["serverAuth"] and info.key_type == "RSA" and info.key_bits == 2048
    assert info.subject == "C=CH, O=Test, CN=vpn.example.com"
    (der,) = load_bytes(cert.public_bytes(__import__("cryptography").hazmat.primitives.serialization.Encoding.DER), "gw.der", problems)
    assert der.fingerprint == info.fingerprint and not problems


def test_profiles_plain_binary_and_signed(tmp_path):
    for kw in ({}, {"binary": True}, {"signed": True}):
        d = tmp_path / str(len(kw)) / ("b" if kw.get("binary") else "s")
        d.mkdir(parents=True)
        path = write_profile(d, ike={"EncryptionAlgorithm": "AES-256", "IntegrityAlgorithm": "SHA2-256", "DiffieHellmanGroup": 19}, **kw)
        assert detect.classify(str(path)) == "profile"
        problems: list = []
        (p,) = profiles.load(str(path), problems)
        assert not problems
        assert p.remote_identifier == "vpn.example.com" and p.ike.keywords == "aes256-sha256-ecp256"
        assert p.signed == bool(kw.get("signed")) and p.has_password and p.has_shared_secret
        assert "SUPERSECRET" not in repr(p)
        if not kw:
            assert p.at("RemoteIdentifier").line > 0


def test_windows_powershell():
    text = ('Add-VpnConnection -Name "Corp" -ServerAddress vpn.example.com -TunnelType Ikev2 `\n'
            '   -AuthenticationMethod MachineCertificate -L2tpPsk "SECRETPSK"\n'
            'Set-VpnConnectionIPsecConfiguration -ConnectionName "Corp" -AuthenticationTransformConstants SHA256128 '
            '-CipherTransformConstants AES256 -EncryptionMethod AES256 -IntegrityCheckMethod SHA256 -DHGroup Group14 -PfsGroup None -Force\n')
    (w,) = windows.from_text(text, "vpn.ps1")
    assert (w.name, w.server, w.ike.keywords, w.ike.dh_group) == ("Corp", "vpn.example.com", "aes256-sha256-modp2048", 14)
    assert "SECRETPSK" not in repr(w)


def test_detect_by_content(tmp_path):
    cases = {
        "a.conf": ("connections {\n rw {\n }\n}\n", "swanctl"),
        "b.conf": ("conn rw\n    left=%any\n", "ipsec-conf"),
        "c.txt": (": RSA gw.pem\n", "secrets"),
        "d.conf": ("charon {\n load_modular = yes\n}\n", "strongswan-conf"),
        "e.ps1": ("Add-VpnConnection -Name x -ServerAddress y\n", "windows"),
        "charon.log": ("Nov 29 22:15:50 13[IKE] initiating IKE_SA home[1] to 192.0.2.1\n"
                       "Nov 29 22:15:50 13[CFG]  conn rw:\n", None),
        "key.pem": ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "secrets"),
        "empty": ("", None),
    }
    for name, (text, kind) in cases.items():
        (tmp_path / name).write_text(text)
        assert detect.classify(str(tmp_path / name)) == kind, name
    (tmp_path / "gw.pem").write_bytes(pem(make_cert()))
    assert detect.classify(str(tmp_path / "gw.pem")) == "cert"
    assert detect.classify(str(tmp_path / "missing")) is None
