"""The merged raw log as data: every line of every input, interleaved by corrected time, filtered.

A row is one int key, `input << 40 | line`, kept in compact arrays (never one object per line).
Per-line facts (time, level, group) come from the parse stage's events, recorded while the
pipeline runs; lines between events (continuations, unparsed lines) take the time before them.
"""
from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

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

    ts: array = field(default_factory=lambda: array("d"))
    level: array = field(default_factory=lambda: array("b"))
    group: array = field(default_factory=lambda: array("B"))  # index into LogModel.groups, 0 = none

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

    __slots__ = ("log", "facts")

    def __init__(self, log: "LogModel", facts: list[LineFacts]):
        self.log = log
        self.facts = facts

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
        t = math.nan if ts is None else ts
        for i in range(line - 1, last):
            facts.ts[i] = t
            facts.level[i] = lvl
            facts.group[i] = gid


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
        self.rebuild()

    # --- facts from the parse stage -------------------------------------------------------
    def collector(self) -> "FactsCollector":
        """Where a (re-)analysis records its events; `adopt` swaps them in when it is done."""
        return FactsCollector(self, [LineFacts() for _ in self.indexes])

    def adopt(self, collector: "FactsCollector", shift: dict[int, float]) -> None:
        self.facts = collector.facts
        self.shift = dict(shift)
        self.rebuild()

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
        streams = [self._stream(i) for i in range(len(self.indexes))]
        self.order = array("Q", (k for _, k in heapq.merge(*streams)))
        self.apply_filter(self.filter)

    def _stream(self, i: int) -> Iterator[tuple[float, int]]:
        index, facts = self.indexes[i], self.facts[i]
        n = index.lines
        ts = facts.ts
        shift = self.shift.get(i, 0.0)
        first = next((t for t in ts if not math.isnan(t)), math.inf if not ts else -math.inf)
        last = first
        base = i << SHIFT
        for line in range(1, n + 1):
            t = ts[line - 1] if line <= len(ts) else math.nan
            if not math.isnan(t):
                last = t
            yield (last - shift, base | line)

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
        self.rows = array("Q", (k for k in self.order if self._keep(k, flt)))

    def _keep(self, k: int, flt: LogFilter) -> bool:
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
        if flt.pattern is not None:
            return search(flt.pattern, self.text(k)) != flt.hide
        return True

    # --- reading rows ----------------------------------------------------------------------
    def text(self, k: int) -> str:
        i, line = split(k)
        return self.indexes[i].line(line) if i < len(self.indexes) else ""

    def time(self, k: int) -> float | None:
        """Corrected time of a line (None when unknown)."""
        i, line = split(k)
        ts = self.facts[i].ts
        line = min(line, len(ts))
        while line >= 1:
            t = ts[line - 1]
            if not math.isnan(t):
                return t - self.shift.get(i, 0.0)
            line -= 1
        return None

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
        if not n:
            return None
        step = 1 if forward else -1
        for j in range(1, n + 1):
            r = (start + step * j) % n
            if search(pattern, self.text(self.rows[r])):
                return r
        return None


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
