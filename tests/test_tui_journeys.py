"""The main journeys, driven with Pilot on real corpus pairs through the real pipeline:
open → top finding visible → its negotiation → jump to evidence → filter → search;
follow mode on a growing file; export."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import regex
from textual.widgets import DataTable, Input

from swandiag.tui.app import SwandiagApp
from swandiag.tui.findings import FindingsPanel
from swandiag.tui.logview import MergedLogView
from swandiag.tui.merged import split

from tui_support import CORPUS, expected, log_at, scenario_inputs, settle

pytestmark = pytest.mark.timeout(120)
SCENARIO = "lab/no-certreq"


def _cell_text(table: DataTable, row: int, col: int) -> str:
    cell = table.get_row_at(row)[col]
    return getattr(cell, "plain", str(cell))


def test_open_finding_evidence_filter_search():
    asyncio.run(_test_open_finding_evidence_filter_search())


async def _test_open_finding_evidence_filter_search():
    app = SwandiagApp(scenario_inputs(SCENARIO))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.analysis is not None, "the analysis did not finish"
        top = app.view.findings[0]
        assert top.id in expected(SCENARIO)
        table = app.query_one("#findings", DataTable)
        assert _cell_text(table, 0, 1) == top.title  # the top finding is the first row, on screen
        assert table.has_focus or app.query_one("#views").active == "overview"

        app.query_one("#findings", DataTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#views").active == "negotiation"
        assert app.current in top.negotiations

        panel = app.query_one(FindingsPanel)
        panel.focus()
        await pilot.pause()
        assert panel.highlighted is not None, "no evidence line to select"
        oid = panel.get_option_at_index(panel.highlighted).id
        _, i, line, _ = oid.split(":")
        await pilot.press("enter")
        await pilot.pause()
        logview = app.query_one(MergedLogView)
        assert app.query_one("#views").active == "log"
        assert split(logview.cursor_key) == (int(i), int(line))
        assert app.log_model.text(logview.cursor_key)

        # filter: keep only the IKE group's lines of input 2 (the client)
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#f-regex", Input).value = "trusted"
        app.screen.query_one("#f-regex", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        rows = [app.log_model.text(k) for k in app.log_model.rows]
        assert 0 < len(rows) < len(app.log_model.order)
        assert all("trusted" in r.lower() for r in rows)
        await pilot.press("F")  # clear
        await pilot.pause()
        assert len(app.log_model.rows) == len(app.log_model.order)

        # search from the top for the evidence text's distinctive words
        logview.go(0)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"no trusted RSA")
        await pilot.press("enter")
        await pilot.pause()
        assert "no trusted RSA" in app.log_model.text(logview.cursor_key)
        await pilot.press("n")  # next match (wraps round to the only one)
        await pilot.pause()
        assert "no trusted RSA" in app.log_model.text(logview.cursor_key)
        await pilot.press("N")
        await pilot.pause()
        assert "no trusted RSA" in app.log_model.text(logview.cursor_key)

        # e jumps to an error/evidence line, m bookmarks it
        logview.go(0)
        await pilot.press("e")
        await pilot.pause()
        assert logview.cursor > 0
        await pilot.press("m")
        assert logview.cursor_key in logview.bookmarks


def test_follow_mode_reads_a_growing_file(tmp_path):
    asyncio.run(_test_follow_mode_reads_a_growing_file(tmp_path))


async def _test_follow_mode_reads_a_growing_file(tmp_path):
    src = [CORPUS / SCENARIO / Path(p).name for p in scenario_inputs(SCENARIO)]
    lines = [p.read_text(encoding="utf-8").splitlines(keepends=True) for p in src]
    dst = [tmp_path / p.name for p in src]
    cut = [len(ls) // 3 for ls in lines]  # before the negotiation fails
    for d, ls, c in zip(dst, lines, cut):
        d.write_text("".join(ls[:c]), encoding="utf-8")

    app = SwandiagApp([str(d) for d in dst], follow=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        before_lines = len(app.log_model.order)
        before = {f.id for f in app.view.findings} if app.view else set()
        logview = app.query_one(MergedLogView)
        logview.go(3)  # not at the bottom: the view must keep its place
        kept = logview.cursor_key
        for d, ls, c in zip(dst, lines, cut):
            with open(d, "a", encoding="utf-8") as fh:
                fh.writelines(ls[c:])
        for _ in range(100):  # up to 20 s on a loaded machine
            await asyncio.sleep(0.2)
            await pilot.pause()
            if app.view and set(expected(SCENARIO)) & {f.id for f in app.view.findings} \
                    and not any(w.is_running for w in app.workers):
                break
        assert len(app.log_model.order) == sum(len(ls) for ls in lines) > before_lines
        found = {f.id for f in app.view.findings}
        assert set(expected(SCENARIO)) & found, f"no expected finding appeared live: {found}"
        assert set(expected(SCENARIO)) - before, "the finding was already there before the file grew"
        assert logview.cursor_key == kept


def test_export_writes_a_redacted_report(tmp_path):
    asyncio.run(_test_export_writes_a_redacted_report(tmp_path))


async def _test_export_writes_a_redacted_report(tmp_path):
    app = SwandiagApp(scenario_inputs(SCENARIO))
    out = tmp_path / "report.md"
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        path = app.screen.query_one("#x-path", Input)
        path.value = str(out)
        path.focus()
        await pilot.press("enter")
        await pilot.pause()
    text = out.read_text(encoding="utf-8")
    assert app.view.findings[0].title.split(":")[0][:20] in text or app.view.findings[0].id in text
    assert "carol@example.com" not in text  # the client identity is redacted


def test_redacted_view_hides_identities_on_screen():
    asyncio.run(_test_redacted_view_hides_identities_on_screen())


async def _test_redacted_view_hides_identities_on_screen():
    app = SwandiagApp(scenario_inputs(SCENARIO))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        logview = await log_at(pilot, app.log_model.find(regex.compile("carol@example.com"), 0))
        assert "carol@example.com" in "".join(s.text for s in logview.render_line(logview.cursor - round(logview.scroll_y)))
        await pilot.press("r")
        await pilot.pause()
        strip = logview.render_line(logview.cursor - round(logview.scroll_y))
        assert "carol@example.com" not in "".join(s.text for s in strip)


def test_help_palette_and_quit():
    asyncio.run(_test_help_palette_and_quit())


async def _test_help_palette_and_quit():
    app = SwandiagApp(scenario_inputs(SCENARIO))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Search the log", "Filter the log", "Export the report", "Toggle follow mode"} <= titles
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None)


def test_bad_input_is_one_line(tmp_path, monkeypatch):
    from swandiag.cli import main

    monkeypatch.setenv("SWANDIAG_FORCE_TUI", "1")
    assert main(["tui", str(tmp_path / "missing.log")]) == 2
