"""The one message alignment of a paired negotiation (correlate/align.py `align_pair`): its rules,
that correlate stores it once in `Correlation.aligned`, and that the timeline, the report ladder
and the TUI ladder all show that alignment rather than matching messages themselves."""
from __future__ import annotations

from pathlib import Path

import pytest

from correlate_factory import pair, summary
from swandiag.analysis import Analysis
from swandiag.correlate.align import EARLY_S, LATE_S, align, align_pair, matched_messages
from swandiag.correlate.features import extract
from swandiag.correlate.pairing import correlate
from swandiag.correlate.records import Correlation, MessageMatch
from swandiag.correlate.timeline import send_links
from swandiag.negotiation.records import Direction, EventRef, Message, Negotiation, Role, Side
from swandiag.pipeline import Options, analyze
from swandiag.report.ladder import build_ladder, matched_pairs
from swandiag.tui.ladder import rungs
from swandiag.tui.model import AnalysisView

FIXTURES = Path(__file__).parent / "fixtures"
GW, CL = summary(0, "gateway.log"), summary(1, "client.log")
T0 = 1_800_000_000.0


def _neg(nid: str, input_: int, side: Side, rows) -> Negotiation:
    """rows: (direction 'out'|'in', exchange, mid, request, size, ts, fragments)."""
    role = Role.INITIATOR if side is Side.CLIENT else Role.RESPONDER
    neg = Negotiation(nid, input_, None, "charon", side=side, role=role, ike_version=2)
    for line, (way, exchange, mid, request, size, ts, frags) in enumerate(rows, 1):
        neg.messages.append(Message(exchange, mid, Direction.OUT if way == "out" else Direction.IN, request, (),
                                    None if ts is None else T0 + ts, EventRef(input_, 10 * line), size,
                                    fragments=frags))
    return neg


def _links(a: Negotiation, b: Negotiation, shift=None) -> set[tuple[str, int, int]]:
    """(sender id, sent line, received line) of align_pair's result."""
    by_id = {a.id: a, b.id: b}
    out = set()
    for m in align_pair(extract(a, 0), extract(b, 1), shift or {}):
        out.add((m.sender, by_id[m.sender].messages[m.sent].ref.line, by_id[m.receiver].messages[m.received].ref.line))
    return out


def test_fragmented_message_matches_although_its_logged_sizes_differ():
    # the sender logs one fragment's size, the receiver the reassembled message's
    cl = _neg("cl#1", 1, Side.CLIENT, [("out", "IKE_SA_INIT", 0, True, 940, 0.0, 0),
                                       ("in", "IKE_SA_INIT", 0, False, 273, 0.1, 0),
                                       ("out", "IKE_AUTH", 1, True, 1236, 0.2, 2)])
    gw = _neg("gw#1", 0, Side.GATEWAY, [("in", "IKE_SA_INIT", 0, True, 940, 0.0, 0),
                                        ("out", "IKE_SA_INIT", 0, False, 273, 0.1, 0),
                                        ("in", "IKE_AUTH", 1, True, 420, 0.2, 2)])
    assert len(align(extract(cl, 0), extract(gw, 1))) == 2  # packet evidence: sizes must agree
    assert ("cl#1", 30, 30) in _links(cl, gw)
    # an unfragmented message of another size is another message
    gw.messages[2].fragments = cl.messages[2].fragments = 0
    assert ("cl#1", 30, 30) not in _links(cl, gw)


