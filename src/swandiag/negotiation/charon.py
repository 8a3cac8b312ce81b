"""Rebuilds charon negotiations (one per IKE_SA, IKEv1 and IKEv2) from one input's events.

Grouping: the IKE_SA unique id from the `<conn|N>` tag / journal field; otherwise the ids the
messages print (`IKE_SA name[N]`, `initiating IKE_SA name[N]`, `(unnamed)[N]`), the thread
that processes a message (`received packet … (N bytes)` starts a job on a thread, the lines
after it belong to the same SA) and the peer's address/port. Unique ids restart with the
daemon, so a start banner begins a new id space. Lines never logged in an SA's context: the
sender thread's socket errors join the SA whose packet was sent just before; untagged NET/KNL
errors naming a peer address join the SA with that peer. Without any tag in the input
(`ike_name = no`, journal text), scheduled jobs (DPD, retransmits) start on a pooled thread whose
earlier context is stale: their lines are held per thread until the thread's next outgoing packet
names the peer, `giving up after N retransmits` joins the SA that was retransmitting, and a
half-open timeout naming only the peer joins that peer's unfinished SA. Several SAs with one peer
(reauthentication): the peer's address leads to the SA that logged a packet with it last in the
log (a buffered line replayed later does not change that; socket-thread lines without a byte
count never do); a thread's buffered message job ends when it runs `initiating … IKE_SA x[N]`
for a new SA, and `IKE_SA y[M] state change: ESTABLISHED => REKEYING` in that job links M → N
(only SAs of the same connection are linked). Excerpts that begin inside an SA's life (users paste
from the middle; no `initiating …`/`is initiating` line, no tag): a message job no SA claims opens a
negotiation of its own (an outgoing packet to an unknown peer, a thread's buffered or held lines
with a `parsed`/`generating` message), joining an address-less anonymous SA that logged the other
half of its first message; `reauthenticating IKE_SA x[N]` alone opens none (it joins N once another
line names it). Decisive lines (a failure observation) no SA claimed, read before any line went to
a negotiation, make one of their own: a paste of `no private key found …` alone. Configuration-load lines
(loaded certificates, local ids) go to the input summary as the daemon's own identities.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..analysis import InputSummary
from ..parse.event import Event
from ..parse.templates import classify, observation_for
from .charon_state import Draft, finish, side_of
from .evidence import endpoint, ep_text, hex8, ref
from .retention import facts_of
from .records import (
    AuthStep, Certificate, Delete, Direction, Message, Negotiation,
    Role,
)

# Kinds whose `uid` fact names the IKE_SA the line is about (= the current context).
_SELF_UID = {
    "ike.state_change", "ike.established", "ike.deleting", "ike.delete_ike",
    "ike.reauthenticating", "ike.reauth_not_done", "job.half_open", "ike.responder_start",
    "mgr.checkin", "ike.reinitiating",
}
_START = {"ike.initiating", "ike.initiating_v1"}  # uid = a NEW IKE_SA, maybe from another's context
_RESPONDER_START = {"ike.responder_start", "ike.responder_start_v1"}
# Configuration-load lines (outside any IKE_SA) naming the daemon's own identities.
_OWN_ID_KINDS = {"cfg.loaded_cert", "cfg.loaded_cert_file", "cfg.dump_auth_section", "cfg.dump_id",
                 "cfg.dump_cert", "cfg.id_not_specified", "cfg.own_id_default"}
# Logged by charon's sender/receiver threads, never in an IKE_SA's context: they belong to the
# SA whose packet was sent last (the sender writes it at once).
_SENDER_ERRORS = {"net.socket_error"}
SEND_WINDOW = 1.0  # seconds between `sending packet` and the sender's error (1 s log resolution)
_PEER_ADDR_FACTS = ("addr", "peer", "dst", "remote")  # untagged NET/KNL errors naming the peer
REAUTH_GAP = 2.0  # seconds between the peer's DELETE and its new IKE_SA for a reauthentication
RETRY_GAP = 10.0  # seconds between our INVALID_KE_PAYLOAD answer and the peer's retried IKE_SA_INIT
# Without `ike_name`, lines of scheduled jobs (DPD, retransmits, keep-alives) carry no SA: a job
# starts on a pooled thread whose earlier context is stale. They are held per thread until the
# thread's next outgoing packet names the peer (the job's SA), for at most HOLD_WINDOW seconds.
_JOB_START = {"ike.dpd_sending", "ike.retransmit", "ike.retransmit_v1", "ike.dpd_instead"}
_GIVEUP = {"ike.giveup"}  # ends the retransmitting job: the SA the last retransmit was sent for
_HOLD_GROUPS = {"IKE", "ENC", "CHD"}
_SA_NAMING = _START | _SELF_UID | _RESPONDER_START  # these name (or open) the SA themselves
HOLD_WINDOW = 5.0
# A thread's lines after `received packet … (N bytes)` wait for the SA to be named; a message
# dumped at level 4 runs to thousands of lines, all still the same job.
PENDING_LINES = 200
PENDING_MAX = 50_000
_CHILD_EXCHANGES = {"IKE_AUTH", "CREATE_CHILD_SA", "QUICK_MODE"}
_ORPHANS_MAX = 10_000  # held `reauthenticating` lines of SAs not seen (yet)
_V1_EXCHANGES = {"ID_PROT", "AGGRESSIVE", "QUICK_MODE", "TRANSACTION", "INFORMATIONAL_V1",
                 "AUTH_ONLY", "NEW_GROUP_MODE"}
_ERROR_NOTIFIES = {
    "NO_PROP", "INVAL_KE", "AUTH_FAILED", "TS_UNACCEPT", "INVAL_ID", "INVAL_SYN", "INT_ADDR_FAIL",
    "FAIL_CP_REQ", "NO_ADD_SAS", "SINGLE_PAIR", "TEMP_FAIL", "NO_CHILD_SA", "INVAL_SPI",
    "INVAL_MID", "INVAL_HASH", "UNEXPECT_NAT", "INVAL_PAYLOAD", "PLD_MALFORMED",
}


class CharonBuilder:
    """Streaming state for one input."""

    def __init__(self, summary: InputSummary, keep=None) -> None:
        self.summary = summary
        self.keep = keep  # negotiation.retention.Retention: which events a negotiation keeps (None: all)
        self.name = summary.spec.name
        self.drafts: list[Draft] = []
        self.by_uid: dict[int, Draft] = {}
        self.ctx: dict[int | None, Draft] = {}  # thread -> draft it processes (untagged logs)
        self.pending: dict[int | None, list[Event]] = {}  # thread -> events before the SA is known
        self.guess: dict[int | None, Draft | None] = {}  # thread -> draft its packet's source had
        self.by_remote: dict[tuple[str, int | None], Draft] = {}
        self.by_addr: dict[str, Draft] = {}
        self.peer_at: dict[object, int] = {}  # by_remote/by_addr key -> position of the line that set it
        self.version: str | None = None
        self.last_sent: tuple[float | None, tuple[str | None, int | None]] | None = None  # ts, dst
        self.dump_section: dict[int | None, str] = {}  # thread -> 'local'/'remote' of a vici conn dump
        self.tagged = False  # the input carries `<conn|N>` tags / IKE_SA fields
        self.held: dict[int | None, list[Event]] = {}  # thread -> untagged job lines, SA not known yet
        self.held_fallback: dict[int | None, Draft | None] = {}  # thread -> its SA before the job
        self.retransmitted: dict[int, tuple[float | None, int, Draft]] = {}  # id(draft) -> ts, count, draft
        # untagged `reauthenticating IKE_SA x[N]` for an SA not seen yet: held until another line names
        # N (no negotiation is made of that line alone); the SA the thread initiates next replaces N
        self.reauth_orphans: dict[int, Event] = {}  # uid -> the reauthenticating line
        # decisive lines no SA claimed before any line was claimed (a paste of a few lines, no tag,
        # nothing that opens an SA yet): they make a negotiation of their own (close)
        self.loose: list[Event] = []
        self.claimed = False  # a line went to a negotiation
        self.reauth_thread: dict[int | None, int] = {}  # thread -> uid it is reauthenticating
        self.reauth_successor: dict[int, Draft] = {}  # uid -> the SA replacing it
        # thread -> (draft, text) of the untagged `<peer> is initiating an IKE_SA` its current packet
        # job logged: the same line again in that job (logged twice, e.g. two syslog loggers) is
        # the same IKE_SA, not a new one
        self.responder_job: dict[int | None, tuple[Draft, str]] = {}

    # -- grouping --------------------------------------------------------------------------
    def new_draft(self, uid: int | None) -> Draft:
        d = Draft(Negotiation(id=f"{self.name}#{len(self.drafts) + 1}", input=self.summary.spec.index,
                              host=self.summary.host, daemon="charon", unique_id=uid))
        d.neg.daemon_version = self.version
        d.keep = self.keep
        self.drafts.append(d)
        if uid is not None:
            self.by_uid[uid] = d
            self.adopt_orphan(d, uid)
        return d

    def open_for(self, events: list[Event]) -> Draft:
        """The SA of a message job no line names (the excerpt starts inside its life): a new one,
        unless neither the job nor an anonymous SA knows any address and that SA logged the other
        half of the job's first message (request ↔ response with the same exchange and id)."""
        first = next((ev for ev in events if ev.kind == "enc.message"), None)
        if first is not None and not any(ev.kind == "net.packet" and endpoint(facts_of(ev).get("src"))[0]
                                         for ev in events):
            f = facts_of(first)
            exchange, mid, request = f.get("exchange"), f.get("mid"), f.get("kind") == "request"
            out = f.get("dir") != "in"
            for d in reversed(self.drafts[-8:]):
                n = d.neg
                if n.unique_id is not None or n.remote.addr is not None:
                    continue
                same = [m for m in n.messages if m.exchange == exchange and m.mid == mid]
                if any(m.is_request != request and (m.direction is Direction.OUT) != out for m in same) \
                        and not any(m.is_request == request for m in same):
                    return d
        return self.new_draft(None)

    def adopt_orphan(self, d: Draft, uid: int) -> None:
        """A line names SA `uid` whose `reauthenticating` line was held: it joins, and the link too."""
        ev = self.reauth_orphans.pop(uid, None)
        if ev is None:
            return
        self.apply(d, ev)
        new = self.reauth_successor.pop(uid, None)
        if new is not None and new is not d and not d.neg.successor and not new.neg.predecessor:
            self.link(d, new, "reauth")

    def for_uid(self, uid: int, ev: Event) -> Draft:
        d = self.by_uid.get(uid)
        if d is not None:
            return d
        # An anonymous draft (responder before its id was printed) takes the id.
        anon = self.ctx.get(ev.thread)
        if anon is None or anon.neg.unique_id is not None:
            anon = self.resolve_pending_draft(ev.thread)
        if anon is None or anon.neg.unique_id is not None:
            # several SAs share the peer's address (reauth): take the newest anonymous one there
            addr = anon.neg.remote.addr if anon is not None else None
            anon = next((c for c in reversed(self.drafts) if c.neg.unique_id is None
                         and (addr is None or c.neg.remote.addr == addr)), None)
        if anon is not None and anon.neg.unique_id is None:
            anon.neg.unique_id = uid
            self.by_uid[uid] = anon
            self.adopt_orphan(anon, uid)
            return anon
        return self.new_draft(uid)

    def by_endpoint(self, ep: tuple[str | None, int | None]) -> Draft | None:
        addr, port = ep
        if addr is None:
            return None
        return self.by_remote.get((addr, port)) or self.by_addr.get(addr)

    def resolve_pending_draft(self, thread) -> Draft | None:
        """The draft a thread's buffered packet belongs to: the SA its source address had
        when the packet arrived."""
        return self.guess.get(thread) if thread in self.pending else None

    def bind(self, thread, d: Draft) -> None:
        self.ctx[thread] = d
        self.guess.pop(thread, None)
        for ev in self.pending.pop(thread, ()):
            self.apply(d, ev)

    def flush_pending(self, thread) -> None:
        buffered = self.pending.pop(thread, None)
        d = self.guess.pop(thread, None)
        if buffered and d is None and not self.tagged and _has_message(buffered):
            d = self.open_for(buffered)  # an excerpt starting inside an SA's life: no line named it
        if buffered and d is not None:
            for ev in buffered:
                self.apply(d, ev)

    def route(self, ev: Event, kind: str) -> Draft | None:
        """The draft an event belongs to (None: buffered or not interesting)."""
        f = facts_of(ev)
        thread = ev.thread
        carried: list[Event] = []  # held lines of the job that turns out to start a responder SA
        if kind == "dmn.start":
            self.restart(ev)
            return None
        if kind == "net.packet" and f.get("dir") == "out":
            self.last_sent = (ev.ts, endpoint(f.get("dst")))
        if ev.sa_id is not None:
            self.tagged = True
            if thread in self.pending and self.guess.get(thread) is not None:
                # an untagged message job (a mixed log) ends when the thread logs for an SA
                self.flush_pending(thread)
            d = self.for_uid(ev.sa_id, ev)
            if kind in _START and f.get("uid") not in (None, ev.sa_id):
                self.start_successor(d, ev, f)
                return None
            self.ctx[thread] = d
            return d
        if kind in _SENDER_ERRORS:
            return self.sender_of(ev)
        if not self.tagged:  # journal text has no thread at all: one "thread", None
            self.expire_held(thread, ev.ts)
            if kind in _JOB_START:  # a new job on this thread: whatever it did before is over
                self.flush_pending(thread)
                if thread not in self.held:
                    self.held_fallback[thread] = self.ctx.get(thread)
                self.ctx.pop(thread, None)
                self.held.setdefault(thread, []).append(ev)
                return None
            if kind in _GIVEUP:
                self.flush_pending(thread)
                self.drop_held(thread)
                d = self.giveup_target(ev)
                if d is not None:
                    self.settle(d, thread)
                    self.ctx[thread] = d
                else:
                    self.ctx.pop(thread, None)
                return d
            if thread in self.held:
                if kind == "net.packet" and "size" in f and f.get("dir") == "out":
                    d = self.by_endpoint(endpoint(f.get("dst")))
                    if d is None and _has_message(self.held[thread]):
                        d = self.open_for(self.held[thread])  # the excerpt starts inside this SA's life
                    if d is not None:
                        self.settle(d, thread)
                        self.held_fallback.pop(thread, None)
                        for held in self.held.pop(thread):
                            self.apply(d, held)
                        self.ctx[thread] = d
                    return d
                if kind not in _SA_NAMING and not (kind == "net.packet" and "size" in f):
                    self.held[thread].append(ev)
                    return None
                if kind in _SELF_UID and "uid" in f and kind != "ike.reauthenticating":
                    # logged in the context of the SA the job works for: the held lines are its
                    d = self.for_uid(f["uid"], ev)
                    self.held_fallback.pop(thread, None)
                    for held in self.held.pop(thread):
                        self.apply(d, held)
                elif kind in _RESPONDER_START:  # `<peer> is initiating an IKE_SA` after the message parsed
                    carried = self.held.pop(thread)
                    self.held_fallback.pop(thread, None)
                else:
                    self.drop_held(thread)
            elif thread is not None and ev.group in _HOLD_GROUPS and thread not in self.ctx \
                    and thread not in self.pending and kind not in _SA_NAMING:
                self.held[thread] = [ev]
                return None
        if kind == "ike.reauthenticating" and not self.tagged and isinstance(f.get("uid"), int) \
                and f["uid"] not in self.by_uid:
            if len(self.reauth_orphans) >= _ORPHANS_MAX:  # never hold without bound
                self.reauth_orphans.clear()
                self.reauth_successor.clear()
            self.reauth_orphans[f["uid"]] = ev
            self.reauth_thread[thread] = f["uid"]
            self.ctx.pop(thread, None)
            return None
        if kind in _START:
            self.end_packet_job(thread, f["uid"])
            d = self.for_uid(f["uid"], ev)
            old = self.reauth_thread.pop(thread, None)
            if old is not None and old in self.reauth_orphans and old != f["uid"]:
                self.reauth_successor[old] = d
            prev = self.ctx.get(thread)
            if prev is not None and prev is not d and prev.neg.unique_id is not None and not prev.gave_up \
                    and not prev.neg.successor and _same_conn(prev, f.get("conn")):
                self.link(prev, d, "reauth" if prev.reauth_started or f.get("mode") else "rekey")
            self.bind(thread, d)
            return d
        if kind in _SELF_UID and "uid" in f:
            d = self.for_uid(f["uid"], ev)
            if kind == "ike.state_change" and f.get("to_state") == "REKEYING" and not self.tagged:
                self.link_replaced(d, self.ctx.get(thread))
            self.bind(thread, d)
            return d
        if kind == "job.half_open":  # before 6.0.6 it names only the peer: its half-open SA
            d = self.half_open_with(f.get("addr"))
            if d is not None:
                self.ctx[thread] = d
            return d
        if kind in _RESPONDER_START:
            job = self.responder_job.get(thread)
            if job is not None and job[1] == ev.text and self.ctx.get(thread) is job[0] and not carried:
                return job[0]  # the same line twice in one packet job
            d = self.new_draft(None)
            self.responder_job[thread] = (d, ev.text)
            self.bind(thread, d)
            for held in carried:
                self.apply(d, held)
            return d
        if kind == "net.packet" and "size" in f:
            if f.get("dir") == "in":  # a processing job starts on this thread
                self.responder_job.pop(thread, None)
                self.flush_pending(thread)
                self.ctx.pop(thread, None)
                self.pending[thread] = [ev]
                self.guess[thread] = self.by_endpoint(endpoint(f.get("src")))
                return None
            if thread in self.pending:
                self.pending[thread].append(ev)
                return None
            d = self.ctx.get(thread) or self.by_endpoint(endpoint(f.get("dst")))
            if d is None and not self.tagged and f.get("dir") == "out" and endpoint(f.get("dst"))[0]:
                d = self.new_draft(None)  # the excerpt starts inside this SA's life
                self.ctx[thread] = d
            return d
        if thread in self.pending:
            buffered = self.pending[thread]
            buffered.append(ev)
            if len(buffered) > PENDING_LINES:  # at ike/enc=4 one message is thousands of lines
                d = self.guess.get(thread)
                if d is not None:  # the job goes on for the SA its packet's source had
                    self.bind(thread, d)
                elif len(buffered) > PENDING_MAX:  # never buffer without bound
                    self.flush_pending(thread)
            return None
        return self.ctx.get(thread) or self.by_peer_fact(ev, kind)

    def end_packet_job(self, thread, uid) -> None:
        """`initiating IKE_SA name[N]` for an SA not seen yet starts a new job (a rekey or
        reauthentication, an initiation): a message the thread still buffers cannot be the new
        SA's, so it goes to the SA its source had when it arrived."""
        guess = self.resolve_pending_draft(thread)
        if uid not in self.by_uid and guess is not None and guess.neg.unique_id not in (None, uid):
            self.flush_pending(thread)

    def settle(self, d: Draft, thread) -> None:
        """Before a later job's lines join d: what other threads still buffer for d (the
        message being retransmitted, say) happened first."""
        for other, guess in list(self.guess.items()):
            if guess is d and other != thread and other in self.pending:
                self.bind(other, d)

    def half_open_with(self, addr) -> Draft | None:
        if not isinstance(addr, str):
            return None
        return next((d for d in reversed(self.drafts) if d.neg.remote.addr == addr and not d.established
                     and not d.deleted), None) or self.by_addr.get(addr)

    def expire_held(self, thread, ts: float | None) -> None:
        held = self.held.get(thread)
        if held and ts is not None and held[0].ts is not None and ts - held[0].ts > HOLD_WINDOW:
            self.drop_held(thread)

    def drop_held(self, thread) -> None:
        """Held lines whose SA never showed: what names a peer goes there, the rest to the SA the
        thread worked for before (the best guess there is)."""
        fallback = self.held_fallback.pop(thread, None)
        held = self.held.pop(thread, ())
        if fallback is None and _has_message(held) and not any(self.by_peer_fact(ev, ev.kind or "") for ev in held):
            fallback = self.open_for(held)  # a message job of an SA no line named (an excerpt)
        for ev in held:
            d = self.by_peer_fact(ev, ev.kind or "") or fallback
            if d is not None:
                self.apply(d, ev)
            else:
                self.keep_loose(ev)

    def giveup_target(self, ev: Event) -> Draft | None:
        """`giving up after N retransmits`: the SA whose request was last retransmitted N times."""
        count = facts_of(ev).get("count")
        found = sorted(self.retransmitted.values(), key=lambda x: (x[0] is not None, x[0] or 0.0))
        exact = [d for _, n, d in found if n == count]
        pick = exact[-1] if exact else (found[-1][2] if found else None)
        if pick is not None:
            self.retransmitted.pop(id(pick), None)
        return pick

    def sender_of(self, ev: Event) -> Draft | None:
        """The SA whose packet the sender thread failed to write: the last one sent, if recent."""
        if self.last_sent is None:
            return None
        ts, dst = self.last_sent
        if ev.ts is not None and ts is not None and not 0 <= ev.ts - ts <= SEND_WINDOW:
            return None
        return self.by_endpoint(dst)

    def by_peer_fact(self, ev: Event, kind: str) -> Draft | None:
        """An untagged NET/KNL error that names the peer's address: the SA with that peer now."""
        if ev.group not in ("NET", "KNL") or not kind or not observation_for(ev):
            return None
        f = facts_of(ev)
        for name in _PEER_ADDR_FACTS:
            addr, port = endpoint(f[name]) if isinstance(f.get(name), list) else (f.get(name), None)
            if isinstance(addr, str) and addr in self.by_addr:
                return self.by_endpoint((addr, port))
        return None

    def restart(self, ev: Event) -> None:
        self.version = facts_of(ev).get("version") or self.version
        self.by_uid.clear()
        self.held.clear()
        self.held_fallback.clear()
        self.retransmitted.clear()
        self.ctx.clear()
        self.pending.clear()
        self.guess.clear()
        self.reauth_orphans.clear()
        self.reauth_thread.clear()
        self.reauth_successor.clear()

    def start_successor(self, old: Draft, ev: Event, f: dict) -> None:
        """`initiating IKE_SA name[N]` logged in another SA's context: a rekey or reauth."""
        new = self.by_uid.get(f["uid"]) or self.new_draft(f["uid"])
        if not old.gave_up:  # after a DPD/retransmit give-up it is a restart, not a successor
            kind = "reauth" if old.reauth_started or old.neg.ike_version == 1 else "rekey"
            self.link(old, new, kind)
        self.apply(new, ev)

    def link_replaced(self, old: Draft, new: Draft | None) -> None:
        """`IKE_SA name[N] state change: ESTABLISHED => REKEYING` right after the same job
        logged `initiating … IKE_SA name[M]` (IKEv1 reauthentication; without `ike_name` the
        initiating line names only the new SA): N is the SA that M replaces."""
        if new is None or new is old or new.neg.predecessor or old.neg.successor or not old.established \
                or new.established or new.neg.role is not Role.INITIATOR or not _same_conn(old, new.neg.conn) \
                or (new.neg.unique_id or 0) <= (old.neg.unique_id or 0):
            return
        self.link(old, new, "reauth" if old.reauth_started or old.neg.ike_version == 1 else "rekey")

    def link(self, old: Draft, new: Draft, kind: str) -> None:
        if old is new:
            return
        old.neg.successor, old.neg.successor_kind = new.neg.id, kind
        new.neg.predecessor = old.neg.id

    def buffered(self, ev: Event) -> bool:
        """Did route() keep this line back for its job (held or pending), rather than drop it?"""
        for lines in (self.held.get(ev.thread), self.pending.get(ev.thread)):
            if lines and lines[-1] is ev:
                return True
        return False

    def keep_loose(self, ev: Event) -> None:
        """A line no SA claimed: kept for adopt_loose if it is decisive and nothing was claimed yet."""
        if not self.claimed and not self.tagged and len(self.loose) < _LOOSE_MAX and ev.kind and _decisive(ev):
            self.loose.append(ev)

    def adopt_loose(self) -> None:
        """Decisive lines no SA claimed, read before any line went to a negotiation (a paste that
        starts with them, or holds nothing else): the negotiation the excerpt shows a piece of,
        role and peer unknown. Later ones stay unclaimed (a busy log's unrelated lines)."""
        if self.loose:
            d = self.new_draft(None)
            sign = -1 if self.summary.reversed else 1  # (held lines come back at the end)
            for ev in sorted(self.loose, key=lambda e: sign * e.line):
                self.apply(d, ev)
        self.loose = []

    # -- per event --------------------------------------------------------------------------
    def feed(self, ev: Event) -> None:
        kind = classify(ev)
        if kind in _OWN_ID_KINDS:
            self.note_own_identity(ev, kind)
        d = self.route(ev, kind)
        if d is not None:
            self.claimed = True
            self.apply(d, ev)
        elif kind and not self.claimed and not self.tagged and not self.buffered(ev):
            self.keep_loose(ev)

    def apply(self, d: Draft, ev: Event) -> None:
        kind = ev.kind or ""
        if kind and ev.facts is None:  # applied again after its facts were released
            ev.facts = facts_of(ev)
        f = ev.facts or {}
        d.touch(ev)
        code = observation_for(ev) if kind else ""
        if code:
            d.observe(ev, code)
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, d, ev, f)
        if self.keep is not None:  # bounded memory: a kept event's facts are recomputed when read
            ev.facts = None

    def note_own_identity(self, ev: Event, kind: str) -> None:
        """Record on the summary who this daemon can claim to be (a client asking for another
        identity as IDr then points at the gateway certificate, not at a missing connection)."""
        f, s = facts_of(ev), self.summary
        if kind == "cfg.dump_auth_section":
            self.dump_section[ev.thread] = str(f.get("section"))
            return
        local = self.dump_section.get(ev.thread) == "local"
        if kind in ("cfg.id_not_specified", "cfg.own_id_default") or (kind == "cfg.dump_id" and local):
            _add_once(s.local_ids, f.get("id"))
        elif kind in ("cfg.loaded_cert", "cfg.loaded_cert_file") or (kind == "cfg.dump_cert" and local):
            _add_once(s.loaded_certs, f.get("subject"))

    def remember_remote(self, d: Draft, ep: tuple[str | None, int | None], ev: Event,
                        index: bool = True) -> None:
        """d talks to ep now (`index`: and is the SA to look up for ep). A line applied late
        (a thread's buffered packet, replayed when its SA is known) does not take the peer back
        from an SA seen there after it: with several SAs to one peer (reauthentication) the
        newest line decides."""
        addr, port = ep
        if addr is None:
            return
        d.neg.remote = type(d.neg.remote)(addr, port)
        if not index:
            return
        at = -ev.line if self.summary.reversed else ev.line
        for key, table in (((addr, port), self.by_remote), (addr, self.by_addr)):
            if self.peer_at.get(key, at) <= at:
                table[key] = d
                self.peer_at[key] = at

    def link_responder_reauths(self, drafts: list[Draft]) -> None:
        """Responder side of a break-before-make reauthentication: the peer deletes its SA and
        at once opens a new one with the same identity from the same address."""
        for i, new in enumerate(drafts):
            n = new.neg
            if n.predecessor or n.role is Role.INITIATOR or n.first_ts is None or not n.remote_id:
                continue
            for old in reversed(drafts[:i]):
                o = old.neg
                if o.successor is not None or not old.established or o.remote_id != n.remote_id \
                        or o.remote.addr != n.remote.addr:
                    continue
                ike_deletes = [x.ts for x in o.deletes if x.what == "IKE_SA" and x.ts is not None]
                peer_delete = next((x.ts for x in o.deletes if x.what == "IKE_SA" and x.direction is Direction.IN
                                    and x.ts is not None), None)
                before = peer_delete is not None and 0 <= n.first_ts - peer_delete <= REAUTH_GAP
                overlapping = not ike_deletes or min(ike_deletes) >= n.first_ts  # make-before-break
                if before or overlapping:
                    self.link(old, new, "reauth")
                    break

    def link_invalid_ke_retries(self, drafts: list[Draft]) -> None:
        """Responder side of an INVALID_KE_PAYLOAD round trip: charon answers N(INVAL_KE) and drops
        that IKE_SA; the peer's retried IKE_SA_INIT (with the requested group) is a new IKE_SA. The
        first is linked to the retry (successor_kind 'retry'): its outcome is the retry's."""
        for i, old in enumerate(drafts):
            o = old.neg
            if o.successor is not None or old.established or o.role is Role.INITIATOR or o.ike_version == 1:
                continue
            init = [m for m in o.messages if m.exchange == "IKE_SA_INIT"]
            if not init or len(init) != len(o.messages) or not any(
                    m.direction is Direction.OUT and not m.is_request and "N(INVAL_KE)" in m.payloads for m in init):
                continue
            last = max((m.ts for m in init if m.ts is not None), default=None)
            for new in drafts[i + 1:]:
                n = new.neg
                if n.predecessor or n.role is Role.INITIATOR or not n.messages:
                    continue
                first = n.messages[0]
                if first.exchange != "IKE_SA_INIT" or first.direction is not Direction.IN or not first.is_request:
                    continue
                if o.remote.addr is None or n.remote.addr != o.remote.addr:
                    continue
                if last is not None and first.ts is not None and not 0 <= first.ts - last <= RETRY_GAP:
                    continue
                self.link(old, new, "retry")
                break

    def close(self) -> list[Negotiation]:
        for thread in list(self.pending):
            self.flush_pending(thread)
        for thread in list(self.held):
            self.drop_held(thread)
        self.adopt_loose()
        live = [d for d in self.drafts if d.events or d._drop_lo is not None]
        self.link_responder_reauths(live)
        self.link_invalid_ke_retries(live)
        negs = [finish(d, self.summary.reversed) for d in live]
        self.summary.own_identities = own_identities(self.summary.local_ids, self.summary.loaded_certs)
        side = side_of(negs, any(d.assigns_vip for d in live), any(d.installs_vip for d in live))
        for neg in negs:
            neg.side = side
            neg.daemon_version = neg.daemon_version or self.summary.daemon_version
        return negs


