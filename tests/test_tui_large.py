"""Large inputs (issue 6), fast and deterministic: the loading runs in a worker thread and the UI
answers keys before it ends (a fake pipeline held back by the test); search and filter run in
cancellable workers with results shown as they come; the run-by-run merge gives the order the
plain k-way merge gives; the pipeline feeds a progress callback; follow re-analysis is spaced.
The figures on really big logs come from bench/tui_bench.py, not from here."""
from __future__ import annotations

import asyncio
import heapq
import math
import random
import threading

import pytest
import regex
from textual.widgets import ProgressBar

from swandiag.analysis import Analysis
from swandiag.pipeline import Options, analyze
from swandiag.tui import app as app_module
from swandiag.tui.app import SwandiagApp
from swandiag.tui.logview import MergedLogView
from swandiag.tui.merged import SHIFT, LineFacts, key, merge_order

from tui_support import CORPUS, log_at, scenario_inputs, screen_text, settle, until

pytestmark = pytest.mark.timeout(60)
SCENARIO = "lab/no-certreq"


class HeldPipeline:
    """A pipeline that reports half-way and then waits for the test to let it finish."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.thread: str | None = None

    def __call__(self, paths, options, log, progress):
        self.thread = threading.current_thread().name
        progress(0.5, "analysing")
        self.started.set()
        assert self.release.wait(30), "the test never released the pipeline"
        return Analysis()


def test_loading_runs_in_a_worker_and_keys_answer_before_it_ends():
    asyncio.run(_test_loading_runs_in_a_worker())


async def _test_loading_runs_in_a_worker():
    held = HeldPipeline()
    app = SwandiagApp(scenario_inputs(SCENARIO), analyse=held)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        # first paint: the overview is there at once, under the loading indicator
        assert app.query_one("#views").display and app.query_one("#loading").display
        await until(pilot, lambda: held.started.is_set() and app.query("#logview"))
        assert held.thread != threading.main_thread().name, "the pipeline ran on the UI thread"
        assert any(w.group == "load" and w.is_running for w in app.workers)
        await until(pilot, lambda: app.query_one("#progress", ProgressBar).progress == pytest.approx(0.5))
        await until(pilot, lambda: "Analysing… 50%" in screen_text(app))  # what the user reads

        # the UI answers while the pipeline is still running
        await pilot.press("3")
        assert app.query_one("#views").active == "log"
        logview = app.query_one(MergedLogView)
        await pilot.press("down", "down")
        assert logview.cursor == 2
        await pilot.pause()
        assert app.log_model.text(logview.cursor_key)[:80] in screen_text(app)  # the raw lines, drawn
        await pilot.press("1")
        assert app.query_one("#views").active == "overview"
        assert app.analysis is None and any(w.group == "load" and w.is_running for w in app.workers)

        held.release.set()
        await settle(pilot)
        assert app.analysis is not None
        assert not app.query_one("#loading").display
        assert "Analysing" not in screen_text(app)


@pytest.fixture
def small_chunks(monkeypatch):
    """Every search and filter goes to a worker, in small steps, publishing every step."""
    monkeypatch.setattr(app_module, "SYNC_ROWS", 0)
    monkeypatch.setattr(app_module, "SCAN_CHUNK", 100)
    monkeypatch.setattr(app_module, "PUBLISH_EVERY_S", 0.0)


def test_search_runs_in_a_worker_and_a_new_query_cancels_the_old(small_chunks):
    asyncio.run(_test_search_in_worker())


async def _test_search_in_worker():
    app = SwandiagApp(scenario_inputs(SCENARIO))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        logview = await log_at(pilot, 0)

        # a first query, held inside its worker, then a second one typed by the user
        gate, entered = threading.Event(), threading.Event()

        def stuck(k: int) -> bool:
            entered.set()
            gate.wait(10)
            return True  # would jump to the very next row if it were still wanted

        app._find(stuck, 0, True, "stuck", "none")
        await until(pilot, entered.is_set)
        await pilot.press("slash", *"no trusted RSA", "enter")
        gate.set()
        await until(pilot, lambda: not any(w.group == "search" and w.is_running for w in app.workers))
        await pilot.pause()
        assert "no trusted RSA" in app.log_model.text(logview.cursor_key)
        first = logview.cursor
        assert first > 1, "the cancelled query's answer was used"
        await pilot.press("n")  # next (wraps round to the only match)
        await until(pilot, lambda: not any(w.group == "search" and w.is_running for w in app.workers))
        assert "no trusted RSA" in app.log_model.text(logview.cursor_key)


def test_filter_runs_in_a_worker_and_shows_results_as_they_come(small_chunks):
    asyncio.run(_test_filter_in_worker())


async def _test_filter_in_worker():
    from swandiag.tui.merged import LogFilter

    app = SwandiagApp(scenario_inputs(SCENARIO))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        partial: list[int] = []
        real = app._filter_partial

        def spy(worker, flt, rows, fraction):
            partial.append(len(rows))
            real(worker, flt, rows, fraction)

        app._filter_partial = spy
        total = len(app.log_model.order)
        pattern = regex.compile("IKE", regex.IGNORECASE)
        app._set_filter(LogFilter(pattern=regex.compile("zzz-nothing")))  # cancelled by the next one
        app._set_filter(LogFilter(pattern=pattern))
        await settle(pilot)
        rows = [app.log_model.text(k) for k in app.log_model.rows]
        assert 0 < len(rows) < total
        assert all(pattern.search(r) for r in rows)
        assert partial and min(partial) < len(rows), "no partial result was shown"
        assert app.log_model.filter.pattern is pattern


def _reference_order(lines: list[int], facts: list[LineFacts], shift: dict[int, float]) -> list[int]:
    """The plain k-way merge the run-by-run merge must agree with (per-line walk, heapq)."""
    def stream(i):
        ts = facts[i].ts
        known = [t for t in ts if not math.isnan(t)]
        last = known[0] if known else (math.inf if not ts else -math.inf)
        for line in range(1, lines[i] + 1):
            t = ts[line - 1] if line <= len(ts) else math.nan
            if not math.isnan(t):
                last = t
            yield (last - shift.get(i, 0.0), i << SHIFT | line)

    return [k for _, k in heapq.merge(*(stream(i) for i in range(len(lines))))]


@pytest.mark.parametrize("seed", range(40))
def test_merge_by_runs_agrees_with_the_plain_merge(seed):
    rnd = random.Random(seed)
    k = rnd.randint(1, 4)
    lines, facts, shift = [], [], {}
    for i in range(k):
        n = rnd.randint(0, 60)
        f = LineFacts()
        covered = rnd.randint(0, n)  # lines after it are not analysed yet
        lead = rnd.randint(0, min(3, covered))
        t = rnd.choice([0.0, 5.0, 10.0])
        for j in range(covered):
            if j < lead:
                f.ts.append(math.nan)
                continue
            if rnd.random() < 0.8:
                t += rnd.choice([0.0, 0.0, 1.0, 2.5]) if seed % 3 else rnd.uniform(-2, 3)  # some go back
            f.ts.append(t)
        f.first = next((j for j, x in enumerate(f.ts) if not math.isnan(x)), -1)
        lines.append(n)
        facts.append(f)
        if rnd.random() < 0.5:
            shift[i] = rnd.choice([1.0, -2.5, 0.1])
    assert list(merge_order(lines, facts, shift)) == _reference_order(lines, facts, shift)


def test_collector_fills_times_forward(tmp_path):
    from swandiag.ingest.sources import resolve
    from swandiag.tui.lineindex import LineIndex
    from swandiag.tui.merged import LogModel

    p = tmp_path / "a.log"
    p.write_text("".join(f"l{i}\n" for i in range(1, 9)), encoding="utf-8")
    specs, _ = resolve([str(p)])
    log = LogModel([LineIndex.open(specs[0])])
    col = log.collector()
    col.record(0, 3, 2, 30.0, 1, "IKE")  # lines 3-4; 1-2 have no time
    col.record(0, 6, 1, None, 2, "NET")  # no time of its own: the time before
    col.record(0, 7, 1, 70.0, 1, "IKE")
    log.adopt(col, {0: 10.0})
    assert [log.time(key(0, n)) for n in range(1, 9)] == [None, None, 20.0, 20.0, 20.0, 20.0, 60.0, 60.0]
    assert log.level(key(0, 5)) is None and log.level(key(0, 6)) == 2
    assert log.time(key(0, 20)) == 60.0  # a line appended since: the last time


def test_pipeline_reports_progress_in_bytes():
    calls: list[tuple[int, int]] = []
    paths = [str(CORPUS / SCENARIO / "gateway.log"), str(CORPUS / SCENARIO / "client.log")]
    total = sum((CORPUS / SCENARIO / n).stat().st_size for n in ("gateway.log", "client.log"))
    analyze(paths, Options(progress=lambda done, tot: calls.append((done, tot))))
    assert calls and calls[-1] == (total, total)
    assert all(0 <= d <= t == total for d, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_follow_reanalysis_is_spaced_by_the_last_run_time(monkeypatch):
    asyncio.run(_test_follow_spacing())


async def _test_follow_spacing():
    runs: list[float] = []

    def quick(paths, options, log, progress):
        runs.append(0)
        return Analysis()

    app = SwandiagApp(scenario_inputs(SCENARIO), analyse=quick)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(runs) == 1
        app._analysis_took = 30.0  # as if the first run had taken 30 s
        app.reanalyse()
        app.reanalyse()
        await pilot.pause()
        assert len(runs) == 1 and app._retry_timer is not None and app._pending
        app._analysis_took = 0.0
        app._last_analysis = 0.0  # long ago: the next turn runs at once
        app._retry_timer.stop()
        app._retry_timer = None
        app.reanalyse()
        await settle(pilot)
        assert len(runs) == 2 and not app._pending


@pytest.mark.parametrize("pattern", [r"IKE_AUTH", r"^Nov", r"failed$", r"no\s+trusted", r"trusted\s*$",
                                     r"(?i)CAROL", r"e\s+n", r"\Aauth", r"x*", r"\d{3}\]$"])
def test_block_search_finds_what_the_line_by_line_search_finds(tmp_path, pattern):
    from swandiag.ingest.sources import resolve
    from swandiag.tui.lineindex import LineIndex
    from swandiag.tui.merged import LogModel
    from swandiag.tui.text import search

    src = (CORPUS / SCENARIO / "client.log").read_text(encoding="utf-8").splitlines(keepends=True)
    lines = src[:400] + ["tab\there failed\n", "caf\u00e9 no trusted\n", "auth first\n"] + src[400:900]
    p = tmp_path / "c.log"
    p.write_text("".join(lines) + "last line without end trusted", encoding="utf-8")
    specs, _ = resolve([str(p)])
    log = LogModel([LineIndex.open(specs[0])])
    rx = regex.compile(pattern)
    rows = log.rows
    naive = [r for r in range(len(rows)) if search(rx, log.text(rows[r]))]
    assert log.match_rows(rx, rows, 0, len(rows)) == naive
    assert log.match_rows(rx, rows, 37, 777) == [r for r in naive if 37 <= r < 777]
