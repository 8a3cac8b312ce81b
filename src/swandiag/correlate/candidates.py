"""Indexes that propose which negotiations might be two ends of one, without comparing all pairs.

- SPIs / IKE SPIs / cookies: exact lookups (one side's inbound CHILD_SA SPI is the other's outbound).
- Packets: every message by what the other end logs for it (direction, size — or exchange and
  message id when sizes are not logged), per input, sorted by raw time, so a time window after
  offset correction is a binary search.
- Identities and virtual IPs: for negotiations whose packets were not logged.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator

from ..negotiation.records import Role
from .align import TimeWindow, compatible
from .features import NON_ESP_MARKER, MessageFeature, NegotiationFeatures

UNTIMED_BUCKET_CAP = 2000  # beyond this a time-less key says nothing about who is who
ATTRIBUTE_BUCKET_CAP = 256


def _size_key(input_: int, outbound: bool, size: int) -> tuple:
    return (input_, outbound, "size", size)


def _kind_key(input_: int, outbound: bool, msg: MessageFeature) -> tuple:
    return (input_, outbound, "kind", msg.exchange, msg.mid)


class MessageIndex:
    def __init__(self, feats: list[NegotiationFeatures]) -> None:
        timed: dict[tuple, list[tuple[float, int, int]]] = defaultdict(list)
        untimed: dict[tuple, list[tuple[int, MessageFeature]]] = defaultdict(list)
        self._feats = feats
        self._unsized_inputs: set[int] = set()
        for f in feats:
            for m in f.messages:
                keys = [_kind_key(f.input, m.outbound, m)]
                if m.size is not None:
                    keys.append(_size_key(f.input, m.outbound, m.size))
                else:
                    self._unsized_inputs.add(f.input)
                for key in keys:
                    if m.ts is None:
                        untimed[key].append((f.index, m))
                    else:
                        timed[key].append((m.ts, f.index, m.index))
        self._times: dict[tuple, list[float]] = {}
        self._owners: dict[tuple, list[tuple[int, MessageFeature]]] = {}
        for key, rows in timed.items():
            rows.sort()
            self._times[key] = [t for t, _, _ in rows]
            self._owners[key] = [(i, feats[i].messages[k]) for _, i, k in rows]
        self._untimed = dict(untimed)

    def feature(self, index: int) -> NegotiationFeatures:
        return self._feats[index]

    def _keys(self, msg: MessageFeature, other: int) -> list[tuple]:
        want = not msg.outbound
        if msg.size is None:
            return [_kind_key(other, want, msg)]
        keys = [_size_key(other, want, msg.size + d) for d in (0, NON_ESP_MARKER, -NON_ESP_MARKER)]
        if other in self._unsized_inputs:
            keys.append(_kind_key(other, want, msg))
        return keys

    def hits(self, msg: MessageFeature, other: int, window: TimeWindow | None,
             cap: int = UNTIMED_BUCKET_CAP) -> Iterator[tuple[float | None, int]]:
        """(raw time, negotiation index) of messages in input `other` that could be `msg`'s copy
        (same size, and exchange / message id / request flag where both sides logged them)."""
        for key in self._keys(msg, other):
            times, owners = self._times.get(key), self._owners.get(key)
            if times:
                if window is not None and msg.ts is not None:
                    centre = msg.ts + window.expected
                    lo, hi = bisect_left(times, centre - window.tol), bisect_right(times, centre + window.tol)
                elif len(times) <= cap:
                    lo, hi = 0, len(times)
                else:
                    lo = hi = 0
                for k in range(lo, hi):
                    owner, got = owners[k]
                    if compatible(msg, got):
                        yield times[k], owner
            untimed = self._untimed.get(key, ())
            if len(untimed) <= cap:
                for owner, got in untimed:
                    if compatible(msg, got):
                        yield None, owner


def packet_candidates(f: NegotiationFeatures, index: MessageIndex, other: int,
                      window: TimeWindow | None) -> Counter[int]:
    """Negotiations of input `other` by how many of f's messages they could hold a copy of."""
    counts: Counter[int] = Counter()
    for m in f.messages:
        for owner in {owner for _, owner in index.hits(m, other, window)}:
            counts[owner] += 1
    return counts


