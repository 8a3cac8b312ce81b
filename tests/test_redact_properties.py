"""Property tests of the Redactor with generated addresses and identities."""
from __future__ import annotations

import ipaddress
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from swandiag.report.redact import Redactor

DOC_V4 = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "198.18.0.0/15")]
DOC_V6 = ipaddress.ip_network("2001:db8::/32")


def _public_v4(ip: ipaddress.IPv4Address) -> bool:
    return not (ip.is_unspecified or ip.is_loopback or ip.is_multicast or int(ip) >> 24 in (0, 255))


v4 = st.builds(ipaddress.IPv4Address, st.integers(0, 2**32 - 1)).filter(_public_v4)
v6 = st.builds(ipaddress.IPv6Address, st.integers(2**125, 2**128 - 1)).filter(
    lambda ip: not (ip.is_multicast or ip.is_loopback or ip.is_unspecified))
label = st.from_regex(r"[a-z][a-z0-9]{2,9}", fullmatch=True)
fqdn = st.builds(lambda a, b, tld: f"{a}.{b}.{tld}", label, label, st.sampled_from(["com", "org", "net", "ch", "de"]))
email = st.builds(lambda user, host: f"{user}@{host}", label, fqdn)
dn = st.builds(lambda o, cn: f"C=CH, O={o.title()} Corp, CN={cn}", label, fqdn)


def _present(value: str, text: str) -> bool:
    return re.search(rf"(?<![\w.:]){re.escape(value)}(?![\w:]|\.\d)", text, re.I) is not None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(v4, v6), min_size=1, max_size=8, unique=True))
def test_addresses_never_survive_and_map_into_documentation_ranges(addrs):
    red = Redactor()
    lines = [f"received packet: from {a}[500] to {addrs[0]}[4500] (432 bytes)" for a in addrs]
    for line in lines:
        red.learn_text(line)
    out = "\n".join(red.text(line) for line in lines)
    for a in addrs:
        assert not _present(str(a), out), (a, out)
    mapped = {a: red.addresses[str(a)] for a in addrs}
    assert len(set(mapped.values())) == len(mapped)  # injective
    for a, m in mapped.items():
        ip = ipaddress.ip_address(m)
        if ip.version == 4:
            assert any(ip in n for n in DOC_V4), m
        else:
            assert ip in DOC_V6 or ip.is_link_local, m


@settings(max_examples=40, deadline=None)
@given(v4, st.integers(1, 254), st.integers(1, 254))
def test_subnet_relationships_and_roles_are_kept(base, h1, h2):
    net = int(base) & ~0xFF
    a, b = ipaddress.IPv4Address(net + h1), ipaddress.IPv4Address(net + h2)
    red = Redactor()
    red.hint_address(str(a), "gateway")
    red.hint_address(str(b), "gateway")
    ma, mb = ipaddress.ip_address(red.map_address(str(a))), ipaddress.ip_address(red.map_address(str(b)))
    assert (int(ma) >> 8) == (int(mb) >> 8)  # same /24 stays one /24
    assert ma in ipaddress.ip_network("192.0.2.0/24") or ma in ipaddress.ip_network("198.18.0.0/15")
    red.hint_address("10.99.0.7", "pool")
    assert ipaddress.ip_address(red.map_address("10.99.0.7")) in ipaddress.ip_network("203.0.113.0/24")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(fqdn, email, dn, label), min_size=1, max_size=5, unique=True))
def test_identities_become_tokens_consistently(ids):
    red = Redactor()
    lines = [f"authentication of '{i}' with pre-shared key successful" for i in ids]
    lines += [f"looking for peer configs matching 192.0.2.1[{ids[0]}]...192.0.2.10[{ids[-1]}]"]
    lines += [f"received EAP identity '{ids[-1]}'"]
    for line in lines:
        red.learn_text(line)
    out = [red.text(line) for line in lines]
    joined = "\n".join(out)
    for i in ids:
        assert not re.search(rf"(?<![A-Za-z0-9]){re.escape(i)}(?![A-Za-z0-9])", joined, re.I), (i, joined)
    # the same identity gets the same token wherever it appears
    token = re.search(r"EAP identity '([^']+)'", out[-1]).group(1)
    assert re.match(r"^(host|user|dn|name|org)-\d+$", token)
    assert f"'{token}'" in out[len(ids) - 1]
    assert red.text(lines[0]) == out[0]  # stable


def test_map_file_makes_runs_agree(tmp_path):
    path = tmp_path / "map.json"
    first = Redactor(path)
    line = "authentication of 'carol@example.com' from 198.51.100.77 successful"
    first.learn_text(line)
    a = first.text(line)
    first.save()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    second = Redactor(path)
    second.learn_text("received EAP identity 'dave' from 192.0.2.200")
    assert second.text(line) == a


def test_secrets_and_dumps_are_removed():
    red = Redactor()
    assert "hunter2" not in red.text('secret = "hunter2"')
    assert red.text("Nov 29 22:15:54 16[IKE] <1>    0: C4 8F 04 64 22 F7 C2 3D 00 00 00 00 00 00 00 00  ...d\"..=").endswith(
        "[hex dump removed]")
    assert red.text("82c2b66d 62bbe955 5551381b afb45c3c f9951945 52fe6400 102aae14 1623f7eb") == "[hex dump removed]"
    assert red.text("parsed IKE_AUTH request 1 [ IDi CERT ]") == "parsed IKE_AUTH request 1 [ IDi CERT ]"
