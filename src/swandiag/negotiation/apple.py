"""Rebuilds the negotiations of Apple's native IKEv2 client (NEIKEv2Provider / neagent, driven
by nesessionmanager) from a macOS log; racoon lines in the same log go to the racoon builder.

Apple's client rarely logs IKE detail: a negotiation here is one VPN session attempt, from
"start command"/"status changed to connecting" to "disconnected, last stop reason …", with the
IKEv2 engine's error lines in between (templates: parse/template_data/apple.toml).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..analysis import InputSummary
from ..parse.event import Daemon, Event, LogFormat
from .evidence import attach, facts, kind, observe, ref
from .records import AuthStep, Delete, Direction, Negotiation, Outcome, Role, Side, Stage

APPLE = (Daemon.APPLE_IKEV2, Daemon.APPLE_NE)
# stop-reason codes (the `stop` fact of apple.ne-* templates) that are observations
STOP_CODES = {"peer-not-responding", "terminated-by-server", "client-plugin-failed", "client-stopped"}
# where a negotiation was when the IKEv2 engine logged this error
ERROR_STAGE = {
    "apple.ikev2-init-no-reply": Stage.IKE_SA_INIT,
    "apple.ikev2-dns-failed": Stage.IKE_SA_INIT,
    "apple.ikev2-profile-invalid": Stage.IKE_SA_INIT,
    "apple.ikev2-no-cert": Stage.IKE_AUTH,
    "apple.ikev2-chain-unverified": Stage.IKE_AUTH,
    "apple.ikev2-auth-unverified": Stage.IKE_AUTH,
    "apple.ikev2-auth-data-error": Stage.IKE_AUTH,
    "apple.ikev2-auth-missing": Stage.IKE_AUTH,
    "apple.ikev2-eap-unverified": Stage.EAP,
    "apple.ikev2-child-proposal": Stage.CHILD_SA,
    "apple.ikev2-ts": Stage.CHILD_SA,
}
CONCLUSIVE = {"PROFILE_INVALID", "DNS_FAILED"}
SESSION_KINDS = {"apple.ne-status", "apple.ne-plugin-disconnected", "apple.ne-start-command"}


@dataclass(slots=True)
class _Session:
    neg: Negotiation
    stage: Stage = Stage.IKE_SA_INIT
    connected: bool = False
    ended: bool = False
    error: str | None = None  # failure reason from the engine's last error line


@dataclass(slots=True)
class _Builder:
    summary: InputSummary
    sessions: list[_Session] = field(default_factory=list)
    # finish() takes the host from the summary, complete then (set once, never changed), if
    # it was still unknown when a session started
    host_at_end: bool = False

    @property
    def current(self) -> _Session | None:
        return self.sessions[-1] if self.sessions else None

    def _new(self, ev: Event) -> _Session:
        platform = "apple-macos" if self.summary.format is LogFormat.MACOS_SYSLOG else None
        neg = Negotiation(
            id="", input=ev.input, host=self.summary.host or ev.host, daemon=Daemon.APPLE_IKEV2.value,
            side=Side.CLIENT, role=Role.INITIATOR, ike_version=2, client_platform=platform,
        )
        session = _Session(neg=neg)
        self.sessions.append(session)
        return session

    def feed(self, ev: Event) -> None:
        k = kind(ev)
        f = facts(ev)
        cur = self.current
        if k in SESSION_KINDS:
            if not _is_ikev2(f):
                return  # IKEv1/L2TP sessions are racoon's
            starting = k == "apple.ne-start-command" or f.get("status") == "connecting"
            if cur is None or cur.ended or (starting and (cur.connected or _has_start(cur))):
                cur = self._new(ev)
        elif ev.daemon is Daemon.APPLE_IKEV2:
            if cur is None or cur.ended:
                cur = self._new(ev)
        if cur is None:
            return
        neg = cur.neg
        code = attach(neg, ev)
        if k in ERROR_STAGE:
            cur.stage = ERROR_STAGE[k]
            cur.error = code.upper().replace("-", "_") if code else k
        elif k == "apple.ikev2-eap-mac-valid":
            neg.auth.append(AuthStep(who="remote", identity=None, method="EAP", ok=True, ref=ref(ev)))
        elif k == "apple.ne-status" and f.get("status") == "connected":
            cur.connected = True
            cur.stage = Stage.ESTABLISHED
            neg.outcome = Outcome.ESTABLISHED
        elif k == "apple.ne-status" and f.get("status") == "disconnected" \
                or k == "apple.ne-plugin-disconnected":
            _end(cur, ev, f)

    def finish(self) -> list[Negotiation]:
        for s in self.sessions:
            if self.host_at_end:
                s.neg.host = self.summary.host or s.neg.host
            if s.ended:
                continue
            s.neg.outcome = Outcome.ESTABLISHED if s.connected else Outcome.UNKNOWN
            if s.error and not s.connected:
                s.neg.failure_reason = s.error
                if s.error in CONCLUSIVE:  # the client cannot even send IKE_SA_INIT
                    s.neg.outcome, s.neg.failed_stage = Outcome.FAILED, s.stage
        return [s.neg for s in self.sessions]


def _is_ikev2(f: dict) -> bool:
    return "IKEv2" in str(f.get("session_type", "")) or "IKEv2" in str(f.get("session", "")) \
        or "IKEv2" in str(f.get("plugin", ""))


def _has_start(s: _Session) -> bool:
    return any(kind(e) == "apple.ne-status" and facts(e).get("status") == "connecting" for e in s.neg.events)


def _end(s: _Session, ev: Event, f: dict) -> None:
    if s.ended:
        return
    s.ended = True
    neg = s.neg
    stop = str(f.get("stop", ""))
    if stop in STOP_CODES and not neg.has(stop):
        observe(neg, ev, stop, reason=f.get("reason"))
    if s.connected:
        if stop == "peer-not-responding":
            observe(neg, ev, "dpd-timeout", reason=f.get("reason"))
            neg.outcome, neg.failed_stage, neg.failure_reason = Outcome.TIMED_OUT, Stage.ESTABLISHED, "DPD_TIMEOUT"
            return
        peer = stop == "terminated-by-server"
        neg.deletes.append(Delete(
            what="IKE_SA", direction=Direction.IN if peer else Direction.OUT,
            reason="peer" if peer else ("admin" if stop == "client-stopped" else stop or None),
            ts=ev.ts, ref=ref(ev)))
        neg.outcome = Outcome.DELETED
        return
    neg.outcome = Outcome.FAILED
    neg.failed_stage = s.stage
    neg.failure_reason = s.error or (stop.upper().replace("-", "_") if stop else None) \
        or str(f.get("reason") or "") or None


def _renumber(negs: list[Negotiation], summary: InputSummary) -> list[Negotiation]:
    """racoon and Apple sessions of one input, in time order, numbered once."""
    negs.sort(key=lambda n: (n.first_ts is None, n.first_ts or 0.0))
    for i, neg in enumerate(negs, 1):
        neg.id = f"{summary.spec.name}#{i}"
    return negs


def build_apple(events: Iterable[Event], summary: InputSummary) -> list[Negotiation]:
    """Negotiations of a macOS log: Apple IKEv2 sessions plus racoon's ISAKMP SAs (one pass:
    racoon events go to the racoon builder as they come)."""
    from .racoon import racoon_builder

    return _build(events, summary, _Builder(summary), racoon_builder(summary))


def build_apple_after_racoon(racoon, events: Iterable[Event], summary: InputSummary) -> list[Negotiation]:
    """build_racoon's hand-over at the first Apple event of its stream: `racoon` (a
    racoon.racoon_builder) has been fed the racoon events before it, `events` is the rest of
    the stream. The result is build_apple's over the whole input; the sessions take their host
    from the complete summary, as when build_racoon read the whole input before handing it over."""
    return _build(events, summary, _Builder(summary, host_at_end=True), racoon)


def _build(events: Iterable[Event], summary: InputSummary, builder: _Builder, racoon) -> list[Negotiation]:
    for ev in events:
        daemon = ev.daemon
        if daemon is Daemon.RACOON:
            racoon.feed(ev)
        elif daemon in APPLE:
            builder.feed(ev)
    negs = builder.finish()
    negs.extend(racoon.finish())
    return _renumber(negs, summary)
