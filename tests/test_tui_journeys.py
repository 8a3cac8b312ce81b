"""The main journeys, driven with Pilot on real corpus pairs through the real pipeline:
open → top finding visible → its negotiation → jump to evidence → filter → search;
follow mode on a growing file; export."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import regex
from textual.widgets import DataTable, Input

from swandiag.tui.app import SwandiagApp
from swandiag.tui.findings import FindingsPanel
from swandiag.tui.logview import MergedLogView
from swandiag.tui.merged import split
from swandiag.tui.model import short
from swandiag.tui.text import is_error_line

from tui_support import CORPUS, expected, log_at, notices, run_command, scenario_inputs, screen_text, settle, until

pytestmark = pytest.mark.timeout(120)
SCENARIO = "lab/no-certreq"
ROOT = Path(__file__).parent.parent
WIDE = 80  # how much of a log line fits on a 120-column screen after the row prefix


def _cell_text(table: DataTable, row: int, col: int) -> str:
    cell = table.get_row_at(row)[col]
    return getattr(cell, "plain", str(cell))


def _corpus_lines(i: int) -> list[str]:
    """The lines of input `i` of the scenario, read straight from the corpus file."""
    return (ROOT / scenario_inputs(SCENARIO)[i]).read_text(encoding="utf-8").splitlines()


def _key_line() -> str:
    """The client's decisive line, as label.json quotes it from the corpus."""
    label = json.loads((CORPUS / SCENARIO / "label.json").read_text(encoding="utf-8"))
    (line,) = label["key_lines"]["client"]
    return line