# observation codes of lines that tell nothing went wrong (or not by themselves)
_ROUTINE = frozenset({"child-rekeyed", "ike-rekeyed", "mobike-update", "nat-local", "nat-remote", "nat-faked",
                      "dpd-sent", "retransmit", "reauth-detected", "reauth-started", "reauth-not-done",
                      "initial-contact-replace", "uniqueness-keep", "uniqueness-replace", "inactivity",
                      "own-id-defaulted", "fragmentation", "peer-retransmit"})
_LOOSE_MAX = 200


def _decisive(ev: Event) -> bool:
    """A line whose observation is a failure (no shared key, no private key, SA install failed,
    TS_UNACCEPTABLE …): worth a negotiation even when no SA claims it."""
    code = observation_for(ev)
    return bool(code) and code not in _ROUTINE


def _has_message(events) -> bool:
    """A `parsed`/`generating` IKE message among a job's lines (not only socket chatter)."""
    return any(ev.kind == "enc.message" for ev in events)


def _same_conn(d: Draft, conn) -> bool:
    """A rekeyed or reauthenticated IKE_SA keeps its connection: an SA of another connection
    (a stale thread context, another client's job) cannot be the one replaced."""
    return not conn or conn == "(unnamed)" or not d.neg.conn or d.neg.conn == conn


