"""The charon builder's working record for one IKE_SA, and how its outcome is decided."""
from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from ..parse.event import Event
from .evidence import ep_text, ref
from .retention import facts_of
from .records import (
    ChildSA, Direction, Message, Negotiation, Observation, Outcome, ProposalSet, Role, Side, Stage,
)

# Observation code -> failure_reason (short, stable); the first fatal one names the failure.
_REASONS = {
    "proposals-unacceptable": "NO_PROPOSAL_CHOSEN",
    "esp-proposals-unacceptable": "NO_PROPOSAL_CHOSEN",
    "mac-mismatch": "AUTHENTICATION_FAILED",
    "decrypt-failed": "AUTHENTICATION_FAILED",
    "no-shared-key": "AUTHENTICATION_FAILED",
    "no-trusted-pubkey": "AUTHENTICATION_FAILED",
    "no-private-key": "AUTHENTICATION_FAILED",
    "eap-failed": "AUTHENTICATION_FAILED",
    "xauth-failed": "AUTHENTICATION_FAILED",
    "no-peer-config": "AUTHENTICATION_FAILED",
    "peer-config-unacceptable": "AUTHENTICATION_FAILED",
    "constraint-id-mismatch": "AUTHENTICATION_FAILED",
    "constraint-auth-class": "AUTHENTICATION_FAILED",
    "idr-mismatch": "AUTHENTICATION_FAILED",
    "cert-expired": "AUTHENTICATION_FAILED",
    "issuer-not-found": "AUTHENTICATION_FAILED",
    "untrusted-root": "AUTHENTICATION_FAILED",
    "aggressive-psk-refused": "AUTHENTICATION_FAILED",
    "ts-unacceptable": "TS_UNACCEPTABLE",
    "pool-full": "INTERNAL_ADDRESS_FAILURE",
    "no-vip": "INTERNAL_ADDRESS_FAILURE",
    "sad-install-failed": "SAD_INSTALL_FAILED",
    "spd-install-failed": "SPD_INSTALL_FAILED",
    "no-ike-config": "NO_IKE_CONFIG",
    "uniqueness-keep": "UNIQUENESS_POLICY",
    "half-open-timeout": "HALF_OPEN_TIMEOUT",
    "retransmit-giveup": "PEER_NOT_RESPONDING",
    "peer-not-responding": "PEER_NOT_RESPONDING",
    "dpd-timeout": "DPD_TIMEOUT",
}
_NOTIFY_REASONS = {
    "NO_PROP": "NO_PROPOSAL_CHOSEN", "AUTH_FAILED": "AUTHENTICATION_FAILED",
    "TS_UNACCEPT": "TS_UNACCEPTABLE", "INVAL_ID": "INVALID_ID_INFORMATION",
    "INT_ADDR_FAIL": "INTERNAL_ADDRESS_FAILURE", "FAIL_CP_REQ": "FAILED_CP_REQUIRED",
    "INVAL_KE": "INVALID_KE_PAYLOAD", "INVAL_SYN": "INVALID_SYNTAX", "INVAL_HASH": "INVALID_HASH_INFORMATION",
}
_CHILD_FAILURES = {"child-failed", "child-failed-ike-closed", "ts-unacceptable", "esp-proposals-unacceptable",
                   "sad-install-failed", "spd-install-failed", "no-vip", "pool-full"}
_TIMEOUTS = {"half-open-timeout", "retransmit-giveup", "peer-not-responding", "dpd-timeout"}
_CHILD_EXCHANGES = {"IKE_AUTH", "CREATE_CHILD_SA", "QUICK_MODE"}
# notifies a sender answers by retrying the same exchange (INVALID_KE_PAYLOAD: with the requested
# group): once the retry was sent, the outcome is what the retry gets
_RETRIED_NOTIFIES = {"INVAL_KE"}
_CHILD_ERROR_NOTIFIES = {"NO_PROP", "TS_UNACCEPT", "INVAL_KE", "SINGLE_PAIR", "NO_ADD_SAS", "INT_ADDR_FAIL",
                         "FAIL_CP_REQ", "TEMP_FAIL", "NO_CHILD_SA"}


