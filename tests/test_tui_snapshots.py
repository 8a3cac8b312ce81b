"""Snapshots of the three views for one IKEv1 and one IKEv2 corpus pair (fixed size, UTC times).

Upstream stages change what these show; regenerate with
    pytest --snapshot-update tests/test_tui_snapshots.py
"""
from __future__ import annotations

import pytest

from swandiag.pipeline import Options
from swandiag.tui.app import SwandiagApp
from swandiag.tui.logview import MergedLogView

from tui_support import scenario_inputs, settle

pytestmark = pytest.mark.timeout(120)
SIZE = (120, 36)
SCENARIOS = ["lab/no-certreq", "lab/ok-ikev1-xauth"]  # year fixed: year-less times must not follow the clock


async def _loaded(pilot) -> None:
    await settle(pilot)
    pilot.app.clear_notifications()
    pilot.app.query_one("#findings").focus()  # a fixed focus: the focused table draws its cursor
    await pilot.pause(0.2)  # let the tables lay out once more after the last update
    await pilot.pause(0.2)


async def _evidence(pilot) -> None:
    """The merged log at the top finding's first evidence line (or the first error line)."""
    await _loaded(pilot)
    app = pilot.app
    target = None
    for f in app.view.findings if app.view else ():
        target = next((t for ev in f.evidence if (t := app.view.evidence_target(ev))), None)
        if target:
            break
    if target is not None:
        app.jump(target.input, target.line)
    else:
        await pilot.press("3", "e")
    app.query_one(MergedLogView).focus()
    await pilot.pause(0.2)
    await pilot.pause(0.2)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=["ikev2-no-certreq", "ikev1-xauth"])
def test_overview(snap_compare, scenario):
    app = SwandiagApp(scenario_inputs(scenario), Options(year=2024), subtitle=scenario)
    assert snap_compare(app, terminal_size=SIZE, run_before=_loaded)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=["ikev2-no-certreq", "ikev1-xauth"])
def test_ladder(snap_compare, scenario):
    app = SwandiagApp(scenario_inputs(scenario), Options(year=2024), subtitle=scenario)

    async def before(pilot):
        await _loaded(pilot)
        await pilot.press("2")
        await pilot.pause(0.2)  # the ladder lays itself out again for its real width
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=["ikev2-no-certreq", "ikev1-xauth"])
def test_merged_log(snap_compare, scenario):
    app = SwandiagApp(scenario_inputs(scenario), Options(year=2024), subtitle=scenario)
    assert snap_compare(app, terminal_size=SIZE, run_before=_evidence)
