"""Line up the packets one side sent with the packets the other side received.

A packet leaves one end as `sending packet … (N bytes)` / `generating X request m` and arrives at
the other as `received packet … (N bytes)` / `parsed X request m`: same exchange, message id,
request/response flag and size. Both sides log in order, so an in-order walk with a short
look-ahead (for lost packets and for retransmits received twice) finds the pairs in linear time.
"""
from __future__ import annotations

from dataclasses import dataclass

from .features import NON_ESP_MARKER, MessageFeature, NegotiationFeatures

LOOKAHEAD = 8  # receiver messages skipped at most while looking for a sender's packet


@dataclass(slots=True, frozen=True)
class TimeWindow:
    """Where the receiver's raw timestamp must fall: t_recv_raw - t_sent_raw in expected ± tol,
    for a packet sent by negotiation `a` (expected is for a -> b; b -> a uses -expected)."""

    expected: float
    tol: float
    assumed: bool = False  # no measured offset: clocks assumed in sync, loosely


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
                if lag > window.tol:
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
    back = None if window is None else TimeWindow(-window.expected, window.tol)
    return _walk(a_out, b_in, True, window) + _walk(b_out, a_in, False, back)