def _add_once(items: list[str], value) -> None:
    if isinstance(value, str) and value and value not in items:
        items.append(value)


def own_identities(local_ids: list[str], certs: list[str]) -> list[str]:
    """Identities the daemon can prove: configured ids, certificate subjects and their CN
    (charon never logs subjectAltNames; the CN stands in for them)."""
    found: list[str] = []
    for value in (*local_ids, *certs):
        _add_once(found, value)
    for subject in certs:
        _add_once(found, _cn(subject))
    return found


def _cn(subject: str) -> str | None:
    for part in subject.split(","):
        key, _, value = part.strip().partition("=")
        if key.upper() == "CN" and value:
            return value.strip()
    return None


# -- handlers (kind -> effect on the draft) ---------------------------------------------------
def _packet(b: CharonBuilder, d: Draft, ev: Event, f: dict) -> None:
    src, dst = endpoint(f.get("src")), endpoint(f.get("dst"))
    # the socket threads' lines (no byte count) are logged outside any SA: where they land
    # (the one stream of a journal) is a guess, not a fact about who talks to the peer now
    index = "size" in f
    if f.get("dir") == "in":
        b.remember_remote(d, src, ev, index)
        d.neg.local.addr, d.neg.local.port = dst
        d.last_in_packet = (ev, f.get("size"), src, dst)  # its facts may be released after apply()
    else:
        b.remember_remote(d, dst, ev, index)
        d.neg.local.addr, d.neg.local.port = src
        d.out_packet(ev, f, src, dst)