def vote_deltas(f: NegotiationFeatures, index: MessageIndex, other: int, cap: int,
                per_voter: int) -> list[tuple[float, bool]]:
    """Raw time differences (other − f) to every packet of input `other` that structurally could
    be a copy of one of f's first `per_voter` packets (sized, or at least of a known exchange),
    with whether f sent it: material for a coarse offset vote."""
    out: list[tuple[float, bool]] = []
    voting = [m for m in f.messages if m.ts is not None and (m.size is not None or m.exchange)][:per_voter]
    for m in voting:
        for t, owner in index.hits(m, other, None, cap):
            if t is not None and not same_role(f, index.feature(owner)):
                out.append((t - m.ts, m.outbound))
    return out


def same_role(a: NegotiationFeatures, b: NegotiationFeatures) -> bool:
    """Both initiators (or both responders): cannot be two ends of one IKE_SA."""
    return a.role is b.role and a.role is not Role.UNKNOWN


def strong_candidates(feats: list[NegotiationFeatures]) -> set[tuple[int, int]]:
    """Pairs (lower index first) that share a CHILD_SA SPI in mirrored directions, an IKE SPI
    or an IKEv1 cookie."""
    by_in: dict[int, list[int]] = defaultdict(list)
    by_out: dict[int, list[int]] = defaultdict(list)
    by_ike: dict[int, list[int]] = defaultdict(list)
    for f in feats:
        for spi in f.child_in:
            by_in[spi].append(f.index)
        for spi in f.child_out:
            by_out[spi].append(f.index)
        for spi in (f.ike_spis[0], f.cookies[0]):
            if spi:
                by_ike[spi].append(f.index)
    pairs: set[tuple[int, int]] = set()

    def add(i: int, j: int) -> None:
        if feats[i].input != feats[j].input:
            pairs.add((min(i, j), max(i, j)))

    for spi, holders in by_in.items():
        for i in holders:
            for j in by_out.get(spi, ()):
                add(i, j)
    for holders in by_ike.values():
        if len(holders) <= ATTRIBUTE_BUCKET_CAP:
            for n, i in enumerate(holders):
                for j in holders[n + 1:]:
                    add(i, j)
    return pairs


class AttributeIndex:
    """Negotiations by who they say they are, which virtual IP they hold, and (for those
    without logged packets) their two endpoints."""

    def __init__(self, feats: list[NegotiationFeatures]) -> None:
        self._by: dict[tuple[str, str], list[int]] = defaultdict(list)
        for f in feats:
            for value in f.local_ids:
                self._by[("local", value)].append(f.index)
            for value in f.remote_ids:
                self._by[("remote", value)].append(f.index)
            for value in f.user_ids:
                self._by[("user", value)].append(f.index)
            for value in f.vips:
                self._by[("vip", value)].append(f.index)
            if f.local_addr and f.remote_addr:
                self._by[("ends", f"{f.local_addr}>{f.remote_addr}")].append(f.index)

    def mirrored(self, f: NegotiationFeatures) -> list[int]:
        """Negotiations whose endpoints are f's seen from the other end (untranslated)."""
        if not (f.local_addr and f.remote_addr):
            return []
        holders = self._by.get(("ends", f"{f.remote_addr}>{f.local_addr}"), [])
        return holders if len(holders) <= ATTRIBUTE_BUCKET_CAP else []

    def lookup(self, f: NegotiationFeatures) -> set[int]:
        keys = [("remote", v) for v in f.local_ids] + [("local", v) for v in f.remote_ids]
        keys += [("user", v) for v in f.user_ids] + [("vip", v) for v in f.vips]
        if not f.messages and f.local_addr and f.remote_addr:
            # no packets logged on this side: its endpoints are all there is to go on
            keys.append(("ends", f"{f.remote_addr}>{f.local_addr}"))
        out: set[int] = set()
        for key in keys:
            holders = self._by.get(key, ())
            if len(holders) <= ATTRIBUTE_BUCKET_CAP:
                out.update(holders)
        out.discard(f.index)
        return out
