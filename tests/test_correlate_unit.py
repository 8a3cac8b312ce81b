"""Correlation on hand-built Negotiation records: pairing rules, clock offsets, timelines.

The corpus tests (test_correlate_corpus.py) prove the same on real logs; these pin the edge cases
the corpus does not have (thousands of clients, big offsets, lost packets, untimed logs).
"""
from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from correlate_factory import IKEV2_SCRIPT, pair, summary
from swandiag.correlate.align import TimeWindow, align
from swandiag.correlate.clock import Estimate, Sample, coarse_offset, estimate, resolve_shifts
from swandiag.correlate.features import extract, spi_value
from swandiag.correlate.pairing import correlate
from swandiag.correlate.records import PairingEvidence
from swandiag.correlate.timeline import for_negotiation
from swandiag.negotiation.records import ChildSA, Negotiation, Role, Side

GW, CL = summary(0, "gateway.log"), summary(1, "client.log")


def _true_pairs(pairs):
    return {g.id: c.id for g, c in pairs}


def _check_exact(corr, pairs):
    expected = _true_pairs(pairs)
    for g, c in expected.items():
        assert corr.peer.get(g) == c, (g, corr.peer.get(g), corr.unpaired_reason.get(g))
        assert corr.peer.get(c) == g
    assert len(corr.pairings) == len(expected)


def _offset(corr, to="client.log"):
    [off] = [o for o in corr.offsets if o.to == to]
    return off


def test_spi_normalisation_accepts_racoon_and_charon_spellings():
    assert spi_value("01c24246") == spi_value("0x1c24246") == spi_value("1C24246_i") == 0x1C24246
    assert spi_value("00000000") is None and spi_value("zz") is None and spi_value(None) is None


def test_estimate_cancels_transit_delay():
    samples = [Sample(37.0 + 0.2, True)] * 5 + [Sample(37.0 - 0.2, False)] * 2
    est = estimate(samples, 0.001, 0.001)
    assert est.offset_s == pytest.approx(37.0, abs=0.01)
    assert est.samples == 7


def test_coarse_offset_counts_each_negotiation_once():
    # one long negotiation with many votes at 500 s must not beat three agreeing at -10 s
    votes = [[(500.0 + k, True) for k in range(40)], [(-10.2, True), (300.0, True)], [(-9.9, False)],
             [(-10.1, True), (77.0, False)]]
    offset, _, support = coarse_offset(votes, 0.5)
    assert offset == pytest.approx(-10.05, abs=0.3)
    assert support == 3


def test_many_clients_one_gateway_pair_one_to_one_with_offset():
    rng = random.Random(7)
    pairs = []
    # 200 identical iPhones, overlapping in time, same sizes, behind the same NAT
    for n in range(200):
        pairs.append(pair(n, t0=10_000 + n * 2.5 + rng.random(), offset=37.0, nat_addr="203.0.113.7",
                          client_addr=f"10.0.{n // 250}.{n % 250 + 1}", transit=rng.uniform(0.001, 0.08)))
    negs = [x for p in pairs for x in p]
    rng.shuffle(negs)
    corr = correlate(negs, [GW, CL], {})
    _check_exact(corr, pairs)
    off = _offset(corr)
    assert off.method == "matched-packets" and abs(off.offset_s - 37.0) < 1.0
    assert corr.input_shift[1] == pytest.approx(37.0, abs=1.0)


def test_two_hours_behind_with_whole_second_timestamps():
    pairs = [pair(n, t0=50_000 + 40 * n + 0.37 * n, offset=-7200.0, whole_seconds=True) for n in range(6)]
    corr = correlate([x for p in pairs for x in p], [GW, CL], {})
    _check_exact(corr, pairs)
    off = _offset(corr)
    assert abs(off.offset_s + 7200.0) < 1.0
    assert "time-zone" in (off.note or "")
    assert off.uncertainty_s >= 0.5  # 1-s resolution is part of the uncertainty


def test_unsized_messages_pair_by_exchange_and_message_id():
    # the macOS IKEv2 client logs exchanges and message ids but no packet sizes
    pairs = [pair(n, t0=5_000 + 20 * n, offset=37.0) for n in range(4)]
    for _, client in pairs:
        for m in client.messages:
            m.size = None
    corr = correlate([x for p in pairs for x in p], [GW, CL], {})
    _check_exact(corr, pairs)
    assert abs(_offset(corr).offset_s - 37.0) < 1.0