@dataclass(slots=True)
class Draft:
    neg: Negotiation
    events: list[Event] = field(default_factory=list)
    _seen: set[int] = field(default_factory=set)  # id() of events already grouped here
    established: bool = False
    established_at: float | None = None
    deleted: bool = False
    reauth_started: bool = False
    saw_eap: bool = False
    saw_xauth: bool = False
    saw_fragments: bool = False
    assigns_vip: bool = False
    installs_vip: bool = False
    admin_delete: bool = False
    gave_up: bool = False
    # the excerpt shows the SA past IKE_SA_INIT/IKE_AUTH without its establishment (it begins later):
    # CREATE_CHILD_SA / Quick Mode, INFORMATIONAL with message id > 1, ESTABLISHED => ..., a CHILD_SA
    # up or restarted after a give-up (charon restarts children only of established SAs)
    past_init: bool = False
    cur_child: ChildSA | None = None  # the CHILD_SA attempt in progress (or the last one)
    attempt: ProposalSet | None = None  # ESP/AH proposal lists logged for the attempt in progress
    peer_user: str | None = None
    requested_local_id: str | None = None
    last_esp: str | None = None
    last_in_packet: tuple | None = None  # (event, size, src, dst) of the last packet received
    _frag_in: int = 0
    keep: object | None = None  # negotiation.retention.Retention (None: keep every event)
    _drop_lo: Event | None = None  # the not-kept events with the lowest / highest line (the
    _drop_hi: Event | None = None  # negotiation's first event is always kept, see finish)

    def touch(self, ev: Event) -> None:
        if id(ev) in self._seen:
            return
        n = self.neg
        if self.keep is None or self.keep(ev):
            self._seen.add(id(ev))
            self.events.append(ev)
        else:  # not kept: where it was, and the extremes (ids of freed events may recur: no _seen)
            n.other_lines.append(ev.line)
            n.other_lines.append(max(1, ev.nlines))
            if self._drop_lo is None or ev.line < self._drop_lo.line:
                self._drop_lo = ev
            if self._drop_hi is None or ev.line > self._drop_hi.line:
                self._drop_hi = ev
        if ev.ts is not None:
            n.first_ts = ev.ts if n.first_ts is None else min(n.first_ts, ev.ts)
            n.last_ts = ev.ts if n.last_ts is None else max(n.last_ts, ev.ts)
        if n.host is None and ev.host:
            n.host = ev.host
        if n.conn is None and ev.sa_name:
            n.conn = ev.sa_name

    def observe(self, ev: Event, code: str) -> None:
        self.neg.observations.append(Observation(code=code, ts=ev.ts, ref=ref(ev),
                                                 detail=dict(facts_of(ev))))

    # -- messages ---------------------------------------------------------------------------
    def add_message(self, msg: Message) -> None:
        if msg.direction is Direction.IN and self._frag_in:
            msg.fragments, self._frag_in = self._frag_in, 0
        self.neg.messages.append(msg)

    def fragment(self, direction: Direction, ev: Event) -> None:
        self.saw_fragments = True
        if direction is Direction.IN:
            self._frag_in += 1  # last_in_packet stays: the size is the first fragment's
        else:
            last = self._last(Direction.OUT)
            if last is not None:
                last.fragments += 1

    def _last(self, direction: Direction) -> Message | None:
        for msg in reversed(self.neg.messages):
            if msg.direction is direction:
                return msg
        return None

    def out_packet(self, ev: Event, f: dict, src, dst) -> None:
        msg = self._last(Direction.OUT)
        if msg is None:
            return
        if msg.size is None:
            msg.size = f.get("size")
            msg.src, msg.dst = ep_text(*src), ep_text(*dst)
        msg.packet_refs.append(ref(ev))

    def retransmit(self, mid) -> None:
        for msg in reversed(self.neg.messages):
            if msg.direction is Direction.OUT and msg.is_request and (mid is None or msg.mid == mid):
                msg.retransmits += 1
                return

    # -- children ---------------------------------------------------------------------------
    def child(self, name, uid, ev: Event) -> ChildSA:
        for c in self.neg.children:
            if uid is not None and c.uid == uid:
                break
        else:
            c = self.cur_child
            if c is not None and c.uid is None and c.name is None and not c.established:
                c.name, c.uid = name, uid  # the failed attempt logged before it was named
                c.refs.append(ref(ev))
                return c
            c = ChildSA(name=name, uid=uid)
            self.neg.children.append(c)
            if not c.established and not c.failed:
                self.begin_attempt(c)
        c.refs.append(ref(ev))
        return c

    def begin_attempt(self, c: ChildSA) -> None:
        """c is the CHILD_SA negotiated now. ESP proposal lists logged before it was named and not
        attached to an earlier attempt (a responder logs them before the CHILD_SA) are its own."""
        prev = self.cur_child
        if self.attempt is not None and (prev is None or self.attempt is not prev.proposals):
            c.proposals = self.attempt
        else:
            self.attempt = c.proposals
        self.cur_child = c
        last = self.neg.messages[-1] if self.neg.messages else None
        # a responder names the CHILD_SA after the request it parsed; an initiator before its request
        if c.exchange is None and last is not None and last.exchange in _CHILD_EXCHANGES \
                and last.direction is Direction.IN and last.is_request:
            c.exchange = last.exchange

    def attempt_proposals(self) -> ProposalSet:
        """The ESP proposal set of the CHILD_SA attempt in progress (unattached until it is named)."""
        if self.attempt is None:
            self.attempt = ProposalSet()
        return self.attempt

    def child_up(self, c: ChildSA) -> None:
        """c is established: lists logged from now on are another attempt's."""
        if self.cur_child is c or self.attempt is c.proposals:
            self.attempt = None

    def new_child_exchange(self, msg: Message) -> None:
        """A CREATE_CHILD_SA / Quick Mode request: after a concluded attempt, a new one begins."""
        c = self.cur_child
        if msg.is_request and msg.exchange in ("CREATE_CHILD_SA", "QUICK_MODE") \
                and (c is None or c.established or c.failed) and (c is None or self.attempt is c.proposals):
            self.attempt = None

    def child_failed(self, ev: Event, reason: str | None = None) -> None:
        c = self.cur_child
        if c is None or c.established or (c.failed and self.attempt is not c.proposals):
            # an attempt no line named (a responder at level 1): record it, with its proposals
            c = ChildSA(name=None, uid=None)
            self.neg.children.append(c)
            self.begin_attempt(c)
        c.failed = True
        c.failure_reason = c.failure_reason or reason
        c.refs.append(ref(ev))

    def delete_reason(self, direction: Direction) -> str | None:
        codes = {o.code for o in self.neg.observations}
        if "notify-received:AUTH_FAILED" in codes or "notify-sent:AUTH_FAILED" in codes:
            return "auth-failed"
        if codes & {"retransmit-giveup", "dpd-timeout"}:
            return "dpd"
        if codes & {"uniqueness-replace", "initial-contact-replace"}:
            return "uniqueness"
        if self.reauth_started or self.neg.successor_kind == "reauth":
            return "reauth"
        if self.neg.successor_kind == "rekey":
            return "rekey"
        if self.admin_delete and direction is Direction.OUT:
            return "admin"
        return "peer" if direction is Direction.IN else None


