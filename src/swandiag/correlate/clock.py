"""Clock offsets between inputs, from packets one side sent and the other received.

Each matched packet gives t_second − t_first: offset + δ when the first input's host sent it,
offset − δ when the second's did (δ = transit time). The mean of the two directions' medians
cancels δ. Whole-second timestamps are truncated, so they are moved to the middle of their
second before subtracting.
"""
from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
import math
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from ..analysis import InputSummary
from .align import PacketMatch

MIN_UNCERTAINTY_S = 0.001


@dataclass(slots=True, frozen=True)
class Sample:
    """t_second − t_first for one packet, both raw and centred; forward = sent by the first input."""

    delta: float
    forward: bool


@dataclass(slots=True, frozen=True)
class Estimate:
    offset_s: float  # clock of the second input minus clock of the first
    uncertainty_s: float
    samples: int
    # 'matched-packets' | 'vote' (coarse, before pairing) | 'event-times' (negotiation start
    # times of address-matched negotiations: no packet logged by both sides)
    method: str = "matched-packets"
    note: str | None = None


EVENT_TIMES = "event-times"


def resolution(times: Iterable[float | None]) -> float:
    """1.0 when every timestamp is a whole second (the format has no fraction), else 1 ms."""
    seen = False
    for t in times:
        if t is None:
            continue
        seen = True
        if t != math.floor(t):
            return 0.001
    return 1.0 if seen else 0.001


def samples_from(matches: Iterable[PacketMatch], first_is_a: bool, res_a: float, res_b: float,
                 retransmitted: bool = False) -> list[Sample]:
    """Time samples (second input minus first) from matched packets of negotiations a and b;
    retransmitted requests are left out (which copy arrived is unknown), or with
    `retransmitted` only they are taken (first copy sent vs first copy received)."""
    out: list[Sample] = []
    for m in matches:
        if m.sent.ts is None or m.received.ts is None or m.sent.retransmitted is not retransmitted:
            continue
        a_msg, b_msg = (m.sent, m.received) if m.a_to_b else (m.received, m.sent)
        delta = (b_msg.ts + res_b / 2) - (a_msg.ts + res_a / 2)
        forward = m.a_to_b if first_is_a else not m.a_to_b
        out.append(Sample(delta if first_is_a else -delta, forward))
    return out


def _mad(values: list[float], centre: float) -> float:
    return median(abs(v - centre) for v in values) if values else 0.0


def estimate(samples: list[Sample], res_first: float, res_second: float) -> Estimate | None:
    if not samples:
        return None
    fwd = [s.delta for s in samples if s.forward]
    back = [s.delta for s in samples if not s.forward]
    if fwd and back:
        offset = (median(fwd) + median(back)) / 2
        # half the gap between the directions is the transit time; the spread within each
        # direction is what the clocks' jitter and the time format's resolution leave
        spread = max(_mad(fwd, median(fwd)), _mad(back, median(back))) * 1.4826
    else:
        values = fwd or back
        offset = median(values)
        spread = _mad(values, offset) * 1.4826
    floor = max(res_first, res_second) / 2
    uncertainty = max(spread, floor, MIN_UNCERTAINTY_S)
    return Estimate(round(offset, 3), round(uncertainty, 3), len(samples))


def coarse_offset(votes: Iterable[Iterable[tuple[float, bool]]], width: float) -> tuple[float, float, int] | None:
    """Most supported offset from per-negotiation candidate deltas (one group per negotiation of
    one input: (delta, sent by the voter) to every structurally matching packet of the other
    input).

    The true offset is where the most negotiations have a delta within `width` (transit plus the
    time formats' resolution) of each other; a wrong one pairs each negotiation with a neighbour
    whose start differs by a different amount, so its deltas smear out. Each negotiation counts
    once per window, so one long negotiation cannot outvote many short ones.
    Returns (offset, uncertainty, supporting negotiations)."""
    points: list[tuple[float, int, bool]] = []
    for voter, group in enumerate(votes):
        points.extend((d, voter, forward) for d, forward in group)
    if not points:
        return None
    points.sort()
    count: dict[int, int] = defaultdict(int)
    best: tuple[int, int, float] | None = None  # (support, samples, -|centre|)
    best_span = (0, 0)
    lo = 0
    for hi, (d, voter, _) in enumerate(points):
        count[voter] += 1
        while points[lo][0] < d - width:
            left = points[lo][1]
            count[left] -= 1
            if not count[left]:
                del count[left]
            lo += 1
        rank = (len(count), hi - lo + 1, -abs((points[lo][0] + d) / 2))
        if best is None or rank > best:
            best, best_span = rank, (lo, hi)
    inside = points[best_span[0]:best_span[1] + 1]
    found = estimate([Sample(d, forward) for d, _, forward in inside], 0.0, 0.0)
    return found.offset_s, round(max(found.uncertainty_s, width / 2), 3), best[0]


# start times of two ends of one negotiation agree within transit plus how long the initiator
# takes from its first line to its first packet; 1-s formats add a second
EVENT_FLOOR_S = 1.0