def test_a_year_off_is_flagged():
    pairs = [pair(n, t0=1_000 + 40 * n, offset=365 * 86400.0) for n in range(3)]
    corr = correlate([x for p in pairs for x in p], [GW, CL], {})
    _check_exact(corr, pairs)
    assert "year" in (_offset(corr).note or "")


def test_child_spis_alone_pair_and_say_so():
    g = Negotiation(id="gw#1", input=0, host=None, daemon="charon", role=Role.RESPONDER, ike_version=2,
                    children=[ChildSA("net", 1, spi_in="c45b3e4a", spi_out="01c24246")])
    c = Negotiation(id="cl#1", input=1, host=None, daemon="racoon", role=Role.INITIATOR, ike_version=2,
                    children=[ChildSA(None, None, spi_in="0x1c24246", spi_out="c45b3e4a")])
    corr = correlate([g, c], [GW, CL], {})
    assert corr.peer == {"gw#1": "cl#1", "cl#1": "gw#1"}
    assert PairingEvidence.CHILD_SPI in corr.pairings[0].evidence


def test_different_ike_spis_never_pair_even_with_identical_packets():
    g, c = pair(0, t0=100.0)
    g.ike_spi_i, c.ike_spi_i = "1111111111111111", "2222222222222222"
    corr = correlate([g, c], [GW, CL], {})
    assert corr.peer == {}
    assert set(corr.unpaired_reason) == {"gw#0", "cl1#0"}


def test_two_initiators_do_not_pair():
    g, c = pair(0, t0=100.0)
    g.role = Role.INITIATOR
    assert correlate([g, c], [GW, CL], {}).peer == {}


def test_attempt_that_never_arrived_stays_unpaired_with_reason():
    lost_g, lost_c = pair(0, t0=1000.0, gw_seen=0, offset=5.0)  # nothing reached the gateway
    good = pair(1, t0=1012.0, offset=5.0)
    corr = correlate([lost_c, *good], [GW, CL], {})
    assert corr.peer[good[1].id] == good[0].id
    assert lost_c.id not in corr.peer
    assert "never answered" in corr.unpaired_reason[lost_c.id]


def test_retried_attempts_pair_with_their_own_partner():
    # attempt 1: only IKE_SA_INIT request reached the gateway (responses lost); attempt 2 completes
    first = pair(0, t0=1000.0, gw_seen=1, offset=3.0)
    second = pair(1, t0=1004.5, offset=3.0)
    corr = correlate([*first, *second], [GW, CL], {})
    _check_exact(corr, [first, second])


def test_override_wins_and_unknown_key_is_reported():
    pairs = [pair(n, t0=1000 + 30 * n, offset=12.0) for n in range(3)]
    corr = correlate([x for p in pairs for x in p], [GW, CL], {"client.log": 12.5, "nope.log": 1.0})
    off = _offset(corr)
    assert off.method == "override" and off.offset_s == 12.5
    assert corr.input_shift[1] == 12.5
    assert any("nope.log" in n for n in corr.notes)
    _check_exact(corr, pairs)


def test_nat_translated_addresses_count_as_address_evidence():
    g, c = pair(0, t0=500.0, client_addr="198.51.100.130", nat_addr="192.0.2.2")
    corr = correlate([g, c], [GW, CL], {})
    assert corr.peer[g.id] == c.id
    assert PairingEvidence.ADDRESS in corr.pairings[0].evidence


def test_sizes_alone_never_pair_when_no_address_agrees():
    """The client's IKE_SA_INIT never reached this gateway; another client's negotiation with the
    same packet sizes at the same time, at other addresses on both ends, is not its other end."""
    _, lost = pair(0, t0=500.0, gw_seen=0)  # client 192.0.2.10 -> 192.0.2.1, unanswered
    other_g, _ = pair(1, t0=500.5, client_addr="100.64.7.10", gateway_addr="100.64.7.1")
    corr = correlate([other_g, lost], [GW, CL], {})
    assert corr.peer == {}
    # the same packets with one end translated (NAT) still pair; so do they with an identity
    g, c = pair(2, t0=500.0, client_addr="10.1.1.5", nat_addr="203.0.113.9", gateway_addr="192.0.2.1")
    assert correlate([g, c], [GW, CL], {}).peer.get(g.id) == c.id
    g, c = pair(3, t0=500.0, client_addr="10.1.1.5", nat_addr="203.0.113.9", client_id="carol@example.com")
    g.local = type(g.local)("10.9.9.9", 500)  # gateway behind a port forward too
    assert correlate([g, c], [GW, CL], {}).peer.get(g.id) == c.id