def _stage(d: Draft) -> Stage:
    """Where the negotiation got to, from the exchanges it logged."""
    n = d.neg
    exchanges = [m.exchange for m in n.messages]
    if n.ike_version == 1:
        if d.established:
            if "QUICK_MODE" in exchanges or any(c.uid is not None for c in n.children):
                return Stage.QUICK_MODE
            return Stage.MODE_CONFIG if d.saw_xauth and n.vips_requested else Stage.XAUTH if d.saw_xauth else Stage.QUICK_MODE
        if d.saw_xauth or "TRANSACTION" in exchanges:
            return Stage.XAUTH
        return Stage.AGGRESSIVE_MODE if n.mode == "aggressive" or "AGGRESSIVE" in exchanges else Stage.MAIN_MODE
    if d.established:
        return Stage.CHILD_SA
    if "IKE_AUTH" in exchanges:
        return Stage.EAP if d.saw_eap else Stage.IKE_AUTH
    return Stage.IKE_SA_INIT


def _reason(codes: list[str]) -> str | None:
    for code in codes:
        if code in _REASONS:
            return _REASONS[code]
        if code.startswith("notify-error:"):
            return code.split(":", 1)[1]
        if code.startswith("notify-no-child:"):
            return code.split(":", 1)[1]
    for code in codes:
        if code.startswith(("notify-received:", "notify-sent:")):
            short = code.split(":", 1)[1]
            return _NOTIFY_REASONS.get(short, short)
    return None


