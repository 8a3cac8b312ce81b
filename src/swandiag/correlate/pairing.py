"""Pair the two ends of each negotiation across inputs and line up the inputs' clocks.

Order matters because a clock offset decides which time windows are compared:
1. pairs proven by exact identifiers (CHILD_SA SPIs, IKE SPIs, cookies) give the first offsets;
2. input pairs without such proof get a coarse offset by voting over structurally matching packets;
3. with the offsets applied, every negotiation's packets are looked up in a time window of each
   other input, candidates are scored, and a global best-first assignment pairs one-to-one;
4. rekeyed / reauthenticated successors of paired negotiations pair with each other's;
5. the offsets are re-measured on all final pairs, which is what the report states;
6. each final pair's messages are aligned once in the final clocks (`Correlation.aligned`): the
   timeline, the report ladder and the TUI ladder all read that alignment.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..analysis import InputSummary
from ..negotiation.records import Negotiation, Role
from .align import TimeWindow, align_pair
from .candidates import (
    AttributeIndex, MessageIndex, packet_candidates, same_role, strong_candidates, vote_deltas,
)
from .clock import (
    EVENT_TIMES, Estimate, Shift, coarse_offset, estimate, event_offset, override_index, resolution,
    resolve_shifts, samples_from, start_estimate,
)
from .features import NegotiationFeatures, extract
from .records import ClockOffset, Correlation, Pairing, PairingEvidence
from .score import Scored, score_pair

BASE_TOLERANCE_S = 3.0  # transit + the 1-s resolution of both sides + scheduling jitter
# inputs with no packet in common (a client logging at INFO level): clocks assumed NTP-synced
ASSUMED_TOLERANCE_S = 120.0
REPAIR_ROUNDS = 3
REPAIR_THRESHOLD_S = 0.25
MAX_CANDIDATES = 16  # per negotiation and other input, most packet hits first
# a coarse-offset vote costs voters x packets x (copies in the other input): bounded, so it
# stays linear in the size of the larger input
VOTE_NEGOTIATIONS = 16  # negotiations of the smaller input that vote
VOTE_PACKETS = 2  # first sized packets of each voter
VOTE_BUCKET_CAP = 4000
EVENT_PARTNERS = 64  # address-matched negotiations per voter in a start-time vote
RESENT_FLOOR_S = 1.0  # offset from retransmitted requests only: the first copy may have been lost
EVENT_NOTE = "from negotiation start times: no packet logged by both sides"


class _Context:
    """What every step needs: features, per-input facts, the indexes and the current clocks."""

    def __init__(self, negotiations: list[Negotiation], inputs: list[InputSummary]) -> None:
        self.inputs = inputs
        self.feats = [extract(n, i) for i, n in enumerate(negotiations)]
        self.by_input: dict[int, list[NegotiationFeatures]] = defaultdict(list)
        for f in self.feats:
            self.by_input[f.input].append(f)
        for group in self.by_input.values():
            logs_packets = any(f.messages for f in group)
            for f in group:
                f.input_logs_packets = logs_packets
        logs = {s.spec.index for s in inputs if s.kind == "log"} | set(self.by_input)
        self.log_inputs = sorted(logs)
        self.res = {i: resolution(m.ts for f in self.by_input[i] for m in f.messages) for i in self.log_inputs}
        self.timed = {i for i in self.log_inputs if any(f.timed for f in self.by_input[i])}
        # an input whose every negotiation has one known role (a client log: all initiators)
        # cannot hold the other end of another such input's negotiations
        self.sole_role = {}
        for i in self.log_inputs:
            roles = {f.role for f in self.by_input[i]}
            self.sole_role[i] = roles.pop() if len(roles) == 1 and Role.UNKNOWN not in roles else None
        self.index = MessageIndex(self.feats)
        self.attributes = AttributeIndex(self.feats)
        self.shifts: dict[int, Shift] = {}
        self._spans: dict[int, tuple[float, float] | None] = {}

    def name(self, index: int) -> str:
        for s in self.inputs:
            if s.spec.index == index:
                return s.spec.name
        return f"input {index}"

    def span(self, index: int) -> tuple[float, float] | None:
        """First and last raw time of an input's negotiations."""
        if index not in self._spans:
            times = [t for f in self.by_input[index] for t in (f.first_ts, f.last_ts) if t is not None]
            self._spans[index] = (min(times), max(times)) if times else None
        return self._spans[index]

    def logs_packets(self, index: int) -> bool:
        return any(f.messages for f in self.by_input[index])

    def may_pair(self, i: int, j: int) -> bool:
        return i != j and bool(self.by_input[i]) and bool(self.by_input[j]) and (
            self.sole_role[i] is None or self.sole_role[i] is not self.sole_role[j])

    def window(self, i: int, j: int) -> TimeWindow | None:
        """Where input j's raw time of a packet falls relative to input i's raw time."""
        si, sj = self.shifts.get(i), self.shifts.get(j)
        if si is None or sj is None or i not in self.timed or j not in self.timed:
            return None
        if si.root != sj.root:
            return TimeWindow(0.0, ASSUMED_TOLERANCE_S, assumed=True)
        return TimeWindow(sj.shift - si.shift, BASE_TOLERANCE_S + 2 * (si.uncertainty_s + sj.uncertainty_s))

    def score(self, x: int, y: int, use_time: bool = True) -> Scored | None:
        a, b = self.feats[min(x, y)], self.feats[max(x, y)]
        return score_pair(a, b, self.window(a.input, b.input) if use_time else None)