def _message(b: CharonBuilder, d: Draft, ev: Event, f: dict) -> None:
    payloads = tuple(f.get("payloads") or ())
    exchange = f.get("exchange", "")
    n = d.neg
    if n.ike_version is None:
        n.ike_version = 1 if exchange in _V1_EXCHANGES else 2
    direction = Direction.IN if f.get("dir") == "in" else Direction.OUT
    is_request = f.get("kind") == "request"
    if n.role is Role.UNKNOWN and exchange in ("IKE_SA_INIT", "ID_PROT", "AGGRESSIVE") and f.get("mid") == 0:
        n.role = Role.RESPONDER if (direction is Direction.IN) == is_request else Role.INITIATOR
    fragment_only = payloads and all(p.startswith(("EF(", "FRAG(")) for p in payloads)
    if fragment_only:
        d.fragment(direction, ev)
        return
    msg = Message(exchange=exchange, mid=f.get("mid"), direction=direction, is_request=is_request,
                  payloads=payloads, ts=ev.ts, ref=ref(ev))
    d.add_message(msg)
    if _past_init_message(exchange, f.get("mid"), payloads):
        d.past_init = True
        d.new_child_exchange(msg)
    c = d.cur_child
    if c is not None and c.exchange is None and not c.established and exchange in _CHILD_EXCHANGES:
        c.exchange = exchange
    if direction is Direction.IN and d.last_in_packet is not None:
        packet, msg.size, src, dst = d.last_in_packet
        msg.src, msg.dst = ep_text(*src), ep_text(*dst)
        msg.packet_refs.append(ref(packet))
        d.last_in_packet = None
    for p in payloads:
        if p.startswith("N(") and p[2:-1] in _ERROR_NOTIFIES:
            d.observe(ev, f"notify-{'received' if direction is Direction.IN else 'sent'}:{p[2:-1]}")
        if p.startswith("EAP/"):
            d.saw_eap = True