def test_messages_that_crossed_are_matched_too():
    # rekey collision: the client's CREATE_CHILD_SA request reaches the gateway only after the
    # gateway's own exchange, so the two sides log the client's sends in different orders
    cl = _neg("cl#1", 1, Side.CLIENT, [("out", "CREATE_CHILD_SA", 2, True, 320, 0.0, 0),
                                       ("in", "CREATE_CHILD_SA", 0, True, 320, 0.5, 0),
                                       ("out", "CREATE_CHILD_SA", 0, False, 192, 0.6, 0),
                                       ("out", "INFORMATIONAL", 1, False, 80, 0.7, 0)])
    gw = _neg("gw#1", 0, Side.GATEWAY, [("out", "CREATE_CHILD_SA", 0, True, 320, 0.5, 0),
                                        ("in", "CREATE_CHILD_SA", 0, False, 192, 0.6, 0),
                                        ("in", "INFORMATIONAL", 1, False, 80, 0.7, 0),
                                        ("in", "CREATE_CHILD_SA", 2, True, 320, 1.0, 0)])
    assert _links(cl, gw) == {("cl#1", 10, 40), ("cl#1", 30, 20), ("cl#1", 40, 30), ("gw#1", 10, 20)}


def test_a_retry_with_another_size_is_not_its_first_attempt():
    # INVALID_KE_PAYLOAD: the first IKE_SA_INIT (another DH group) went to another IKE_SA
    cl = _neg("cl#1", 1, Side.CLIENT, [("out", "IKE_SA_INIT", 0, True, 280, 0.0, 0),
                                       ("in", "IKE_SA_INIT", 0, False, 38, 0.1, 0),
                                       ("out", "IKE_SA_INIT", 0, True, 600, 0.2, 0),
                                       ("in", "IKE_SA_INIT", 0, False, 625, 0.3, 0)])
    gw = _neg("gw#2", 0, Side.GATEWAY, [("in", "IKE_SA_INIT", 0, True, 600, 0.2, 0),
                                        ("out", "IKE_SA_INIT", 0, False, 625, 0.3, 0)])
    assert _links(cl, gw) == {("cl#1", 30, 10), ("gw#2", 20, 40)}


def test_unknown_message_ids_do_not_veto_and_exchange_names_are_normalised():
    # racoon logs no message id for a mode-config exchange, and names it differently
    gw = _neg("gw#1", 0, Side.GATEWAY, [("out", "TRANSACTION", 2294282278, True, 92, 0.0, 0)])
    rc = _neg("rc#1", 1, Side.CLIENT, [("in", "MODE_CONFIG", None, True, 92, 1.0, 0)])
    assert _links(gw, rc) == {("gw#1", 10, 10)}


@pytest.mark.parametrize(("lag", "matched"), [(-EARLY_S - 1, False), (-EARLY_S + 1, True), (LATE_S - 1, True),
                                              (LATE_S + 1, False)])
def test_receive_must_fall_near_its_send_in_corrected_time(lag, matched):
    # the client's clock runs 3600 s ahead: input_shift corrects it before the window applies
    gw = _neg("gw#1", 0, Side.GATEWAY, [("out", "INFORMATIONAL", 5, True, 80, 0.0, 0)])
    cl = _neg("cl#1", 1, Side.CLIENT, [("in", "INFORMATIONAL", 5, True, 80, 3600.0 + lag, 0)])
    assert bool(_links(gw, cl, {0: 0.0, 1: 3600.0})) is matched
    assert not _links(gw, cl, {0: 0.0, 1: 0.0})  # uncorrected, an hour apart


def test_untimed_side_is_matched_by_order_alone():
    gw = _neg("gw#1", 0, Side.GATEWAY, [("in", "IKE_SA_INIT", 0, True, 940, 0.0, 0)])
    cl = _neg("cl#1", 1, Side.CLIENT, [("out", "IKE_SA_INIT", 0, True, 940, None, 0)])
    assert _links(cl, gw) == {("cl#1", 10, 10)}


def test_correlate_stores_one_alignment_per_pair():
    g, c = pair(0, t0=1000.0, offset=7.0)
    corr = correlate([g, c], [GW, CL], {})
    assert corr.peer[g.id] == c.id
    stored = corr.aligned[g.id]
    assert stored is corr.aligned[c.id] and len(stored) == 4
    assert all(isinstance(m, MessageMatch) for m in stored)
    assert stored == align_pair(extract(g, 0), extract(c, 1), corr.input_shift)
    assert [(s.ref.line, r.ref.line) for s, r in matched_messages(c, g, corr)] == [(1, 2), (21, 22), (11, 12), (31, 32)]


