"""Rebuilds racoon's (ipsec-tools IKEv1, Apple's "Cisco IPSec" engine) negotiations: one
Negotiation per ISAKMP SA with its phase 1, XAuth, ModeConfig and Quick Mode SAs.

racoon names an SA only by its cookies, and only in some lines; everything else is attributed
to the negotiation in progress (racoon runs one client connection at a time). Message wording
and the template ids used here: parse/template_data/racoon.toml.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain

from ..analysis import InputSummary
from ..parse.event import Daemon, Event
from .evidence import attach, endpoint, ep_text, facts, hex8, kind, observe, ref
from .records import (
    AuthStep, ChildSA, Delete, Direction, Endpoint, Message, Negotiation, Observation, Outcome, Role,
    Side, Stage,
)

ZERO_COOKIE = "0" * 16
PHASE1_STAGE = {"main": Stage.MAIN_MODE, "aggressive": Stage.AGGRESSIVE_MODE, "base": Stage.MAIN_MODE}
PHASE1_EXCHANGE = {Stage.MAIN_MODE: "ID_PROT", Stage.AGGRESSIVE_MODE: "AGGRESSIVE"}
# Exchanges racoon retransmits as the same packet (DPD and ModeConfig send fresh messages).
RETRANSMITTED = {"ID_PROT", "AGGRESSIVE", "QUICK_MODE"}
CFG_REQUESTS = {"REQUEST", "SET"}


@dataclass(slots=True)
class _Draft:
    """A negotiation being rebuilt plus the parser state that never leaves this module."""

    neg: Negotiation
    stage: Stage = Stage.MAIN_MODE
    established: bool = False  # phase 1 up
    finished: bool = False  # outcome is final
    peer_answered: bool = False
    xauth_expected: bool = False
    auth: AuthStep | None = None
    xauth: AuthStep | None = None
    child: ChildSA | None = None  # Quick Mode in progress
    child_role: Role = Role.INITIATOR
    sa_hint: str | None = None  # 'in'/'out' from the preceding 'got pfkey UPDATE/ADD'
    last_msg: Message | None = None
    cfg_send: str | None = None  # 'Sending MODE_CFG X' seen, applies to the next sent packet
    modecfg_reply: bool = False
    last_notify: str | None = None
    closing: str | None = None  # why the SAs are being purged ('admin', 'dpd', 'shutdown')
    deleted: bool = False
    addressed: bool = False  # the 'initiate/respond new phase 1' line was seen


@dataclass(slots=True)
class _Builder:
    summary: InputSummary
    drafts: list[_Draft] = field(default_factory=list)
    by_cookie: dict[str, _Draft] = field(default_factory=dict)
    pending: list[Event] = field(default_factory=list)  # admin requests before phase 1 starts
    version: str | None = None
    # the server an Apple session is connecting to ('IPSec connecting to server X' of racoon /
    # nesessionmanager, pppd's 'L2TP connecting to server 'name' (X)...'), for the next phase 1
    # that logs no address of its own
    server: str | None = None

    @property
    def current(self) -> _Draft | None:
        return self.drafts[-1] if self.drafts else None

    def feed(self, ev: Event) -> None:
        k = kind(ev)
        f = facts(ev)
        if k == "racoon.banner":
            self.version = str(f.get("version"))
            return
        if k == "racoon.apple-connecting" and f.get("what") == "connect" and f.get("addr"):
            self.note_server(str(f["addr"]))
        if k == "racoon.p1-start":
            self._start(ev, f)
        elif (k == "racoon.apple-phase-status" and f.get("phase") == 1 and f.get("what") == "started") \
                or (k == "racoon.apple-state" and str(f.get("state", "")).endswith(" I start")
                    and str(f.get("state", "")).startswith("IKEv1 ") and "quick" not in str(f.get("state"))):
            cur = self.current
            if cur is None or cur.finished or cur.deleted or cur.established:
                self._start(ev, {"role": "responder" if f.get("by") == "peer" else "initiator"})
        draft = self._route(f)
        if draft is None:
            if k == "racoon.admin-establish":
                self.pending.append(ev)
            return
        attach(draft.neg, ev)
        handler = HANDLERS.get(k)
        if handler is not None:
            handler(self, draft, ev, f)

    def note_server(self, addr: str) -> None:
        """An Apple session names its server: the phase 1 it starts (or has just started without
        an address) talks to it."""
        cur = self.current
        if cur is not None and cur.neg.remote.addr is None and not cur.finished and not cur.established:
            cur.neg.remote = Endpoint(addr, None)
            return
        self.server = addr

    def _route(self, f: dict) -> _Draft | None:
        icookie = f.get("icookie")
        if isinstance(icookie, str) and icookie in self.by_cookie:
            return self.by_cookie[icookie]
        return self.current

    def _start(self, ev: Event, f: dict) -> None:
        cur = self.current
        if f.get("local") and cur is not None and not cur.addressed and not cur.established \
                and not cur.finished:
            # Apple logs 'IPSec Phase 1 started' next to 'initiate new phase 1 negotiation'
            cur.addressed = True
            cur.neg.local = Endpoint(*endpoint(f.get("local")))
            cur.neg.remote = Endpoint(*endpoint(f.get("remote")))
            return
        n = len(self.drafts) + 1
        role = Role.RESPONDER if f.get("role") == "responder" else Role.INITIATOR
        # host and version fall back to the summary's in finish(): complete only then
        neg = Negotiation(
            id=f"{self.summary.spec.name}#{n}", input=ev.input, host=ev.host,
            daemon="racoon", side=Side.CLIENT, role=role, ike_version=1, daemon_version=self.version,
        )
        neg.local = Endpoint(*endpoint(f.get("local")))
        neg.remote = Endpoint(*endpoint(f.get("remote")))
        if neg.remote.addr is None and self.server is not None:
            neg.remote = Endpoint(self.server, None)
        self.server = None
        neg.events.extend(self.pending)
        self.pending.clear()
        self.drafts.append(_Draft(neg=neg, addressed=bool(f.get("local"))))

    def register(self, draft: _Draft, icookie: object, rcookie: object = None) -> None:
        if isinstance(icookie, str) and icookie != ZERO_COOKIE:
            self.by_cookie.setdefault(icookie, draft)
            ck_r = rcookie if isinstance(rcookie, str) else ZERO_COOKIE
            old = draft.neg.cookies
            if old is None or (old[1] == ZERO_COOKIE and ck_r != ZERO_COOKIE):
                draft.neg.cookies = (icookie, ck_r)
            draft.neg.ike_spi_i = icookie
            if ck_r != ZERO_COOKIE:
                draft.neg.ike_spi_r = ck_r

    def finish(self) -> list[Negotiation]:
        """Once the input is exhausted (the summary is complete then)."""
        host, version = self.summary.host, self.summary.daemon_version
        for draft in self.drafts:
            neg = draft.neg
            neg.host = host or neg.host
            neg.daemon_version = neg.daemon_version or version  # racoon's own banner first
            _collapse_retransmits(neg)
            if not draft.finished:
                draft.neg.outcome = Outcome.ESTABLISHED if draft.established else Outcome.UNKNOWN
        return [d.neg for d in self.drafts]


# ---- handlers: (builder, draft, event, facts) -> None --------------------------------------------


def _p1_mode(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    mode = str(f.get("mode", "main"))
    d.neg.mode = mode
    d.stage = PHASE1_STAGE.get(mode, Stage.MAIN_MODE)


def _new_cookie(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    # racoon prints "new cookie:" and the value on the next, prefix-less line
    value = (ev.cont or [""])[0].strip().lower()
    if len(value) != 16 or any(c not in "0123456789abcdef" for c in value):
        return
    if d.neg.role is Role.RESPONDER:
        return  # our cookie is the responder cookie; the ISAKMP-SA line names both
    if d.neg.cookies is None:
        b.register(d, value)


def _cookies(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    b.register(d, f.get("icookie"), f.get("rcookie"))


def _peer_answered(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    d.peer_answered = True


def _nat(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    d.peer_answered = True
    if f.get("none"):
        d.neg.nat_local = d.neg.nat_remote = False
        return
    d.neg.nat_local = bool(f.get("me"))
    d.neg.nat_remote = bool(f.get("peer"))
    if d.neg.nat_local:
        observe(d.neg, ev, "nat-local")
    if d.neg.nat_remote:
        observe(d.neg, ev, "nat-remote")


def _auth_agreed(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    method = str(f.get("method", ""))
    d.xauth_expected = "XAuth" in method or "Hybrid" in method
    plain = "pre-shared key" if ("psk" in method.lower() or "pre-shared" in method.lower()) else method
    d.auth = AuthStep(who="remote", identity=None, method=plain, ok=None, ref=ref(ev))
    d.neg.auth.append(d.auth)


def _psk_ok(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    if d.auth is not None:
        d.auth.ok = True


def _isakmp_established(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    b.register(d, f.get("icookie"), f.get("rcookie"))
    if f.get("local"):
        d.neg.local = Endpoint(*endpoint(f["local"]))
    if f.get("remote"):
        d.neg.remote = Endpoint(*endpoint(f["remote"]))
    d.established = d.peer_answered = True
    if d.auth is not None:
        d.auth.ok = True
    d.stage = Stage.XAUTH if d.xauth_expected else Stage.ESTABLISHED
    if not d.finished:
        d.neg.outcome = Outcome.ESTABLISHED


def _notify(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    d.peer_answered = True
    notify = str(f.get("notify", "")).replace("-", "_")
    d.last_notify = notify
    if notify == "NO_PROPOSAL_CHOSEN":
        target = d.neg.esp_proposals if d.stage is Stage.QUICK_MODE else d.neg.ike_proposals
        target.unacceptable = True
        target.refs.append(ref(ev))


def _timeout(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    phase = f.get("phase")
    b.register(d, f.get("icookie"), f.get("rcookie"))
    if phase == 2 or f.get("waiting"):
        if d.child is not None:
            observe(d.neg, ev, "child-failed")
            d.child = None
        if not any(c.established for c in d.neg.children):
            _fail(d, Stage.QUICK_MODE, d.last_notify or "TIMEOUT")
        return
    if not d.peer_answered:
        observe(d.neg, ev, "peer-not-responding")
    _fail(d, d.stage, d.last_notify or ("TIMEOUT" if d.peer_answered else "PEER_NOT_RESPONDING"))


def _fail(d: _Draft, stage: Stage, reason: str) -> None:
    if d.finished:
        return
    d.neg.outcome = Outcome.FAILED
    d.neg.failed_stage = stage
    d.neg.failure_reason = reason
    d.finished = True


def _xauth_step(d: _Draft, ev: Event) -> AuthStep:
    if d.xauth is None:
        d.xauth = AuthStep(who="local", identity=None, method="XAuth", ok=None, ref=ref(ev))
        d.neg.auth.append(d.xauth)
    return d.xauth


def _xauth_failed(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    _xauth_step(d, ev).ok = False
    _fail(d, Stage.XAUTH, "XAUTH_FAILED")


def _xauth_passed(d: _Draft) -> None:
    if d.xauth is not None and d.xauth.ok is None:
        d.xauth.ok = True


def _modecfg_exchange(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    cfgtype = str(f.get("cfgtype", ""))
    msg = d.last_msg
    if msg is not None and msg.direction is Direction.IN:
        msg.exchange = "TRANSACTION"
        msg.is_request = cfgtype in CFG_REQUESTS
    if cfgtype == "REPLY":
        _modecfg_done(d)


def _modecfg_attribute(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    attribute = str(f.get("attribute", ""))
    if attribute in ("XAUTH_USER_NAME", "XAUTH_USER_PASSWORD", "XAUTH_PASSCODE"):
        _xauth_step(d, ev)
        d.stage = Stage.XAUTH  # racoon never logs the user name itself
    elif attribute == "XAUTH_STATUS":
        _xauth_step(d, ev)


def _modecfg_send(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    cfgtype = str(f.get("cfgtype", ""))
    d.cfg_send = cfgtype
    if cfgtype == "REQUEST" and d.established:
        # our own ModeConfig request: XAuth (if any) is over and was accepted
        _xauth_passed(d)
        d.stage = Stage.MODE_CONFIG


def _modecfg_done(d: _Draft) -> None:
    _xauth_passed(d)
    d.modecfg_reply = True
    if d.stage in (Stage.XAUTH, Stage.MODE_CONFIG):
        d.stage = Stage.ESTABLISHED


def _ignored_attribute(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    _modecfg_done(d)


def _address_added(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    addr = f.get("addr")
    if f.get("what") == "added" and d.modecfg_reply and isinstance(addr, str) \
            and addr not in d.neg.vips_assigned and addr != d.neg.local.addr:
        d.neg.vips_assigned.append(addr)


def _p2_start(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    _xauth_passed(d)
    d.child_role = Role.RESPONDER if f.get("role") == "responder" else Role.INITIATOR
    d.child = ChildSA(name=None, uid=len(d.neg.children) + 1, refs=[ref(ev)])
    d.neg.children.append(d.child)
    d.stage = Stage.QUICK_MODE


def _pfkey_got(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    d.sa_hint = {"UPDATE": "in", "ADD": "out"}.get(str(f.get("msg")), d.sa_hint)


def _ipsec_sa(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    child = d.child
    if child is None:
        child = ChildSA(name=None, uid=len(d.neg.children) + 1)
        d.neg.children.append(child)
        d.child = child
    child.refs.append(ref(ev))
    child.mode = str(f.get("mode", "")).upper() or None
    spi = hex8(f.get("spi"))
    # Both lines print local->remote (NetBSD prints UPDATE with src/dst swapped), so the direction
    # comes from the pfkey message before it (UPDATE = inbound SPI we allocated, ADD = outbound)
    # or, at info level, from the order: UPDATE is sent and answered first.
    direction = d.sa_hint or ("out" if child.spi_in else "in")
    d.sa_hint = None
    if direction == "in":
        child.spi_in = spi
    else:
        child.spi_out = spi
    if child.spi_in and child.spi_out:
        child.established = True
        child.established_at = ev.ts
        d.child = None
        d.stage = Stage.ESTABLISHED
        if not d.finished:
            d.neg.outcome = Outcome.ESTABLISHED


def _flush(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    d.closing = d.closing or "admin"


def _purge_isakmp(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    b.register(d, f.get("icookie"), f.get("rcookie"))
    if f.get("verb") != "purging" and not f.get("proto"):
        return
    if any(x.what == "IKE_SA" for x in d.neg.deletes):
        return
    peer = bool(f.get("proto"))
    d.neg.deletes.append(Delete(
        what="IKE_SA", direction=Direction.IN if peer else Direction.OUT,
        reason="peer" if peer else d.closing, ts=ev.ts, ref=ref(ev)))


def _purge_ipsec(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    spi_dec = f.get("spi_dec")
    spi = f"{spi_dec:08x}" if isinstance(spi_dec, int) else None
    for child in d.neg.children:
        if spi and spi in (child.spi_in, child.spi_out):
            child.closed_at = ev.ts
            child.refs.append(ref(ev))
    if f.get("proto"):
        d.neg.deletes.append(Delete(what="CHILD_SA", direction=Direction.IN, reason="peer", ts=ev.ts,
                                    ref=ref(ev)))


def _isakmp_deleted(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    b.register(d, f.get("icookie"), f.get("rcookie"))
    d.deleted = True
    if not any(x.what == "IKE_SA" for x in d.neg.deletes):
        d.neg.deletes.append(Delete(what="IKE_SA", direction=Direction.OUT, reason=d.closing,
                                    ts=ev.ts, ref=ref(ev)))
    if d.finished:
        return
    if d.established:
        d.neg.outcome = Outcome.DELETED
        d.finished = True
    else:
        _fail(d, d.stage, d.last_notify or "DELETED")


def _dpd_dead(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    d.closing = "dpd"
    if not d.finished:
        d.neg.outcome = Outcome.TIMED_OUT
        d.neg.failed_stage = Stage.ESTABLISHED
        d.neg.failure_reason = "DPD_TIMEOUT"
        d.finished = True


def _shutdown(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    d.closing = d.closing or "shutdown"


def _p1_failed(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    reason = "SEND_ERROR" if kind(ev) == "racoon.send-error" else "PHASE1_FAILED"
    if f.get("phase") == 2:
        _fail(d, Stage.QUICK_MODE, reason)
    else:
        _fail(d, d.stage, d.last_notify or reason)


def _apple_state(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    state = f" {f.get('state', '')} "
    if " ident " in state:
        _p1_mode(b, d, ev, {"mode": "main"})
    elif " agg " in state:
        _p1_mode(b, d, ev, {"mode": "aggressive"})


def _apple_phase(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    if f.get("what") != "established":
        if f.get("phase") == 2 and d.child is None:
            _p2_start(b, d, ev, {"role": "responder" if f.get("by") == "peer" else "initiator"})
        return
    if f.get("phase") == 1:
        _isakmp_established(b, d, ev, {})
        return
    child = d.child or (d.neg.children[-1] if d.neg.children else None)
    if child is not None and not child.established:
        child.established, child.established_at = True, ev.ts
        child.refs.append(ref(ev))
    d.child, d.stage = None, Stage.ESTABLISHED
    if not d.finished:
        d.neg.outcome = Outcome.ESTABLISHED


def _apple_connecting(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    if f.get("what") == "disconnect":
        d.closing = d.closing or "admin"


def _apple_xauth(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    step = _xauth_step(d, ev)
    if f.get("what") == "passed":
        step.ok = True
    else:
        d.stage = Stage.XAUTH


def _apple_modecfg(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    if f.get("what") == "established":
        _modecfg_done(d)
    else:
        _xauth_passed(d)
        d.stage = Stage.MODE_CONFIG


# ---- packets ---------------------------------------------------------------------------------------


def _exchange_now(d: _Draft) -> str:
    if not d.established:
        return PHASE1_EXCHANGE.get(d.stage, "ID_PROT")
    if d.child is not None:
        return "QUICK_MODE"
    if d.stage in (Stage.XAUTH, Stage.MODE_CONFIG):
        return "TRANSACTION"
    return "INFORMATIONAL_V1"


def _is_request(d: _Draft, exchange: str, direction: Direction) -> bool:
    # IKEv1 has no request flag: like charon, call the exchange initiator's messages requests
    if exchange == "INFORMATIONAL_V1":
        return True
    initiator = d.child_role if exchange == "QUICK_MODE" else d.neg.role
    return (direction is Direction.OUT) == (initiator is Role.INITIATOR)


def _packet(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    direction = Direction.IN if f.get("dir") == "in" else Direction.OUT
    exchange = _exchange_now(d)
    is_request = _is_request(d, exchange, direction)
    if direction is Direction.OUT and d.cfg_send:
        exchange, is_request = "TRANSACTION", d.cfg_send in CFG_REQUESTS
        d.cfg_send = None
    if direction is Direction.IN:
        d.peer_answered = True
        src, dst = f.get("src"), f.get("dst")
    else:
        src, dst = [d.neg.local.addr, d.neg.local.port], f.get("dst")
    mid = 0 if exchange in ("ID_PROT", "AGGRESSIVE") else None
    msg = Message(
        exchange=exchange, mid=mid, direction=direction, is_request=is_request, payloads=(),
        ts=ev.ts, ref=ref(ev), size=f.get("size") if isinstance(f.get("size"), int) else None,
        src=ep_text(*endpoint(src)), dst=ep_text(*endpoint(dst)), packet_refs=[ref(ev)],
    )
    d.neg.messages.append(msg)
    d.last_msg = msg


def _hint(exchange: str, direction: Direction) -> Callable[[_Builder, _Draft, Event, dict], None]:
    """A line that follows a packet line and tells which exchange the packet belonged to."""

    def apply(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
        msg = d.last_msg
        if msg is not None and msg.direction is direction:
            msg.exchange = exchange
            msg.is_request = _is_request(d, exchange, direction) if exchange != "TRANSACTION" \
                else msg.is_request
            if exchange not in ("ID_PROT", "AGGRESSIVE"):
                msg.mid = None
    return apply


def _resend_p1(b: _Builder, d: _Draft, ev: Event, f: dict) -> None:
    b.register(d, f.get("icookie"), f.get("rcookie"))
    _hint(PHASE1_EXCHANGE.get(d.stage, "ID_PROT"), Direction.OUT)(b, d, ev, f)


def _collapse_retransmits(neg: Negotiation) -> None:
    """Fold a sent packet that repeats the previous sent one (same exchange and size, nothing
    received in between) into it as a retransmission."""
    out: list[Message] = []
    for msg in neg.messages:
        prev = out[-1] if out else None
        if (prev is not None and msg.direction is Direction.OUT and prev.direction is Direction.OUT
                and msg.exchange == prev.exchange and msg.exchange in RETRANSMITTED
                and msg.size == prev.size):
            prev.retransmits += 1
            prev.packet_refs.append(msg.ref)
            neg.observations.append(Observation(
                code="retransmit", ts=msg.ts, ref=msg.ref, direction=Direction.OUT,
                detail={"exchange": msg.exchange, "size": msg.size}))
            continue
        out.append(msg)
    neg.messages = out


HANDLERS: dict[str, Callable[[_Builder, _Draft, Event, dict], None]] = {
    "racoon.p1-mode": _p1_mode,
    "racoon.new-cookie": _new_cookie,
    "racoon.p1-resend": _resend_p1,
    "racoon.p2-resend": _hint("QUICK_MODE", Direction.OUT),
    "racoon.vendor-id": _peer_answered,
    "racoon.natt-version": _peer_answered,
    "racoon.nat-result": _nat,
    "racoon.auth-agreed": _auth_agreed,
    "racoon.psk-validated": _psk_ok,
    "racoon.isakmp-sa-established": _isakmp_established,
    "racoon.isakmp-sa-deleted": _isakmp_deleted,
    "racoon.negotiation-timeout": _timeout,
    "racoon.notify-received": _notify,
    "racoon.xauth-failed": _xauth_failed,
    "racoon.modecfg-exchange": _modecfg_exchange,
    "racoon.modecfg-attribute": _modecfg_attribute,
    "racoon.modecfg-send": _modecfg_send,
    "racoon.modecfg-ignored-attribute": _ignored_attribute,
    "racoon.modecfg-packet": _hint("TRANSACTION", Direction.IN),
    "racoon.address-added": _address_added,
    "racoon.p2-start": _p2_start,
    "racoon.pfkey-got": _pfkey_got,
    "racoon.ipsec-sa-established": _ipsec_sa,
    "racoon.flush-peer": _flush,
    "racoon.purge-isakmp": _purge_isakmp,
    "racoon.purge-ipsec": _purge_ipsec,
    "racoon.dpd-dead": _dpd_dead,
    "racoon.dpd-ack": _peer_answered,
    "racoon.signal": _shutdown,
    "racoon.packet-sent": _packet,
    "racoon.packet-received": _packet,
    "racoon.info-send": _hint("INFORMATIONAL_V1", Direction.OUT),
    "racoon.info-receive": _hint("INFORMATIONAL_V1", Direction.IN),
    "racoon.send-error": _p1_failed,
    "racoon.p1-failed": _p1_failed,
    "racoon.apple-state": _apple_state,
    "racoon.apple-phase-status": _apple_phase,
    "racoon.apple-connecting": _apple_connecting,
    "racoon.apple-xauth-failed": _xauth_failed,
    "racoon.apple-xauth": _apple_xauth,
    "racoon.apple-modecfg": _apple_modecfg,
}


def racoon_builder(summary: InputSummary) -> _Builder:
    """An incremental racoon builder: `feed(event)` each racoon event in log order, then
    `finish()` once the input is exhausted (its summary complete) for the negotiations."""
    return _Builder(summary)


def build_racoon(events: Iterable[Event], summary: InputSummary) -> list[Negotiation]:
    """Negotiations of a racoon log. A macOS log that mixes racoon with the native IKEv2
    client goes to the Apple builder, which hands the racoon lines back.

    One pass, nothing buffered: racoon events go to the racoon builder as they come; at the
    first Apple event the Apple builder takes over the rest of the stream together with the
    racoon builder's state (the result is what build_apple makes of the whole input)."""
    from .apple import APPLE

    builder = racoon_builder(summary)
    it = iter(events)
    for ev in it:
        daemon = ev.daemon
        if daemon is Daemon.RACOON:
            builder.feed(ev)
        elif daemon in APPLE:
            from .apple import build_apple_after_racoon
            return build_apple_after_racoon(builder, chain((ev,), it), summary)
    return builder.finish()