def _past_init_message(exchange: str, mid, payloads: tuple[str, ...]) -> bool:
    """A message only an SA past IKE_SA_INIT/IKE_AUTH (Main/Aggressive Mode) exchanges:
    CREATE_CHILD_SA or Quick Mode (INFORMATIONAL ids are weighed once the input is read, see
    charon_state.finish)."""
    return exchange in ("CREATE_CHILD_SA", "QUICK_MODE")


def _start(b: CharonBuilder, d: Draft, ev: Event, f: dict) -> None:
    n = d.neg
    n.role = Role.INITIATOR if f.get("role") == "initiator" else Role.RESPONDER
    n.ike_version = f.get("ike_version") or n.ike_version
    if f.get("mode"):
        n.mode = f["mode"].lower()
    if f.get("conn") and f["conn"] != "(unnamed)":
        n.conn = f["conn"]
    if n.role is Role.INITIATOR and f.get("addr"):
        b.remember_remote(d, (f["addr"], None), ev)
    elif f.get("addr"):
        d.neg.remote.addr = f["addr"]
        b.by_addr[f["addr"]] = d
        b.peer_at[f["addr"]] = -ev.line if b.summary.reversed else ev.line


def _established(b: CharonBuilder, d: Draft, ev: Event, f: dict) -> None:
    n = d.neg
    d.established_at = ev.ts
    d.established = True
    if f.get("conn") and f["conn"] != "(unnamed)":
        n.conn = f["conn"]
    n.local_id, n.remote_id = f.get("local_id") or n.local_id, f.get("remote_id") or n.remote_id
    n.local.addr = f.get("local_addr") or n.local.addr
    n.remote.addr = f.get("remote_addr") or n.remote.addr


