"""Orders findings: root causes before the symptoms they explain, info never above
error/warning, then severity and confidence.

A signature's `explains` lists symptom ids. A finding's weight is the number of *present*
findings it explains, transitively; if A explains B, A's set strictly contains B's, so
sorting by that count is a topological order.
"""
from __future__ import annotations

from .records import Finding, Severity


def _overlap(cause: Finding, symptom: Finding) -> bool:
    """A cause explains a symptom only where they concern the same negotiation (or either is run-wide)."""
    return not cause.negotiations or not symptom.negotiations or bool(set(cause.negotiations) & set(symptom.negotiations))


def rank(findings: list[Finding], explains: dict[str, tuple[str, ...]]) -> list[Finding]:
    present = {f.id for f in findings}

    def closure(fid: str) -> set[str]:
        out: set[str] = set()
        todo = list(explains.get(fid, ()))
        while todo:
            x = todo.pop()
            if x in out or x == fid:
                continue
            out.add(x)
            todo.extend(explains.get(x, ()))
        return out & present

    explained = {f.id: closure(f.id) for f in findings}
    by_id = {f.id: f for f in findings}
    for f in findings:
        f.explains = sorted(explained[f.id])
        f.rank = round(len(f.explains) + float(f.severity) / 10 + f.confidence / 100, 4)
        f.explained_by = sorted(g for g, sym in explained.items()
                                if f.id in sym and g != f.id and _overlap(by_id[g], f))
    return sorted(findings, key=lambda f: (
        f.severity is Severity.INFO,  # info last, whatever it explains
        -len(f.explains),
        -int(f.severity),
        -f.confidence,
        f.id,
    ))
