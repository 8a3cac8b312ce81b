"""The TUI's data side: line index (plain, compressed, growing, rotated), merged order, filters,
hostile text, ladder rungs. No app is started here."""
from __future__ import annotations

import gzip
import math
import os
import shutil
from pathlib import Path

import pytest

from swandiag.analysis import Analysis
from swandiag.correlate.records import Correlation
from swandiag.ingest.sources import resolve
from swandiag.negotiation.records import Direction, EventRef, Message, Negotiation, Side
from swandiag.tui.ladder import render_rung, rungs
from swandiag.tui.lineindex import LineIndex
from swandiag.tui.merged import LogFilter, LogModel, key
from swandiag.tui.model import AnalysisView
from swandiag.tui.text import compile_user_regex, highlighted

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
NO_CERTREQ = CORPUS / "lab" / "no-certreq"


def _index(path: Path) -> LineIndex:
    specs, _ = resolve([str(path)])
    return LineIndex.open(specs[0])


def test_index_matches_the_file_line_for_line():
    path = NO_CERTREQ / "client.log"
    lines = path.read_text(encoding="utf-8").splitlines()
    ix = _index(path)
    assert ix.lines == len(lines)
    assert ix.line(1) == lines[0]
    assert ix.line(2319) == lines[2318]
    assert "no trusted RSA public key found for 'vpn.example.com'" in ix.line(2319)
    assert ix.line(len(lines) + 1) == ""


