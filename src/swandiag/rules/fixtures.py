"""Runs every signature on its fixtures (as lnav checks its formats' samples).

A fixture entry is a scenario folder relative to the repository root: its `label.json`
(`swandiag.inputs`) says which files to read, otherwise the folder itself is the input.
`DIR:a.log,b.log,configs` names the files explicitly.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .engine import evaluate
from .loader import bundled_dir
from .signature import Signature


@dataclass(slots=True, frozen=True)
class FixtureResult:
    signature: str
    fixture: str
    expect_match: bool
    matched: bool | None  # None: the fixture could not be run
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.matched is not None and self.matched == self.expect_match


def repo_root() -> Path | None:
    """The checkout the fixtures live in: the parent of the bundled patterns/ (editable
    install), else the current directory or one of its parents."""
    candidates = [bundled_dir().parent, *[Path.cwd(), *Path.cwd().parents]]
    for c in candidates:
        if (c / "tests" / "fixtures").is_dir() and (c / "patterns").is_dir():
            return c
    return None


def fixture_inputs(entry: str, root: Path) -> list[str]:
    folder, _, files = entry.partition(":")
    base = root / folder
    if not base.exists():
        raise FileNotFoundError(f"{folder}: no such fixture")
    if files:
        return [str(base / f.strip()) for f in files.split(",") if f.strip()]
    label = base / "label.json"
    if label.is_file():
        spec = json.loads(label.read_text()).get("swandiag") or {}
        if spec.get("inputs"):
            return [str(base / i) for i in spec["inputs"]]
    return [str(base)]


def run_fixtures(signatures: Iterable[Signature], analyze: Callable | None = None,
                 root: Path | None = None) -> list[FixtureResult]:
    if analyze is None:
        from ..pipeline import analyze  # late: the pipeline imports this package
    root = root or repo_root()
    cache: dict[str, object] = {}
    results: list[FixtureResult] = []
    for sig in signatures:
        entries = [(f, True) for f in sig.fixtures.match] + [(f, False) for f in sig.fixtures.no_match]
        for entry, expect in entries:
            if root is None:
                results.append(FixtureResult(sig.id, entry, expect, None, "repository checkout not found"))
                continue
            try:
                if entry not in cache:
                    cache[entry] = analyze(fixture_inputs(entry, root))
                matched = bool(evaluate(cache[entry], [sig]))
                results.append(FixtureResult(sig.id, entry, expect, matched))
            except Exception as exc:  # noqa: BLE001 - one row per broken fixture, never a traceback
                results.append(FixtureResult(sig.id, entry, expect, None, f"{type(exc).__name__}: {exc}"))
    return results