def test_packetless_attempt_pairs_on_addresses_only_when_its_input_logs_no_packets():
    """Endpoints alone pair a client that logs no packets at all (INFO level); a client that
    logs packets but has an attempt without any sent nothing, so it has no other end."""
    from swandiag.negotiation.records import Endpoint

    g, c = pair(0, t0=500.0)
    other, _ = pair(1, t0=502.0)  # another gateway negotiation from the same address
    other.last_ts = 515.0
    quiet = Negotiation(id="cl1#7", input=1, host=None, daemon="charon", role=Role.INITIATOR, ike_version=2,
                        local=Endpoint("192.0.2.10", 500), remote=Endpoint("192.0.2.1", 500),
                        first_ts=513.0, last_ts=513.0)
    corr = correlate([g, other, c, quiet], [GW, CL], {})
    assert corr.peer.get(g.id) == c.id and quiet.id not in corr.peer
    # the same attempt from a client that never logs packets pairs on its endpoints
    corr = correlate([other, quiet], [GW, CL], {})
    assert corr.peer.get(quiet.id) == other.id


def test_event_offset_whole_hours_and_retransmit_split_responder():
    """No packet in common: a racoon initiator (one negotiation, 50 s of retransmits) against a
    gateway that logged one IKE_SA per copy, 10 s apart. Start-to-start alone is ambiguous by
    10 s; the offset that puts every gateway IKE_SA inside the initiator's span wins."""
    from swandiag.correlate.clock import event_offset

    gw_starts = [1000.0 + 10 * k for k in range(5)]
    for skew in (0.0, 37.0, -45.0, -10800.0, 7200.0 + 20):
        # voter = the racoon negotiation (input 1), partners = gateway starts (input 0): t0 - t1
        est = event_offset([(1000.0 + skew, 1050.0 + skew, gw_starts)], 120.0, 1.0, 4.0)
        assert est is not None and est.method == "event-times"
        assert abs(est.offset_s - (-skew)) <= 1.0, (skew, est)
        assert est.uncertainty_s >= 1.0
    # neither near a whole hour nor in sync: no guess
    assert event_offset([(1000.0, 1050.0, [1000.0 + 1800])], 120.0, 1.0, 4.0) is None


def test_racoon_without_packets_three_hours_off_pairs_on_start_times():
    from swandiag.negotiation.records import Endpoint

    skew = -10800.0
    gws = []
    for k in range(5):
        g = Negotiation(id=f"gw#{k + 1}", input=0, host=None, daemon="charon", role=Role.RESPONDER, ike_version=1,
                        local=Endpoint("192.0.2.1", 500), remote=Endpoint("192.0.2.100", 500))
        g.first_ts = g.last_ts = 1000.0 + 10 * k
        gws.append(g)
    c = Negotiation(id="cl1#1", input=1, host=None, daemon="racoon", role=Role.INITIATOR, ike_version=1,
                    local=Endpoint("192.0.2.100", 500), remote=Endpoint("192.0.2.1", 500))
    c.first_ts, c.last_ts = 1000.0 + skew, 1050.0 + skew
    corr = correlate([*gws, c], [GW, CL], {})
    assert corr.peer.get(c.id) == "gw#1"
    off = _offset(corr)
    assert off.method == "event-times" and abs(off.offset_s - skew) <= 1.0 and off.uncertainty_s >= 1.0
    assert "start times" in off.note and "-3 h" in off.note


def test_retransmitted_request_alone_still_gives_an_offset():
    """The client only ever retransmitted IKE_SA_INIT (no answer came back): its first copy
    against the gateway's first receipt, with at least a second of uncertainty."""
    g, c = pair(0, t0=1000.0, offset=-10800.0, script=IKEV2_SCRIPT[:2], whole_seconds=True)
    c.messages[0].retransmits = 3
    del c.messages[1:]  # the responses never arrived
    corr = correlate([g, c], [GW, CL], {})
    assert corr.peer.get(c.id) == g.id
    off = _offset(corr)
    assert off.method == "matched-packets" and abs(off.offset_s + 10800.0) <= 1.0
    assert off.uncertainty_s >= 1.0 and "retransmitted" in off.note