def event_offset(voters: list[tuple[float, float, list[float]]], tolerance: float, resolution_s: float,
                 start_tol: float) -> Estimate | None:
    """Offset from negotiation times when no packet is logged by both sides. `voters`: one per
    negotiation of one input, (first, last, starts of the address-matched negotiations of the
    other input), times raw. Clocks without packets in common are off either by little (NTP) or
    by whole hours (a time zone), so the candidates are the start-to-start deltas within
    `tolerance` of a whole hour. The winner lines up the most voters' starts with a partner's
    start (within `start_tol`), then covers the most partners with its voters' spans (a
    responder that logs every retransmitted request as a new IKE_SA has one partner per copy,
    all inside the initiator's span), then is nearest a whole hour, then the fewest hours. Its
    value is the median of the voters' nearest deltas; uncertainty their spread, at least
    EVENT_FLOOR_S and the resolution."""
    rows = [(first, last, sorted(starts)) for first, last, starts in voters if starts]
    candidates = {round(g - first, 3) for first, _, starts in rows for g in starts
                  if abs((g - first) - 3600 * round((g - first) / 3600)) <= tolerance}
    if not candidates:
        return None

    def nearest(first: float, starts: list[float], offset: float) -> float | None:
        k = bisect_left(starts, first + offset)
        near = [starts[x] - first for x in (k - 1, k) if 0 <= x < len(starts)]
        best = min(near, key=lambda d: abs(d - offset), default=None)
        return best if best is not None and abs(best - offset) <= start_tol else None

    def rank(offset: float) -> tuple:
        lined = sum(1 for first, _, starts in rows if nearest(first, starts, offset) is not None)
        covered = sum(bisect_right(starts, last + offset + start_tol) - bisect_left(starts, first + offset - start_tol)
                      for first, last, starts in rows)
        hours = round(offset / 3600)
        return lined, covered, -abs(offset - 3600 * hours), -abs(hours)

    best = max(sorted(candidates), key=rank)
    residuals = [d for first, _, starts in rows if (d := nearest(first, starts, best)) is not None]
    return start_estimate(residuals, resolution_s)


def start_estimate(deltas: list[float], resolution_s: float) -> Estimate | None:
    """Offset from the start times of paired negotiations (t_second − t_first each)."""
    if not deltas:
        return None
    centre = median(deltas)
    uncertainty = max(_mad(deltas, centre) * 1.4826, EVENT_FLOOR_S, resolution_s)
    return Estimate(round(centre, 3), round(uncertainty, 3), len(deltas), EVENT_TIMES)


def override_index(key: str, inputs: list[InputSummary]) -> int | None:
    """Which input an --offset key names: its name, a member path, or a unique base name."""
    for summary in inputs:
        spec = summary.spec
        if key == spec.name or any(key == m.path for m in spec.members):
            return spec.index
    try:
        real = os.path.realpath(key)
    except (OSError, ValueError):
        real = key
    for summary in inputs:
        if any(real == os.path.realpath(m.path) for m in summary.spec.members):
            return summary.spec.index
    base = [s.spec.index for s in inputs if os.path.basename(s.spec.name) == os.path.basename(key)]
    return base[0] if len(base) == 1 else None


@dataclass(slots=True, frozen=True)
class Shift:
    """How an input's clock relates to the reference: subtract `shift` from its raw times."""

    shift: float
    uncertainty_s: float
    method: str  # 'reference' | 'override' | 'matched-packets' | 'event-times' | 'none'
    root: int  # inputs with the same root have offsets measured against each other
    via: int | None = None  # the input it was derived from
    samples: int = 0


def resolve_shifts(indices: list[int], reference: int, edges: dict[tuple[int, int], Estimate],
                   fixed: dict[int, float]) -> dict[int, Shift]:
    """Spread offsets from the reference (and overridden inputs) along the best-measured edges
    (least accumulated uncertainty first). An input not reached that way gets 0 (method 'none')
    and becomes the root of its own group, so inputs measured only against each other (two
    clients of an unrelated gateway) still line up among themselves."""
    adjacency: dict[int, list[tuple[int, float, float, int, str]]] = defaultdict(list)
    for (i, j), est in edges.items():
        adjacency[i].append((j, est.offset_s, est.uncertainty_s, est.samples, est.method))
        adjacency[j].append((i, -est.offset_s, est.uncertainty_s, est.samples, est.method))
    shifts: dict[int, Shift] = {}
    root = reference
    heap: list[tuple[float, int, int, float, str, int | None, int]] = []
    for index, value in fixed.items():
        heapq.heappush(heap, (0.0, 0, index, value, "override", None, 0))
    heapq.heappush(heap, (0.0, 1, reference, 0.0, "reference", None, 0))
    pending = [i for i in sorted(indices) if i != reference]
    while True:
        while heap:
            unc, _, node, value, method, via, samples = heapq.heappop(heap)
            if node in shifts:
                continue
            shifts[node] = Shift(round(value, 3), round(unc, 3), method, root, via, samples)
            for other, offset, edge_unc, n, how in adjacency[node]:
                if other not in shifts:
                    # a path is as good as its weakest kind of edge
                    kind = EVENT_TIMES if EVENT_TIMES in (how, method) else "matched-packets"
                    heapq.heappush(heap, (unc + edge_unc, 2, other, value + offset, kind, node, n))
        pending = [i for i in pending if i not in shifts]
        if not pending:
            return shifts
        root = pending[0]
        heapq.heappush(heap, (0.0, 1, root, 0.0, "none", None, 0))
