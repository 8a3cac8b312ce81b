"""Single-label machine names (redact.py, _SHORT_HOST_RULE).

A machine name learnt only from a host position (the syslog/journald host field, `_HOSTNAME`, an
input's or negotiation's host) is replaced where it stands as a host (the host field, `hostname=`,
`_HOSTNAME=`, a whole quoted value, `@name`, `//name`, `name:port`, the report's `host` fields);
as a bare word in log text only when it is not one of _COMMON_WORDS; in swandiag's own wording
only when it cannot be a word. So a machine called `host` or `gateway` no longer turns
"remote host is behind NAT" into "remote host-1 …", while a distinctive name (`moon`,
`vpn-gw01`) still never survives, and neither does a name that is also an identity.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from swandiag.report.redact import _COMMON_WORDS, Redactor

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = FIXTURES / "formats" / "reference" / "charon-logs-line-189.log"  # machine called `host`
CORPUS = FIXTURES / "corpus"

# Messages as charon and the daemons around it write them, with the ordinary words machines are named after.
MESSAGES = [
    "09[IKE] remote host is behind NAT",
    "09[IKE] local host is behind NAT, sending keep alives",
    "09[CFG] looking for a route to the gateway via the default router",
    "09[IKE] peer client requested virtual IP %any",
    "09[KNL] vpn tunnel up, firewall rules installed",
]
WORD_NAMES = ["host", "gateway", "client", "vpn", "router"]


def _run(lines: list[str], red: Redactor | None = None) -> tuple[Redactor, list[str]]:
    red = red or Redactor()
    for line in lines:
        red.learn_text(line)
    return red, [red.text(line) for line in lines]


TOKEN = re.compile(r"\b(?:host|user|dn|name|org|serial|machine|addr)-\d+\b")


def _words(value: str, text: str) -> int:
    return len(re.findall(rf"(?<![A-Za-z0-9_]){re.escape(value)}(?![A-Za-z0-9_])", text, re.I))


def test_reference_fixture_host_is_replaced_and_the_word_kept():
    """The reference line whose machine is called `host`: its host field goes, the word stays."""
    line = REFERENCE.read_text().splitlines()[0]
    assert line.startswith("Jun 20 14:29:47 host charon-systemd[2428]: ")
    prefix = "Jun 20 14:29:47 host charon-systemd[2428]: "
    red, out = _run([line, prefix + "09[IKE] remote host is behind NAT"])
    token = red.tokens["host"]
    assert token.startswith("host-")
    assert out[0].startswith(f"Jun 20 14:29:47 {token} charon-systemd[2428]: received packet: from ")
    assert out[1] == f"Jun 20 14:29:47 {token} charon-systemd[2428]: 09[IKE] remote host is behind NAT"


@pytest.mark.parametrize("name", WORD_NAMES)
def test_word_named_machine_keeps_the_words_of_every_message(name):
    prefix = f"Nov 29 22:15:54 {name} charon[1234]: "
    lines = [prefix + m for m in MESSAGES]
    red, out = _run(lines)
    token = red.tokens[name]
    for line, redacted in zip(lines, out):
        assert redacted == line.replace(f" {name} charon", f" {token} charon", 1), redacted


@pytest.mark.parametrize("name", WORD_NAMES)
def test_word_named_machine_is_replaced_where_it_stands_as_a_host(name):
    lines = [
        f"Nov 29 22:15:54 {name} charon[1234]: 09[IKE] initiating IKE_SA",
        f"2026-11-29T22:15:54+0000 {name} charon-systemd[88]: 09[NET] received packet",
        f'{{"_HOSTNAME" : "{name}", "MESSAGE" : "09[NET] sending packet"}}',
        f"_HOSTNAME={name}",
        f"hostname={name} and host: {name}",
        f"09[CFG] resolving '{name}' failed",
        f"09[CFG] ssh root@{name} to look, or http://{name}/status",
        f"09[NET] sending to {name}:4500",
    ]
    red, out = _run(lines)
    token = red.tokens[name]
    joined = "\n".join(out)
    assert joined.count(token) == 10, joined
    # what is left of the name is only the ordinary word, never the machine
    assert all(not re.search(rf"(?:@|//|'|\"|=|: |\d ){name}(?![\w-])|\b{name}:\d", o, re.I) for o in out), joined


@pytest.mark.parametrize("name", ["moon", "vpn-gw01", "set-macmini", "myVPN", "gw_02"])
def test_distinctive_machine_names_never_survive(name):
    prefix = f"Nov 29 22:15:54 {name} charon[1234]: "
    lines = [prefix + "09[IKE] remote host is behind NAT", prefix + f"09[CFG] this is {name} speaking",
             f"conn {name}-home up"]
    red, out = _run(lines)
    assert not any(_words(name, o) for o in out), out
    assert out[0].endswith("09[IKE] remote host is behind NAT")


def test_a_machine_name_that_is_also_an_identity_is_replaced_everywhere():
    lines = ["Nov 29 22:15:54 gateway charon[1]: 09[IKE] authentication of 'gateway' (myself) with pre-shared key",
             "Nov 29 22:15:54 gateway charon[1]: 09[CFG] the gateway is up"]
    red, out = _run(lines)
    assert not any(_words("gateway", o) for o in out), out


def test_swandiag_wording_is_kept_and_the_values_it_prints_replaced():
    """Machines named after words swandiag's own texts use never rewrite those texts; a machine
    name swandiag prints from the logs (quoted, or in an input or file name) is replaced."""
    names = ["gateway", "proposal", "certificate", "moon", "vpn-gw01"]
    red, _ = _run([f"Nov 29 22:15:54 {n} charon[1]: 09[IKE] up" for n in names])
    own = ("The gateway rejected the client: no proposal matched and the certificate was not sent; the remote "
           "host sent no CERTREQ. Check the gateway's remote.id (connections.<conn>.remote.id).")
    assert red.text(own, own=True) == own
    out = red.text("the gateway 'gateway' logged in moon.log, see vpn-gw01 and 'proposal'", own=True)
    t = red.tokens
    assert out == (f"the gateway '{t['gateway']}' logged in {t['moon']}.log, see {t['vpn-gw01']} and "
                   f"'{t['proposal']}'")


def test_map_file_keeps_the_rule(tmp_path):
    path = tmp_path / "map.json"
    first = Redactor(path)
    first.learn_text("Nov 29 22:15:54 gateway charon[1]: 09[IKE] up")
    first.save()
    second = Redactor(path)
    line = "Nov 29 22:15:54 gateway charon[1]: 09[CFG] the gateway is up"
    assert second.text(line) == f"Nov 29 22:15:54 {first.tokens['gateway']} charon[1]: 09[CFG] the gateway is up"


# --- the guarantee, generated -----------------------------------------------------------------
common = st.sampled_from(sorted(_COMMON_WORDS - {"any", "none", "all"}))  # _NOT_IDENTITIES are never names
distinctive = st.one_of(
    st.from_regex(r"[a-z]{2,6}-?[a-z0-9]{1,4}[0-9]", fullmatch=True),
    st.from_regex(r"[a-z]{3,9}", fullmatch=True).filter(lambda s: s not in _COMMON_WORDS))
HOST_SPOTS = ["{p}09[IKE] up", "_HOSTNAME={n}", "09[CFG] resolving '{n}'", "09[CFG] admin@{n}", "09[NET] to {n}:4500",
              '{{"_HOSTNAME":"{n}"}}', "hostname {n}"]
WORD_SPOTS = ["{p}09[IKE] the {n} is behind NAT", "{p}09[CFG] {n}, then {n}.", "{p}{n}"]


# words of the lines' fixed text ("09[IKE] start", "charon", ...): a machine named like one of
# them is indistinguishable from that word where the text holds it
FIXED_WORDS = {w.casefold() for s in HOST_SPOTS + WORD_SPOTS + ["Nov 29 22:15:54 charon[7]: 09[IKE] start"]
               for w in re.findall(r"[A-Za-z]+", s.replace("{n}", "").replace("{p}", ""))}


@settings(max_examples=60, deadline=None)
@given(st.one_of(common, distinctive).filter(lambda n: n.casefold() not in FIXED_WORDS),
       st.lists(st.sampled_from(HOST_SPOTS + WORD_SPOTS), min_size=1, max_size=6))
def test_a_visible_machine_name_is_always_a_common_word_used_as_one(name, spots):
    """Whatever the name: it never survives where it stands as a host; where it survives it is
    one of _COMMON_WORDS, as a bare word (the only thing the rule leaves)."""
    prefix = f"Nov 29 22:15:54 {name} charon[7]: "
    lines = [prefix + "09[IKE] start"] + [s.format(p=prefix, n=name) for s in spots]
    red, out = _run(lines)
    token = red.tokens[name.casefold()]
    for line, redacted in zip(lines, out):
        if line.startswith(prefix):
            assert redacted.startswith(f"Nov 29 22:15:54 {token} charon[7]: "), redacted
        left = _words(name, TOKEN.sub("", redacted))  # `host-1` is a token, not the name `host`
        if name.casefold() not in _COMMON_WORDS:
            assert left == 0, (line, redacted)
        elif left:
            assert any(line.endswith(s.format(p="", n=name)) for s in WORD_SPOTS), (line, redacted)


# --- on the real pipeline ---------------------------------------------------------------------------
def _renamed_scenario(tmp_path: Path, name: str) -> list[str]:
    folder = CORPUS / "journal" / "psk-mismatch"
    spec = json.loads((folder / "label.json").read_text())["swandiag"]
    paths = []
    for i in spec["inputs"]:
        text = (folder / i).read_text().replace("vpn-gw01", name)
        (tmp_path / i).write_text(text)
        paths.append(str(tmp_path / i))
    return paths


def test_report_of_a_machine_called_gateway_keeps_swandiags_wording(tmp_path):
    """journal/psk-mismatch with the gateway machine renamed `gateway`: the input's host is
    replaced, every explanation, fix and hint reads exactly as in the unredacted report (where
    it holds no identity), and the evidence lines keep their host field replaced."""
    from swandiag.pipeline import Options, analyze
    from swandiag.report import render

    paths = _renamed_scenario(tmp_path, "gateway")
    analysis = analyze(paths, Options())
    plain = json.loads(render(analysis, "json", redact=False))
    red = json.loads(render(analysis, "json", redact=True))
    hosts = {i["host"] for i in red["inputs"]} - {None}
    assert "gateway" in {i["host"] for i in plain["inputs"]}
    assert "gateway" not in hosts and any(h.startswith("host-") for h in hosts), hosts
    token = next(h for h in hosts if h.startswith("host-"))
    assert plain["findings"], "the scenario has findings"
    for p, r in zip(plain["findings"], red["findings"]):
        assert r["title"] == p["title"]
        if "'" not in p["explanation"]:
            assert r["explanation"] == p["explanation"]
        assert _words("gateway", r["explanation"]) == _words("gateway", p["explanation"])
        assert _words("gateway", json.dumps(r["fix"])) == _words("gateway", json.dumps(p["fix"])) > 0
    assert [m["item"] for m in red["missing"]] == [m["item"] for m in plain["missing"]]
    assert [i["path"] for i in red["inputs"]] == [i["path"] for i in plain["inputs"]]  # gateway.journal.short.log
    assert {n["host"] for n in red["negotiations"] if Path(n["input"]).name.startswith("gateway")} == {token}


def test_redact_copy_of_a_machine_called_gateway(tmp_path):
    """`swandiag redact`: the host field of every line goes, the messages read as written."""
    from swandiag.cli import main

    paths = _renamed_scenario(tmp_path, "gateway")
    out = tmp_path / "out"
    assert main(["redact", *paths, "-o", str(out)]) == 0
    original = Path(paths[0]).read_text().splitlines()
    copy = (out / Path(paths[0]).name).read_text().splitlines()
    assert len(copy) == len(original)
    tokens = {line.split()[3] for line in copy}
    assert len(tokens) == 1 and tokens.pop().startswith("host-")
    for a, b in zip(original, copy):
        # the message (after the host field) differs only where an address or identity was replaced
        assert _words("gateway", a.split(": ", 1)[1]) == _words("gateway", b.split(": ", 1)[1]), (a, b)
