"""Evaluates signatures on an Analysis and returns ranked findings.

Each signature is tried on every case (a negotiation with its paired peer, see case.py); the
findings of one signature over several cases merge into one finding citing all of them.
"""
from __future__ import annotations

from typing import Any, Iterable

import regex

from ..analysis import Analysis
from ..limits import REGEX_TIMEOUT
from .case import SIDES, Case, Hit, build_cases
from .conditions import codes_allow, required_codes
from .lint_source import is_lint_signature
from .placeholders import fill
from .ranking import Relation, rank
from .records import Evidence, Finding, Fix
from .signature import Signature

MAX_EVIDENCE = 12
# a platform-specific signature on a client whose platform the logs do not show: still said, less sure
UNKNOWN_PLATFORM_FACTOR = 0.75
_SIDE_PLACEHOLDER = regex.compile(r"\{(gateway|client)\.[a-z0-9_]+\}")
_SIDE_ORDER = {"gateway": 0, "client": 1, "config": 2}


def evaluate(analysis: Analysis, signatures: Iterable[Signature]) -> list[Finding]:
    signatures = list(signatures)
    cases = build_cases(analysis)
    shared = cases[0].shared if cases else {}
    found: list[tuple[Finding, Case]] = []
    for sig in signatures:
        targets = cases if sig.scope == "case" else [Case(analysis, {}, shared=shared)]
        needs = required_codes(sig.when)  # observation codes without which it cannot match
        for case in targets:
            if not applies(sig, case) or (needs and not codes_allow(needs, case)):
                continue
            finding = match(sig, case)
            if finding is not None:
                found.append((finding, case))
    relation = Relation({s.id: s.explains for s in signatures})
    merged: dict[str, Finding] = {}
    for finding in _settled(found, {s.id: s for s in signatures}, relation):
        _merge(merged, finding)
    return rank(list(merged.values()), relation)


def _settled(found: list[tuple[Finding, Case]], sigs: dict[str, Signature], relation: Relation) -> list[Finding]:
    """Drops an inconclusive (meta) finding of a case when a root cause shown by that case's own
    log explains it. "Explains" is the relation ranking uses (`Relation.among` over the case's
    findings); the root cause must need nothing more (not inconclusive, no `collect`), be no log
    signature's symptom (listed in no non-lint `explains`: `auth-failed` says the other end
    rejected, not why; lint signatures' `explains` only fold configuration evidence) and cite
    evidence of a side whose log is there. Run-scoped findings are never dropped."""
    symptoms = relation.symptoms(s.id for s in sigs.values() if not is_lint_signature(s))
    per_case: dict[int, list[Finding]] = {}
    for finding, case in found:
        per_case.setdefault(id(case), []).append(finding)
    explained: dict[int, dict[str, set[str]]] = {}
    out: list[Finding] = []
    for finding, case in found:
        if sigs[finding.id].inconclusive and case.sides:
            if id(case) not in explained:
                explained[id(case)] = relation.among(per_case[id(case)])
            if any(finding.id in explained[id(case)][root.id] and _shows_cause(root, sigs[root.id], case, symptoms)
                   for root in per_case[id(case)]):
                continue
        out.append(finding)
    return out


def _shows_cause(root: Finding, sig: Signature, case: Case, symptoms: set[str]) -> bool:
    """A finding that needs nothing more, is nobody's symptom, and cites a side present in the case."""
    if sig.inconclusive or sig.collect or sig.id in symptoms:
        return False
    return any(e.side in case.sides for e in root.evidence)


def match(sig: Signature, case: Case) -> Finding | None:
    captures: dict[str, Any] = {}
    hits = sig.when.eval(case, captures)
    if hits is None:
        return None
    confidence, platform_note = _platform(sig, case)
    return Finding(
        id=sig.id,
        severity=sig.severity,
        confidence=confidence,
        title=sig.title,
        explanation=(fill(sig.explanation, case, captures).strip() + platform_note),
        negotiations=case.ids(),
        evidence=evidence(case, hits),
        fix=Fix(
            gateway={k: fill(v, case, captures) for k, v in sig.fix.gateway.items()},
            client={k: fill(v, case, captures) for k, v in sig.fix.client.items()},
            summary=fill(sig.fix.summary, case, captures),
        ),
        references=list(sig.references),
        inconclusive=sig.inconclusive,
        collect=[fill(c, case, captures) for c in sig.collect if _about_present_side(c, case)],
    )


