"""The `explains` relation between findings, and the order it gives them: root causes before the
symptoms they explain, info never above error/warning, then severity and confidence.

A signature's `explains` lists symptom ids. `Relation.among(findings)` is the one place that turns
those declarations into "finding A explains finding C": ranking (`Finding.explains` /
`Finding.explained_by` and the order) and the engine's dropping of settled meta findings both use
it, so what a finding explains and what explains a finding always agree.
"""
from __future__ import annotations

import heapq
from typing import Iterable, Mapping, Sequence

from .records import Finding, Severity


def overlap(cause: Finding, symptom: Finding) -> bool:
    """Two findings concern the same negotiation (a paired case lists both ends' ids in each of
    its findings), or either is run-wide (no negotiation: lint and `scope = "run"` findings)."""
    return not cause.negotiations or not symptom.negotiations or bool(set(cause.negotiations) & set(symptom.negotiations))


def cycle(explains: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle of `explains` declarations (`[a, b, a]`, or `[a, a]` for a self-reference), if any."""
    graph = {k: tuple(v) for k, v in explains.items()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [])
            if found:
                return found
    return None


class Relation:
    """`explains` declarations of a set of signatures, as a relation between findings.

    A finding A explains a finding C (both present) when a chain of declarations
    A → X1 → … → C runs through present findings only, each concerning A's negotiations
    (`overlap`). So C's `explained_by` names exactly the present findings whose `explains` name C,
    a cause of one negotiation never explains another negotiation's symptom, and a chain through a
    signature that did not fire says nothing. Declarations that close a cycle are ignored (the
    loader rejects them), so the relation is a strict partial order: no finding explains itself,
    none is both cause and symptom of another.
    """

    def __init__(self, explains: Mapping[str, Iterable[str]]):
        direct = {k: tuple(dict.fromkeys(v)) for k, v in explains.items()}
        reach = {k: _reach(direct, k) for k in direct}
        self.edges: dict[str, tuple[str, ...]] = {
            k: tuple(x for x in v if k not in reach.get(x, ()) and x != k) for k, v in direct.items()}

    def among(self, findings: Sequence[Finding]) -> dict[str, set[str]]:
        """For each finding id, the ids of the findings (of these) it explains. Ids are unique in
        `findings` (one finding per signature: a run's merged findings, or one case's)."""
        by_id = {f.id: f for f in findings}
        out: dict[str, set[str]] = {}
        for f in findings:
            seen: set[str] = set()
            todo = list(self.edges.get(f.id, ()))
            while todo:
                x = todo.pop()
                g = by_id.get(x)
                if x in seen or g is None or not overlap(f, g):
                    continue
                seen.add(x)
                todo.extend(self.edges.get(x, ()))
            out[f.id] = seen
        return out

    def symptoms(self, causes: Iterable[str]) -> set[str]:
        """Ids some of these signatures declare they explain (a finding that may have a cause elsewhere)."""
        return {x for c in causes for x in self.edges.get(c, ())}


def _reach(graph: Mapping[str, Sequence[str]], start: str) -> set[str]:
    out: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        x = todo.pop()
        if x not in out:
            out.add(x)
            todo.extend(graph.get(x, ()))
    return out


def rank(findings: list[Finding], relation: Relation | Mapping[str, Iterable[str]]) -> list[Finding]:
    """Sets `explains` / `explained_by` from the relation and orders the findings: by
    (info last, how many present findings it explains that are not meta findings, severity,
    confidence, id), adjusted so that no finding comes after one it explains (within
    error/warning and within info)."""
    if not isinstance(relation, Relation):
        relation = Relation(relation)
    explained = relation.among(findings)
    by_id = {f.id: f for f in findings}
    weight: dict[str, int] = {}
    for f in findings:
        f.explains = sorted(explained[f.id])
        f.explained_by = sorted(g for g, sym in explained.items() if f.id in sym)
        # a meta finding (inconclusive: "collect more") is no failure: explaining one weighs nothing
        weight[f.id] = sum(1 for x in f.explains if not by_id[x].inconclusive)
        f.rank = round(weight[f.id] + float(f.severity) / 10 + f.confidence / 100, 4)

    def key(f: Finding) -> tuple:
        return (f.severity is Severity.INFO,  # info last, whatever it explains
                -weight[f.id], -int(f.severity), -f.confidence, f.id)

    # smallest key first among the findings none of whose (same-class) causes is still unplaced:
    # the plain key order whenever that order already puts causes first
    waiting = {f.id: sum(1 for c in f.explained_by if key(by_id[c])[0] == key(f)[0]) for f in findings}
    ready = [(key(f), f.id) for f in findings if not waiting[f.id]]
    heapq.heapify(ready)
    out: list[Finding] = []
    while ready:
        _, fid = heapq.heappop(ready)
        f = by_id[fid]
        out.append(f)
        for s in f.explains:
            if key(by_id[s])[0] == key(f)[0]:
                waiting[s] -= 1
                if not waiting[s]:
                    heapq.heappush(ready, (key(by_id[s]), s))
    return out
