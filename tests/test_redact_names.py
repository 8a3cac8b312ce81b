"""Host-name detection of the Redactor: file, bundle, option and algorithm names stay readable,
real host names do not survive.

A dotted word in free text is a host only when it is shaped like one (redact.py, _host_shaped):
its last label is a known TLD, it is not a strongSwan option path (charon…, connections…), and a
TLD that doubles as a file suffix or setting key (app, id, in, pl) needs three labels and no
reverse-DNS root. Identity positions (quoted identities, `matching A[id]...B[id]`, syslog and
journald hosts, negotiation records) are trusted as before.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from swandiag.report.redact import _AMBIGUOUS_TLDS, _OPTION_ROOTS, _REVERSE_DNS_ROOTS, _TLDS, Redactor

CORPUS = Path(__file__).parent / "fixtures" / "corpus"

# Lines as the logs, the patterns' fixes / collect hints and the level advice print them.
READABLE = [
    ("Console.app", "iOS: Console.app with the device attached (Include Info/Debug Messages) or a sysdiagnose"),
    ("Console.app", "open /System/Applications/Utilities/Console.app, then Action > Include Debug Messages"),
    ("Settings.app", "on the iPhone open Settings.app > General > VPN & Device Management"),
    ("racoon.log", "racoon.log shows no phase 1 for this peer"),
    ("charon.log", "read /var/log/charon.log from daemon start"),
    ("system.log", "macOS: /var/log/system.log (racoon and neagent)"),
    ("swanctl.conf", "loaded connections from /etc/swanctl/swanctl.conf"),
    ("strongswan.conf", "raise the levels in /etc/strongswan.conf"),
    ("ipsec.conf", "conn rw in /etc/ipsec.conf has no rightid"),
    ("ipsec.secrets", "loading secrets from '/etc/ipsec.secrets'"),
    ("gatewayCert.pem", "loaded certificate from '/etc/swanctl/x509/gatewayCert.pem'"),
    ("vpn-profile.mobileconfig", "install vpn-profile.mobileconfig on the device"),
    ("com.apple.NetworkExtension.IKEv2Provider",
     "plugin NEVPNTunnelPlugin(com.apple.NetworkExtension.IKEv2Provider[inactive])"),
    ("com.apple.networkextension", "log show --predicate 'subsystem == \"com.apple.networkextension\"'"),
    ("com.apple.vpn.managed", "PayloadType com.apple.vpn.managed"),
    ("net.openvpn.connect.app", "another VPN app (net.openvpn.connect.app) owns the tunnel"),
    ("NEIKEv2Provider", "NEIKEv2Provider\tmissing eap protocol"),
    ("5.9.8", "Starting IKE charon daemon (strongSwan 5.9.8, Linux 6.1.0-18-amd64, x86_64)"),
    ("6.0.6", "strongSwan 6.0.6 built from source"),
    ("AES_CBC_256", "selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"),
    ("HMAC_SHA2_256_128", "selected proposal: ESP:AES_GCM_16_256/HMAC_SHA2_256_128/NO_EXT_SEQ"),
    ("charon.filelog.<name>.cfg", "charon.filelog.<name>.cfg = 2"),
    ("charon-systemd.journal.ike", "charon-systemd.journal.ike = 1"),
    ("charon.syslog.daemon.app", "charon.syslog.daemon.app = 1"),
    ("local.id", "Compare both with local.id / remote.id (leftid / rightid) of the gateway's connections"),
    ("remote.id", "LocalIdentifier = an identity the gateway's remote.id accepts."),
    ("connections.rw.local.id", "connections.rw.local.id = vpn.example.com"),
    ("connections.<conn>.local.id", "connections.<conn>.local.id = vpn.example.com   # must be a SAN of local.certs"),
    ("Makefile.in", "regenerate Makefile.in"),
    ("updown.pl", "leftupdown=/etc/ipsec.d/updown.pl"),
]

# A run that also holds real identities: learning them must not drag the names above along.
IDENTITY_LINES = [
    "authentication of 'vpn.example.com' (myself) with RSA_EMSA_PKCS1_SHA2_256 successful",
    "looking for peer configs matching 192.0.2.1[vpn.example.com]...192.0.2.10[carol@example.com]",
    "received EAP identity 'carol'",
]


def _run(lines: list[str]) -> tuple[Redactor, list[str]]:
    red = Redactor()
    for line in lines:
        red.learn_text(line)
    return red, [red.text(line) for line in lines]


def _present(value: str, text: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", text, re.I) is not None


@pytest.mark.parametrize("name,line", READABLE, ids=[f"{i}-{n}" for i, (n, _) in enumerate(READABLE)])
def test_file_bundle_option_and_algorithm_names_stay_readable(name, line):
    red, out = _run([*IDENTITY_LINES, line])
    assert name in out[-1], out[-1]
    assert not any(v.startswith("host") and k == name.casefold() for k, v in red.tokens.items())
    # and nothing but the identity in the line changed
    assert out[-1] == line.replace("vpn.example.com", red.tokens["vpn.example.com"])


def test_fix_placeholders_and_comments_are_not_identities():
    """Suggested fixes print `id = <user>` and `leftid=?   # comment`: neither is an identity."""
    lines = ["        id = <user>", "    rightid=<identity in the client certificate's SAN>",
             "    leftid=?   # must be a SAN of leftcert", "AuthName = <user>, AuthPassword = <password>"]
    red, out = _run(lines)
    assert out == lines
    assert not red.tokens
    # a commented config line with a real identity still has it replaced
    red, out = _run(["    leftid=vpn.example.com   # must be a SAN of leftcert"])
    assert out == [f"    leftid={red.tokens['vpn.example.com']}   # must be a SAN of leftcert"]


HOST_LINES = [
    ("vpn.example.com", "remote host vpn.example.com did not answer"),
    ("gw.corp.local", "resolving gw.corp.local failed"),
    ("mail.example.org", "notification to admin via mail server mail.example.org"),
    ("smtp.corp.example.net", "relay=smtp.corp.example.net[198.51.100.25]:25"),
    ("remote.example.com", "the gateway remote.example.com"),  # 'remote' like remote.id, but a host
    ("Carols-iPhone.local", "Bonjour name Carols-iPhone.local"),
    ("vpn.corp.app", "server address vpn.corp.app"),  # ambiguous TLD, three labels
    ("mail.example.co.id", "mail.example.co.id"),
    ("moon.strongswan.org", "authentication of 'moon.strongswan.org' with RSA signature successful"),
    ("gw.lab", "authentication of 'gw.lab' (myself) with pre-shared key"),  # identity position: any TLD
    ("myvpn.app", "looking for peer configs matching 192.0.2.1[myvpn.app]...192.0.2.10[carol]"),
    ("vpn-gw01", "Nov 29 22:15:54 vpn-gw01 charon[1234]: 09[IKE] initiating IKE_SA"),
    ("gw1.corp.local", "2026-11-29T22:15:54+0000 gw1.corp.local charon-systemd[88]: 09[NET] received packet"),
    ("gw2.corp.local", '{"_HOSTNAME" : "gw2.corp.local", "MESSAGE" : "09[NET] sending packet"}'),
    ("example.org", "Nov 29 22:15:50 00[CFG]   id = *@example.org"),  # charon's config dump
]


@pytest.mark.parametrize("host,line", HOST_LINES, ids=[h for h, _ in HOST_LINES])
def test_real_host_names_are_still_redacted(host, line):
    red, out = _run([line])
    assert not _present(host, out[0]), out[0]
    assert red.tokens[host.casefold()].startswith("host-"), red.tokens


def test_host_learnt_in_identity_position_is_redacted_in_free_text_too():
    """A two-label host under an ambiguous TLD is not taken from free text alone, but once seen as
    an identity it is replaced everywhere, Console.app still left alone."""
    lines = ["authentication of 'myvpn.app' (myself) with pre-shared key",
             "DNS lookup of myvpn.app failed; see Console.app"]
    red, out = _run(lines)
    assert not _present("myvpn.app", "\n".join(out))
    assert out[1].endswith("see Console.app")


# --- properties ------------------------------------------------------------------------------
label = st.from_regex(r"[a-z][a-z0-9-]{1,8}[a-z0-9]", fullmatch=True)
host_label = label.filter(lambda s: s not in _OPTION_ROOTS and s not in _REVERSE_DNS_ROOTS)
host = st.builds(lambda a, b, tld: f"{a}.{b}.{tld}", host_label, label, st.sampled_from(sorted(_TLDS)))
stem = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{1,10}", fullmatch=True)
file_name = st.builds(lambda s, ext: f"{s}.{ext}", stem, st.sampled_from(
    ["log", "conf", "secrets", "pem", "crt", "der", "p12", "mobileconfig", "plist", "journal", "txt",
     *sorted(_AMBIGUOUS_TLDS)]))
option = st.builds(lambda root, mid, leaf: f"{root}.{mid}.{leaf}", st.sampled_from(sorted(_OPTION_ROOTS)),
                   label, st.sampled_from(["id", "app", "cfg", "ike", "local", "in", "com"]))
bundle = st.builds(lambda root, a, leaf: f"{root}.{a}.{leaf}", st.sampled_from(sorted(_REVERSE_DNS_ROOTS)),
                   label, st.sampled_from(sorted(_AMBIGUOUS_TLDS) + ["NetworkExtension", "managed"]))
version = st.builds(lambda a, b, c: f"{a}.{b}.{c}", st.integers(0, 20), st.integers(0, 20), st.integers(0, 30))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(file_name, option, bundle, version), min_size=1, max_size=4), st.lists(host, min_size=1,
       max_size=3, unique=True))
def test_names_survive_and_hosts_do_not(names, hosts):
    names = [n for n in names if not any(n.casefold() == h.casefold() for h in hosts)]
    lines = [f"see {n} for the details" for n in names] + [f"connecting to {h} failed" for h in hosts]
    lines.append(" ".join(names + hosts))  # all on one line as well
    red, out = _run(lines)
    joined = "\n".join(out)
    for h in hosts:
        assert not _present(h, joined), (h, joined)
    for n, line in zip(names, out):
        assert line == f"see {n} for the details", (n, line)


def test_corpus_reports_keep_the_named_hints_readable():
    """On the real pipeline: the collect hint (Console.app) and the identity fix (local.id /
    remote.id) read as written, while the identities of the scenario are gone."""
    from swandiag.pipeline import Options, analyze
    from swandiag.report import render

    for rel, keep, gone in (("lab/peer-unreachable", ["Console.app"], []),
                            ("lab/no-matching-peer-config", ["local.id", "remote.id", "connections.<conn>.local.id"],
                             ["vpn.example.com", "eve@partner.example.org"])):
        folder = CORPUS / rel
        spec = json.loads((folder / "label.json").read_text())["swandiag"]
        analysis = analyze([str(folder / i) for i in spec["inputs"]], Options())
        plain = render(analysis, "json", redact=False)
        out = render(analysis, "json", redact=True)
        for name in keep:
            assert name in plain, (rel, name)  # the scenario does print it
            assert name in out, (rel, name)
        for value in gone:
            assert value in plain and not _present(value, out), (rel, value)
