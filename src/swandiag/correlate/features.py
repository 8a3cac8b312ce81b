"""What correlation compares, normalised once per negotiation.

Two daemons print the same packet differently (charon `ID_PROT`, racoon `Identity Protection`;
`0x1c24246` vs `01c24246`), so everything pairing looks at is normalised here and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..negotiation.records import Direction, Negotiation, Role

# Exchange names as the builders may spell them -> one canonical name. Names not listed are not
# compared (an unknown spelling must not veto a match).
_EXCHANGES = {
    "IKE_SA_INIT": "IKE_SA_INIT",
    "IKE_AUTH": "IKE_AUTH",
    "CREATE_CHILD_SA": "CREATE_CHILD_SA",
    "INFORMATIONAL": "INFORMATIONAL",
    "IKE_INTERMEDIATE": "IKE_INTERMEDIATE",
    "IKE_FOLLOWUP_KE": "IKE_FOLLOWUP_KE",
    "IKE_SESSION_RESUME": "IKE_SESSION_RESUME",
    "ID_PROT": "ID_PROT",
    "MAIN_MODE": "ID_PROT",
    "MAIN": "ID_PROT",
    "IDENTITY_PROTECTION": "ID_PROT",
    "AGGRESSIVE": "AGGRESSIVE",
    "AGGRESSIVE_MODE": "AGGRESSIVE",
    "QUICK_MODE": "QUICK_MODE",
    "QUICK": "QUICK_MODE",
    "TRANSACTION": "TRANSACTION",
    "MODE_CONFIG": "TRANSACTION",
    "MODECFG": "TRANSACTION",
    "XAUTH": "TRANSACTION",
    "INFORMATIONAL_V1": "INFORMATIONAL_V1",
}

# Identities that say nothing about who the peer is.
_VAGUE_IDS = {"", "%any", "%any6", "0.0.0.0", "::", "(null)", "null"}

# NAT-T prepends a 4-byte non-ESP marker on port 4500; daemons differ on whether they count it.
NON_ESP_MARKER = 4


def canonical_exchange(name: str | None) -> str | None:
    if not name:
        return None
    return _EXCHANGES.get(name.strip().upper().replace(" ", "_").replace("-", "_"))


def spi_value(text: str | None) -> int | None:
    """'01c24246', '0x1c24246', '1C24246_i' -> int; zero and garbage -> None."""
    if not text:
        return None
    text = text.strip().lower().removeprefix("0x").removesuffix("_i").removesuffix("_o")
    try:
        value = int(text, 16)
    except ValueError:
        return None
    return value or None


def identity_key(text: str | None) -> str | None:
    if text is None:
        return None
    key = text.strip().strip("'\"").lower()
    return None if key in _VAGUE_IDS else key


def split_endpoint(text: str | None) -> tuple[str | None, int | None]:
    """'192.0.2.1[4500]' -> ('192.0.2.1', 4500)."""
    if not text:
        return None, None
    addr, _, rest = text.partition("[")
    port = rest.rstrip("]")
    return addr.strip() or None, int(port) if port.isdigit() else None


@dataclass(slots=True, frozen=True)
class MessageFeature:
    """One message of a negotiation, reduced to what the other side would see too."""

    index: int  # position in Negotiation.messages
    outbound: bool
    exchange: str | None  # canonical, None when unknown
    mid: int | None
    is_request: bool
    size: int | None
    ts: float | None  # raw (uncorrected) time
    retransmitted: bool


@dataclass(slots=True)
class NegotiationFeatures:
    neg: Negotiation
    index: int  # position in the negotiations list
    messages: list[MessageFeature] = field(default_factory=list)
    child_in: set[int] = field(default_factory=set)  # inbound CHILD_SA SPIs (ours)
    child_out: set[int] = field(default_factory=set)
    child_pairs: set[tuple[int, int]] = field(default_factory=set)  # (in, out) per CHILD_SA
    ike_spis: tuple[int | None, int | None] = (None, None)
    cookies: tuple[int | None, int | None] = (None, None)
    local_addr: str | None = None
    remote_addr: str | None = None
    local_port: int | None = None
    remote_port: int | None = None
    local_ids: set[str] = field(default_factory=set)  # who this side says it is
    remote_ids: set[str] = field(default_factory=set)  # who this side says the peer is
    user_ids: set[str] = field(default_factory=set)  # EAP / XAuth user names (same on both ends)
    vips: set[str] = field(default_factory=set)
    first_ts: float | None = None
    last_ts: float | None = None
    # does this negotiation's input log packets at all (set by pairing for the whole input)? A
    # negotiation without packets in an input that logs them sent or received nothing
    input_logs_packets: bool = True

    @property
    def id(self) -> str:
        return self.neg.id

    @property
    def input(self) -> int:
        return self.neg.input

    @property
    def role(self) -> Role:
        return self.neg.role

    @property
    def timed(self) -> bool:
        return self.first_ts is not None


def _ts_bounds(neg: Negotiation, messages: list[MessageFeature]) -> tuple[float | None, float | None]:
    times = [m.ts for m in messages if m.ts is not None]
    for value in (neg.first_ts, neg.last_ts):
        if value is not None:
            times.append(value)
    return (min(times), max(times)) if times else (None, None)


def _endpoints(neg: Negotiation, messages: list) -> tuple[str | None, int | None, str | None, int | None]:
    local_addr, local_port = neg.local.addr, neg.local.port
    remote_addr, remote_port = neg.remote.addr, neg.remote.port
    if local_addr and remote_addr:
        return local_addr, local_port, remote_addr, remote_port
    # fall back to the first packet line that names both ends
    for msg in messages:
        src, dst = split_endpoint(msg.src), split_endpoint(msg.dst)
        if src[0] and dst[0]:
            mine, theirs = (src, dst) if msg.direction is Direction.OUT else (dst, src)
            return (local_addr or mine[0], local_port or mine[1], remote_addr or theirs[0], remote_port or theirs[1])
    return local_addr, local_port, remote_addr, remote_port


def extract(neg: Negotiation, index: int) -> NegotiationFeatures:
    feats = NegotiationFeatures(neg=neg, index=index)
    for i, msg in enumerate(neg.messages):
        exchange = canonical_exchange(msg.exchange)
        size = msg.size if isinstance(msg.size, int) and msg.size > 0 else None
        mid = msg.mid if isinstance(msg.mid, int) and msg.mid >= 0 else None
        feats.messages.append(MessageFeature(
            index=i, outbound=msg.direction is Direction.OUT, exchange=exchange, mid=mid,
            is_request=bool(msg.is_request), size=size, ts=msg.ts, retransmitted=msg.retransmits > 0,
        ))
    for child in neg.children:
        spi_in, spi_out = spi_value(child.spi_in), spi_value(child.spi_out)
        if spi_in:
            feats.child_in.add(spi_in)
        if spi_out:
            feats.child_out.add(spi_out)
        if spi_in and spi_out:
            feats.child_pairs.add((spi_in, spi_out))
    feats.ike_spis = (spi_value(neg.ike_spi_i), spi_value(neg.ike_spi_r))
    if neg.cookies:
        feats.cookies = (spi_value(neg.cookies[0]), spi_value(neg.cookies[1]))
    feats.local_addr, feats.local_port, feats.remote_addr, feats.remote_port = _endpoints(neg, neg.messages)
    for step in neg.auth:
        key = identity_key(step.identity)
        if key:
            (feats.local_ids if step.who == "local" else feats.remote_ids).add(key)
    for text, target in ((neg.local_id, feats.local_ids), (neg.remote_id, feats.remote_ids)):
        key = identity_key(text)
        if key:
            target.add(key)
    for text in (neg.eap_identity, neg.xauth_user):
        key = identity_key(text)
        if key:
            feats.user_ids.add(key)
    feats.vips = {v.strip().lower() for v in neg.vips_assigned if v and v.strip()}
    feats.first_ts, feats.last_ts = _ts_bounds(neg, feats.messages)
    return feats