def _assign(scored: Iterable[Scored]) -> list[Scored]:
    """Global best-first one-to-one assignment (ties: the pair whose own clock offset agrees
    best with its inputs' offset)."""
    used: set[int] = set()
    out = []
    for s in sorted(scored, key=lambda s: (-s.score, s.gap, s.a, s.b)):
        if s.a in used or s.b in used:
            continue
        used.update((s.a, s.b))
        out.append(s)
    return out


def _edge_estimates(ctx: _Context, pairs: list[Scored]) -> dict[tuple[int, int], Estimate]:
    """Offsets between inputs from their paired negotiations: matched packets; failing those,
    retransmitted requests (first copy sent vs first copy received, less certain); failing
    those, the negotiations' start times (no packet logged by both sides)."""
    samples: dict[tuple[int, int], list] = defaultdict(list)
    resent: dict[tuple[int, int], list] = defaultdict(list)
    starts: dict[tuple[int, int], list[float]] = defaultdict(list)
    for s in pairs:
        a, b = ctx.feats[s.a], ctx.feats[s.b]
        if a.input not in ctx.timed or b.input not in ctx.timed:
            continue
        i, j = sorted((a.input, b.input))
        first_is_a = a.input == i
        samples[(i, j)].extend(samples_from(s.matches, first_is_a, ctx.res[a.input], ctx.res[b.input]))
        resent[(i, j)].extend(samples_from(s.matches, first_is_a, ctx.res[a.input], ctx.res[b.input], True))
        blind = not a.input_logs_packets or not b.input_logs_packets
        if blind and a.first_ts is not None and b.first_ts is not None:
            # one side logs no packets at all (racoon at INFO level): the start times
            starts[(i, j)].append(b.first_ts - a.first_ts if first_is_a else a.first_ts - b.first_ts)
    out = {}
    for key in samples.keys() | starts.keys():
        i, j = key
        est = estimate(samples[key], ctx.res[i], ctx.res[j])
        if est is None and resent[key]:
            found = estimate(resent[key], ctx.res[i], ctx.res[j])
            if found is not None:  # a lost first copy would make it a retransmit interval off
                est = Estimate(found.offset_s, max(found.uncertainty_s, RESENT_FLOOR_S), found.samples,
                               note="retransmitted requests only")
        if est is None:
            est = start_estimate(starts[key], max(ctx.res[i], ctx.res[j]))
        if est is not None:
            out[key] = est
    return out