def _cursor_row_text(logview: MergedLogView) -> str:
    """The cursor row as drawn on screen."""
    return "".join(s.text for s in logview.render_line(logview.cursor - round(logview.scroll_y)))


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
        assert _cell_text(table, 0, 1) == top.title  # the top finding is the first row...
        await until(pilot, lambda: top.title in screen_text(app), "the top finding drawn on the overview")

        # 1 focuses the findings, enter opens the top finding's negotiation
        await pilot.press("1")
        assert table.has_focus and table.cursor_row == 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#views").active == "negotiation"
        assert app.current == top.negotiations[0]
        shown = screen_text(app)
        assert short(app.current) in shown and "failed" in shown
        assert "ERROR " + top.title.split(",")[0] in shown  # the findings panel beside the ladder (wrapped)

        # tab to the findings panel, enter on the first evidence line: the log at that very line
        await pilot.press("tab")
        panel = app.query_one(FindingsPanel)
        assert panel.has_focus, f"tab focused {app.focused!r}"
        assert panel.highlighted is not None, "no evidence line to select"
        oid = panel.get_option_at_index(panel.highlighted).id
        _, i, line, _ = oid.split(":")
        i, line = int(i), int(line)
        await pilot.press("enter")
        await pilot.pause()
        logview = app.query_one(MergedLogView)
        assert app.query_one("#views").active == "log"
        assert split(logview.cursor_key) == (i, line)
        corpus_line = _corpus_lines(i)[line - 1]
        assert app.log_model.text(logview.cursor_key) == corpus_line
        assert corpus_line[:WIDE] in _cursor_row_text(logview) and corpus_line[:WIDE] in screen_text(app)
        assert logview.cursor_key in logview.evidence and "◆" in _cursor_row_text(logview)

        # filter: typed into the dialog's regex field, keeps exactly the corpus lines with "trusted"
        total = len(app.log_model.order)
        assert total == len(_corpus_lines(0)) + len(_corpus_lines(1))
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#f-regex", Input).focus()
        await pilot.press(*"trusted", "enter")
        await pilot.pause()
        want = sorted(t for n in (0, 1) for t in _corpus_lines(n) if "trusted" in t.lower())
        assert len(want) == 2
        rows = [app.log_model.text(k) for k in app.log_model.rows]
        assert sorted(rows) == want
        shown = screen_text(app)
        assert all(t[:WIDE] in shown for t in want)
        assert f"2/{total} lines" in shown and "filter:" in shown
        await pilot.press("F")  # clear
        await pilot.pause()
        assert len(app.log_model.rows) == total
        assert f"{total}/{total} lines" in screen_text(app) and "filter:" not in screen_text(app)

        # search from the top: the one line with the words lands under the cursor, on screen
        logview.go(0)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"no trusted RSA")
        await pilot.press("enter")
        await pilot.pause()
        assert app.log_model.text(logview.cursor_key) == _key_line()
        assert _key_line()[:WIDE] in _cursor_row_text(logview)
        assert "search /no trusted RSA/" in screen_text(app)

        # n / N walk the matches of a pattern found on many lines, in merged order, wrapping
        hits = [r for r, k in enumerate(app.log_model.rows) if "IKE_AUTH" in app.log_model.text(k)]
        assert len(hits) >= 4
        logview.go(0)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*["backspace"] * len("no trusted RSA"), *"IKE_AUTH", "enter")
        await pilot.pause()
        walked = [logview.cursor]
        for k in ("n", "n", "N", "N", "N"):
            await pilot.press(k)
            await pilot.pause()
            walked.append(logview.cursor)
        assert walked == [hits[0], hits[1], hits[2], hits[1], hits[0], hits[-1]]
        assert "IKE_AUTH" in _cursor_row_text(logview)

        # e goes to the first error/evidence line after the cursor, and no further
        logview.go(0)
        await pilot.press("e")
        await pilot.pause()
        rows = app.log_model.rows

        def is_err(r: int) -> bool:
            return rows[r] in logview.evidence or is_error_line(app.log_model.text(rows[r]))

        assert logview.cursor > 0 and is_err(logview.cursor)
        assert not any(is_err(r) for r in range(1, logview.cursor))

        # m bookmarks the cursor line (★ drawn), b comes back to it from elsewhere, m again removes it
        marked = logview.cursor
        await pilot.press("m")
        await pilot.pause()
        assert "★" in _cursor_row_text(logview) and "bookmarked" in screen_text(app)
        logview.go(len(rows) - 1)
        await pilot.press("b")
        await pilot.pause()
        assert logview.cursor == marked
        await pilot.press("m")
        await pilot.pause()
        assert "★" not in _cursor_row_text(logview) and "bookmark removed" in screen_text(app)


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
        assert app.view is not None, "the first analysis did not finish"
        before = {f.id for f in app.view.findings}
        assert app.log_model.find(regex.compile("no trusted RSA"), 0) is None  # not written yet
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
        row = app.log_model.find(regex.compile("no trusted RSA"), 0)
        assert row is not None and app.log_model.text(app.log_model.rows[row]) == _key_line()
        assert "● follow" in screen_text(app)


def test_export_writes_a_redacted_report(tmp_path):
    asyncio.run(_test_export_writes_a_redacted_report(tmp_path))


async def _test_export_writes_a_redacted_report(tmp_path):
    from swandiag.report import render

    app = SwandiagApp(scenario_inputs(SCENARIO))
    out = tmp_path / "report.md"
    async with app.run_test(size=(120, 36), notifications=True) as pilot:  # toasts drawn
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        path = app.screen.query_one("#x-path", Input)
        assert path.value == "swandiag-report.md"  # the default: markdown, redacted
        path.focus()
        await pilot.press("ctrl+u", *str(out), "enter")  # type the path over the default
        await pilot.pause()
        assert f"report written to {out} (markdown, redacted)" in notices(app)
        await until(pilot, lambda: "report written to" in screen_text(app), "the toast on screen")
        analysis = app.analysis
    text = out.read_text(encoding="utf-8")
    assert text == render(analysis, "markdown", redact=True)
    assert text.startswith("# swandiag report") and "· redacted" in text
    assert "missing-certreq" in text and "Client sent no CERTREQ" in text
    # the identity is in the unredacted report, and gone from the exported one
    assert "carol@example.com" in render(analysis, "markdown", redact=False)
    assert "carol@example.com" not in text


def test_export_as_json_unredacted(tmp_path):
    asyncio.run(_test_export_as_json_unredacted(tmp_path))