def test_hand_built_correlation_gets_the_same_alignment():
    g, c = pair(0, t0=1000.0)
    corr = correlate([g, c], [GW, CL], {})
    bare = Correlation(peer=dict(corr.peer), input_shift=dict(corr.input_shift))
    assert matched_messages(g, c, bare) == matched_messages(g, c, corr)


def _ladder_links(analysis: Analysis, neg: Negotiation, peer: Negotiation) -> set[tuple[str, str]]:
    return {(r.sent, r.received) for r in build_ladder(neg, peer, analysis) if r.sent and r.received}


def _rung_lines(view: AnalysisView, neg: Negotiation) -> set[tuple[int, int]]:
    return {(r.ref.input, r.ref.line) for r in rungs(view, neg) if r.state == "matched"}


def test_views_show_the_stored_alignment_not_their_own():
    g, c = pair(0, t0=1000.0)
    corr = correlate([g, c], [GW, CL], {})
    analysis = Analysis(inputs=[GW, CL], negotiations=[g, c], correlation=corr)
    view = AnalysisView(analysis)
    assert len(_ladder_links(analysis, g, c)) == 4 and len(_rung_lines(view, g)) == 4
    assert len(send_links([g, c], corr)) == 4
    # keep only the client's first message as matched: every view must follow
    first = next(m for m in corr.aligned[g.id] if m.sender == c.id and m.sent == 0)
    corr.aligned[g.id] = corr.aligned[c.id] = (first,)
    assert _ladder_links(analysis, g, c) == {("client.log:1", "gateway.log:2")}
    assert _rung_lines(view, g) == {(1, 1)}
    assert [r.state for r in rungs(view, g)].count("lost") == 3
    assert send_links([g, c], corr) == {(0, 2): (1, 1)}
    assert matched_pairs(g, c, analysis) == [(c.messages[0], g.messages[0])]


@pytest.mark.parametrize("scenario", ["lab-extra/dh-group-retry", "lab-extra/rekey-collision",
                                      "corpus/racoon/h-dpd-peer-dead", "corpus/lab/reauth-ikev1-xauth",
                                      "corpus/lab/ok-ikev2-cert"])
def test_ladders_timeline_and_correlation_agree_on_corpus(scenario):
    analysis = analyze([str(FIXTURES / scenario)], Options())
    corr = analysis.correlation
    by_id = {n.id: n for n in analysis.negotiations}
    view = AnalysisView(analysis)
    after = send_links(analysis.negotiations, corr)
    pairs = 0
    for neg in analysis.negotiations:
        peer = by_id.get(corr.peer.get(neg.id, ""))
        if peer is None:
            continue
        owner = {id(m): n for n in (neg, peer) for m in n.messages}
        stored = {(by_id[m.sender].messages[m.sent].ref, by_id[m.receiver].messages[m.received].ref)
                  for m in corr.aligned[neg.id]}
        assert stored and stored == {(s.ref, r.ref) for s, r in matched_pairs(neg, peer, analysis)}
        name = {i: s.spec.name for i, s in enumerate(analysis.inputs)}
        assert _ladder_links(analysis, neg, peer) == {(f"{name[s.input]}:{s.line}", f"{name[r.input]}:{r.line}")
                                                      for s, r in stored}
        assert _rung_lines(view, neg) == {(s.input, s.line) for s, _ in stored}
        if neg.input not in corr.newest_first and peer.input not in corr.newest_first:
            for s, r in matched_pairs(neg, peer, analysis):
                assert owner[id(s)] is not owner[id(r)]
                assert after[(r.ref.input, r.ref.line)][0] == s.ref.input
        pairs += 1
    assert pairs
