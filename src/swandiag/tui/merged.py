"""The merged raw log as data: every line of every input, interleaved by corrected time, filtered.

A row is one int key, `input << 40 | line`, kept in compact arrays (never one object per line,
never a line's text: that is read from the line index's mmap when a row is drawn or searched).
Per-line facts (time, level, group) come from the parse stage's events, recorded while the
pipeline runs; lines between events (continuations, unparsed lines) take the time before them,
so the time array is filled forward as it is recorded and a line's time is one lookup.

Big inputs: the merge of time-ordered inputs copies whole runs of keys (bisect + range), the
filter and the search can run over a slice of rows at a time (`keep_range`, `find_range`) so a
worker thread does them chunk by chunk, and a re-analysis prepares its new order in the worker
(`prepare`) while the UI thread only swaps it in (`adopt_prepared`).

Causal ties: most logs have whole-second times, so a second holds many lines of each side. Given
the analysis' matched messages (`after`: a line that receives a message -> the line that sent it
on the other side), the merge takes, at equal time, from an input whose next line does not wait
for a send not yet emitted, so a `received packet` follows its `sending packet`. Constraints
only break ties: they never move a line across a different time nor within its own input.
"""
from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice, repeat
from operator import le, sub

import regex

from .lineindex import LineIndex
from .text import search

SHIFT = 40
LINE_MASK = (1 << SHIFT) - 1
NO_LEVEL = -1


def key(input_: int, line: int) -> int:
    return input_ << SHIFT | line


def split(k: int) -> tuple[int, int]:
    return k >> SHIFT, k & LINE_MASK


@dataclass(slots=True)
class LineFacts:
    """Per-line facts of one input; index = line - 1. Unknown time is NaN."""

    ts: array = field(default_factory=lambda: array("d"))  # filled forward: NaN only before the first time
    level: array = field(default_factory=lambda: array("b"))
    group: array = field(default_factory=lambda: array("B"))  # index into LogModel.groups, 0 = none
    first: int = -1  # index of the first line with a known time (-1: none)
    last: int = 0  # lines recorded so far (the forward fill reaches this far)

    def grow(self, lines: int) -> None:
        missing = lines - len(self.ts)
        if missing > 0:
            self.ts.extend([math.nan] * missing)
            self.level.extend([NO_LEVEL] * missing)
            self.group.extend([0] * missing)


@dataclass(slots=True)
class LogFilter:
    inputs: frozenset[int] | None = None  # None = every input
    lines: frozenset[int] | None = None  # keys of the lines of a negotiation (None = all)
    negotiation: str | None = None  # label of `lines`, for the status line
    groups: frozenset[str] | None = None
    max_level: int | None = None  # lines with a known level above it are hidden
    pattern: regex.Pattern | None = None
    hide: bool = False  # `pattern` hides matching lines instead of keeping only them

    @property
    def active(self) -> bool:
        return any(x is not None for x in (self.inputs, self.lines, self.groups, self.max_level, self.pattern))

    def describe(self) -> str:
        parts = []
        if self.inputs is not None:
            parts.append(f"inputs {sorted(i + 1 for i in self.inputs)}")
        if self.negotiation:
            parts.append(f"negotiation {self.negotiation}")
        if self.groups is not None:
            parts.append("groups " + ",".join(sorted(self.groups)))
        if self.max_level is not None:
            parts.append(f"level ≤ {self.max_level}")
        if self.pattern is not None:
            parts.append(("hide /" if self.hide else "only /") + self.pattern.pattern + "/")
        return "; ".join(parts)