async def _test_export_as_json_unredacted(tmp_path):
    app = SwandiagApp(scenario_inputs(SCENARIO))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.click("#x-json")
        await pilot.click("#x-redact")
        await pilot.pause()
        path = app.screen.query_one("#x-path", Input)
        assert path.value == "swandiag-report.json"  # the extension follows the format
        path.value = str(tmp_path / path.value)
        await pilot.click("#x-go")
        await pilot.pause()
        assert f"report written to {tmp_path / 'swandiag-report.json'} (json, NOT redacted)" in notices(app)
    data = json.loads((tmp_path / "swandiag-report.json").read_text(encoding="utf-8"))
    assert "missing-certreq" in json.dumps(data) and "carol@example.com" in json.dumps(data)


def test_redacted_view_hides_identities_on_screen():
    asyncio.run(_test_redacted_view_hides_identities_on_screen())


async def _test_redacted_view_hides_identities_on_screen():
    app = SwandiagApp(scenario_inputs(SCENARIO))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        logview = await log_at(pilot, app.log_model.find(regex.compile("carol@example.com"), 0))
        assert "carol@example.com" in _cursor_row_text(logview)
        await pilot.press("r")
        await pilot.pause()
        assert "carol@example.com" not in _cursor_row_text(logview)


def test_help_palette_and_quit():
    asyncio.run(_test_help_palette_and_quit())


async def _test_help_palette_and_quit():
    from swandiag.tui.export import ExportScreen
    from swandiag.tui.filter import FilterScreen
    from swandiag.tui.help import HelpScreen
    from swandiag.tui.prompt import PromptScreen

    app = SwandiagApp(scenario_inputs(SCENARIO))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main = app.screen

        # ? shows the keys over the app; escape takes them away again
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the keys screen")
        shown = screen_text(app)
        assert "swandiag — keys" in shown and "command palette (every action)" in shown
        assert "ctrl+q" in shown and "quit" in shown
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main, "the keys screen to close")
        assert "swandiag — keys" not in screen_text(app)

        # every palette command below is run through the palette, and does what it says
        await run_command(pilot, "Filter the log")
        await until(pilot, lambda: isinstance(app.screen, FilterScreen), "the filter screen")
        assert "Filter the merged log" in screen_text(app)
        assert app.query_one("#views").active == "log"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main, "the filter screen to close")

        await run_command(pilot, "Search the log")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the search prompt")
        assert "Search (regex)" in screen_text(app)
        await pilot.press(*"no trusted RSA", "enter")
        logview = app.query_one(MergedLogView)
        await until(pilot, lambda: app.screen is main and app.log_model.text(logview.cursor_key) == _key_line(),
                    "the search to land on the line")

        assert not app.following
        await run_command(pilot, "Toggle follow mode")
        await until(pilot, lambda: app.following and "● follow" in screen_text(app), "follow mode on")
        await run_command(pilot, "Toggle follow mode")
        await until(pilot, lambda: not app.following and "● follow" not in screen_text(app), "follow mode off")

        await run_command(pilot, "Export the report")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export screen")
        shown = screen_text(app)
        assert "Export the report" in shown and "swandiag-report.md" in shown
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main, "the export screen to close")

        await run_command(pilot, "Overview")
        await until(pilot, lambda: app.query_one("#views").active == "overview", "the overview")
        await run_command(pilot, "Help")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the keys screen")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main, "the keys screen to close")

        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, "ctrl+q to end the app")
    assert app.return_code == 0  # None if the app was only shut down by the test harness


def test_bad_input_is_one_line(tmp_path, monkeypatch, capsys):
    from swandiag.cli import main

    monkeypatch.setenv("SWANDIAG_FORCE_TUI", "1")
    missing = tmp_path / "missing.log"
    assert main(["tui", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1 and "missing.log" in err, err
    assert "Traceback" not in err


def test_enter_on_open_opens_the_top_finding():
    """Once loaded, the keyboard is on the findings list: enter opens the top finding (the
    focus used to stay on the tab bar, so enter did nothing until 1 or tab)."""
    asyncio.run(_test_enter_on_open())


async def _test_enter_on_open():
    app = SwandiagApp(scenario_inputs(SCENARIO))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#views").active == "negotiation", f"focus is on {app.focused!r}"
