"""Line up the packets one side sent with the packets the other side received.

A packet leaves one end as `sending packet … (N bytes)` / `generating X request m` and arrives at
the other as `received packet … (N bytes)` / `parsed X request m`: same exchange, message id,
request/response flag and size. Both sides log in order, so an in-order walk with a short
look-ahead (for lost packets and for retransmits received twice) finds the pairs in linear time.

This is the only place that decides which message on one side is which on the other:
- `align` is the packet evidence pairing scores and clocks are measured on (sizes must agree);
- `align_pair` is the message alignment of a final pair, computed once by `pairing.correlate`
  and carried in `Correlation.aligned`; the timeline, the report ladder and the TUI ladder read
  it through `matched_messages`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .features import NON_ESP_MARKER, MessageFeature, NegotiationFeatures, extract
from .records import MessageMatch

if TYPE_CHECKING:
    from ..negotiation.records import Message, Negotiation
    from .records import Correlation

LOOKAHEAD = 8  # receiver messages skipped at most while looking for a sender's packet
# A final pair's receive may be logged a little before its send once clocks are corrected (offset
# uncertainty), and long after it when the sender retransmitted.
EARLY_S = 5.0
LATE_S = 120.0
PASSES = 3  # in-order walks over what is still unmatched (messages that crossed: rekey collisions)


@dataclass(slots=True, frozen=True)
class TimeWindow:
    """Where the receiver's raw timestamp must fall: t_recv_raw - t_sent_raw in expected ± tol,
    for a packet sent by negotiation `a` (expected is for a -> b; b -> a uses -expected)."""

    expected: float
    tol: float
    assumed: bool = False  # no measured offset: clocks assumed in sync, loosely
    late: float | None = None  # how much later than expected a receive may be (default: tol)


@dataclass(slots=True, frozen=True)
class PacketMatch:
    sent: MessageFeature
    received: MessageFeature
    a_to_b: bool  # sent by negotiation a

    @property
    def sized(self) -> bool:
        return self.sent.size is not None and self.received.size is not None


def compatible(sent: MessageFeature, got: MessageFeature) -> bool:
    """Could `got` be `sent` as seen by the other end? Unknown fields never veto."""
    if sent.outbound == got.outbound:
        return False
    if sent.exchange and got.exchange:
        if sent.exchange != got.exchange or sent.is_request != got.is_request:
            return False
    if sent.mid is not None and got.mid is not None and sent.mid != got.mid:
        return False
    if sent.size is not None and got.size is not None and abs(sent.size - got.size) not in (0, NON_ESP_MARKER):
        return False
    return True


def _walk(sent: list[MessageFeature], received: list[MessageFeature], a_to_b: bool,
          window: TimeWindow | None) -> list[PacketMatch]:
    out: list[PacketMatch] = []
    j = 0
    for msg in sent:
        limit = min(len(received), j + LOOKAHEAD + 1)
        for k in range(j, limit):
            got = received[k]
            if window is not None and msg.ts is not None and got.ts is not None:
                lag = got.ts - msg.ts - window.expected
                if lag < -window.tol:
                    continue  # the receiver's copy is from before this send: not this packet
                if lag > (window.tol if window.late is None else window.late):
                    break  # too late for this send; the sent packet was lost
            if compatible(msg, got):
                out.append(PacketMatch(msg, got, a_to_b))
                j = k + 1
                break
    return out


def align(a: NegotiationFeatures, b: NegotiationFeatures, window: TimeWindow | None = None) -> list[PacketMatch]:
    """Matched packets between two negotiations, both directions, in send order."""
    a_out = [m for m in a.messages if m.outbound]
    a_in = [m for m in a.messages if not m.outbound]
    b_out = [m for m in b.messages if m.outbound]
    b_in = [m for m in b.messages if not m.outbound]
    back = None if window is None else TimeWindow(-window.expected, window.tol, late=window.late)
    return _walk(a_out, b_in, True, window) + _walk(b_out, a_in, False, back)


def _unfragmented(f: NegotiationFeatures) -> list[MessageFeature]:
    """The messages, with the size of a fragmented one unknown: its packet lines give one
    fragment's size (or the reassembled size), which the other end need not have logged."""
    msgs = f.neg.messages
    return [replace(m, size=None) if m.size is not None and msgs[m.index].fragments else m for m in f.messages]


def align_pair(a: NegotiationFeatures, b: NegotiationFeatures, shift: Mapping[int, float]) -> tuple[MessageMatch, ...]:
    """Which message of `a` is which of `b`, for two negotiations already paired: `align`'s rules
    (exchange, message id, request flag, size ±4 unless fragmented), each receive within
    EARLY_S before / LATE_S after its send in corrected time (`shift`: Correlation.input_shift).
    The in-order walk runs again over what is still unmatched, so messages that crossed (a rekey
    collision, a retransmit that arrived after later traffic) are found too. Sender order, a's
    sends first."""
    a_msgs, b_msgs = _unfragmented(a), _unfragmented(b)
    expected = shift.get(b.input, 0.0) - shift.get(a.input, 0.0)
    found: list[PacketMatch] = []
    for sent, got, a_to_b, window in (
            (a_msgs, b_msgs, True, TimeWindow(expected, EARLY_S, late=LATE_S)),
            (b_msgs, a_msgs, False, TimeWindow(-expected, EARLY_S, late=LATE_S))):
        outs = [m for m in sent if m.outbound]
        ins = [m for m in got if not m.outbound]
        matched: list[PacketMatch] = []
        for _ in range(PASSES):
            more = _walk(outs, ins, a_to_b, window)
            if not more:
                break
            matched += more
            done_out = {m.sent.index for m in more}
            done_in = {m.received.index for m in more}
            outs = [m for m in outs if m.index not in done_out]
            ins = [m for m in ins if m.index not in done_in]
        found += sorted(matched, key=lambda m: m.sent.index)
    ids = (a.id, b.id)
    return tuple(MessageMatch(ids[not m.a_to_b], m.sent.index, ids[m.a_to_b], m.received.index) for m in found)


def matched_messages(neg: Negotiation, peer: Negotiation, correlation: Correlation) -> list[tuple[Message, Message]]:
    """(sent, received) for every message one of two paired negotiations sent that the other
    logged receiving, both ways (neg's sends first, each in send order), as correlation aligned
    them. A correlation built without the correlate stage (by hand, in tests) has no alignment
    for the pair: it is computed here by the same rules."""
    matches = correlation.aligned.get(neg.id)
    if matches is None or not all(m.sender in (neg.id, peer.id) and m.receiver in (neg.id, peer.id) for m in matches):
        matches = align_pair(extract(neg, 0), extract(peer, 1), correlation.input_shift)
    by_id = {neg.id: neg, peer.id: peer}
    mine = [m for m in matches if m.sender == neg.id]
    theirs = [m for m in matches if m.sender != neg.id]
    return [(by_id[m.sender].messages[m.sent], by_id[m.receiver].messages[m.received]) for m in (*mine, *theirs)]