def _vote(ctx: _Context, i: int, j: int) -> Estimate | None:
    """Coarse offset of input j relative to i when no exact identifier links them."""
    small, large, sign = (i, j, 1.0) if len(ctx.by_input[i]) <= len(ctx.by_input[j]) else (j, i, -1.0)
    voters = [f for f in ctx.by_input[small] if any(m.ts is not None and (m.size or m.exchange) for m in f.messages)]
    if len(voters) > VOTE_NEGOTIATIONS:
        step = len(voters) / VOTE_NEGOTIATIONS
        voters = [voters[int(k * step)] for k in range(VOTE_NEGOTIATIONS)]
    # as t_j − t_i, forward = sent by input i
    groups = [[(sign * d, sent if sign > 0 else not sent)
               for d, sent in vote_deltas(f, ctx.index, large, VOTE_BUCKET_CAP, VOTE_PACKETS)] for f in voters]
    # 1-s formats truncate, so two copies of one instant can differ by up to a second
    width = 0.5 if max(ctx.res[i], ctx.res[j]) < 1.0 else 1.05
    found = coarse_offset(groups, width)
    if found is None:
        return None
    offset, spread, support = found
    return Estimate(offset + (ctx.res[j] - ctx.res[i]) / 2, spread, support, "vote")


def _event_vote(ctx: _Context, i: int, j: int) -> Estimate | None:
    """Offset of input j relative to i from the times of negotiations whose endpoints mirror
    each other, when no packet is logged by both (racoon at INFO level): whole hours (time
    zones) plus a residual, see clock.event_offset."""
    small, large, sign = (i, j, 1.0) if len(ctx.by_input[i]) <= len(ctx.by_input[j]) else (j, i, -1.0)
    voters = [f for f in ctx.by_input[small] if f.first_ts is not None and f.local_addr and f.remote_addr]
    if len(voters) > VOTE_NEGOTIATIONS:
        step = len(voters) / VOTE_NEGOTIATIONS
        voters = [voters[int(k * step)] for k in range(VOTE_NEGOTIATIONS)]
    rows = []
    for f in voters:
        others = [ctx.feats[y] for y in ctx.attributes.mirrored(f)[:EVENT_PARTNERS]]
        starts = [g.first_ts for g in others if g.input == large and g.first_ts is not None and not same_role(f, g)]
        rows.append((f.first_ts, f.last_ts if f.last_ts is not None else f.first_ts, starts))
    tol = BASE_TOLERANCE_S + max(ctx.res[i], ctx.res[j])
    found = event_offset(rows, ASSUMED_TOLERANCE_S, max(ctx.res[i], ctx.res[j]), tol)
    if found is None or sign > 0:
        return found
    return Estimate(-found.offset_s, found.uncertainty_s, found.samples, found.method)


def _candidates(ctx: _Context) -> dict[tuple[int, int], Scored]:
    scored: dict[tuple[int, int], Scored] = {}

    def consider(x: int, y: int) -> None:
        key = (min(x, y), max(x, y))
        if key not in scored:
            s = ctx.score(x, y)
            if s is not None:
                scored[key] = s

    for x, y in strong_candidates(ctx.feats):
        consider(x, y)
    for f in ctx.feats:
        for other in ctx.log_inputs:
            if not ctx.may_pair(f.input, other):
                continue
            hits = packet_candidates(f, ctx.index, other, ctx.window(f.input, other))
            for y, _ in hits.most_common(MAX_CANDIDATES):
                consider(f.index, y)
        for y in ctx.attributes.lookup(f):
            if ctx.feats[y].input != f.input:
                consider(f.index, y)
    return scored


def _chain(ctx: _Context, chosen: list[Scored]) -> list[Scored]:
    """Pair successors (and predecessors) of paired negotiations that are still single."""
    ids = {f.id: f.index for f in ctx.feats}
    used = {s.a for s in chosen} | {s.b for s in chosen}
    queue = list(chosen)
    added: list[Scored] = []
    while queue:
        s = queue.pop()
        a, b = ctx.feats[s.a].neg, ctx.feats[s.b].neg
        for link in ("successor", "predecessor"):
            x, y = ids.get(getattr(a, link) or ""), ids.get(getattr(b, link) or "")
            if x is None or y is None or x in used or y in used:
                continue
            base = ctx.score(x, y) or ctx.score(x, y, use_time=False)
            lo, hi = min(x, y), max(x, y)
            if base is None:
                fa, fb = ctx.feats[lo], ctx.feats[hi]
                versions = {fa.neg.ike_version, fb.neg.ike_version} - {None}
                if fa.input == fb.input or len(versions) > 1 or same_role(fa, fb):
                    continue
                base = Scored(lo, hi, 0.0, ())
            linked = Scored(lo, hi, base.score + 50.0, base.evidence + (PairingEvidence.REKEY_CHAIN,),
                            base.matches, base.strong, base.gap)
            used.update((x, y))
            added.append(linked)
            queue.append(linked)
    return added


