"""Issue 7: `report` on a whole scenario folder (logs + configs + certificates + captures) gives
at least the top finding of the logs alone; where the logs alone are clean, the configuration
may add warnings of its own (lint-*), never an error."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from swandiag.pipeline import analyze
from swandiag.rules.records import Severity

FIXTURES = Path(__file__).parent / "fixtures"
SCENARIOS = sorted(p.parent for root in ("corpus", "lab-extra") for p in (FIXTURES / root).rglob("label.json"))


def _serious(analysis):
    return [f for f in analysis.findings if f.severity >= Severity.WARNING]


@pytest.mark.parametrize("folder", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_folder_keeps_the_logs_top_finding(folder: Path):
    spec = json.loads((folder / "label.json").read_text())["swandiag"]
    logs_only = _serious(analyze([str(folder / name) for name in spec["inputs"]]))
    whole = analyze([str(folder)])
    assert whole.lint is not None and whole.lint.files, "the folder's configs were not read"
    serious = _serious(whole)
    if logs_only:
        assert serious and serious[0].id == logs_only[0].id, [f.id for f in serious]
    else:
        extra = [f.id for f in serious if not f.id.startswith("lint-") and f.id not in spec.get("allow", [])]
        assert not extra, extra
        assert not [f.id for f in serious if f.severity is Severity.ERROR], "configs alone never make an error here"