def finish(d: Draft, newest_first: bool = False) -> Negotiation:
    """Decide role, version, outcome, stage and reason once the input is read.
    `newest_first`: the input was listed newest first (and reversed by the parse stage), so
    its line numbers run against time."""
    n = d.neg
    # buffered lines (untagged logs) may be applied late: restore log order
    sign = -1 if newest_first else 1
    d.events.sort(key=lambda e: sign * e.line)
    n.messages.sort(key=lambda m: sign * m.ref.line)
    first = d._drop_hi if newest_first else d._drop_lo
    if first is not None and (not d.events or sign * first.line < sign * d.events[0].line):
        d.events.insert(0, first)  # the first event is always kept
    else:
        first = None
    if n.other_lines:
        o = n.other_lines
        spans = {(o[i], o[i + 1]) for i in range(0, len(o) - 1, 2)}
        if first is not None:
            spans.discard((first.line, max(1, first.nlines)))
        n.other_lines = array("i", [x for span in sorted(spans) for x in span])
    d._drop_lo = d._drop_hi = None
    n.events = d.events
    if not n.local_id and d.requested_local_id:
        n.local_id = d.requested_local_id
    if n.ike_version is None and n.mode:
        n.ike_version = 1
    if n.role is Role.UNKNOWN and n.messages:
        first = n.messages[0]
        n.role = Role.RESPONDER if (first.direction is Direction.IN) == first.is_request else Role.INITIATOR
    if n.ike_version == 1 and n.mode is None:
        n.mode = "aggressive" if any(m.exchange == "AGGRESSIVE" for m in n.messages) else "main"
    codes = [o.code for o in _settled(n, sign)]
    for c in n.children:
        if c.proposal is None and c.established:
            c.proposal = n.esp_proposals.selected
    child_up = any(c.established for c in n.children)
    auth_rejected = any(c in ("notify-received:AUTH_FAILED", "notify-sent:AUTH_FAILED") for c in codes) or \
        any(a.ok is False for a in n.auth)
    child_codes = [c for c in codes if c in _CHILD_FAILURES or c.startswith("notify")]
    if n.successor:
        n.outcome = Outcome.REKEYED
    elif d.established or d.past_init or _informational_after_auth(n):
        child_failed = not child_up and any(c in _CHILD_FAILURES or c.startswith("notify-no-child:") for c in codes)
        if auth_rejected:
            n.outcome, n.failed_stage = Outcome.FAILED, Stage.IKE_AUTH
            n.failure_reason = "AUTHENTICATION_FAILED"
        elif child_failed:
            n.outcome, n.failed_stage = Outcome.FAILED, _child_stage(d)
            n.failure_reason = _reason(child_codes)
        elif any(c in ("retransmit-giveup", "dpd-timeout") for c in codes):
            n.outcome, n.failed_stage, n.failure_reason = Outcome.TIMED_OUT, Stage.ESTABLISHED, "DPD_TIMEOUT"
        elif d.deleted:
            n.outcome = Outcome.DELETED
        else:
            n.outcome = Outcome.ESTABLISHED
    else:
        stage = _stage(d)
        if stage is Stage.IKE_SA_INIT and auth_rejected and n.ike_version != 1:
            stage = Stage.IKE_AUTH  # (an excerpt from the failed authentication on: IKEv2 authenticates there)
        reason = _reason(codes)
        if any(c in _TIMEOUTS for c in codes) and reason in (None, "HALF_OPEN_TIMEOUT", "PEER_NOT_RESPONDING", "DPD_TIMEOUT"):
            n.outcome, n.failed_stage, n.failure_reason = Outcome.TIMED_OUT, stage, reason
        elif reason is not None or auth_rejected:
            n.outcome, n.failed_stage = Outcome.FAILED, stage
            n.failure_reason = reason or "AUTHENTICATION_FAILED"
        elif d.deleted:
            n.outcome, n.failed_stage, n.failure_reason = Outcome.FAILED, stage, "DELETED"
        else:
            n.outcome = Outcome.UNKNOWN
            n.failed_stage = None
    for c in n.children:
        if c.failed and c.failure_reason is None:
            c.failure_reason = _reason(child_codes)
    return n