def test_compressed_input_is_indexed_after_decompression(tmp_path):
    src = NO_CERTREQ / "gateway.log"
    gz = tmp_path / "gateway.log.gz"
    with open(src, "rb") as fin, gzip.open(gz, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    ix = _index(gz)
    assert ix.lines == len(src.read_text(encoding="utf-8").splitlines())
    assert ix.line(5) == src.read_text(encoding="utf-8").splitlines()[4]
    assert ix.live_path is None  # a compressed file is not followed
    ix.close()


def _copy_head(dst: Path, n: int) -> list[str]:
    lines = (NO_CERTREQ / "client.log").read_text(encoding="utf-8").splitlines(keepends=True)
    dst.write_text("".join(lines[:n]), encoding="utf-8")
    return lines


def test_growth_and_rotation_are_followed(tmp_path):
    live = tmp_path / "charon.log"
    lines = _copy_head(live, 10)
    ix = _index(live)
    assert ix.lines == 10 and ix.check() == ""
    with open(live, "a", encoding="utf-8") as fh:
        fh.writelines(lines[10:15])
    assert ix.check() == "grown" and ix.lines == 15
    assert ix.line(15) == lines[14].rstrip("\n")
    os.rename(live, tmp_path / "charon.log.1")  # logrotate: rename, re-create
    live.write_text("".join(lines[15:18]), encoding="utf-8")
    assert ix.check() == "rotated"
    assert ix.lines == 18
    assert ix.line(16) == lines[15].rstrip("\n") and ix.line(10) == lines[9].rstrip("\n")
    assert ix.member_paths() == [str(tmp_path / "charon.log.1"), str(live)]
    ix.close()


def test_merge_interleaves_by_corrected_time_and_filters(tmp_path):
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_text("a1\na2\na3\n", encoding="utf-8")
    b.write_text("b1\nb2\n", encoding="utf-8")
    specs, _ = resolve([str(a), str(b)])
    log = LogModel([LineIndex.open(s) for s in specs])
    col = log.collector()
    for line, ts in ((1, 10.0), (2, 20.0), (3, 30.0)):
        col.record(0, line, 1, ts, 1, "IKE")
    col.record(1, 1, 1, 117.0, 2, "NET")  # input 1's clock is 100 s ahead
    col.record(1, 2, 1, 125.0, 1, "IKE")
    log.adopt(col, {1: 100.0})
    assert [log.text(k) for k in log.rows] == ["a1", "b1", "a2", "b2", "a3"]
    assert log.time(key(1, 1)) == pytest.approx(17.0)
    log.apply_filter(LogFilter(inputs=frozenset({1})))
    assert [log.text(k) for k in log.rows] == ["b1", "b2"]
    log.apply_filter(LogFilter(max_level=1))
    assert "b1" not in [log.text(k) for k in log.rows]
    log.apply_filter(LogFilter(groups=frozenset({"NET"})))
    assert [log.text(k) for k in log.rows] == ["b1"]
    log.apply_filter(LogFilter(pattern=compile_user_regex("^a"), hide=True))
    assert [log.text(k) for k in log.rows] == ["b1", "b2"]
    log.apply_filter(LogFilter())
    assert log.find(compile_user_regex("b2"), 0) == 3
    assert log.row_at_time(19.0) == 2
    assert math.isclose(log.time(log.rows[-1]), 30.0)


def test_hostile_text_is_inert(tmp_path):
    evil = tmp_path / "evil.log"
    evil.write_bytes(b"Nov 29 22:15:43 08[IKE] id '\x1b]0;pwned\x07\x1b[2J[bold red]x[/bold red]'\n")
    ix = _index(evil)
    shown = ix.line(1)
    assert "\x1b" not in shown and "\x07" not in shown
    text = highlighted(shown)
    assert "[bold red]x[/bold red]" in text.plain  # markup stays literal text


def test_ladder_marks_matched_and_lost_messages():
    t0 = 1_700_000_000.0
    gw = Negotiation("gateway.log#1", 0, "gw", "charon", side=Side.GATEWAY)
    cl = Negotiation("client.log#1", 1, "cl", "charon", side=Side.CLIENT)
    cl.messages = [
        Message("IKE_SA_INIT", 0, Direction.OUT, True, (), t0 + 5.0, EventRef(1, 10)),
        Message("IKE_AUTH", 1, Direction.OUT, True, (), t0 + 5.2, EventRef(1, 20), retransmits=2),
    ]
    gw.messages = [Message("IKE_SA_INIT", 0, Direction.IN, True, (), t0 + 0.01, EventRef(0, 5))]
    analysis = Analysis(negotiations=[gw, cl], correlation=Correlation(
        peer={gw.id: cl.id, cl.id: gw.id}, input_shift={1: 5.0}))
    rows = rungs(AnalysisView(analysis), cl)
    assert [(r.label, r.state) for r in rows] == [("IKE_SA_INIT req #0", "matched"), ("IKE_AUTH req #1", "lost")]
    assert rows[0].delay == pytest.approx(0.01)
    assert "↻2" in render_rung(rows[1]).plain and "lost" in render_rung(rows[1]).plain


def test_overview_shows_cited_and_failed_negotiations_first_when_there_are_too_many():
    from types import SimpleNamespace

    from swandiag.tui import overview

    def neg(i, outcome):
        return SimpleNamespace(id=f"gw#{i}", outcome=SimpleNamespace(value=outcome))

    many = [neg(i, "established") for i in range(overview.MAX_NEGOTIATION_ROWS + 50)]
    many[10] = neg(10, "failed")
    many[-1] = neg(len(many) - 1, "established")
    shown = overview._worth_showing(many, cited={many[-1].id})
    ids = [n.id for n in shown]
    assert len(shown) == overview.MAX_NEGOTIATION_ROWS
    assert many[-1].id in ids and "gw#10" in ids  # cited and failed ones are never cut
    assert ids == sorted(ids, key=lambda x: int(x.split("#")[1]))  # still in log order


def _merged_scenario(path: Path):
    from swandiag.pipeline import Options
    from swandiag.tui.loader import index_inputs, run_analysis

    paths = [str(path / "gateway.log"), str(path / "client.log")]
    loaded = index_inputs(paths)
    analysis = run_analysis(paths, Options(), loaded.log)
    loaded.log.adopt_staged()
    return analysis, loaded.log


def test_whole_second_merge_puts_each_receive_after_its_send():
    from swandiag.report.ladder import matched_pairs

    analysis, log = _merged_scenario(NO_CERTREQ)
    pos = {k: r for r, k in enumerate(log.order)}
    names = [s.spec.name for s in analysis.inputs]
    gw_in, cl_in = (0, 1) if names[0].endswith("gateway.log") else (1, 0)

    def packet(msg: Message, word: str) -> int:
        (ref,) = [r for r in msg.packet_refs if word in log.text(key(r.input, r.line))]
        return key(ref.input, ref.line)

    gw = next(n for n in analysis.negotiations if n.input == gw_in and n.id in analysis.correlation.peer)
    cl = next(n for n in analysis.negotiations if n.id == analysis.correlation.peer[gw.id])
    init = [m for m in cl.messages if m.exchange == "IKE_SA_INIT" and m.is_request]
    init_resp = [m for m in gw.messages if m.exchange == "IKE_SA_INIT" and not m.is_request]
    got_init = [m for m in gw.messages if m.exchange == "IKE_SA_INIT" and m.is_request]
    got_resp = [m for m in cl.messages if m.exchange == "IKE_SA_INIT" and not m.is_request]
    # the client's IKE_SA_INIT: the gateway receives it after the client sent it (same second)
    sent, got = packet(init[0], "sending packet"), packet(got_init[0], "received packet")
    assert log.time(sent) == log.time(got)
    assert "bytes)" in log.text(got) and pos[got] > pos[sent]
    # and its response the other way round
    sent, got = packet(init_resp[0], "sending packet"), packet(got_resp[0], "received packet")
    assert pos[got] > pos[sent]
    # every matched message pair: all receiving lines after all sending lines
    pairs = 0
    for sender, receiver in ((cl, gw), (gw, cl)):
        outs = [m for m in sender.messages if m.direction is Direction.OUT]
        matched = {id(sent): got for sent, got in matched_pairs(sender, receiver, analysis)
                   if sent.direction is Direction.OUT and any(sent is m for m in outs)}
        for m in outs:
            r = matched.get(id(m))
            if r is None:
                continue
            pairs += 1
            send_keys = [key(x.input, x.line) for x in (m.ref, *m.packet_refs)]
            recv_keys = [key(x.input, x.line) for x in (r.ref, *r.packet_refs)]
            assert min(pos[k] for k in recv_keys) > max(pos[k] for k in send_keys), (m.exchange, m.mid)
    assert pairs >= 4
    # and each input keeps its own line order
    for i in (0, 1):
        lines = [k for k in log.order if k >> 40 == i]
        assert lines == sorted(lines) and len(lines) == log.indexes[i].lines


def _two_inputs(tmp_path, a_lines: int, b_lines: int) -> LogModel:
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_text("".join(f"a{n}\n" for n in range(1, a_lines + 1)), encoding="utf-8")
    b.write_text("".join(f"b{n}\n" for n in range(1, b_lines + 1)), encoding="utf-8")
    specs, _ = resolve([str(a), str(b)])
    return LogModel([LineIndex.open(s) for s in specs])


@pytest.mark.parametrize("times_go_back", [False, True])
def test_causal_constraints_only_break_ties(tmp_path, times_go_back):
    log = _two_inputs(tmp_path, 5, 4)
    col = log.collector()
    a_times = (10.0, 10.0, 10.0, 10.0, 11.0) if not times_go_back else (10.0, 10.0, 10.0, 10.0, 9.0)
    for line, ts in enumerate(a_times, 1):
        col.record(0, line, 1, ts, 1, "IKE")
    for line, ts in enumerate((10.0, 10.0, 10.0, 11.0), 1):
        col.record(1, line, 1, ts, 1, "IKE")
    after = {
        key(0, 2): key(1, 2),  # a2 receives what b2 sent: a2 after b2
        key(1, 3): key(0, 3),  # b3 receives what a3 sent
        key(0, 1): key(1, 4),  # a1 "receives" b4, a later second: never moves across seconds
        key(1, 1): key(1, 4),  # within one input: ignored
        key(0, 4): key(1, 3),  # b3 waits for a3, a4 for b3: a4 after b3
    }
    log.adopt(col, {}, after)
    got = [log.text(k) for k in log.rows]
    # a2 waits for b2, b3 for a3, a4 for b3; a1 stays first (its "send" is a second later)
    assert got == ["a1", "b1", "b2", "a2", "a3", "b3", "a4", "a5", "b4"]
    for i in (0, 1):  # each input keeps its own order, whatever the constraints say
        lines = [k for k in log.rows if k >> 40 == i]
        assert lines == sorted(lines)
    # a cycle of constraints cannot stall the merge or drop a line
    log2 = _two_inputs(tmp_path, 5, 4)
    col = log2.collector()
    for line in range(1, 6):
        col.record(0, line, 1, 10.0, 1, "IKE")
    for line in range(1, 5):
        col.record(1, line, 1, 10.0, 1, "IKE")
    log2.adopt(col, {}, {key(0, 1): key(1, 1), key(1, 1): key(0, 1)})
    rows = list(log2.rows)
    assert sorted(rows) == sorted(set(rows)) and len(rows) == 9
    for i in (0, 1):
        lines = [k for k in rows if k >> 40 == i]
        assert lines == sorted(lines)
    # without constraints (no analysis yet) the order is the plain one: input by input at a tie
    log2.adopt(col, {})
    assert [log2.text(k) for k in log2.rows] == ["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4"]