class FactsCollector:
    """Per-line facts being recorded from a run of the parse stage (in the loader thread)."""

    __slots__ = ("log", "facts", "lines")

    def __init__(self, log: "LogModel", facts: list[LineFacts]):
        self.log = log
        self.facts = facts
        self.lines = [ix.lines for ix in log.indexes]  # what the indexes held when the run began

    def record(self, input_: int, line: int, nlines: int, ts: float | None, level: int | None,
               group: str | None) -> None:
        if input_ >= len(self.facts) or line < 1:
            return
        facts = self.facts[input_]
        last = line + max(1, nlines) - 1
        if len(facts.ts) < last:
            facts.grow(max(last, self.log.indexes[input_].lines))
        gid = self.log.group_id(group)
        lvl = NO_LEVEL if level is None else max(-1, min(level, 100))
        times = facts.ts
        before = times[facts.last - 1] if facts.last else math.nan  # the time before this event
        if line - 1 > facts.last and before == before:
            times[facts.last : line - 1] = array("d", [before]) * (line - 1 - facts.last)  # lines between events
        if ts is None:  # unknown: the time of the line before (filled forward just above)
            t = times[line - 2] if line >= 2 else math.nan
        else:
            t = ts
        if t == t and (facts.first < 0 or line - 1 < facts.first):
            facts.first = line - 1
        for i in range(line - 1, last):
            times[i] = t
            facts.level[i] = lvl
            facts.group[i] = gid
        if last > facts.last:
            facts.last = last

    def finish(self) -> None:
        """Lines after the last event take its time."""
        for facts in self.facts:
            n = len(facts.ts)
            if 0 < facts.last < n and facts.ts[facts.last - 1] == facts.ts[facts.last - 1]:
                facts.ts[facts.last : n] = array("d", [facts.ts[facts.last - 1]]) * (n - facts.last)
            facts.last = n


@dataclass(slots=True)
class Prepared:
    """A re-analysis' facts and merged order, computed away from the UI thread."""

    facts: list[LineFacts]
    shift: dict[int, float]
    order: array
    lines: list[int]  # lines per input that `order` holds


