"""A rebuilt negotiation (one IKE_SA / ISAKMP SA) as seen by one side.

Every fact keeps a pointer to the events it came from (`EventRef`), so findings can cite
their evidence. Records are plain data: built by negotiation.builder, read by correlate,
rules, report and tui.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from enum import Enum


class Side(Enum):
    GATEWAY = "gateway"
    CLIENT = "client"
    UNKNOWN = "unknown"


class Role(Enum):
    INITIATOR = "initiator"
    RESPONDER = "responder"
    UNKNOWN = "unknown"


class Outcome(Enum):
    ESTABLISHED = "established"  # up at the end of the log
    FAILED = "failed"  # failed at `failed_stage`
    DELETED = "deleted"  # was established, then deleted (see `deletes`)
    TIMED_OUT = "timed-out"  # retransmits exhausted / half-open timeout / DPD dead
    REKEYED = "rekeyed"  # replaced by a rekeyed/reauthenticated successor (see `successor`)
    UNKNOWN = "unknown"  # the log ends before anything conclusive


class Stage(Enum):
    """Where a negotiation was (or failed)."""

    IKE_SA_INIT = "IKE_SA_INIT"
    IKE_AUTH = "IKE_AUTH"
    EAP = "EAP"
    CHILD_SA = "CHILD_SA"  # CHILD_SA creation inside IKE_AUTH (or an exchange the log does not show)
    CREATE_CHILD_SA = "CREATE_CHILD_SA"  # a CREATE_CHILD_SA exchange (new/rekeyed CHILD_SA) of an IKEv2 SA past IKE_AUTH
    MAIN_MODE = "MAIN_MODE"
    AGGRESSIVE_MODE = "AGGRESSIVE_MODE"
    XAUTH = "XAUTH"
    MODE_CONFIG = "MODE_CONFIG"
    QUICK_MODE = "QUICK_MODE"
    INFORMATIONAL = "INFORMATIONAL"
    REKEY = "REKEY"
    ESTABLISHED = "ESTABLISHED"  # after establishment (DPD, rekey, delete)


class Direction(Enum):
    IN = "in"  # parsed / received by this side
    OUT = "out"  # generated / sent by this side


@dataclass(slots=True, frozen=True)
class EventRef:
    """Points at one event: input index and 1-based line."""

    input: int
    line: int


@dataclass(slots=True)
class Message:
    """One IKE message as logged by this side (a `parsed …` or `generating …` line with the
    packet line(s) around it)."""

    exchange: str  # IKE_SA_INIT, IKE_AUTH, ID_PROT, QUICK_MODE, TRANSACTION, INFORMATIONAL_V1, ...
    mid: int | None  # message id (IKEv1 quick/transaction ids are random 32-bit values)
    direction: Direction
    is_request: bool
    payloads: tuple[str, ...]  # as logged: ("SA", "KE", "No", "N(NATD_S_IP)", ...)
    ts: float | None
    ref: EventRef
    size: int | None = None  # bytes from the packet line, when logged
    src: str | None = None  # "addr[port]"
    dst: str | None = None
    retransmits: int = 0  # how often this request was retransmitted (by this side)
    fragments: int = 0  # number of fragments (EF(n/m) / FRAG)
    packet_refs: list[EventRef] = field(default_factory=list)


@dataclass(slots=True)
class Endpoint:
    addr: str | None = None
    port: int | None = None


@dataclass(slots=True)
class ProposalSet:
    """Proposal lists for one protocol (IKE or ESP/AH), as strongSwan prints them (%P)."""

    received: list[str] = field(default_factory=list)
    configured: list[str] = field(default_factory=list)
    selected: str | None = None
    unacceptable: bool = False  # "received proposals unacceptable" / "no acceptable proposal"
    refs: list[EventRef] = field(default_factory=list)


@dataclass(slots=True)
class AuthStep:
    """One authentication: who authenticates (local='myself' or the peer), how, with what result."""

    who: str  # 'local' | 'remote'
    identity: str | None
    method: str | None  # 'pre-shared key', 'RSA signature', 'EAP', 'EAP_MSCHAPV2', 'XAuth', ...
    ok: bool | None  # None = started, outcome not logged
    ref: EventRef | None = None


@dataclass(slots=True)
class Certificate:
    subject: str
    kind: str  # 'end entity' | 'issuer' | 'ca' | 'attribute' | ...
    direction: Direction  # IN = received, OUT = sent
    ref: EventRef | None = None


@dataclass(slots=True)
class ChildSA:
    name: str | None
    uid: int | None
    spi_in: str | None = None  # 8 hex digits, lower case, inbound (ours)
    spi_out: str | None = None
    ts_local: str | None = None
    ts_remote: str | None = None
    proposal: str | None = None
    mode: str | None = None  # TUNNEL / TRANSPORT
    established: bool = False
    established_at: float | None = None
    closed_at: float | None = None
    rekeyed_from: int | None = None  # uid of the CHILD_SA this one replaced
    refs: list[EventRef] = field(default_factory=list)
    # the attempt that created it: the exchange it was negotiated in ('IKE_AUTH', 'CREATE_CHILD_SA',
    # 'QUICK_MODE'; None: not logged), the ESP/AH proposal lists logged for it, and how it failed
    exchange: str | None = None
    proposals: ProposalSet = field(default_factory=ProposalSet)
    failed: bool = False
    failure_reason: str | None = None  # 'NO_PROPOSAL_CHOSEN', 'TS_UNACCEPTABLE', ... (None: not failed / unknown)


@dataclass(slots=True)
class Delete:
    what: str  # 'IKE_SA' | 'CHILD_SA'
    direction: Direction  # OUT = we sent the DELETE; IN = we received it
    reason: str | None  # 'dpd', 'auth-failed', 'half-open-timeout', 'uniqueness', 'admin', 'expired', ...
    ts: float | None
    ref: EventRef


@dataclass(slots=True)
class Observation:
    """A notable event in the negotiation, by a stable code the signatures can test
    (e.g. 'no-trusted-pubkey', 'mac-mismatch', 'no-peer-config', 'retransmit-giveup',
    'half-open-timeout', 'pool-full', 'kernel-sa-install-failed', 'notify:AUTHENTICATION_FAILED')."""

    code: str
    ts: float | None
    ref: EventRef
    direction: Direction | None = None
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class Negotiation:
    id: str  # stable, unique in the run: "<input-name>#<n>"
    input: int  # InputSpec.index
    host: str | None
    daemon: str  # Daemon value
    side: Side = Side.UNKNOWN
    role: Role = Role.UNKNOWN
    ike_version: int | None = None
    conn: str | None = None  # connection (peer config) name
    unique_id: int | None = None  # charon IKE_SA unique id
    ike_spi_i: str | None = None
    ike_spi_r: str | None = None
    cookies: tuple[str, str] | None = None  # IKEv1 (racoon) initiator/responder cookies
    local: Endpoint = field(default_factory=Endpoint)
    remote: Endpoint = field(default_factory=Endpoint)
    nat_local: bool | None = None  # this host is behind NAT
    nat_remote: bool | None = None  # the peer is behind NAT
    local_id: str | None = None
    remote_id: str | None = None
    mode: str | None = None  # IKEv1: 'main' | 'aggressive'
    auth: list[AuthStep] = field(default_factory=list)
    ike_proposals: ProposalSet = field(default_factory=ProposalSet)
    esp_proposals: ProposalSet = field(default_factory=ProposalSet)
    certs: list[Certificate] = field(default_factory=list)
    certreqs_sent: list[str] = field(default_factory=list)
    certreqs_received: list[str] = field(default_factory=list)
    eap_identity: str | None = None
    xauth_user: str | None = None
    vips_requested: list[str] = field(default_factory=list)
    vips_assigned: list[str] = field(default_factory=list)
    children: list[ChildSA] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    deletes: list[Delete] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    predecessor: str | None = None  # negotiation id this one rekeyed / reauthenticated
    successor: str | None = None
    successor_kind: str | None = None  # 'rekey' | 'reauth'
    client_platform: str | None = None  # 'apple-ios', 'apple-macos', 'windows', 'strongswan', ... (fingerprint)
    daemon_version: str | None = None  # from the start banner
    outcome: Outcome = Outcome.UNKNOWN
    failed_stage: Stage | None = None
    failure_reason: str | None = None  # short code ('NO_PROPOSAL_CHOSEN', 'AUTHENTICATION_FAILED', ...)
    first_ts: float | None = None
    last_ts: float | None = None
    events: list = field(default_factory=list)  # list[parse.event.Event] grouped into this negotiation and kept
    # the events grouped here but not kept (noise, see negotiation.retention): line, line count, line, ...
    other_lines: array = field(default_factory=lambda: array("i"))

    def has(self, code: str) -> bool:
        return any(o.code == code for o in self.observations)

    def line_spans(self) -> list[tuple[int, int]]:
        """(first line, line count) of every event grouped into this negotiation, kept or not,
        in line order (all in input `self.input`)."""
        spans = {(ev.line, max(1, ev.nlines)) for ev in self.events}
        o = self.other_lines
        spans.update((o[i], o[i + 1]) for i in range(0, len(o) - 1, 2))
        return sorted(spans)
