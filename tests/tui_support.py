"""Shared helpers for the TUI tests (real corpus pairs, waiting for the app's workers)."""
from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def scenario_inputs(name: str) -> list[str]:
    """The inputs of a corpus scenario, as its label.json lists them (paths relative to the repo
    root, so screens do not show machine-specific paths)."""
    folder = CORPUS / name
    label = json.loads((folder / "label.json").read_text(encoding="utf-8"))
    root = Path(__file__).parent.parent
    return [str((folder / n).relative_to(root)) for n in label["swandiag"]["inputs"]]


def expected(name: str) -> list[str]:
    label = json.loads((CORPUS / name / "label.json").read_text(encoding="utf-8"))
    return list(label["swandiag"]["expect"])


async def settle(pilot) -> None:
    """Wait until loading and analysis are done and the screen has caught up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def log_at(pilot, row: int):
    """Switch to the merged log (view 3) and put its cursor on `row`; returns the log view."""
    from swandiag.tui.logview import MergedLogView

    await pilot.press("3")
    logview = pilot.app.query_one(MergedLogView)
    logview.go(row)
    await pilot.pause()
    return logview
