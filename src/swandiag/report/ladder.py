"""The two-sided ladder of one negotiation: who sent which IKE message when, in corrected time.

A message sent by one side and received by the other becomes one row with both log
references; a message only one log shows ("sent, never seen by the peer") is a row with one
reference, which is often the diagnosis itself (lost fragments, blocked port 4500).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..correlate.align import matched_messages
from ..negotiation.records import Direction, Message, Negotiation, Side
from .sanitize import strip_controls
from .timefmt import iso

@dataclass(slots=True)
class LadderRow:
    time: str | None  # ISO-8601 UTC, corrected (send time, else receive time)
    sender: str  # 'gateway' | 'client' | 'local' | 'peer'
    receiver: str
    exchange: str
    mid: int | None
    request: bool
    payloads: str  # "SA KE No N(NATD_S_IP)"
    sent: str | None  # "input:line" in the sender's log
    received: str | None  # "input:line" in the receiver's log
    delay_s: float | None  # receive - send, corrected
    retransmits: int
    fragments: int
    size: int | None
    note: str  # '' | 'not in the peer log' | 'no send in the peer log'

    @property
    def label(self) -> str:
        kind = "request" if self.request else "response"
        mid = "" if self.mid is None else f" {self.mid}"
        return f"{self.exchange} {kind}{mid}"


def _side_names(neg: Negotiation, peer: Negotiation | None) -> tuple[str, str]:
    own = neg.side.value if neg.side is not Side.UNKNOWN else "local"
    if peer is not None and peer.side is not Side.UNKNOWN and peer.side.value != own:
        return own, peer.side.value
    return own, {"gateway": "client", "client": "gateway"}.get(own, "peer")


def _ref(analysis, msg: Message) -> str:
    index = msg.ref.input
    name = analysis.inputs[index].spec.name if 0 <= index < len(analysis.inputs) else f"input-{index}"
    return f"{strip_controls(name)}:{msg.ref.line}"


def _corrected(analysis, msg: Message) -> float | None:
    if msg.ts is None:
        return None
    return msg.ts - analysis.correlation.input_shift.get(msg.ref.input, 0.0)


def _row(analysis, msg: Message, sender: str, receiver: str, sent: Message | None, received: Message | None) -> LadderRow:
    t_sent = _corrected(analysis, sent) if sent else None
    t_recv = _corrected(analysis, received) if received else None
    delay = round(t_recv - t_sent, 3) if t_sent is not None and t_recv is not None else None
    note = "" if sent and received else ("not in the peer log" if sent else "no send in the peer log")
    return LadderRow(
        time=iso(t_sent if t_sent is not None else t_recv), sender=sender, receiver=receiver,
        exchange=strip_controls(msg.exchange), mid=msg.mid, request=bool(msg.is_request),
        payloads=strip_controls(" ".join(msg.payloads)), sent=_ref(analysis, sent) if sent else None,
        received=_ref(analysis, received) if received else None, delay_s=delay,
        retransmits=int((sent or msg).retransmits), fragments=int(msg.fragments), size=msg.size, note=note,
    )


def matched_pairs(neg: Negotiation, peer: Negotiation, analysis) -> list[tuple[Message, Message]]:
    """(sent, received) for every message one side sent that the other logged receiving, both
    ways: the correlate stage's alignment of the pair (one matcher for every view)."""
    return matched_messages(neg, peer, analysis.correlation)


def build_ladder(neg: Negotiation, peer: Negotiation | None, analysis) -> list[LadderRow]:
    own, other = _side_names(neg, peer)
    mine = list(neg.messages)
    theirs = list(peer.messages) if peer is not None else []
    rows: list[tuple[float, tuple, LadderRow]] = []

    def add(msg: Message, row: LadderRow, order: int) -> None:
        t = _corrected(analysis, msg)
        # logs often have whole seconds: within one, message id and request-before-response
        # give the protocol's order
        rows.append((float("inf") if t is None else t, (msg.mid if msg.mid is not None else 1 << 40,
                                                        0 if msg.is_request else 1, order), row))

    my_out = [m for m in mine if m.direction is Direction.OUT]
    my_in = [m for m in mine if m.direction is Direction.IN]
    their_out = [m for m in theirs if m.direction is Direction.OUT]
    their_in = [m for m in theirs if m.direction is Direction.IN]
    if peer is None:
        for i, m in enumerate(mine):
            sender, receiver = (own, other) if m.direction is Direction.OUT else (other, own)
            row = _row(analysis, m, sender, receiver, m if m.direction is Direction.OUT else None,
                       m if m.direction is Direction.IN else None)
            row.note = ""  # one log only: nothing to compare with
            add(m, row, i)
    else:
        matched = {id(sent): got for sent, got in matched_pairs(neg, peer, analysis)}
        claimed = {id(m) for m in matched.values()}
        seq = 0
        for outs, ins, sender, receiver in ((my_out, their_in, own, other), (their_out, my_in, other, own)):
            for m in outs:
                got = matched.get(id(m))
                add(m, _row(analysis, m, sender, receiver, m, got), seq)
                seq += 1
            for m in ins:
                if id(m) not in claimed:
                    add(m, _row(analysis, m, sender, receiver, None, m), seq)
                    seq += 1
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r for _, _, r in rows]
