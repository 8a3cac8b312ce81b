"""Rebuilds the negotiations of Apple's native IKEv2 client (NEIKEv2Provider / neagent, driven
by nesessionmanager) from a macOS log; racoon lines in the same log go to the racoon builder.

Apple's client rarely logs IKE detail: a negotiation here is one VPN session attempt, from
"start command"/"status changed to connecting" to "disconnected, last stop reason …", with the
IKEv2 engine's error lines in between (templates: parse/template_data/apple.toml).
"""
from __future__ import annotations

import re
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
# the platform of a session from what its log says about the device: an iOS device's syslog
# (Xcode / Apple Configurator) has the same layout as macOS's system.log
IOS_HOST = re.compile(r"(?i)iphone|ipad|ipod")
MAC_HOST = re.compile(r"(?i)mac|imac|macbook|macmini")
# who sent the start command: apps that exist on one platform only
IOS_STARTERS = ("Preferences[", "SpringBoard[")
MAC_STARTERS = ("SystemUIServer[", "com.apple.preference.network", "scutil[", "networksetup[")
SESSION_KINDS = {"apple.ne-status", "apple.ne-plugin-disconnected", "apple.ne-start-command"}


@dataclass(slots=True)
class _Session:
    neg: Negotiation
    stage: Stage = Stage.IKE_SA_INIT
    connected: bool = False
    ended: bool = False
    closing: bool = False  # ended by "status changed to disconnecting": "disconnected" may follow
    error: str | None = None  # failure reason from the engine's first conclusive / last error line
    session: str | None = None  # nesessionmanager's session name


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
        neg = Negotiation(
            id="", input=ev.input, host=self.summary.host or ev.host, daemon=Daemon.APPLE_IKEV2.value,
            side=Side.CLIENT, role=Role.INITIATOR, ike_version=2,
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
            # "disconnected" after "disconnecting" of the same session: still that session
            same_closing = cur is not None and cur.closing and not starting \
                and (f.get("session") is None or cur.session in (None, f.get("session")))
            if cur is None or (cur.ended and not same_closing) \
                    or (starting and (cur.connected or _has_start(cur))):
                cur = self._new(ev)
            if cur.session is None and f.get("session"):
                cur.session = str(f.get("session"))
        elif ev.daemon is Daemon.APPLE_IKEV2:
            if cur is None or (cur.ended and not cur.closing):
                cur = self._new(ev)
        if cur is None:
            return
        neg = cur.neg
        code = attach(neg, ev)
        if k in ERROR_STAGE:
            if cur.error not in CONCLUSIVE:  # later errors follow from a conclusive one
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
            if cur.closing:  # the final word after "disconnecting" (it may name the stop reason)
                cur.closing = cur.ended = False
                if cur.connected and cur.neg.deletes and cur.neg.deletes[-1].what == "IKE_SA":
                    cur.neg.deletes.pop()
            _end(cur, ev, f)
        elif k == "apple.ne-status" and f.get("status") == "disconnecting" and not cur.ended:
            _end(cur, ev, f)
            cur.closing = True

    def finish(self) -> list[Negotiation]:
        for s in self.sessions:
            if self.host_at_end:
                s.neg.host = self.summary.host or s.neg.host
            s.neg.client_platform = s.neg.client_platform or _platform(s.neg)
            if s.ended:
                continue
            s.neg.outcome = Outcome.ESTABLISHED if s.connected else Outcome.UNKNOWN
            if s.error and not s.connected:
                s.neg.failure_reason = s.error
                if s.error in CONCLUSIVE:  # the client cannot even send IKE_SA_INIT
                    s.neg.outcome, s.neg.failed_stage = Outcome.FAILED, s.stage
        return [s.neg for s in self.sessions]


def _is_ikev2(f: dict) -> bool:
    return any("ikev2" in str(f.get(k, "")).lower() for k in ("session_type", "session", "plugin"))


def _platform(neg: Negotiation) -> str | None:
    """apple-ios / apple-macos when the log names the device (host name) or a starter app of one
    platform only; None otherwise (the fingerprint step says plain 'apple')."""
    hosts = {neg.host} | {getattr(e, "host", None) for e in neg.events}
    hosts.discard(None)
    starters = [str(facts(e).get("client", "")) for e in neg.events if kind(e) == "apple.ne-start-command"]
    if any(IOS_HOST.search(h) for h in hosts) or any(c.startswith(IOS_STARTERS) for c in starters):
        return "apple-ios"
    if any(MAC_HOST.search(h) for h in hosts) or any(c.startswith(MAC_STARTERS) for c in starters):
        return "apple-macos"
    return None


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
            if kind(ev) == "apple.ne-connecting-server":  # the server of the racoon session to come
                f = facts(ev)
                addr = f.get("addr") or f.get("addr2")
                if addr:
                    racoon.note_server(str(addr))
            builder.feed(ev)
    negs = builder.finish()
    negs.extend(racoon.finish())
    return _renumber(negs, summary)