class LogModel:
    """Line indexes + per-line facts + merged order + current filter."""

    def __init__(self, indexes: list[LineIndex]):
        self.indexes = indexes
        self.facts = [LineFacts() for _ in indexes]
        self.groups: list[str] = [""]
        self._group_ids: dict[str, int] = {"": 0}
        self.shift: dict[int, float] = {}
        self.order = array("Q")
        self.rows = array("Q")
        self.filter = LogFilter()
        self._staged: Prepared | None = None
        self.rebuild()

    # --- facts from the parse stage -------------------------------------------------------
    def collector(self) -> "FactsCollector":
        """Where a (re-)analysis records its events; `adopt` swaps them in when it is done."""
        return FactsCollector(self, [LineFacts() for _ in self.indexes])

    def prepare(self, collector: "FactsCollector", shift: dict[int, float],
                after: dict[int, int] | None = None) -> Prepared:
        """The new facts and merged order (slow on big inputs: call it in a worker thread).
        `after`: receiving line key -> sending line key, to order equal times causally."""
        collector.finish()
        lines = [ix.lines for ix in self.indexes]
        shift = dict(shift)
        return Prepared(collector.facts, shift, merge_order(lines, collector.facts, shift, after), lines)

    def adopt_prepared(self, prepared: Prepared, refilter: bool = True) -> None:
        """Swap in a prepared order (cheap); lines indexed since it was prepared go at the end.
        With `refilter` False and a filter active, the rows are left for the caller to filter
        again (in a worker)."""
        self.facts = prepared.facts
        self.shift = prepared.shift
        order = prepared.order
        for i, ix in enumerate(self.indexes):
            seen = prepared.lines[i] if i < len(prepared.lines) else 0
            if ix.lines > seen:
                order.extend(range(key(i, seen + 1), key(i, ix.lines) + 1))
        self.order = order
        if refilter or not self.filter.active:
            self.apply_filter(self.filter)

    def adopt(self, collector: "FactsCollector", shift: dict[int, float],
              after: dict[int, int] | None = None) -> None:
        self.adopt_prepared(self.prepare(collector, shift, after))

    def group_id(self, group: str | None) -> int:
        if not group:
            return 0
        gid = self._group_ids.get(group)
        if gid is None:
            gid = len(self.groups) if len(self.groups) < 255 else 0
            if gid:
                self._group_ids[group] = gid
                self.groups.append(group)
        return gid

    # --- order and filter -------------------------------------------------------------------
    def rebuild(self) -> None:
        """Merge every input by corrected time (a k-way merge: each input keeps its own order)."""
        self.order = merge_order([ix.lines for ix in self.indexes], self.facts, self.shift)
        self.apply_filter(self.filter)

    def extend(self, keys: list[int]) -> None:
        """Lines appended to followed files: shown at the end until the next re-analysis."""
        self.order.extend(keys)
        if self.filter.active:
            self.rows.extend(k for k in keys if self._keep(k, self.filter))

    def apply_filter(self, flt: LogFilter) -> None:
        self.filter = flt
        if not flt.active:
            self.rows = self.order
            return
        self.rows = self.keep_range(flt, self.order, 0, len(self.order))

    def keep_range(self, flt: LogFilter, order: array, start: int, stop: int) -> array:
        """The keys of `order[start:stop]` that `flt` keeps (a chunk of a filter run)."""
        keep = self._keep
        if flt.pattern is None or stop - start < _BLOCK_MIN:
            return array("Q", (k for k in islice(order, start, stop) if keep(k, flt)))
        hits = set(self.match_rows(flt.pattern, order, start, stop))
        hide = flt.hide
        return array("Q", (k for r, k in enumerate(islice(order, start, stop), start)
                           if ((r in hits) != hide) and keep(k, flt, False)))

    def match_rows(self, pattern: regex.Pattern, rows: array, start: int, stop: int) -> list[int]:
        """The positions in rows[start:stop] whose line's text matches `pattern`, in order. Runs
        of consecutive lines of one input are searched as one block of the mapped file (the
        hits confirmed line by line); the rest line by line."""
        out: list[int] = []
        block = _block_pattern(pattern)
        self._match_span(pattern, block, rows, start, stop, out)
        return out

    def _match_span(self, pattern, block, rows: array, a: int, b: int, out: list[int]) -> None:
        m = b - a
        if m <= 0:
            return
        first = rows[a]
        if block is not None and m >= _BLOCK_MIN and rows[b - 1] - first == m - 1 \
                and rows[a:b] == array("Q", range(first, first + m)):
            i, line = split(first)
            hits = self.indexes[i].grep(block, line, line + m - 1) if i < len(self.indexes) else []
            if hits is not None:
                text = self.text
                out.extend(a + h - line for h in hits if search(pattern, text(key(i, h))))
                return
        if block is None or m <= _BLOCK_MIN:
            text = self.text
            out.extend(r for r in range(a, b) if search(pattern, text(rows[r])))
            return
        mid = (a + b) // 2
        self._match_span(pattern, block, rows, a, mid, out)
        self._match_span(pattern, block, rows, mid, b, out)

    def _keep(self, k: int, flt: LogFilter, check_pattern: bool = True) -> bool:
        i, line = k >> SHIFT, k & LINE_MASK
        if flt.inputs is not None and i not in flt.inputs:
            return False
        if flt.lines is not None and k not in flt.lines:
            return False
        facts = self.facts[i]
        if flt.groups is not None:
            g = self.groups[facts.group[line - 1]] if line <= len(facts.group) else ""
            if g not in flt.groups:
                return False
        if flt.max_level is not None and line <= len(facts.level):
            lvl = facts.level[line - 1]
            if lvl != NO_LEVEL and lvl > flt.max_level:
                return False
        if flt.pattern is not None and check_pattern:
            return search(flt.pattern, self.text(k)) != flt.hide
        return True

    # --- reading rows ----------------------------------------------------------------------
    def text(self, k: int) -> str:
        i, line = split(k)
        return self.indexes[i].line(line) if i < len(self.indexes) else ""

    def time(self, k: int) -> float | None:
        """Corrected time of a line (None when unknown)."""
        i, line = split(k)
        if i >= len(self.facts):
            return None
        ts = self.facts[i].ts
        n = len(ts)
        if not n or line < 1:
            return None
        t = ts[min(line, n) - 1]
        if t != t:  # NaN: before the first line with a time
            return None
        return t - self.shift.get(i, 0.0)

    def level(self, k: int) -> int | None:
        i, line = split(k)
        lv = self.facts[i].level
        return lv[line - 1] if line <= len(lv) and lv[line - 1] != NO_LEVEL else None

    def row_of(self, input_: int, line: int) -> int | None:
        try:
            return self.rows.index(key(input_, line))
        except ValueError:
            return None

    def row_at_time(self, t: float) -> int:
        """First row at or after corrected time `t` (rows are in time order per input)."""
        times = _RowTimes(self)
        return min(bisect_left(times, t), max(0, len(self.rows) - 1))

    def find(self, pattern: regex.Pattern, start: int, forward: bool = True) -> int | None:
        """Next row after `start` whose text matches (wrapping); None when none does."""
        n = len(self.rows)
        hit = scan_rows(self.matcher(pattern), self.rows, start, n, forward)
        return None if hit is None else hit % n

    def matcher(self, pattern: regex.Pattern) -> Callable[[int], bool]:
        """key -> whether the line's text matches `pattern`."""
        text = self.text
        return lambda k: search(pattern, text(k))

    # --- pending order from a re-analysis ----------------------------------------------------
    def stage(self, prepared: Prepared) -> None:
        """Keep a prepared order for the UI thread to adopt (`adopt_staged`)."""
        self._staged = prepared

    def adopt_staged(self, refilter: bool = True) -> bool:
        prepared, self._staged = self._staged, None
        if prepared is None:
            return False
        self.adopt_prepared(prepared, refilter)
        return True


