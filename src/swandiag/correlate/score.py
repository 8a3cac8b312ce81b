"""How strongly two negotiations look like the two ends of one, and on what evidence.

Exact identifiers (CHILD_SA SPIs, IKE SPIs, cookies) outweigh everything; matched packets come
next; addresses, identities and virtual IPs only add to other evidence (many road warriors share
a gateway address, and a failed negotiation may never log an identity). Matched packet sizes
without an identifier need one of address (one end may be translated), identity or virtual IP
to agree when both ends logged their addresses: identical clients send identical packets.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..negotiation.records import Role
from .align import PacketMatch, TimeWindow, align
from .clock import Sample, estimate
from .features import NegotiationFeatures
from .records import PairingEvidence as E

W_CHILD_PAIR = 100.0  # one CHILD_SA whose two SPIs mirror the other side's
W_CHILD_ONE = 60.0  # one SPI mirrored (the other direction not logged)
W_IKE_SPI = 100.0
W_SIZED_PACKET = 4.0
W_UNSIZED_PACKET = 1.0
W_ADDRESS = 6.0
W_ADDRESS_NAT = 3.0
W_IDENTITY = 6.0
W_VIP = 8.0
W_TIME = 2.0


@dataclass(slots=True)
class Scored:
    a: int  # feature index
    b: int
    score: float
    evidence: tuple[E, ...]
    matches: list[PacketMatch] = field(default_factory=list)
    strong: bool = False  # an exact identifier matched
    gap: float = 0.0  # |difference of corrected start times| (tie-break), inf when unknown


def _mismatch(x: int | None, y: int | None) -> bool:
    return x is not None and y is not None and x != y


def _endpoints_known(a: NegotiationFeatures, b: NegotiationFeatures) -> bool:
    return bool(a.local_addr and a.remote_addr and b.local_addr and b.remote_addr)


def _overlap(a: NegotiationFeatures, b: NegotiationFeatures, window: TimeWindow) -> bool:
    if a.first_ts is None or b.first_ts is None:
        return True
    a_hi = (a.last_ts or a.first_ts) + window.expected
    b_hi = b.last_ts or b.first_ts
    return a.first_ts + window.expected - window.tol <= b_hi and b.first_ts - window.tol <= a_hi


def score_pair(a: NegotiationFeatures, b: NegotiationFeatures, window: TimeWindow | None) -> Scored | None:
    """None when the two cannot be one negotiation (same input, versions, roles, SPIs disagree)
    or when nothing but coincidence links them."""
    if a.input == b.input:
        return None
    va, vb = a.neg.ike_version, b.neg.ike_version
    if va and vb and va != vb:
        return None
    # different identifiers for the same kind of SA prove different SAs
    if _mismatch(a.ike_spis[0], b.ike_spis[0]) or _mismatch(a.ike_spis[1], b.ike_spis[1]):
        return None
    if _mismatch(a.cookies[0], b.cookies[0]) or _mismatch(a.cookies[1], b.cookies[1]):
        return None
    score, evidence = 0.0, []
    full = sum(1 for i, o in a.child_pairs if (o, i) in b.child_pairs)
    one = len(a.child_in & b.child_out) + len(a.child_out & b.child_in) - 2 * full
    if full or one:
        score += W_CHILD_PAIR * min(full, 3) + W_CHILD_ONE * min(one, 3)
        evidence.append(E.CHILD_SPI)
    if a.ike_spis[0] and a.ike_spis[0] == b.ike_spis[0]:
        score += W_IKE_SPI
        evidence.append(E.IKE_SPI)
    if a.cookies[0] and a.cookies[0] == b.cookies[0]:
        score += W_IKE_SPI
        evidence.append(E.COOKIE)
    strong = bool(evidence)
    roles = {a.role, b.role}
    if Role.UNKNOWN not in roles and len(roles) == 1 and not strong:
        return None  # two initiators (or two responders) of one IKE_SA cannot be
    if window is not None and not strong and not _overlap(a, b, window):
        return None
    matches = align(a, b, None if window is not None and window.assumed else window)
    sized = sum(1 for m in matches if m.sized)
    unsized = len(matches) - sized
    if sized or unsized >= 2:
        score += W_SIZED_PACKET * sized + W_UNSIZED_PACKET * unsized
        evidence.append(E.PACKET_SEQUENCE)
    sequence = E.PACKET_SEQUENCE in evidence
    if _endpoints_known(a, b):
        near = a.local_addr == b.remote_addr
        far = a.remote_addr == b.local_addr
        if near and far:
            score += W_ADDRESS
            evidence.append(E.ADDRESS)
        elif near or far:
            # one end translated: the gateway sees the NAT's public address
            score += W_ADDRESS_NAT
            evidence.append(E.ADDRESS)
    if (a.local_ids & b.remote_ids) or (a.remote_ids & b.local_ids) or (a.user_ids & b.user_ids):
        score += W_IDENTITY
        evidence.append(E.IDENTITY)
    if a.vips & b.vips:
        score += W_VIP
        evidence.append(E.VIRTUAL_IP)
    gap = float("inf")
    if window is not None and window.assumed and a.first_ts is not None and b.first_ts is not None:
        gap = abs(b.first_ts - a.first_ts)
        score += W_TIME / 2
        evidence.append(E.TIME)
    elif window is not None and a.first_ts is not None and b.first_ts is not None:
        # how far this pair's own clock offset is from the inputs' offset: among equally good
        # candidates (identical clients), the true partner is the one that agrees best
        own = estimate([Sample(m.received.ts - m.sent.ts if m.a_to_b else m.sent.ts - m.received.ts, m.a_to_b)
                        for m in matches if m.sent.ts is not None and m.received.ts is not None], 0.0, 0.0)
        gap = abs((own.offset_s if own else b.first_ts - a.first_ts) - window.expected)
        score += W_TIME
        evidence.append(E.TIME)
    # a pair needs something beyond "same time, same gateway": exact identifiers, packets, or who
    # the peer is; both addresses untranslated do when one side logged no packets at all
    personal = E.IDENTITY in evidence or E.VIRTUAL_IP in evidence
    if sequence and not strong and not personal and E.ADDRESS not in evidence and _endpoints_known(a, b):
        # packet sizes alone (identical clients send identical IKE_SA_INITs) between two ends
        # whose addresses agree neither way, even allowing for one NAT: not one negotiation
        return None
    # a side that logs no packets at all (INFO level): its untranslated endpoints are all there is
    blind = (not a.messages and not a.input_logs_packets) or (not b.messages and not b.input_logs_packets)
    both_addresses = E.ADDRESS in evidence and a.local_addr == b.remote_addr and a.remote_addr == b.local_addr
    if not (strong or sequence or (window is not None and (personal or (blind and both_addresses)))):
        return None
    return Scored(a.index, b.index, round(score, 3), tuple(evidence), matches, strong, gap)
