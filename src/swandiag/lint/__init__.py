"""lint stage: configs, certificates and client profiles → LintModel → issues for the rules engine.

`load(paths)` reads everything lint understands (detect.classify decides by content);
`facts(model)` runs the checks and returns the issues that patterns/lint-*.toml select on
(`on = "lint"`, `items = "issues"`, `where = { check = "..." }`).
"""
from __future__ import annotations

from .checks import run as _run_checks
from .detect import classify
from .loader import load as _load
from .records import LintIssue, LintModel


def load(paths: list[str], strongswan_version: str | None = None, now: float | None = None,
         kinds: dict[str, str] | None = None) -> LintModel:
    model = _load(paths, strongswan_version=strongswan_version, now=now, kinds=kinds)
    _run_checks(model)
    return model


def facts(model: LintModel) -> list[LintIssue]:
    """(Re)run the checks, e.g. after the pipeline added log identities or a version."""
    return _run_checks(model)


__all__ = ["classify", "facts", "load", "LintModel", "LintIssue"]