_BLOCK_MIN = 64  # rows: shorter runs are searched line by line
_NOT_BLOCKWISE = regex.compile(r"\\[AZzG]")  # anchors a block search would read differently


def _block_pattern(pattern: regex.Pattern) -> regex.Pattern | None:
    """`pattern` for a search over many lines at once (^ and $ at every line), or None when it
    has an anchor that means something else over a block."""
    if _NOT_BLOCKWISE.search(pattern.pattern):
        return None
    try:
        return regex.compile(pattern.pattern, pattern.flags | regex.MULTILINE)
    except (regex.error, ValueError):
        return None


def find_in(model: "LogModel", pattern: regex.Pattern, rows: array, lo: int, hi: int,
            forward: bool) -> int | None:
    """The first (forward) or last (backward) row in rows[lo:hi] whose text matches."""
    hits = model.match_rows(pattern, rows, lo, hi) if hi > lo else []
    if not hits:
        return None
    return hits[0] if forward else hits[-1]


def scan_rows(match: Callable[[int], bool], rows: array, start: int, count: int,
              forward: bool = True) -> int | None:
    """The first of the `count` rows after `start` (wrapping round `rows`) whose key `match`es,
    as `start + step * j`, not wrapped (take it modulo len(rows)); None when none does."""
    n = len(rows)
    if not n:
        return None
    step = 1 if forward else -1
    for j in range(1, min(count, n) + 1):
        if match(rows[(start + step * j) % n]):
            return start + step * j
    return None


def merge_order(lines: list[int], facts: list[LineFacts], shift: dict[int, float],
                after: dict[int, int] | None = None) -> array:
    """Every line's key, merged by corrected time; within an input, its own order; equal times go
    by input, except that a line in `after` (receive key -> send key) waits, among equal times,
    until its send has been emitted. Inputs whose times never go back (the usual case) are
    merged run by run (bisect and a range copy per run: a big gateway log beside a small client
    log costs little more than a copy); otherwise a greedy k-way merge of (time, key) like
    `heapq.merge`. Either way O(lines + constraints) beside the copies."""
    present = [i for i, n in enumerate(lines) if n > 0]
    if len(present) <= 1:
        out = array("Q")
        for i in present:
            out.extend(range(key(i, 1), key(i, lines[i]) + 1))
        return out
    times = {i: _merge_times(lines[i], facts[i] if i < len(facts) else LineFacts(), shift.get(i, 0.0))
             for i in present}
    after = _tie_constraints(after, times) if after else {}
    if all(all(map(le, t, islice(t, 1, None))) for t in times.values()):
        return _merge_runs(times, after)
    if after:
        return _merge_lines(times, after)
    streams = [zip(times[i], range(key(i, 1), key(i, lines[i]) + 1)) for i in present]
    return array("Q", (k for _, k in heapq.merge(*streams)))


def _merge_times(n: int, facts: LineFacts, shift: float) -> array:
    """The time each of an input's `n` lines is merged at: filled forward, lines before the
    first time take that first time, lines not analysed yet take the last time, minus shift."""
    ts = facts.ts
    m = min(n, len(ts))
    if facts.first < 0 or facts.first >= m:
        const = math.inf if not len(ts) else -math.inf
        return array("d", [const]) * n
    out = ts[:m]
    if facts.first:
        out[0 : facts.first] = array("d", [out[facts.first]]) * facts.first
    if m < n:
        out.extend(array("d", [out[m - 1]]) * (n - m))
    if shift:
        out = array("d", map(sub, out, repeat(shift)))
    return out


