"""Joins the lint stage to a log run: the LintModel for a run
(with the identities, version and time the logs show), and folding config findings into
the log findings they explain, so one finding cites the config line beside the log lines.

Lint signatures are the `lint-*` ids (patterns/lint-*.toml, `on = "lint"`, scope run).
"""
from __future__ import annotations

from typing import Iterable

from ..analysis import Analysis
from ..ingest.records import LintInput
from ..negotiation.records import EventRef, Side
from .records import Finding

LINT_PREFIX = "lint-"


def is_lint_signature(sig) -> bool:
    """A `lint-*` signature, or a finding of one."""
    return sig.id.startswith(LINT_PREFIX)


def lint_for(paths: list[LintInput], analysis: Analysis, version: str | None = None):
    """The LintModel for a run, or None when no input is a config, certificate or profile.
    `paths` come classified from ingest.sources.split_paths."""
    from .. import lint
    from ..lint.loader import load
    from ..lint.records import LogIdentity

    if not paths:
        return None
    # the checks run once, below, when the model has the logs' platforms and identities
    model = load(paths, strongswan_version=version or _gateway_version(analysis), now=_log_time(analysis))
    if not model.files:
        return None
    model.client_platforms = sorted({n.client_platform for n in analysis.negotiations if n.client_platform})
    for neg in analysis.negotiations:
        if neg.side is Side.CLIENT:
            idr, idi = neg.remote_id, neg.local_id
        elif neg.side is Side.GATEWAY:
            idr, idi = neg.local_id, neg.remote_id
        else:
            continue
        ref = _first_ref(neg)
        if (idr or idi) and ref is not None:
            item = LogIdentity(idr, idi, analysis.input_name(ref.input), ref.line, conn=neg.conn)
            if item not in model.log_identities:
                model.log_identities.append(item)
    lint.facts(model)
    return model


def _first_ref(neg) -> EventRef | None:
    for step in neg.auth:
        if step.ref is not None:
            return step.ref
    return EventRef(neg.events[0].input, neg.events[0].line) if neg.events else None


def _gateway_version(analysis: Analysis) -> str | None:
    for neg in analysis.negotiations:
        if neg.side is Side.GATEWAY and neg.daemon_version:
            return neg.daemon_version
    for summary in analysis.inputs:
        if summary.daemon == "charon" and summary.daemon_version:
            return summary.daemon_version
    return None


def _log_time(analysis: Analysis) -> float | None:
    """Certificates are judged at the time of the logs when there are logs."""
    lasts = [s.last for s in analysis.inputs if s.last is not None]
    return max(lasts) if lasts else None


def fold(findings: Iterable[Finding], signatures: Iterable) -> list[Finding]:
    """A config-only finding that explains a log finding becomes evidence of that finding
    (the higher-ranked one), so the diagnosis keeps its top finding and cites file:line.
    Only the signature's own `explains` count (not what those explain in turn). The rest is
    ranked again, so no finding is left naming a merged one as its cause."""
    from .ranking import rank

    signatures = list(signatures)
    ranked = list(findings)
    direct = {s.id: set(s.explains) for s in signatures}
    folded: set[int] = set()
    for i, f in enumerate(ranked):
        if not is_lint_signature(f) or not f.explains:
            continue
        wanted = direct.get(f.id, ())
        target = next((g for g in ranked if g.id in wanted and not is_lint_signature(g)), None)
        if target is None:
            continue
        target.evidence.extend(e for e in f.evidence if e not in target.evidence)
        note = f"Configuration: {f.title} — {f.explanation}"
        if note not in target.explanation:
            target.explanation = f"{target.explanation}\n\n{note}".strip()
        for key, value in f.fix.gateway.items():
            target.fix.gateway.setdefault(key, value)
        for key, value in f.fix.client.items():
            target.fix.client.setdefault(key, value)
        target.references.extend(r for r in f.references if r not in target.references)
        folded.add(i)
    if not folded:
        return ranked
    return rank([f for i, f in enumerate(ranked) if i not in folded], {s.id: s.explains for s in signatures})