def _overrides(ctx: _Context, overrides: dict[str, float], notes: list[str]) -> dict[int, float]:
    fixed: dict[int, float] = {}
    for key, value in (overrides or {}).items():
        index = override_index(key, ctx.inputs)
        if index is None:
            notes.append(f"--offset {key}: no input by that name; ignored")
        else:
            fixed[index] = float(value)
    return fixed


def _note(offset: float) -> str | None:
    days = round(offset / 86400)
    if abs(days) >= 300 and abs(offset - days * 86400) < 86400:
        return "about a year: a year-less timestamp given the wrong year?"
    hours = round(offset / 3600)
    if hours and abs(hours) <= 26 and abs(offset - hours * 3600) < 120:
        return f"about {hours:+d} h: a time-zone difference?"
    return None


def _offsets(ctx: _Context, reference: int, edges: dict[tuple[int, int], Estimate]) -> list[ClockOffset]:
    out: list[ClockOffset] = []
    for index in ctx.log_inputs:
        if index == reference:
            continue
        sh = ctx.shifts[index]
        if sh.method == "override":
            out.append(ClockOffset(ctx.name(reference), ctx.name(index), sh.shift, 0.0, "override"))
            continue
        if sh.root != reference or index not in ctx.timed or reference not in ctx.timed:
            why = ("no timestamps" if index not in ctx.timed or reference not in ctx.timed
                   else "no packet logged by both sides")
            out.append(ClockOffset(ctx.name(reference), ctx.name(index), 0.0, 0.0, "none", 0, f"{why}: 0 assumed"))
        else:
            method = EVENT_TIMES if sh.method == EVENT_TIMES else "matched-packets"
            edge = edges.get((min(index, sh.via), max(index, sh.via))) if sh.via is not None else None
            note = "; ".join(filter(None, [
                f"via {ctx.name(sh.via)}" if sh.via is not None and sh.via != reference else None,
                EVENT_NOTE if method == EVENT_TIMES else edge.note if edge is not None else None,
                _note(sh.shift)])) or None
            out.append(ClockOffset(ctx.name(reference), ctx.name(index), sh.shift, sh.uncertainty_s,
                                   method, sh.samples, note))
    # offsets measured between two inputs that the reference is not linked to
    for (i, j), est in sorted(edges.items()):
        si, sj = ctx.shifts[i], ctx.shifts[j]
        if si.root == sj.root and si.root != reference and reference not in (i, j):
            method = EVENT_TIMES if est.method == EVENT_TIMES else "matched-packets"
            note = "; ".join(filter(None, [EVENT_NOTE if method == EVENT_TIMES else est.note,
                                           _note(est.offset_s)])) or None
            out.append(ClockOffset(ctx.name(i), ctx.name(j), est.offset_s, est.uncertainty_s,
                                   method, est.samples, note))
    return out


def _reasons(ctx: _Context, chosen: list[Scored], scored: dict[tuple[int, int], Scored]) -> dict[str, str]:
    peer = {}
    for s in chosen:
        peer[s.a], peer[s.b] = s.b, s.a
    best: dict[int, Scored] = {}
    for s in scored.values():
        for x in (s.a, s.b):
            if x not in best or s.score > best[x].score:
                best[x] = s
    reasons: dict[str, str] = {}
    for f in ctx.feats:
        if f.index in peer:
            continue
        others = [i for i in ctx.log_inputs if i != f.input]
        names = ", ".join(ctx.name(i) for i in others)
        if not others:
            reasons[f.id] = "only one log given: no other end to pair with"
        elif not any(ctx.by_input[i] for i in others):
            reasons[f.id] = f"no negotiation found in {names}"
        elif f.index in best:
            s = best[f.index]
            other = s.b if s.a == f.index else s.a
            taken = peer.get(other)
            rival = ctx.feats[taken].id if taken is not None else "another negotiation"
            reasons[f.id] = f"its closest match {ctx.feats[other].id} pairs better with {rival}"
        elif not f.messages and not (f.child_in or f.child_out or f.ike_spis[0] or f.cookies[0]):
            reasons[f.id] = "nothing to compare: no packets, SPIs or identities logged"
        elif f.messages and not any(not m.outbound for m in f.messages):
            reasons[f.id] = f"never answered: none of its packets shows up in {names} (they never arrived?)"
        elif _outside(ctx, f, others):
            reasons[f.id] = f"outside the time covered by {names}"
        else:
            reasons[f.id] = f"no matching packets, SPIs or identities in {names}"
    return reasons


