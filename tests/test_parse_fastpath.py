"""The filelog block fast path (one findall per sub-block, stream.py) must read every input
exactly as the line-by-line parser does: same events, same fields, same line accounting.

Each input is parsed twice, once as shipped and once with the fast path switched off, and the
two results are compared field by field."""
from __future__ import annotations

import dataclasses
import glob
import os
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swandiag.ingest.sources import resolve
from swandiag.parse.formats import charon_text
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

CORPUS = os.path.join(os.path.dirname(__file__), "fixtures", "corpus")
_SUMMARY = ("format", "lines", "events", "continuation_lines", "unrecognised_lines", "first", "last",
            "backwards_jumps", "levels", "ike_traffic", "daemon_version", "started_line", "level_sufficient")


def _slow_init(original):
    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.fast = None
    return init


def _parse(path: str, fast: bool, calls: list | None = None):
    specs, _ = resolve([path])
    if fast:
        parsed = parse_input(specs[0], Options())
        original = charon_text.FilelogParser.parse
        with mock.patch.object(charon_text.FilelogParser, "parse",
                               lambda self, line: (calls.append(line) if calls is not None else None)
                               or original(self, line)):
            events = list(parsed.events())
    else:
        with mock.patch.object(charon_text.FilelogParser, "__init__",
                               _slow_init(charon_text.FilelogParser.__init__)):
            parsed = parse_input(specs[0], Options())
            events = list(parsed.events())
    summary = {k: getattr(parsed.summary, k) for k in _SUMMARY}
    summary["sample"] = [(u.line, u.text) for u in parsed.summary.unrecognised_sample]
    return [dataclasses.astuple(e) for e in events], summary


def _same(path: str) -> list[str]:
    """Compares both runs; returns the lines the fast run gave to parse() (also those that
    re-sniffing a region after a line that fits no prefix reads ahead)."""
    calls: list[str] = []
    fast_events, fast_summary = _parse(path, True, calls)
    slow_events, slow_summary = _parse(path, False)
    assert fast_summary == slow_summary
    assert len(fast_events) == len(slow_events)
    for a, b in zip(fast_events, slow_events):
        assert a == b
    return calls


def test_the_fast_path_is_taken(tmp_path):
    """A canonical filelog goes through findall, not parse() (else the comparison is empty)."""
    p = tmp_path / "gw.log"
    p.write_text("".join(f"Nov 29 21:43:{i:02d} 05[IKE] <rw|{i}> message {i}\n" for i in range(40)))
    specs, _ = resolve([str(p)])
    parsed = parse_input(specs[0], Options())  # sniffing calls parse() on a sample: not counted
    calls = []
    original = charon_text.FilelogParser.parse
    with mock.patch.object(charon_text.FilelogParser, "parse",
                           lambda self, line: calls.append(line) or original(self, line)):
        events = list(parsed.events())
    assert len(events) == 40 and parsed.summary.unrecognised_lines == 0
    assert [e.sa_id for e in events] == list(range(40)) and events[1].offset == len(p.read_text().split("\n")[0]) + 1
    assert calls == []


@pytest.mark.parametrize("rel", sorted(
    os.path.relpath(p, CORPUS) for pattern in ("lab/*/gateway.log", "lab/*/client.log", "lab6/*/gateway.log")
    for p in glob.glob(os.path.join(CORPUS, pattern)))[:40])
def test_corpus_logs_read_the_same(rel):
    _same(os.path.join(CORPUS, rel))


# ---- generated filelogs: canonical lines mixed with every shape the fast pattern must refuse
_TIMES = st.sampled_from(["Nov 29 21:43:58", "Nov  1 00:00:01", "Dec 31 23:59:59", "Jan  1 00:00:00",
                          "Nov 29 2[:43:58", "Nov 29 21:43:5", "Nov 29 21:43:581", "xx 01[IKE] yy 1"])
_TOKENS = st.sampled_from(["05[IKE", "16[CFG", "00[DMN", "123[NET", "05[ENC4", "05[IKE2", "5[IKE", "1234567[IKE",
                           "05[ike", "05[IK", "05[IKE9", "٣٣[IKE"])
_TAGS = st.sampled_from(["", "", "<rw|5> ", "<5> ", "<|5> ", "<a|b|5> ", "<rw|x> ", "<rw|5>", "<rw> ",
                         "<r>w|5> ", "<rw|٣> "])
_MESSAGES = st.sampled_from([
    "parsed IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]",
    "received packet: from 192.0.2.10[500] to 192.0.2.1[500] (336 bytes)",
    "selecting proposal:", "  proposal matches", "  parsing rule 0 U_INT_4", "=> 16 bytes @ 0x7f",
    "   0: C4 8F 04 64 22 F7 C2 3D 00 00 00 00 00 00 00 00  ...d\"..=........",
    "  16: 00 01 02 03                                      ....",
    "<not a tag> text", "1234: looks like a dump row", "", " ", "Starting IKE charon daemon (strongSwan 5.9.8, Linux)",
    "initiating IKE_SA rw[1] to 192.0.2.1", "ünïcode text"])


@st.composite
def filelog(draw) -> bytes:
    # enough canonical lines first for the sniffer (it reads 400) to switch the fast path on
    lines = [f"Nov 29 21:43:{i % 60:02d} 0{i % 4}[IKE] <rw|1> sniffed line {i}" for i in range(400)]
    # mostly ASCII: one other byte sends its whole block down the line-by-line path
    ascii_only = draw(st.integers(0, 3)) > 0
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            chars = st.characters(min_codepoint=32, max_codepoint=126) if ascii_only else st.characters()
            lines.append(draw(st.text(chars, max_size=40).filter(lambda t: "\n" not in t and "\r" not in t)))
        else:
            line = f"{draw(_TIMES)} {draw(_TOKENS)}] {draw(_TAGS)}{draw(_MESSAGES)}"
            if not ascii_only or line.isascii():
                lines.append(line)
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filelog())
def test_generated_filelogs_read_the_same(tmp_path, data):
    p = tmp_path / "gw.log"
    p.write_bytes(data)
    left = _same(str(p))
    # (a block with other bytes than ASCII, and the sub-block with the daemon's start banner,
    # are read line by line as a whole)
    if data.isascii() and b"Starting IKE" not in data:
        assert not [line for line in left if "sniffed line" in line]  # the canonical head went the fast way
