"""Hostile input through the whole parse stage: never an exception, every line accounted for."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metamorphic import render
from metamorphic.records import from_journal_json
from swandiag.ingest.sources import resolve
from swandiag.parse import formats
from swandiag.parse.detect import sniff
from swandiag.parse.event import LogFormat
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

CORPUS = os.path.join(os.path.dirname(__file__), "fixtures", "corpus")
SOURCES = ["lab/psk-mismatch/gateway.log", "lab6/no-certreq/gateway.json.log", "journal/psk-mismatch/gateway.journal.short.log",
           "journal/psk-mismatch/gateway.journal.export", "journal/psk-mismatch/gateway.journal.json",
           "racoon/e-xauth-wrong-password/racoon.log", "lab/no-certreq/client.swanctl-initiate.txt",
           "racoon/c-phase1-no-proposal-chosen/gateway.log"]


def _lines(rel: str, n: int = 60) -> list[bytes]:
    with open(os.path.join(CORPUS, rel), "rb") as fh:
        return fh.read().split(b"\n")[:n]


REAL = {rel: _lines(rel) for rel in SOURCES}
# journalctl's multi-line and framed modes, printed from the real journal capture's entries
_ENTRIES = from_journal_json(os.path.join(CORPUS, "journal/psk-mismatch/gateway.journal.json"))[:20]
for _name, _data in (("-o verbose", render.journal_verbose(_ENTRIES)),
                     ("-o json-pretty", render.journal_json_framed(_ENTRIES, "json-pretty")),
                     ("-o json-sse", render.journal_json_framed(_ENTRIES, "json-sse")),
                     ("-o short-full -x", render.journal_short(_ENTRIES, "short-full", catalog=True))):
    SOURCES.append(_name)
    REAL[_name] = _data.split(b"\n")[:80]


def run(tmp_path, data: bytes):
    p = tmp_path / "x.log"
    p.write_bytes(data)
    specs, _ = resolve([str(p)])
    parsed = parse_input(specs[0], Options())
    events = list(parsed.events())
    s = parsed.summary
    assert sum(e.nlines for e in events) + s.unrecognised_lines == s.lines == parsed.stats.lines
    parsed.problems()
    return s, events


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(tmp_path, data):
    run(tmp_path, data)


@st.composite
def mutated(draw):
    rel = draw(st.sampled_from(SOURCES))
    lines = list(REAL[rel])
    for _ in range(draw(st.integers(0, 8))):
        i = draw(st.integers(0, len(lines) - 1))
        line = bytearray(lines[i])
        op = draw(st.sampled_from(["cut", "byte", "insert", "dup", "drop"]))
        if op == "cut" and line:
            line = line[: draw(st.integers(0, len(line)))]
        elif op == "byte" and line:
            line[draw(st.integers(0, len(line) - 1))] = draw(st.integers(0, 255))
        elif op == "insert":
            pos = draw(st.integers(0, len(line)))
            line[pos:pos] = draw(st.binary(max_size=8))
        elif op == "dup":
            lines.insert(i, bytes(line))
        elif op == "drop" and len(lines) > 1:
            del lines[i]
            continue
        lines[i] = bytes(line)
    return b"\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated())
def test_mutated_real_lines(tmp_path, data):
    run(tmp_path, data)


@pytest.mark.parametrize("module", formats.MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.text(max_size=120), max_size=12))
def test_every_parser_takes_any_text(module, lines):
    for fmt in module.FORMATS:
        parser = module.make_parser(fmt, {})
        for line in lines:
            r = parser.parse(line)
            assert r is None or isinstance(r, (tuple, str)) or repr(r) == "HOLD"
            if isinstance(r, tuple):
                assert len(r) == 12 and isinstance(r[9], str)
    module.score(lines)
    sniff(lines)


def test_binary_garbage_is_unknown(tmp_path):
    s, events = run(tmp_path, os.urandom(20000))
    assert s.format is LogFormat.UNKNOWN and s.unrecognised_lines == s.lines


def test_not_a_log(tmp_path):
    s, events = run(tmp_path, b"Dear admin,\nthe VPN is down again.\nRegards\n")
    assert s.format is LogFormat.UNKNOWN and s.unrecognised_lines == 3 and events == []


def test_empty_input_problem(tmp_path):
    p = tmp_path / "e.log"
    p.write_bytes(b"")
    specs, _ = resolve([str(p)])
    parsed = parse_input(specs[0], Options())
    assert list(parsed.events()) == [] and any("empty" in x for x in parsed.problems())


def test_backwards_timestamps_are_counted(tmp_path):
    lines = _lines("lab/dpd-timeout/gateway.log", 200)
    data = b"\n".join(lines[55:60] + lines[0:5]) + b"\n"  # later seconds first, then earlier
    s, events = run(tmp_path, data)
    assert s.backwards_jumps == 1 and len(events) == 10 and s.first < s.last


def test_nul_and_crlf_lines_still_parse(tmp_path):
    lines = _lines("lab/psk-mismatch/gateway.log", 20)
    data = b"\r\n".join(lines[:10]) + b"\r\n" + lines[10].replace(b" ", b"\x00", 1) + b"\n"
    s, events = run(tmp_path, data)
    assert s.format is LogFormat.CHARON_FILELOG and s.events >= 10 and s.stats.nul_lines == 1