def _about_present_side(text: str, case: Case) -> bool:
    """A collect line naming only `{gateway.*}` / `{client.*}` of absent sides is about another
    situation (e.g. 'collect the gateway's log' when the gateway's log is the one we have)."""
    sides = {m.group(1) for m in _SIDE_PLACEHOLDER.finditer(text, timeout=REGEX_TIMEOUT)}
    return not sides or any(case.present(s) for s in sides)


def _platform(sig: Signature, case: Case) -> tuple[float, str]:
    """Platform-specific signatures say which client they saw; unrecognised, they still fire
    (the quirk may well be there) with lower confidence."""
    if not sig.applies.platform:
        return sig.confidence, ""
    known = sorted({n.client_platform for n in case.sides.values() if n.client_platform})
    if known:
        return sig.confidence, f"\n\nClient platform: {', '.join(known)} (recognised from the logs)."
    wanted = ", ".join(sig.applies.platform)
    return (round(sig.confidence * UNKNOWN_PLATFORM_FACTOR, 3),
            f"\n\nClient platform: not recognised from these logs; this problem is specific to {wanted} "
            "clients, so the confidence is lowered.")


def applies(sig: Signature, case: Case) -> bool:
    a = sig.applies
    negs = list(case.sides.values())
    if a.sides and not all(case.present(s) for s in a.sides):
        return False
    versions = {n.ike_version for n in negs if n.ike_version}
    if a.ike and versions and not versions & set(a.ike):
        return False
    platforms = {n.client_platform for n in negs if n.client_platform}
    if a.platform and platforms and not any(p.startswith(w) for p in platforms for w in a.platform):
        return False
    gw = case.negotiation("gateway")
    if a.role and gw is not None and gw.role.value != "unknown" and gw.role.value not in a.role:
        return False
    if a.daemon and negs and not any(n.daemon in a.daemon for n in negs):
        return False
    return True


def evidence(case: Case, hits: list[Hit]) -> list[Evidence]:
    seen: set[tuple[str, int]] = set()
    ordered = sorted(hits, key=lambda h: (_SIDE_ORDER.get(h.side, 3), h.ts if h.ts is not None else 0.0,
                                          h.ref.line if h.ref else (h.line or 0)))
    out: list[Evidence] = []
    for hit in ordered:
        if hit.ref is not None:
            name, line = case.input_name(hit.ref.input), hit.ref.line
            event = case.event_at(hit.ref)
            text = event.text if event is not None else (hit.text or "")
        elif hit.source is not None and hit.line is not None:
            name, line, text = hit.source, hit.line, hit.text or ""
        else:
            continue
        if (name, line) in seen:
            continue
        seen.add((name, line))
        out.append(Evidence(input=name, line=line, text=text, side=hit.side))
    if len(out) > MAX_EVIDENCE:  # keep both sides represented
        per_side = {s: [e for e in out if e.side == s] for s in (*SIDES, "config")}
        keep = []
        while len(keep) < MAX_EVIDENCE and any(per_side.values()):
            for s in per_side:
                if per_side[s] and len(keep) < MAX_EVIDENCE:
                    keep.append(per_side[s].pop(0))
        out = [e for e in out if e in keep]
    return out


def _merge(merged: dict[str, Finding], new: Finding) -> None:
    old = merged.get(new.id)
    if old is None:
        merged[new.id] = new
        return
    old.confidence = max(old.confidence, new.confidence)
    old.negotiations.extend(n for n in new.negotiations if n not in old.negotiations)
    room = MAX_EVIDENCE - len(old.evidence)
    old.evidence.extend([e for e in new.evidence if e not in old.evidence][:max(room, 0)])
    if new.explanation and new.explanation not in old.explanation and old.explanation.count("\n\n") < 2:
        old.explanation += "\n\n" + new.explanation
    old.collect.extend(c for c in new.collect if c not in old.collect)