def _rekeyed(b: CharonBuilder, d: Draft, ev: Event, f: dict) -> None:
    new = b.by_uid.get(f["uid"]) or b.new_draft(f["uid"])
    b.link(d, new, "rekey")
    d.past_init = True
    new.established = True
    new.neg.ike_version = new.neg.ike_version or d.neg.ike_version
    new.neg.role = new.neg.role if new.neg.role is not Role.UNKNOWN else d.neg.role
    new.neg.local_id, new.neg.remote_id = f.get("local_id"), f.get("remote_id")
    new.neg.conn = new.neg.conn or d.neg.conn
    new.touch(ev)


def _peer_config(b, d, ev, f):
    if f.get("conn"):
        d.neg.conn = f["conn"]


def _looking_peer(b, d, ev, f):
    local, remote = f.get("local"), f.get("remote")
    if isinstance(local, list) and local[1] and not d.neg.local_id:
        d.requested_local_id = local[1]
    if isinstance(remote, list) and remote[1] and not d.neg.remote_id:
        d.neg.remote_id = remote[1]


def _proposal_set(d: Draft, proposal: str):
    return d.neg.ike_proposals if proposal.startswith("IKE:") else d.neg.esp_proposals


def _selected(b, d, ev, f):
    p = f.get("proposal", "")
    ps = _proposal_set(d, p)
    ps.selected = p
    ps.refs.append(ref(ev))
    if ps is d.neg.esp_proposals:
        d.last_esp = p
        attempt = d.attempt_proposals()
        attempt.selected = p
        attempt.refs.append(ref(ev))


def _proposal_list(which: str):
    """The handler for a `received`/`configured` proposals line: the list goes to that field of
    the IKE or ESP proposal set (told apart by the first proposal)."""
    def handler(b, d, ev, f):
        props = f.get("proposals") or []
        if props:
            ps = _proposal_set(d, props[0])
            setattr(ps, which, list(props))
            ps.refs.append(ref(ev))
            if ps is d.neg.esp_proposals:  # and to the CHILD_SA attempt they were logged for
                attempt = d.attempt_proposals()
                setattr(attempt, which, list(props))
                attempt.refs.append(ref(ev))
    return handler


_received_proposals = _proposal_list("received")
_configured_proposals = _proposal_list("configured")


def _ike_unacceptable(b, d, ev, f):
    d.neg.ike_proposals.unacceptable = True
    d.neg.ike_proposals.refs.append(ref(ev))