def _informational_after_auth(n: Negotiation) -> bool:
    """An IKEv2 INFORMATIONAL exchange with message id > 1 (0 and 1 are IKE_SA_INIT and IKE_AUTH)
    beyond every IKE_AUTH id logged (EAP rounds) whose messages carry no AUTH_FAILED (the
    initiator reports a failed IKE_AUTH in one): the SA was established before the excerpt."""
    if n.ike_version == 1:
        return False
    auth_mids = [m.mid for m in n.messages if m.exchange == "IKE_AUTH" and isinstance(m.mid, int)]
    last_auth = max(auth_mids, default=1)
    info = {}
    for m in n.messages:
        if m.exchange == "INFORMATIONAL" and isinstance(m.mid, int) and m.mid > last_auth:
            info[m.mid] = info.get(m.mid, False) or "N(AUTH_FAILED)" in m.payloads
    return any(not failed for failed in info.values())


def _settled(n: Negotiation, sign: int) -> list[Observation]:
    """The observations that can decide the outcome: a notify the sender answered by retrying the
    exchange (INVALID_KE_PAYLOAD, then a new request with the requested group) settled nothing."""
    out = []
    for o in n.observations:
        kind, _, notify = o.code.partition(":")
        if kind == "notify-received" and notify in _RETRIED_NOTIFIES:
            at = sign * o.ref.line
            exchange = next((m.exchange for m in n.messages if m.ref.line == o.ref.line), None)
            if any(m.direction is Direction.OUT and m.is_request and sign * m.ref.line > at
                   and (exchange is None or m.exchange == exchange) for m in n.messages):
                continue
        out.append(o)
    return out


def _child_stage(d: Draft) -> Stage:
    """Where a CHILD_SA failed: its CREATE_CHILD_SA exchange, Quick Mode (IKEv1) or IKE_AUTH."""
    n = d.neg
    if n.ike_version == 1:
        return Stage.QUICK_MODE
    failed = [c for c in n.children if c.failed]
    exchange = next((c.exchange for c in reversed(failed) if c.exchange), None)
    if exchange is None:
        carrying = [m.exchange for m in n.messages
                    if any(p.startswith("N(") and p[2:-1] in _CHILD_ERROR_NOTIFIES for p in m.payloads)]
        exchange = carrying[-1] if carrying else None
    if exchange is None:
        exchanges = {m.exchange for m in n.messages}
        if "CREATE_CHILD_SA" in exchanges and "IKE_AUTH" not in exchanges:
            exchange = "CREATE_CHILD_SA"
    return Stage.CREATE_CHILD_SA if exchange == "CREATE_CHILD_SA" else Stage.CHILD_SA


def side_of(negs: list[Negotiation], assigns_vip: bool = False, installs_vip: bool = False) -> Side:
    """Gateway: assigns virtual IPs, or mostly responds; client: installs a virtual IP or
    mostly initiates."""
    if not negs:
        return Side.UNKNOWN
    if assigns_vip != installs_vip:
        return Side.GATEWAY if assigns_vip else Side.CLIENT
    responders = sum(n.role is Role.RESPONDER for n in negs)
    initiators = sum(n.role is Role.INITIATOR for n in negs)
    if initiators > responders:
        return Side.CLIENT
    if responders > initiators:
        return Side.GATEWAY
    return Side.UNKNOWN
