"""Correlation on the real labelled corpus: every two-sided scenario pairs each negotiation with
its true partner and nothing else; shifted-clock copies, truncated logs and a gateway stream
mixing many scenarios' clients still pair, and offsets come out within a second.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from swandiag.correlate.pairing import correlate
from swandiag.ingest.sources import resolve
from swandiag.negotiation.builder import build
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
SCENARIOS = sorted(p.parent for p in CORPUS.rglob("label.json"))


def _label(folder: Path) -> dict:
    return json.loads((folder / "label.json").read_text())["swandiag"]


# The true partners, by negotiation ordinal ("<file>#n"), checked by hand against the SPIs and
# packets in the logs. Two-input scenarios not listed pair gateway #1 with the client's #1.
TRUTH: dict[str, list[tuple[str, str]]] = {
    "lab/duplicate-id-keep": [("gateway.log#1", "client1.log#1"), ("gateway.log#2", "client2.log#1")],
    "lab/duplicate-id-replace": [("gateway.log#1", "client1.log#1"), ("gateway.log#2", "client2.log#1")],
    "lab/pool-exhausted": [("gateway.log#1", "client1.log#1"), ("gateway.log#2", "client2.log#1")],
    "lab/reauth-ikev1-xauth": [(f"gateway.log#{n}", f"client.log#{n}") for n in (1, 2, 3)],
    "lab/rekey-reauth": [(f"gateway.log#{n}", f"client.log#{n}") for n in (1, 2, 3, 4, 5)],
    # racoon at INFO level logs no packets; the gateway logs one IKE_SA per retransmit: the first
    "racoon/c-phase1-no-proposal-chosen": [("gateway.log#1", "racoon.log#1")],
}


def _truth(folder: Path) -> set[frozenset[str]]:
    spec = _label(folder)
    if not spec.get("paired"):
        return set()
    name = str(folder.relative_to(CORPUS))
    pairs = TRUTH.get(name) or [(f"{spec['inputs'][0]}#1", f"{spec['inputs'][1]}#1")]
    return {frozenset(str(folder / p) for p in pair) for pair in pairs}


def _analyse(paths: list[str], overrides: dict[str, float] | None = None):
    specs, problems = resolve(paths)
    assert not [p for p in problems if p.fatal]
    inputs, negs = [], []
    for spec in specs:
        parsed = parse_input(spec, Options())
        inputs.append(parsed.summary)
        negs.extend(build(parsed.events(), parsed.summary))
    return inputs, negs, correlate(negs, inputs, overrides or {})


@pytest.fixture(scope="module")
def corpus_runs():
    return {folder: _analyse([str(folder / i) for i in _label(folder)["inputs"]]) for folder in SCENARIOS}


def _pairs(corr) -> set[frozenset[str]]:
    return {frozenset((p.a, p.b)) for p in corr.pairings}


@pytest.mark.parametrize("folder", SCENARIOS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_pairs_true_partners_only(corpus_runs, folder):
    _, negs, corr = corpus_runs[folder]
    truth = _truth(folder)
    assert _pairs(corr) == truth
    for pair in truth:
        a, b = sorted(pair)
        assert corr.peer[a] == b and corr.peer[b] == a
    ids = {n.id for n in negs}
    for nid in ids - set(corr.peer):
        assert corr.unpaired_reason[nid]  # every single end says why


@pytest.mark.parametrize("folder", [f for f in SCENARIOS if "offset_s" in _label(f)],
                         ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_offsets_within_a_second(corpus_runs, folder):
    inputs, _, corr = corpus_runs[folder]
    names = [s.spec.name for s in inputs]
    assert {o.to for o in corr.offsets} == set(names[1:])
    for off in corr.offsets:
        assert abs(off.offset_s - _label(folder)["offset_s"]) <= 1.0
        assert off.method in {"matched-packets", "event-times", "none"}
        if off.method == "event-times":  # no packet in common: says so, and is not overconfident
            assert off.uncertainty_s >= 1.0 and "start times" in (off.note or "")
    measured = [o for o in corr.offsets if o.method == "matched-packets"]
    # every timed two-sided pair of logs is actually measured, not assumed
    if _label(folder).get("paired") and not folder.name.startswith(("ok-ikev2-cert", "c-phase1")):
        assert measured and all(o.samples >= 2 for o in measured)
    if folder.name.startswith("c-phase1"):  # racoon at INFO logs no packets: start times
        assert [o.method for o in corr.offsets] == ["event-times"]


def test_evidence_names_what_was_used(corpus_runs):
    from swandiag.correlate.records import PairingEvidence as E

    _, _, corr = corpus_runs[CORPUS / "lab" / "mobike-dpd-nat"]
    [pairing] = corr.pairings
    assert {E.CHILD_SPI, E.PACKET_SEQUENCE, E.ADDRESS}.issubset(pairing.evidence)
    _, _, corr = corpus_runs[CORPUS / "racoon" / "a-psk-xauth-modecfg-success"]
    assert E.CHILD_SPI in corr.pairings[0].evidence  # racoon's 0x1c24246 is charon's 01c24246


def test_unreachable_peer_says_why(corpus_runs):
    _, negs, corr = corpus_runs[CORPUS / "lab" / "peer-unreachable"]
    [client] = negs
    assert "no negotiation found" in corr.unpaired_reason[client.id]


# --- shifted clocks --------------------------------------------------------------------------

_SYSLOG = re.compile(r"^(?P<mon>[A-Z][a-z]{2}) (?P<day>[ \d]\d) (?P<hms>\d\d:\d\d:\d\d)(?P<rest>.*)$", re.S)
_ISO = re.compile(r"^(?P<date>\d{4}-\d\d-\d\d)(?P<sep>[T ])(?P<hms>\d\d:\d\d:\d\d)(?P<rest>.*)$", re.S)


def shift_line(line: str, seconds: float, year: int = 2026) -> str:
    """The same line with its leading timestamp moved by whole `seconds` (fractions and zone
    suffixes are kept as written)."""
    if m := _SYSLOG.match(line):
        when = datetime.strptime(f"{year} {m['mon']} {m['day'].strip()} {m['hms']}", "%Y %b %d %H:%M:%S")
        when += timedelta(seconds=seconds)
        return f"{when:%b} {when.day:2d} {when:%H:%M:%S}{m['rest']}"
    if m := _ISO.match(line):
        when = datetime.strptime(f"{m['date']} {m['hms']}", "%Y-%m-%d %H:%M:%S") + timedelta(seconds=seconds)
        return f"{when:%Y-%m-%d}{m['sep']}{when:%H:%M:%S}{m['rest']}"
    return line


def _shifted_copy(src: Path, dst: Path, seconds: float) -> Path:
    lines = src.read_text(errors="replace").splitlines(keepends=True)
    dst.write_text("".join(shift_line(line, seconds) for line in lines))
    return dst


def test_shift_line_formats():
    assert shift_line("Nov 29 22:30:35 13[NET] x", 37) == "Nov 29 22:31:12 13[NET] x"
    assert shift_line("Dec  1 00:00:10 x", -20) == "Nov 30 23:59:50 x"
    assert shift_line("2026-11-29T22:02:52.523 07[CFG] x", -7200) == "2026-11-29T20:02:52.523 07[CFG] x"
    assert shift_line("2026-11-29 22:22:58: INFO: y", 37) == "2026-11-29 22:23:35: INFO: y"
    assert shift_line("08[NET] untimed", 37) == "08[NET] untimed"


SHIFT_SCENARIOS = ["lab/ok-ikev2-eap", "lab/ok-ikev1-xauth", "lab/mobike-dpd-nat", "lab/proposal-mismatch-ike-v1",
                   "lab6/psk-mismatch", "journal/psk-mismatch", "racoon/a-psk-xauth-modecfg-success",
                   "lab/rekey-reauth"]


@pytest.mark.parametrize("shift", [37.0, -7200.0], ids=["+37s", "-2h"])
@pytest.mark.parametrize("name", SHIFT_SCENARIOS)
def test_shifted_client_clock_is_measured_and_still_pairs(tmp_path, name, shift):
    folder = CORPUS / name
    gateway, client = _label(folder)["inputs"][:2]
    copy = _shifted_copy(folder / client, tmp_path / client, shift)
    inputs, negs, corr = _analyse([str(folder / gateway), str(copy)])
    [off] = corr.offsets
    assert off.method == "matched-packets"
    assert abs(off.offset_s - shift) <= 1.0, off
    assert off.uncertainty_s <= 1.0
    expected = {frozenset(p.replace(str(folder / client), str(copy)) for p in pair) for pair in _truth(folder)}
    assert _pairs(corr) == expected
    assert corr.input_shift[inputs[1].spec.index] == pytest.approx(off.offset_s)


def test_override_replaces_the_estimate(tmp_path):
    folder = CORPUS / "lab" / "ok-ikev2-eap"
    copy = _shifted_copy(folder / "client.log", tmp_path / "client.log", 37.0)
    _, _, corr = _analyse([str(folder / "gateway.log"), str(copy)], {str(copy): 36.5})
    [off] = corr.offsets
    assert (off.method, off.offset_s) == ("override", 36.5)
    assert len(corr.pairings) == 1


# --- logs that start or end mid-negotiation ----------------------------------------------------

def _cut(src: Path, dst: Path, keep) -> Path:
    lines = src.read_text(errors="replace").splitlines(keepends=True)
    dst.write_text("".join(line for n, line in enumerate(lines) if keep(n, line, lines)))
    return dst


@pytest.mark.parametrize("name", ["lab/ok-ikev2-eap", "lab/ok-ikev1-xauth-psk", "lab/mobike-dpd-nat-nomobike"])
def test_client_log_starting_mid_negotiation_still_pairs(tmp_path, name):
    folder = CORPUS / name
    lines = (folder / "client.log").read_text().splitlines()
    # drop everything up to and including the first response the client received
    first = next(n for n, line in enumerate(lines) if "received packet" in line)
    copy = _cut(folder / "client.log", tmp_path / "client.log", lambda n, _l, _a: n > first + 1)
    _, negs, corr = _analyse([str(folder / "gateway.log"), str(copy)])
    client_negs = [n for n in negs if n.input == 1]
    assert client_negs
    assert len(corr.pairings) == 1
    [pairing] = corr.pairings
    assert {pairing.a, pairing.b} & {n.id for n in client_negs}
    [off] = corr.offsets
    assert abs(off.offset_s) <= 1.0


@pytest.mark.parametrize("name", ["lab/ok-ikev2-eap", "lab/ok-ikev1-xauth-psk", "racoon/a-psk-xauth-modecfg-success"])
def test_gateway_log_ending_mid_negotiation_still_pairs(tmp_path, name):
    folder = CORPUS / name
    lines = (folder / "gateway.log").read_text().splitlines()
    # keep the gateway log only up to its fourth packet line: it ends inside the negotiation
    packets = [n for n, line in enumerate(lines) if "packet:" in line]
    last = packets[3]
    copy = _cut(folder / "gateway.log", tmp_path / "gateway.log", lambda n, _l, _a: n <= last)
    client = _label(folder)["inputs"][1]
    _, negs, corr = _analyse([str(copy), str(folder / client)])
    assert len(corr.pairings) == 1
    gateway_ids = {n.id for n in negs if n.input == 0}
    assert {corr.pairings[0].a, corr.pairings[0].b} & gateway_ids


# --- many clients in one gateway stream -----------------------------------------------------------

MIXED = ["dpd-timeout", "eap-wrong-password", "expired-cert", "fragmentation-off", "gw-local-id-unset",
         "half-open-timeout", "mobike-dpd-nat-nomobike", "multi-subnet-ikev1", "proposal-mismatch-ike",
         "psk-mismatch-v1", "san-mismatch", "ts-unacceptable", "untrusted-ca", "xauth-wrong-password",
         "rekey-reauth", "pool-exhausted", "no-serverauth-eku", "kernel-no-esp"]

_TAG = re.compile(r"<(?P<name>[^|<>\s]+\|)?(?P<id>\d+)>")
_IKE_NAME = re.compile(r"(?P<pre>IKE_SA \S+?)\[(?P<id>\d+)\]")
_CHILD = re.compile(r"(?P<pre>\b[\w-]+)\{(?P<id>\d+)\}")
_STAMP = re.compile(r"^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)")


def _renumber(line: str, base: int) -> str:
    line = _TAG.sub(lambda m: f"<{m['name'] or ''}{int(m['id']) + base}>", line)
    line = _IKE_NAME.sub(lambda m: f"{m['pre']}[{int(m['id']) + base}]", line)
    return _CHILD.sub(lambda m: f"{m['pre']}{{{int(m['id']) + base}}}", line)


def test_many_clients_in_one_gateway_stream_pair_one_to_one(tmp_path, corpus_runs):
    """18 scenarios' gateway logs merged into one busy gateway (IKE_SA ids renumbered, every
    scenario moved to start within a few seconds of the others, all clients at 192.0.2.10 or
    .20 talking to 192.0.2.1), with all their clients as separate inputs; a few client clocks
    are also off. Every pair found alone must be found again, and nothing else."""
    merged: list[tuple[datetime, int, str]] = []
    client_paths: list[str] = []
    expected: set[frozenset[str]] = set()
    base_time = datetime(2026, 11, 29, 23, 0, 0)
    for k, name in enumerate(MIXED):
        folder = CORPUS / "lab" / name
        spec = _label(folder)
        first = next(_STAMP.match(line)[1] for line in (folder / spec["inputs"][0]).read_text().splitlines()
                     if "packet:" in line)
        start = datetime.strptime(f"2026 {first}", "%Y %b %d %H:%M:%S")
        move = (base_time + timedelta(seconds=3 * k) - start).total_seconds()
        base = 1000 * (k + 1)
        for n, line in enumerate((folder / spec["inputs"][0]).read_text().splitlines()):
            if not _TAG.search(line):
                continue  # daemon start-up and config lines: one daemon, one start-up
            moved = shift_line(_renumber(line, base), move)
            merged.append((datetime.strptime(f"2026 {_STAMP.match(moved)[1]}", "%Y %b %d %H:%M:%S"), k * 100000 + n, moved))
        _, negs, corr = corpus_runs[folder]
        by_id = {n.id: n for n in negs}
        for client_name in spec["inputs"][1:]:
            # a few clients' clocks are also off (time zone / drift)
            skew = {2: 37.0, 7: -7200.0, 11: 13.0}.get(k, 0.0)
            copy = _shifted_copy(folder / client_name, tmp_path / f"{name}-{client_name}", move + skew)
            client_paths.append(str(copy))
            for pairing in corr.pairings:
                ends = {pairing.a, pairing.b}
                gw = next(by_id[e] for e in ends if by_id[e].input == 0)
                cl = next(e for e in ends if by_id[e].input != 0)
                if cl.startswith(str(folder / client_name) + "#"):
                    expected.add(frozenset({f"uid:{gw.unique_id + base}", cl.replace(str(folder / client_name), str(copy))}))
    merged.sort(key=lambda row: (row[0], row[1]))
    gateway = tmp_path / "gateway.log"
    gateway.write_text("".join(line + "\n" for _, _, line in merged))

    inputs, negs, corr = _analyse([str(gateway), *client_paths])
    uid = {n.id: f"uid:{n.unique_id}" for n in negs if n.input == 0}
    got = {frozenset(uid.get(x, x) for x in (p.a, p.b)) for p in corr.pairings}
    assert len(expected) >= 20
    missing, extra = expected - got, got - expected
    assert not missing and not extra, (sorted(map(sorted, missing)), sorted(map(sorted, extra)))
    offsets = {o.to: o for o in corr.offsets}
    for k, skew in {2: 37.0, 7: -7200.0, 11: 13.0}.items():
        path = next(p for p in client_paths if f"/{MIXED[k]}-" in p)
        assert abs(offsets[path].offset_s - skew) <= 1.0, offsets[path]


@pytest.mark.parametrize("name", ["lab/ok-ikev2-eap", "lab/ok-ikev1-xauth-psk", "racoon/a-psk-xauth-modecfg-success",
                                  "lab/ok-ikev2-cert"])
def test_two_sided_timeline_of_a_pair(corpus_runs, name):
    from swandiag.correlate.timeline import for_inputs, for_negotiation

    _, negs, corr = corpus_runs[CORPUS / name]
    pairing = corr.pairings[0]
    entries = for_negotiation(pairing.a, negs, corr)
    by_id = {n.id: n for n in negs}
    assert len(entries) == sum(len(by_id[x].events) or len(by_id[x].messages) for x in (pairing.a, pairing.b))
    assert {e.negotiation for e in entries} == {pairing.a, pairing.b}
    times = [e.ts for e in entries]
    assert None not in times  # ok-ikev2-cert's client log has no timestamps: it borrows them
    assert times == sorted(times)
    # each side keeps its own order
    for nid in (pairing.a, pairing.b):
        lines = [e.line for e in entries if e.negotiation == nid]
        assert lines == sorted(lines)
    # a packet is logged as sent before it is logged as received
    sent = [n for n, e in enumerate(entries) if "generating IKE_SA_INIT request 0" in e.text
            or "generating ID_PROT request 0" in e.text]
    got = [n for n, e in enumerate(entries) if "parsed IKE_SA_INIT request 0" in e.text
           or "parsed ID_PROT request 0" in e.text]
    if sent and got:
        assert sent[0] < got[0]
    assert len(for_inputs(0, 1, negs, corr)) >= len(entries)