def test_ikev1_versions_must_agree():
    g, _ = pair(0, t0=500.0, version=1)
    _, c = pair(0, t0=500.0, version=2)
    assert correlate([g, c], [GW, CL], {}).peer == {}


def test_rekeyed_successors_pair_through_the_chain():
    g, c = pair(0, t0=500.0)
    g2 = Negotiation(id="gw#9", input=0, host=None, daemon="charon", role=Role.RESPONDER, ike_version=2,
                     predecessor=g.id)
    c2 = Negotiation(id="cl1#9", input=1, host=None, daemon="charon", role=Role.INITIATOR, ike_version=2,
                     predecessor=c.id)
    g.successor, c.successor = g2.id, c2.id
    corr = correlate([g, c, g2, c2], [GW, CL], {})
    assert corr.peer[g2.id] == c2.id
    chained = [p for p in corr.pairings if g2.id in (p.a, p.b)][0]
    assert PairingEvidence.REKEY_CHAIN in chained.evidence


def test_untimed_client_pairs_and_borrows_times_in_the_timeline():
    g, c = pair(0, t0=2000.0, cl_timed=False)
    corr = correlate([g, c], [GW, CL], {})
    assert corr.peer[g.id] == c.id
    assert _offset(corr).method == "none"
    entries = for_negotiation(g.id, [g, c], corr)
    assert len(entries) == len(g.messages) + len(c.messages)
    assert all(e.ts is not None for e in entries)
    # every received packet comes after its send
    sides = [(e.side, e.text.split()[0]) for e in entries]
    assert sides[0] == ("client", "sent") and sides[1] == ("gateway", "received")


def test_timeline_keeps_send_before_receive_on_equal_whole_seconds():
    g, c = pair(0, t0=2000.0, whole_seconds=True)
    corr = correlate([g, c], [GW, CL], {})
    entries = for_negotiation(c.id, [g, c], corr)
    assert any(not e.text.startswith("sent ") for e in entries)  # the loop below checks something
    seen_sent = set()
    for e in entries:
        verb, rest = e.text.split(" ", 1)
        if verb == "sent":
            seen_sent.add(rest)
        else:
            assert rest in seen_sent, [x.text for x in entries]


def test_offsets_between_clients_run_via_the_gateway():
    # the first input is client A; client B's offset comes via the gateway
    a = pair(0, t0=1000.0, gw_input=1, cl_input=0, offset=-4.0)  # A is 4 s behind the gateway
    b = pair(1, t0=1100.0, gw_input=1, cl_input=2, offset=10.0, gw_n=1)
    inputs = [summary(0, "a.log"), summary(1, "gateway.log"), summary(2, "b.log")]
    corr = correlate([*a, *b], inputs, {})
    by_to = {o.to: o for o in corr.offsets}
    assert abs(by_to["gateway.log"].offset_s - 4.0) < 0.5
    assert abs(by_to["b.log"].offset_s - 14.0) < 0.5
    assert "via gateway.log" in by_to["b.log"].note


def test_resolve_shifts_separates_unlinked_groups():
    shifts = resolve_shifts([0, 1, 2, 3], 0, {(2, 3): Estimate(5.0, 0.1, 4)}, {})
    assert shifts[1].method == "none" and shifts[2].root == shifts[3].root == 2
    assert shifts[3].shift - shifts[2].shift == pytest.approx(5.0)


def test_align_respects_the_time_window():
    g, c = pair(0, t0=100.0)
    fg, fc = extract(g, 0), extract(c, 1)
    assert len(align(fg, fc)) == len(IKEV2_SCRIPT)
    assert align(fg, fc, TimeWindow(expected=60.0, tol=3.0)) == []


def test_empty_and_single_input():
    assert correlate([], [], {}).peer == {}
    g, _ = pair(0, t0=1.0)
    corr = correlate([g], [GW], {})
    assert "only one log" in corr.unpaired_reason[g.id]


@settings(max_examples=30, deadline=None)
@given(offset=st.floats(min_value=-86400 * 2, max_value=86400 * 2, allow_nan=False),
       clients=st.integers(min_value=1, max_value=12), spacing=st.floats(min_value=0.3, max_value=120.0),
       whole=st.booleans(), seed=st.integers(min_value=0, max_value=1000))