def _tie_constraints(after: dict[int, int], times: dict[int, array]) -> dict[int, int]:
    """The constraints that can matter: both lines present, in different inputs, at the same
    merge time (a tie); the rest could only reorder across times, which they never do."""
    out: dict[int, int] = {}
    for recv, send in after.items():
        i, a = split(recv)
        j, b = split(send)
        if i == j or i not in times or j not in times:
            continue
        ti, tj = times[i], times[j]
        if 1 <= a <= len(ti) and 1 <= b <= len(tj) and ti[a - 1] == tj[b - 1]:
            out[recv] = send
    return out


def _stops(after: dict[int, int], times: dict[int, array]) -> dict[int, list[int]]:
    """Per input, the 0-based positions where a run must end so that the constraints are looked
    at again: before a receiving line (its position) and after a sending line (position + 1)."""
    stops: dict[int, set[int]] = {i: set() for i in times}
    for recv, send in after.items():
        i, a = split(recv)
        j, b = split(send)
        stops[i].add(a - 1)
        stops[j].add(b)
    return {i: sorted(s) for i, s in stops.items()}


def _merge_runs(times: dict[int, array], after: dict[int, int] | None = None) -> array:
    """Merge time-sorted inputs: take the longest run of the input with the earliest head that
    stays before every other input's head. At a tie, an input whose head waits for a send not
    yet emitted (`after`) yields to one that does not (all waiting: by input, as without)."""
    after = after or {}
    out = array("Q")
    pos = {i: 0 for i in times}
    live = sorted(times)
    stops = _stops(after, times) if after else {}
    emitted: set[int] = set()  # sending keys emitted so far
    sends = set(after.values())

    def waits(i: int) -> bool:
        need = after.get(key(i, pos[i] + 1))
        return need is not None and need not in emitted

    while live:
        if len(live) == 1:
            i = live[0]
            out.extend(range(key(i, pos[i] + 1), key(i, len(times[i])) + 1))
            break
        heads = sorted((times[i][pos[i]], waits(i) if after else False, i) for i in live)
        t1, _, i = heads[0]
        ts, p = times[i], pos[i]
        if len(heads) == 1:
            end = len(ts)
        else:
            t2, _, j = heads[1]
            if not after:
                end = bisect_right(ts, t2, p) if i < j else bisect_left(ts, t2, p)
            elif t1 < t2:
                end = bisect_left(ts, t2, p)
            else:  # a tie that `i` won: its lines at this time, up to the next constraint
                end = bisect_right(ts, t2, p)
            end = max(end, p + 1)
        if after:
            st = stops[i]
            k = bisect_right(st, p)  # the next stop after the head (the head itself goes)
            if k < len(st) and st[k] < end:
                end = st[k]
            last = key(i, end)  # a run holds a send only as its last line (a stop follows each)
            if last in sends:
                emitted.add(last)
        out.extend(range(key(i, p + 1), key(i, end) + 1))
        pos[i] = end
        if end >= len(ts):
            live.remove(i)
    return out


def _merge_lines(times: dict[int, array], after: dict[int, int]) -> array:
    """A greedy k-way merge line by line (inputs whose times go back somewhere), heads compared
    by (time, waits for an unemitted send, input)."""
    out = array("Q")
    pos = {i: 0 for i in times}
    live = sorted(times)
    emitted: set[int] = set()
    while live:
        best = None
        for i in live:
            k = key(i, pos[i] + 1)
            need = after.get(k)
            cand = (times[i][pos[i]], need is not None and need not in emitted, i)
            if best is None or cand < best:
                best = cand
        i = best[2]
        k = key(i, pos[i] + 1)
        out.append(k)
        emitted.add(k)
        pos[i] += 1
        if pos[i] >= len(times[i]):
            live.remove(i)
    return out


class _RowTimes:
    """A lazy sequence of the rows' times for bisect (unknown time sorts first)."""

    __slots__ = ("model",)

    def __init__(self, model: LogModel):
        self.model = model

    def __len__(self) -> int:
        return len(self.model.rows)

    def __getitem__(self, i: int) -> float:
        t = self.model.time(self.model.rows[i])
        return -math.inf if t is None else t