def _outside(ctx: _Context, f: NegotiationFeatures, others: list[int]) -> bool:
    """f lies outside the (offset-corrected) time every other input covers."""
    if f.first_ts is None:
        return False
    for other in others:
        window, span = ctx.window(f.input, other), ctx.span(other)
        if window is None or span is None:
            return False
        lo, hi = span[0] - window.expected, span[1] - window.expected
        if lo - window.tol <= (f.last_ts or f.first_ts) and f.first_ts <= hi + window.tol:
            return False
    return True


def correlate(negotiations: list[Negotiation], inputs: list[InputSummary],
              overrides: dict[str, float] | None = None) -> Correlation:
    corr = Correlation(newest_first=frozenset(s.spec.index for s in inputs if getattr(s, "reversed", False)))
    ctx = _Context(negotiations, inputs)
    if not ctx.log_inputs:
        return corr
    reference = ctx.log_inputs[0]
    fixed = _overrides(ctx, overrides or {}, corr.notes)

    # 1. exact identifiers first: their packets give trustworthy offsets
    strong = [s for x, y in strong_candidates(ctx.feats) if (s := ctx.score(x, y, use_time=False))]
    edges = _edge_estimates(ctx, _assign(strong))
    # 2. coarse offsets for input pairs no identifier links
    for n, i in enumerate(ctx.log_inputs):
        for j in ctx.log_inputs[n + 1:]:
            if (i, j) not in edges and i in ctx.timed and j in ctx.timed and ctx.may_pair(i, j):
                est = _vote(ctx, i, j)
                if est is None and not (ctx.logs_packets(i) and ctx.logs_packets(j)):
                    est = _event_vote(ctx, i, j)  # one side logs no packets: start times
                if est is not None:
                    edges[(i, j)] = est
    ctx.shifts = resolve_shifts(ctx.log_inputs, reference, edges, fixed)
    for _ in range(REPAIR_ROUNDS):
        # 3. everything, in offset-corrected time windows
        scored = _candidates(ctx)
        chosen = _assign(scored.values())
        # 4. rekeyed / reauthenticated successors
        chosen += _chain(ctx, chosen)
        # 5. re-measure offsets on all final pairs (a voted offset that paired nothing is not
        # evidence); when that moves a clock noticeably, pair again in the better windows
        final = _edge_estimates(ctx, chosen)
        before = ctx.shifts
        ctx.shifts = resolve_shifts(ctx.log_inputs, reference, final, fixed)
        if all(abs(ctx.shifts[i].shift - before[i].shift) <= REPAIR_THRESHOLD_S for i in ctx.log_inputs):
            break

    for s in sorted(chosen, key=lambda s: (s.a, s.b)):
        a, b = ctx.feats[s.a].id, ctx.feats[s.b].id
        corr.pairings.append(Pairing(a, b, s.evidence, s.score))
        corr.peer[a], corr.peer[b] = b, a
    corr.offsets = _offsets(ctx, reference, final)
    corr.input_shift = {i: ctx.shifts[i].shift for i in ctx.log_inputs}
    # 6. which message is which within each final pair, in the final clocks (once, for everyone)
    for s in chosen:
        a, b = ctx.feats[s.a], ctx.feats[s.b]
        corr.aligned[a.id] = corr.aligned[b.id] = align_pair(a, b, corr.input_shift)
    corr.unpaired_reason = _reasons(ctx, chosen, scored)
    return corr