def test_property_pairs_exact_and_offset_within_a_second(offset, clients, spacing, whole, seed):
    # identical attempts closer together than a few time-format ticks are indistinguishable in
    # principle (any shift by one attempt fits as well), so whole-second logs get 3 s between them
    if whole:
        spacing = max(spacing, 3.0)
    rng = random.Random(seed)
    pairs = [pair(n, t0=1_700_000_000 + n * spacing + rng.random() * 0.2, offset=offset, whole_seconds=whole,
                  transit=rng.uniform(0.0005, 0.3), client_addr=f"192.0.2.{10 + n}") for n in range(clients)]
    negs = [x for p in pairs for x in p]
    rng.shuffle(negs)
    corr = correlate(negs, [GW, CL], {})
    off = _offset(corr)
    assert abs(off.offset_s - offset) < 1.0
    _check_exact(corr, pairs)


def test_cost_stays_near_linear(monkeypatch):
    """Candidates come from indexes (SPI, packet size + time window), so the number of pairs
    scored grows with the number of negotiations, not with its square."""
    import swandiag.correlate.pairing as pairing_module

    calls = {"n": 0}
    real = pairing_module.score_pair

    def counting(*args, **kwargs):
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(pairing_module, "score_pair", counting)
    rng = random.Random(3)

    def run(n: int) -> tuple[int, float]:
        # a busy gateway (a negotiation every 1.5 s) and 20 client logs
        pairs = [pair(k, t0=1000 + k * 1.5 + rng.random(), offset=20.0, cl_input=1 + k % 20,
                      transit=rng.uniform(0.001, 0.05), client_addr=f"10.1.{k // 200}.{k % 200}")
                 for k in range(n)]
        inputs = [GW] + [summary(i, f"c{i}.log") for i in range(1, 21)]
        calls["n"] = 0
        started = time.perf_counter()
        corr = correlate([x for p in pairs for x in p], inputs, {})
        spent = time.perf_counter() - started
        _check_exact(corr, pairs)
        return calls["n"], spent

    small, _ = run(300)
    large, seconds = run(1200)
    assert large <= 5 * small, (small, large)  # 4x the negotiations; quadratic would be 16x
    assert large <= 12 * 1200
    assert seconds < 60


_junk = st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 2**40).map(str))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_garbage_negotiations_never_crash(data):
    """Whatever a builder hands over (odd sizes, ids, SPIs, missing times), correlation answers."""
    from swandiag.negotiation.records import Direction, Endpoint, EventRef, Message

    negs = []
    for n in range(data.draw(st.integers(0, 6))):
        neg = Negotiation(id=f"n{n}", input=data.draw(st.integers(0, 2)), host=None, daemon="charon",
                          role=data.draw(st.sampled_from(list(Role))), side=Side.UNKNOWN,
                          ike_version=data.draw(st.sampled_from([None, 1, 2, 3])),
                          ike_spi_i=data.draw(_junk), cookies=data.draw(st.none() | st.tuples(_junk, _junk)),
                          local=Endpoint(data.draw(_junk), None), remote=Endpoint(data.draw(_junk), None),
                          local_id=data.draw(_junk), remote_id=data.draw(_junk),
                          predecessor=data.draw(st.sampled_from([None, "n0", "n1", "zz"])))
        neg.children.append(ChildSA(None, None, spi_in=data.draw(_junk), spi_out=data.draw(_junk)))
        for k in range(data.draw(st.integers(0, 5))):
            neg.messages.append(Message(
                data.draw(st.sampled_from(["IKE_SA_INIT", "ID_PROT", "weird", ""])),
                data.draw(st.none() | st.integers(-3, 2**32)), data.draw(st.sampled_from(list(Direction))),
                data.draw(st.booleans()), (), data.draw(st.none() | st.floats(-1e10, 1e10)),
                EventRef(neg.input, k + 1), data.draw(st.none() | st.integers(-10, 70000)),
                data.draw(_junk), data.draw(_junk)))
        negs.append(neg)
    inputs = [summary(i, f"in{i}.log") for i in range(3)]
    corr = correlate(negs, inputs, {"in1.log": 1.0} if data.draw(st.booleans()) else {})
    for a, b in corr.peer.items():
        assert corr.peer[b] == a and a != b
    assert set(corr.peer) | set(corr.unpaired_reason) == {n.id for n in negs}
    for n in negs:
        for_negotiation(n.id, negs, corr)