def _esp_unacceptable(b, d, ev, f):
    d.neg.esp_proposals.unacceptable = True
    d.neg.esp_proposals.refs.append(ref(ev))
    attempt = d.attempt_proposals()
    attempt.unacceptable = True
    attempt.refs.append(ref(ev))


def _esp_context(b, d) -> bool:
    """`no acceptable proposal found` is about ESP: the SA is past IKE_SA_INIT, or the proposal
    lists logged last for it were ESP's (a responder's CREATE_CHILD_SA in an excerpt)."""
    if d.past_init:
        return True
    esp, ike = d.neg.esp_proposals.refs, d.neg.ike_proposals.refs
    if not esp:
        return False
    if not ike:
        return True
    sign = -1 if b.summary.reversed else 1
    return sign * esp[-1].line > sign * ike[-1].line


def _no_acceptable(b, d, ev, f):
    if d.neg.ike_proposals.selected is None and not _esp_context(b, d):
        _ike_unacceptable(b, d, ev, f)
        d.observe(ev, "proposals-unacceptable")
    else:
        _esp_unacceptable(b, d, ev, f)
        d.observe(ev, "esp-proposals-unacceptable")


def _auth_myself(b, d, ev, f):
    d.neg.local_id = f.get("identity") or d.neg.local_id
    result = f.get("result")
    d.neg.auth.append(AuthStep("local", f.get("identity"), f.get("method"),
                               None if result is None else result == "successful", ref(ev)))


def _auth_ok(b, d, ev, f):
    d.neg.remote_id = d.neg.remote_id or f.get("identity")
    d.neg.auth.append(AuthStep("remote", f.get("identity"), f.get("method"), True, ref(ev)))


def _auth_failed(method: str):
    def handler(b, d, ev, f):
        ident = f.get("identity") or f.get("remote_id")
        d.neg.auth.append(AuthStep("remote", ident, method, False, ref(ev)))
    return handler


def _xauth(ok: bool):
    def handler(b, d, ev, f):
        who = "local" if f.get("myself") else "remote"
        d.neg.xauth_user = f.get("identity") or d.neg.xauth_user
        d.neg.auth.append(AuthStep(who, f.get("identity"), "XAuth", ok, ref(ev)))
        d.saw_xauth = True
    return handler


def _eap_identity(b, d, ev, f):
    if f.get("identity"):
        d.neg.eap_identity = f["identity"]
    d.saw_eap = True


def _eap_ok(b, d, ev, f):
    d.saw_eap = True
    d.neg.auth.append(AuthStep("remote" if d.neg.role is Role.RESPONDER else "local",
                               d.neg.eap_identity, f.get("method") or "EAP", True, ref(ev)))


def _cert(direction: Direction):
    def handler(b, d, ev, f):
        kind = str(f.get("cert_kind", "end entity")).removesuffix(" cert")
        d.neg.certs.append(Certificate(f.get("subject", ""), kind, direction, ref(ev)))
    return handler


def _certreq_sent(b, d, ev, f):
    d.neg.certreqs_sent.append(f.get("subject", ""))


def _certreq_received(b, d, ev, f):
    d.neg.certreqs_received.append(f.get("subject") or f"{f.get('count', '?')} unknown ca")


def _vip_requested(b, d, ev, f):
    d.neg.vips_requested.append(f.get("addr", ""))


def _vip_assigned(b, d, ev, f):
    d.neg.vips_assigned.append(f.get("addr", ""))
    d.assigns_vip = True
    if f.get("identity"):
        d.peer_user = f["identity"]


def _vip_installed(b, d, ev, f):
    if f.get("addr") not in d.neg.vips_assigned:
        d.neg.vips_assigned.append(f.get("addr", ""))
    d.installs_vip = True


def _child_establishing(b, d, ev, f):
    d.child(f.get("child"), f.get("cuid"), ev)


def _child_established(b, d, ev, f):
    c = d.child(f.get("child"), f.get("cuid"), ev)
    c.spi_in, c.spi_out = hex8(f.get("spi_i")), hex8(f.get("spi_o"))
    ts_l, ts_r = f.get("ts_l") or [], f.get("ts_r") or []
    c.ts_local, c.ts_remote = " ".join(ts_l) or None, " ".join(ts_r) or None
    c.proposal = c.proposal or d.last_esp
    d.past_init = True  # (an IKEv2 CHILD_SA in IKE_AUTH: the IKE_SA is up too)
    d.child_up(c)
    if not c.established:
        c.established, c.established_at = True, ev.ts
        old = next((o for o in d.neg.children if o is not c and o.name == c.name and o.established
                    and o.closed_at is None and o.rekeyed_from != c.uid and c.rekeyed_from is None
                    and o.uid is not None and c.uid is not None and o.uid < c.uid), None)
        if old is not None and f.get("half"):
            c.rekeyed_from = old.uid


def _child_closing(b, d, ev, f):
    c = d.child(f.get("child"), f.get("cuid"), ev)
    c.closed_at = ev.ts
    c.spi_in = c.spi_in or hex8(f.get("spi_i"))
    c.spi_out = c.spi_out or hex8(f.get("spi_o"))


def _child_state(b, d, ev, f):
    """`CHILD_SA x{N} state change: CREATED => DESTROYING`: an attempt that never got installed."""
    if f.get("from_state") == "CREATED" and f.get("to_state") == "DESTROYING":
        c = d.child(f.get("child"), f.get("cuid"), ev)
        if not c.established:
            d.cur_child = c
            d.child_failed(ev)


def _child_failed(b, d, ev, f):
    """`failed to establish CHILD_SA …` / `received X notify, no CHILD_SA built`."""
    notify = f.get("notify")
    d.child_failed(ev, notify if isinstance(notify, str) else None)


def _child_detected_rekey(b, d, ev, f):
    d.past_init = True


def _restarting(b, d, ev, f):
    """charon restarts CHILD_SAs / reinitiates only an established IKE_SA (a connecting one that
    gave up logs `peer not responding, trying again` / `establishing IKE_SA failed`)."""
    d.past_init = True


def _child_rekeyed(b, d, ev, f):
    new = d.child(f.get("new_child"), f.get("new_cuid"), ev)
    new.rekeyed_from = f.get("cuid")


def _delete_ike(b, d, ev, f):
    direction = Direction.OUT if f.get("dir") == "out" else Direction.IN
    d.neg.deletes.append(Delete("IKE_SA", direction, d.delete_reason(direction), ev.ts, ref(ev)))
    d.deleted = True


