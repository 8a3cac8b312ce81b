"""Records produced by correlation: which negotiations are two ends of one, and clock offsets."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class PairingEvidence(Enum):
    CHILD_SPI = "child-spi"  # one side's inbound SPI is the other's outbound
    IKE_SPI = "ike-spi"
    COOKIE = "cookie"  # IKEv1 cookies
    PACKET_SEQUENCE = "packet-sequence"  # same exchanges / message ids / sizes in order
    ADDRESS = "address"  # endpoints (with NAT translation) agree
    IDENTITY = "identity"
    VIRTUAL_IP = "virtual-ip"
    TIME = "time"  # overlapping time window after offset correction
    REKEY_CHAIN = "rekey-chain"  # successor / predecessor of an already paired negotiation


@dataclass(slots=True, frozen=True)
class Pairing:
    a: str  # negotiation id
    b: str  # negotiation id
    evidence: tuple[PairingEvidence, ...]
    score: float


@dataclass(slots=True, frozen=True)
class MessageMatch:
    """One IKE message as both ends of a pair logged it: message `sent` of negotiation `sender`
    is message `received` of negotiation `receiver` (indexes into `Negotiation.messages`)."""

    sender: str  # negotiation id
    sent: int
    receiver: str  # negotiation id
    received: int


@dataclass(slots=True, frozen=True)
class ClockOffset:
    """Offset of input `to`'s clock relative to input `from_`: t_to_corrected = t_to - offset_s."""

    from_: str  # input name
    to: str  # input name
    offset_s: float
    uncertainty_s: float
    method: str  # 'matched-packets' | 'override' | 'none' (no evidence: 0 assumed)
    samples: int = 0
    note: str | None = None  # e.g. 'whole hours: a time-zone difference?', 'via gateway.log'


@dataclass(slots=True)
class TimelineEntry:
    ts: float | None  # corrected time
    input: int
    line: int
    negotiation: str | None
    side: str  # Side value
    text: str


@dataclass(slots=True)
class Correlation:
    pairings: list[Pairing] = field(default_factory=list)
    offsets: list[ClockOffset] = field(default_factory=list)
    # peer negotiation id by negotiation id (both directions)
    peer: dict[str, str] = field(default_factory=dict)
    # offset to subtract from each input's raw timestamps to get the reference clock
    input_shift: dict[int, float] = field(default_factory=dict)
    unpaired_reason: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # one line each for the user (e.g. unknown --offset key)
    # inputs listed newest first (reversed by the parse stage): their line numbers run backwards
    newest_first: frozenset[int] = frozenset()
    # which message is which between each pair's two ends (align.align_pair), by negotiation id:
    # both ids of a pair share one tuple. Read it with align.matched_messages
    aligned: dict[str, tuple[MessageMatch, ...]] = field(default_factory=dict)
