"""The two-sided, offset-corrected timeline: both ends' lines of a negotiation (or of two whole
inputs) in one sequence, as the rules, reports and TUI show it.

Each side keeps its own line order. Sides are merged by corrected time; on equal times (1-s
formats) a received packet never comes before the line that sent it. A side without timestamps
borrows them from its peer's matching packets, so it still interleaves sensibly.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable

from ..negotiation.records import Direction, Message, Negotiation
from .align import matched_messages
from .records import Correlation, TimelineEntry

_Key = tuple[int, int]  # (input, line)


def _lines(neg: Negotiation, newest_first: bool = False) -> list[tuple[int, float | None, str]]:
    """(line, raw ts, text) of a negotiation in log order (line order, or reverse line order for
    an input listed newest first); its events, or its messages when the builder kept no events."""
    if neg.events:
        rows = [(ev.line, ev.ts, ev.text) for ev in neg.events]
    else:
        rows = [(m.ref.line, m.ts, f"{'sent' if m.direction is Direction.OUT else 'received'} {m.exchange} "
                 f"{'request' if m.is_request else 'response'} {'' if m.mid is None else m.mid}".rstrip())
                for m in neg.messages]
    sign = -1 if newest_first else 1
    rows.sort(key=lambda r: sign * r[0])
    return rows


def _refs(msg: Message) -> list[_Key]:
    return [(r.input, r.line) for r in [msg.ref, *msg.packet_refs]]


def _links(a: Negotiation, b: Negotiation, correlation: Correlation) -> tuple[dict[_Key, _Key], dict[_Key, float]]:
    """For a paired a/b (their messages as correlation aligned them): receive line -> last line of
    its send, and corrected times that the lines of a side without timestamps borrow from the
    matching packet of the other side."""
    after: dict[_Key, _Key] = {}
    borrowed: dict[_Key, float] = {}
    shift = correlation.input_shift
    for sent_msg, got_msg in matched_messages(a, b, correlation):
        sent, got = _refs(sent_msg), _refs(got_msg)
        backwards = sent_msg.ref.input in correlation.newest_first
        if sent_msg.retransmits and len(sent) > 1:
            # which copy arrived is unknown: only the first packet sent is surely before it
            packets = sent[1:]
            sent = [sent[0], min(packets) if not backwards else max(packets)]
        last_send = min(sent) if backwards else max(sent)
        for key in got:
            after[key] = last_send
        for refs, msg, other in ((sent, sent_msg, got_msg), (got, got_msg, sent_msg)):
            if msg.ts is None and other.ts is not None:
                for key in refs:
                    borrowed[key] = other.ts - shift.get(other.ref.input, 0.0)
    return after, borrowed


def send_links(negotiations: Iterable[Negotiation], correlation: Correlation) -> dict[_Key, _Key]:
    """Over every paired negotiation: each line that receives a message (its `received packet`
    and `parsed` lines) -> the last line that sent it on the other side (its `generating` and
    `sending packet` lines). Inputs listed newest first are left out (their lines run backwards)."""
    negs = list(negotiations)
    by_id = {n.id: n for n in negs}
    skip = correlation.newest_first
    after: dict[_Key, _Key] = {}
    for n in negs:
        peer = by_id.get(correlation.peer.get(n.id, ""))
        if peer is None or not n.id < peer.id or n.input == peer.input or n.input in skip or peer.input in skip:
            continue
        links, _ = _links(n, peer, correlation)
        after.update(links)
    return after


def merged(negotiations: Iterable[Negotiation], correlation: Correlation) -> list[TimelineEntry]:
    """All lines of the given negotiations, merged by corrected time."""
    negs = list(negotiations)
    by_id = {n.id: n for n in negs}
    shift = correlation.input_shift
    after: dict[_Key, _Key] = {}
    borrowed: dict[_Key, float] = {}
    for n in negs:
        peer = by_id.get(correlation.peer.get(n.id, ""))
        if peer is not None and n.id < peer.id:
            links, times = _links(n, peer, correlation)
            after.update(links)
            borrowed.update(times)

    streams: list[list[TimelineEntry]] = []
    for n in negs:
        rows = []
        for line, ts, text in _lines(n, n.input in correlation.newest_first):
            corrected = ts - shift.get(n.input, 0.0) if ts is not None else borrowed.get((n.input, line))
            rows.append(TimelineEntry(corrected, n.input, line, n.id, n.side.value, text))
        if any(e.ts is None for e in rows) and any(e.ts is not None for e in rows):
            _fill(rows)
        streams.append(rows)
    return _merge(streams, after)


def _fill(rows: list[TimelineEntry]) -> None:
    """Lines of a side without timestamps take the time of the nearest borrowed one before them
    (or, before the first, after them): they happened around that packet."""
    last = None
    for e in rows:
        if e.ts is None:
            e.ts = last
        last = e.ts
    nxt = None
    for e in reversed(rows):
        if e.ts is None:
            e.ts = nxt
        nxt = e.ts


def _merge(streams: list[list[TimelineEntry]], after: dict[_Key, _Key]) -> list[TimelineEntry]:
    # effective sort time: a line without a time sorts with the last timed line before it
    eff: list[list[float]] = []
    for rows in streams:
        last, times = float("-inf"), []
        for e in rows:
            last = e.ts if e.ts is not None else last
            times.append(last)
        eff.append(times)
    emitted: set[_Key] = set()
    pos = [0] * len(streams)
    out: list[TimelineEntry] = []
    heap = [(eff[k][0], rows[0].input, k) for k, rows in enumerate(streams) if rows]
    heapq.heapify(heap)
    while heap:
        ts, inp, k = heapq.heappop(heap)
        entry = streams[k][pos[k]]
        need = after.get((entry.input, entry.line))
        if need is not None and need not in emitted and heap and heap[0][0] <= ts:
            # a receive whose send is still pending on another side at the same time: wait
            alt = heapq.heappop(heap)
            heapq.heappush(heap, (ts, inp, k))
            ts, inp, k = alt
            entry = streams[k][pos[k]]
        out.append(entry)
        emitted.add((entry.input, entry.line))
        pos[k] += 1
        if pos[k] < len(streams[k]):
            heapq.heappush(heap, (eff[k][pos[k]], streams[k][pos[k]].input, k))
    return out


def for_negotiation(neg_id: str, negotiations: Iterable[Negotiation], correlation: Correlation) -> list[TimelineEntry]:
    """A negotiation and its paired other end (if any), merged."""
    negs = list(negotiations)
    wanted = {neg_id, correlation.peer.get(neg_id)}
    return merged([n for n in negs if n.id in wanted], correlation)


def for_inputs(first: int, second: int, negotiations: Iterable[Negotiation], correlation: Correlation) -> list[TimelineEntry]:
    """Every negotiation of two inputs, merged (the whole two-sided story of a pair of logs)."""
    return merged([n for n in negotiations if n.input in (first, second)], correlation)