def _delete_child(b, d, ev, f):
    direction = Direction.OUT if f.get("dir") == "out" else Direction.IN
    d.neg.deletes.append(Delete("CHILD_SA", direction, d.delete_reason(direction), ev.ts, ref(ev)))


def _half_open(b, d, ev, f):
    d.neg.deletes.append(Delete("IKE_SA", Direction.OUT, "half-open-timeout", ev.ts, ref(ev)))
    d.deleted = True


def _ike_deleted(b, d, ev, f):
    d.deleted = True


def _retransmit(b, d, ev, f):
    d.retransmit(f.get("mid"))
    b.retransmitted[id(d)] = (ev.ts, f.get("count") or 0, d)


def _gave_up(b, d, ev, f):
    d.gave_up = True


def _replaced(b, d, ev, f):
    """unique=replace / INITIAL_CONTACT: an older SA of the same identity is torn down."""
    ident = f.get("identity")
    # charon logs this in the context of the SA it destroys (INITIAL_CONTACT) or of the new one
    for old in [d, *reversed(b.drafts)]:
        if not old.established or old.deleted or (old is not d and old.neg.successor):
            continue
        if ident and ident in (old.neg.remote_id, old.neg.eap_identity, old.neg.xauth_user, old.peer_user):
            old.deleted = True
            old.neg.deletes.append(Delete("IKE_SA", Direction.OUT, "uniqueness", ev.ts, ref(ev)))
            if old is not d:
                old.observe(ev, "replaced-by-duplicate")
            return


def _nat_local(b, d, ev, f):
    d.neg.nat_local = True


def _nat_remote(b, d, ev, f):
    d.neg.nat_remote = True


def _reauth(b, d, ev, f):
    d.reauth_started = True


def _reauth_detected(b, d, ev, f):
    """Responder side: this SA reauthenticates an older one of the same peer."""
    ident = f.get("identity") or d.neg.remote_id
    for old in reversed(b.drafts):
        if old is d or old.neg.successor or not old.established:
            continue
        if (ident and ident in (old.neg.remote_id, old.neg.xauth_user, old.neg.eap_identity, old.peer_user)) \
                or (d.neg.remote.addr and old.neg.remote.addr == d.neg.remote.addr):
            b.link(old, d, "reauth")
            return


def _admin(b, d, ev, f):
    if f.get("op") in ("terminate", "down"):
        d.admin_delete = True


def _fragment_count(b, d, ev, f):
    d.saw_fragments = True


def _state(b, d, ev, f):
    if f.get("to_state") == "ESTABLISHED" and not d.established:
        d.established, d.established_at = True, ev.ts
    if f.get("from_state") in ("ESTABLISHED", "REKEYING", "REKEYED"):
        d.past_init = True
    if f.get("conn") and f["conn"] != "(unnamed)":
        d.neg.conn = f["conn"]


_HANDLERS = {
    "net.packet": _packet,
    "enc.message": _message,
    "ike.initiating": _start, "ike.initiating_v1": _start,
    "ike.responder_start": _start, "ike.responder_start_v1": _start,
    "ike.established": _established,
    "ike.state_change": _state,
    "ike.rekeyed": _rekeyed,
    "cfg.selected_peer": _peer_config, "cfg.peer_config_unacceptable": _peer_config,
    "cfg.looking_peer": _looking_peer,
    "cfg.selected_proposal": _selected,
    "cfg.received_proposals": _received_proposals,
    "cfg.configured_proposals": _configured_proposals,
    "ike.proposals_unacceptable": _ike_unacceptable, "ike.no_proposal_v1": _ike_unacceptable,
    "ike.no_matching_proposal_qm": _esp_unacceptable,
    "ike.no_acceptable_proposal": _no_acceptable,
    "ike.auth_myself": _auth_myself, "ike.auth_ok": _auth_ok,
    "ike.mac_mismatch": _auth_failed("pre-shared key"),
    "ike.hash_mismatch_v1": _auth_failed("pre-shared key"),
    "ike.no_trusted_pubkey": _auth_failed("public key"),
    "ike.mschapv2_verify_failed": _auth_failed("EAP"),
    "ike.eap_failed_peer": _auth_failed("EAP"),
    "ike.xauth_ok": _xauth(True), "ike.xauth_failed": _xauth(False),
    "ike.eap_identity": _eap_identity, "ike.eap_server_requested": _eap_identity,
    "ike.eap_initiating": _eap_identity,
    "ike.eap_succeeded": _eap_ok,
    "ike.cert_sent": _cert(Direction.OUT), "ike.cert_received": _cert(Direction.IN),
    "ike.certreq_sent": _certreq_sent,
    "ike.certreq_received": _certreq_received, "ike.certreq_unknown": _certreq_received,
    "ike.certreq_unknown_v1": _certreq_received,
    "ike.vip_requested": _vip_requested, "ike.vip_assigned": _vip_assigned,
    "ike.vip_installing": _vip_installed,
    "child.establishing": _child_establishing, "child.established": _child_established,
    "child.closing": _child_closing, "child.rekeyed": _child_rekeyed,
    "child.state_change": _child_state, "child.detected_rekey": _child_detected_rekey,
    "ike.child_failed_keep": _child_failed, "ike.child_failed_close": _child_failed,
    "ike.notify_no_child": _child_failed,
    "ike.restarting_child": _restarting, "ike.reinitiating": _restarting,
    "ike.delete_ike": _delete_ike, "child.delete": _delete_child,
    "job.half_open": _half_open, "ike.deleted": _ike_deleted, "ike.deleting": _ike_deleted,
    "ike.destroying": _ike_deleted,
    "ike.retransmit": _retransmit, "ike.retransmit_v1": _retransmit,
    "ike.giveup": _gave_up, "job.dpd_timeout": _gave_up,
    "ike.dup_replace": _replaced, "ike.dup_initial_contact": _replaced,
    "ike.nat_local": _nat_local, "ike.nat_remote": _nat_remote, "ike.nat_fake": _nat_remote,
    "ike.reauthenticating": _reauth, "ike.reauth_not_done": _reauth,
    "ike.dup_reauth": _reauth_detected, "ike.reauth_adopt": _reauth_detected,
    "cfg.vici_command": _admin, "cfg.stroke_command": _admin,
    "enc.splitting": _fragment_count, "enc.fragment": _fragment_count,
}


def build_charon(events: Iterable[Event], summary: InputSummary, keep=None) -> list[Negotiation]:
    """`keep`: a negotiation.retention.Retention deciding which events a negotiation keeps
    (None: every event, as builders always did)."""
    builder = CharonBuilder(summary, keep)
    for ev in events:
        builder.feed(ev)
    return builder.close()
