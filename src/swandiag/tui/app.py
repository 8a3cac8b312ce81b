"""SwandiagApp: overview → negotiation ladder + findings → merged raw log, with follow and export."""
from __future__ import annotations

import time
from array import array
from collections.abc import Iterable
from pathlib import Path

import regex
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, ProgressBar, TabbedContent, TabPane, Tabs
from textual.worker import get_current_worker

from ..analysis import Analysis
from ..errors import SwandiagError
from ..pipeline import Options
from ..rules.records import Finding
from . import follow
from .export import ExportChoice, ExportScreen, write_report
from .filter import FilterChoice, FilterScreen
from .findings import FindingsPanel
from .help import HelpScreen
from .ladder import Ladder
from .loader import Loaded, index_inputs, run_analysis
from .logview import MergedLogView
from .merged import LogFilter, LogModel, find_in, key
from .model import AnalysisView, clock, short
from .overview import Overview
from .prompt import PromptScreen
from .redaction import screen_redactor
from .text import compile_user_regex, is_error_line

FOLLOW_TICK_S = 0.5
NARROW = 120  # below this width the ladder and the findings are stacked
SYNC_ROWS = 20_000  # searches and filters over fewer rows run at once on the UI thread
SCAN_CHUNK = 20_000  # rows a search/filter worker looks at between two cancellation checks
PUBLISH_EVERY_S = 0.25  # how often a running filter shows what it has found so far
PROGRESS_EVERY_S = 0.1  # how often the loading worker updates the progress bar


class LoadCancelled(Exception):
    """Raised in the loading worker (through the progress callback) when the app closes."""


class SwandiagApp(App[int]):
    CSS_PATH = "swandiag.tcss"
    TITLE = "swandiag"

    BINDINGS = [
        Binding("1", "view('overview')", "Overview"),
        Binding("2", "view('negotiation')", "Ladder"),
        Binding("3", "view('log')", "Log"),
        Binding("slash", "search", "Search"),
        Binding("n", "search_next(1)", "Next", show=False),
        Binding("N", "search_next(-1)", "Prev", show=False),
        Binding("e", "error(1)", "Error"),
        Binding("E", "error(-1)", "Prev error", show=False),
        Binding("f", "filter", "Filter"),
        Binding("F", "clear_filter", "Clear filter", show=False),
        Binding("m", "bookmark", "Mark", show=False),
        Binding("b", "next_bookmark(1)", "Next mark", show=False),
        Binding("B", "next_bookmark(-1)", "Prev mark", show=False),
        Binding("g", "goto_time", "Go to time", show=False),
        Binding("t", "follow", "Follow"),
        Binding("r", "redact", "Redact"),
        Binding("x", "export", "Export"),
        Binding("question_mark,f1", "help", "Help"),
        Binding("escape", "view('overview')", "Back", show=False),
    ]

    def __init__(self, paths: list[str], options: Options | None = None, follow: bool = False,
                 subtitle: str | None = None, analyse=run_analysis) -> None:
        """`analyse(paths, options, log, progress) -> Analysis` is the pipeline (tests may
        hand in records built by hand)."""
        super().__init__()
        self._run_analysis = analyse
        self.paths = list(paths)
        self.options = options or Options()
        self.log_model: LogModel | None = None
        self.analysis: Analysis | None = None
        self.view: AnalysisView | None = None
        self.current: str | None = None  # negotiation shown in the ladder
        self.following = follow
        self.redacted = False
        self.search_pattern = None
        self._rotated = False
        self._pending = False  # files grew while an analysis was running
        self._last_analysis = 0.0  # when the last analysis ended (monotonic)
        self._analysis_took = 0.0  # how long it took: re-analyses are spaced at least that much
        self._retry_timer = None  # a re-analysis waiting for its turn
        self._filter_keep: int | None = None  # the cursor's key when a filter worker started
        self._follow_timer = None
        self._redactor = None
        self._shown = False  # the first analysis has been put on screen
        self.sub_title = subtitle or " ".join(self.paths)

    # --- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Vertical(id="loading"):
            yield Label("Reading the logs…", id="loading-label")
            yield ProgressBar(total=1.0, show_eta=False, id="progress")
        with TabbedContent(initial="overview", id="views"):
            with TabPane("1 Overview", id="overview"):
                yield Overview(id="overview-body")
            with TabPane("2 Negotiation", id="negotiation"):
                yield Label("", id="neg-title")
                with Horizontal(id="negview"):
                    yield Ladder(id="ladder")
                    yield FindingsPanel(id="neg-findings")
            with TabPane("3 Merged log", id="log"):
                yield Label("", id="log-info")
        yield Label("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        # first paint at once: the (empty) overview under the progress bar; the worker fills it
        self._narrow(self.size.width)
        self._status("reading the logs…")
        self.load()

    def on_resize(self, event) -> None:
        self._narrow(event.size.width)

    def _narrow(self, width: int) -> None:
        self.query_one("#negview").set_class(width < NARROW, "narrow")

    # --- loading (worker) ---------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        worker = get_current_worker()
        try:
            loaded = index_inputs(self.paths, self._progress_sender(worker))
        except LoadCancelled:
            return
        except SwandiagError as exc:
            self.call_from_thread(self._failed, str(exc), fatal=True)
            return
        self.call_from_thread(self._indexed, loaded)
        self._analyse(worker)

    def _analyse(self, worker=None) -> None:
        """Run the pipeline (in the calling worker thread) and hand the result to the UI."""
        log = self.log_model
        if log is None:
            return
        paths = follow.analysis_paths(log, self.paths, self._rotated)
        began = time.monotonic()
        try:
            analysis = self._run_analysis(paths, self.options, log, self._progress_sender(worker))
        except LoadCancelled:
            return
        except SwandiagError as exc:
            self.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - the raw log stays usable whatever the analysis does
            self.call_from_thread(self._failed, f"analysis failed: {type(exc).__name__}: {exc}")
            return
        finally:
            self._last_analysis = time.monotonic()
            self._analysis_took = self._last_analysis - began
        self.call_from_thread(self._analysed, analysis)

    def _progress_sender(self, worker):
        """A progress callback for a worker thread: at most one UI update per PROGRESS_EVERY_S."""
        last = [0.0]

        def progress(fraction: float, what: str) -> None:
            if worker is not None and worker.is_cancelled:
                raise LoadCancelled  # the app is closing: stop reading
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY_S and fraction < 1.0:
                return
            last[0] = now
            if worker is None or not worker.is_cancelled:
                self.call_from_thread(self._progress, fraction, what)

        return progress

    def _progress(self, fraction: float, what: str) -> None:
        self.query_one("#progress", ProgressBar).update(progress=fraction)
        if self.query_one("#loading").display:
            self.query_one("#loading-label", Label).update(f"{what.capitalize()}… {fraction:.0%}")

    def _indexed(self, loaded: Loaded) -> None:
        """First paint with content: the raw lines are browsable before the analysis ends."""
        self.log_model = loaded.log
        logview = MergedLogView(loaded.log, id="logview")
        self.query_one("#log", TabPane).mount(logview)
        lines = sum(ix.lines for ix in loaded.log.indexes)
        self.query_one("#loading-label", Label).update(f"Indexed {lines} lines of {len(loaded.specs)} inputs; analysing…")
        self.query_one("#progress", ProgressBar).update(progress=0.0)
        for problem in loaded.problems:
            self.notify(problem, severity="warning")
        if self.following:
            self._start_follow()
        self._status()

    def _analysed(self, analysis: Analysis) -> None:
        logview = self._logview()
        keep = logview.cursor_key if logview is not None else None
        at_bottom = logview is not None and logview.at_bottom and self.following
        log = self.log_model
        if log is not None:
            small = len(log.order) <= SYNC_ROWS
            if log.adopt_staged(refilter=small) and log.filter.active and not small:
                self._filter_keep = keep
                self._filter_worker(log.filter, log.order)  # the rows stay as they were meanwhile
        self.analysis = analysis
        self.view = AnalysisView(analysis)
        self.query_one("#loading").display = False
        self._show_analysis()
        if logview is not None:
            logview.evidence = self._evidence_keys()
            logview.refresh_rows(keep=None if at_bottom else keep, to_end=at_bottom)
        for problem in analysis.problems[:5]:
            self.notify(problem, severity="warning", timeout=6)
        self._status()
        if self._pending and self._retry_timer is None:  # the files grew meanwhile
            self._retry_timer = self.set_timer(max(follow.REANALYSE_EVERY_S, self._analysis_took), self._retry)

    def _failed(self, message: str, fatal: bool = False) -> None:
        self.query_one("#loading-label", Label).update(Text(message, "bold red"))
        self.query_one("#progress").display = False
        self.notify(message, severity="error", timeout=10)
        if fatal:
            self.exit(2, message=message)

    def _show_analysis(self) -> None:
        view = self.view
        if view is None:
            return
        red = self.redactor
        self.query_one(Overview).show(view, red)
        if self.current is None or self.current not in view.by_id:
            self.current = self._default_negotiation()
        self._show_negotiation()
        if not self._shown:
            self._shown = True
            self._focus_findings()

    def _focus_findings(self) -> None:
        """First diagnosis on screen: put the keyboard on the findings list (enter opens the
        top finding, as the help says), unless the user already went elsewhere."""
        if self.screen is not self.screen_stack[0]:
            return
        if self.query_one("#views", TabbedContent).active != "overview":
            return
        if self.focused is not None and not isinstance(self.focused, Tabs):
            return
        found = self.query("#findings")
        if found:
            found.first().focus()

    def _default_negotiation(self) -> str | None:
        view = self.view
        for f in view.findings:
            if f.negotiations and f.negotiations[0] in view.by_id:
                return f.negotiations[0]
        failed = [n for n in view.analysis.negotiations if n.failed_stage is not None]
        pick = failed or view.analysis.negotiations
        return pick[0].id if pick else None

    def _show_negotiation(self) -> None:
        view = self.view
        if view is None:
            return
        neg = view.negotiation(self.current)
        self.query_one(Ladder).show(view, neg)
        findings = view.findings_for(neg) if neg else []
        self.query_one(FindingsPanel).show(view, findings, self.redactor)
        title = self.query_one("#neg-title", Label)
        if neg is None:
            title.update("No negotiation was found in these logs.")
            return
        peer = view.peer(neg)
        t = Text()
        t.append(short(neg.id), "bold")
        t.append(f"  {neg.outcome.value}", "bold red" if neg.failed_stage else "green")
        t.append(f"  {neg.conn or ''}  IKEv{neg.ike_version or '?'}  ")
        t.append(f"⇄ {short(peer.id)}" if peer else "unpaired (no matching negotiation in the other log)", "dim")
        title.update(t)

    def _evidence_keys(self) -> set[int]:
        keys: set[int] = set()
        view = self.view
        for f in view.findings if view else ():
            for ev in f.evidence:
                target = view.evidence_target(ev)
                if target is not None:
                    keys.add(key(target.input, target.line))
        return keys

    @property
    def busy(self) -> bool:
        """A worker thread is still running (a pipeline stage that cannot be interrupted)."""
        return any(not w.is_finished for w in self.workers)

    # --- helpers ------------------------------------------------------------------------------
    def _logview(self) -> MergedLogView | None:
        found = self.query("#logview")
        return found.first(MergedLogView) if found else None

    @property
    def redactor(self):
        if not self.redacted or self.analysis is None:
            return None
        if self._redactor is None:
            self._redactor = screen_redactor(self.analysis)
        return self._redactor

    def _status(self, extra: str = "") -> None:
        parts: list[tuple[str, str]] = []
        log = self.log_model
        if log is not None:
            parts.append((f"{len(log.rows)}/{len(log.order)} lines", ""))
            if log.filter.active:
                parts.append((f"filter: {log.filter.describe()}", "yellow"))
        if self.search_pattern is not None:
            parts.append((f"search /{self.search_pattern.pattern}/", "cyan"))
        if self.following:
            parts.append(("● follow", "bold green"))
        if self.redacted:
            parts.append(("redacted view", "bold magenta"))
        if extra:
            parts.append((extra, "bold"))
        t = Text()
        for i, (s, style) in enumerate(parts):
            if i:
                t.append("  │  ", "dim")
            t.append(s, style)
        self.query_one("#status", Label).update(t)

    # --- navigation ---------------------------------------------------------------------------
    def action_view(self, name: str) -> None:
        if isinstance(self.screen, Screen) and self.screen is not self.screen_stack[0]:
            return  # a key pressed in a dialog
        self._switch_view(name)

    def _switch_view(self, name: str) -> None:
        self.query_one("#views", TabbedContent).active = name
        target = {"overview": "#findings", "negotiation": "#ladder", "log": "#logview"}[name]
        found = self.query(target)
        if found:
            found.first().focus()

    @on(Overview.FindingChosen)
    def _finding_chosen(self, event: Overview.FindingChosen) -> None:
        f = self.view.findings[event.index]
        self.open_finding(f)

    def open_finding(self, f: Finding) -> None:
        if f.negotiations and f.negotiations[0] in self.view.by_id:
            self.open_negotiation(f.negotiations[0])
        elif f.evidence:
            target = self.view.evidence_target(f.evidence[0])
            if target is not None:
                self.jump(target.input, target.line)

    @on(Overview.NegotiationChosen)
    def _negotiation_chosen(self, event: Overview.NegotiationChosen) -> None:
        self.open_negotiation(event.nid)

    def open_negotiation(self, nid: str) -> None:
        self.current = nid
        self._show_negotiation()
        self._switch_view("negotiation")

    @on(OptionList.OptionSelected)
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        kind, _, rest = oid.partition(":")
        if kind in ("ev", "ref"):
            i, line, _n = rest.split(":")
            self.jump(int(i), int(line))

    def jump(self, input_: int, line: int) -> None:
        """Show input line `line` in the merged log (clearing a filter that hides it)."""
        logview = self._logview()
        if logview is None or self.log_model is None:
            return
        row = self.log_model.row_of(input_, line)
        if row is None and self.log_model.filter.active:
            self._set_filter(LogFilter())
            self.notify("The filter hid that line: filter cleared.")
            row = self.log_model.row_of(input_, line)
        self._switch_view("log")
        if row is None:
            self.notify(f"line {line} of input {input_ + 1} is not in the log view", severity="warning")
            return
        logview.go(row)

    # --- merged log actions -------------------------------------------------------------------
    def _need_log(self) -> MergedLogView | None:
        logview = self._logview()
        if logview is None:
            self.notify("The log is still being read.", severity="warning")
            return None
        if self.query_one("#views", TabbedContent).active != "log":
            # (a palette command may run while the palette is still closing: switch anyway)
            self._switch_view("log")
        return logview

    def action_search(self) -> None:
        if self._need_log() is None:
            return
        current = self.search_pattern.pattern if self.search_pattern is not None else ""
        self.push_screen(PromptScreen("Search (regex)", "e.g. no trusted|AUTH_FAILED", current,
                                      "n / N: next / previous match"), self._searched)

    def _searched(self, text: str | None) -> None:
        if text is None:
            return
        logview = self._logview()
        if not text:
            self.search_pattern = None
            logview.search = None
            logview.refresh()
            self._status()
            return
        pattern = compile_user_regex(text)
        if pattern is None:
            self.notify(f"not a valid regular expression: {text}", severity="error")
            return
        self.search_pattern = pattern
        logview.search = pattern
        self.action_search_next(1, from_before=True)

    def action_search_next(self, direction: int, from_before: bool = False) -> None:
        logview = self._need_log()
        if logview is None:
            return
        if self.search_pattern is None:
            self.action_search()
            return
        start = logview.cursor - 1 if from_before and direction > 0 else logview.cursor
        pattern = self.search_pattern
        self._find(pattern, start, direction > 0, f"/{pattern.pattern}/",
                   f"no line matches /{pattern.pattern}/")

    def action_error(self, direction: int) -> None:
        logview = self._need_log()
        if logview is None:
            return
        evidence, text = logview.evidence, self.log_model.text
        self._find(lambda k: k in evidence or is_error_line(text(k)), logview.cursor, direction > 0,
                   "error lines", "no error line")

    # --- searching the rows: at once when they are few, else in a worker -----------------------
    def _find(self, match, start: int, forward: bool, what: str, none: str) -> None:
        """Go to the next row after `start` (wrapping) whose line `match`es: a regex (searched
        block by block over the mapped files) or a predicate on the row's key. A new search
        cancels the one still running (exclusive worker group)."""
        rows = self.log_model.rows
        if len(rows) <= SYNC_ROWS:
            self.workers.cancel_group(self, "search")
            hit = next((r for lo, hi in _ranges(len(rows), start, forward, max(1, len(rows)))
                        if (r := self._first_in(match, rows, lo, hi, forward)) is not None), None)
            self._found(None, rows, hit, none)
            return
        self._status(f"searching {what}…")
        self._find_worker(match, rows, start, forward, what, none)

    def _first_in(self, match, rows, lo: int, hi: int, forward: bool) -> int | None:
        if isinstance(match, regex.Pattern):
            return find_in(self.log_model, match, rows, lo, hi, forward)
        for r in range(lo, hi) if forward else range(hi - 1, lo - 1, -1):
            if match(rows[r]):
                return r
        return None

    @work(thread=True, exclusive=True, group="search")
    def _find_worker(self, match, rows, start: int, forward: bool, what: str, none: str) -> None:
        worker = get_current_worker()
        n, done = len(rows), 0
        last = time.monotonic()
        chunk = SCAN_CHUNK * (10 if isinstance(match, regex.Pattern) else 1)  # block searches go faster
        for lo, hi in _ranges(n, start, forward, chunk):
            if worker.is_cancelled:
                return
            hit = self._first_in(match, rows, lo, hi, forward)
            if hit is not None:
                self.call_from_thread(self._found, worker, rows, hit, none)
                return
            done += hi - lo
            if time.monotonic() - last > PUBLISH_EVERY_S:
                last = time.monotonic()
                self.call_from_thread(self._searching, worker, what, done / n)
        self.call_from_thread(self._found, worker, rows, None, none)

    def _searching(self, worker, what: str, fraction: float) -> None:
        if not worker.is_cancelled:
            self._status(f"searching {what}… {fraction:.0%}")

    def _found(self, worker, rows, row: int | None, none: str) -> None:
        if worker is not None and worker.is_cancelled:
            return
        logview = self._logview()
        if logview is None or rows is not self.log_model.rows:
            self._status()  # the rows changed under the search (a filter): its answer is stale
            return
        if row is None:
            self.notify(none, severity="warning")
        else:
            logview.go(row)
        self._status()

    def action_bookmark(self) -> None:
        logview = self._need_log()
        if logview is not None:
            on_ = logview.toggle_bookmark()
            self._status("bookmarked" if on_ else "bookmark removed")

    def action_next_bookmark(self, direction: int) -> None:
        logview = self._need_log()
        if logview is not None and not logview.next_marked(logview.bookmarks, direction > 0):
            self.notify("no bookmark (m sets one) among the lines shown", severity="warning")

    def action_goto_time(self) -> None:
        logview = self._need_log()
        if logview is None:
            return
        now = clock(self.log_model.time(logview.cursor_key)) if logview.cursor_key is not None else ""
        self.push_screen(PromptScreen("Go to time (UTC, corrected clock)", "HH:MM:SS", now[:8]), self._goto)

    def _goto(self, text: str | None) -> None:
        if not text:
            return
        logview = self._logview()
        try:
            parts = [float(p) for p in text.strip().split(":")]
            while len(parts) < 3:
                parts.append(0.0)
            seconds = parts[0] * 3600 + parts[1] * 60 + parts[2]
        except ValueError:
            self.notify(f"not a time: {text} (HH:MM:SS)", severity="error")
            return
        ref = self.log_model.time(logview.cursor_key) if logview.cursor_key is not None else None
        if ref is None:
            ref = next((t for k in self.log_model.rows[:1000] if (t := self.log_model.time(k)) is not None), None)
        if ref is None:
            self.notify("these lines carry no time", severity="warning")
            return
        day = ref - ref % 86400
        logview.go(self.log_model.row_at_time(day + seconds))

    def action_filter(self) -> None:
        if self._need_log() is None:
            return
        log = self.log_model
        flt = log.filter
        names = [ix.name for ix in log.indexes]
        negs = list(self.view.by_id) if self.view else []
        current = FilterChoice(
            inputs=sorted(flt.inputs) if flt.inputs is not None else list(range(len(names))),
            negotiation=flt.negotiation or (self.current if self.query_one("#views", TabbedContent).active
                                            == "negotiation" else None),
            groups=",".join(sorted(flt.groups)) if flt.groups else "",
            max_level=flt.max_level,
            regex=flt.pattern.pattern if flt.pattern is not None else "",
            hide=flt.hide,
        )
        self.push_screen(FilterScreen(names, negs, current), self._filtered)

    def _filtered(self, choice: FilterChoice | None) -> None:
        if choice is None:
            return
        pattern = None
        if choice.regex:
            pattern = compile_user_regex(choice.regex)
            if pattern is None:
                self.notify(f"not a valid regular expression: {choice.regex}", severity="error")
                return
        lines = None
        if choice.negotiation and self.view is not None:
            lines = self._negotiation_keys(choice.negotiation)
        n_inputs = len(self.log_model.indexes)
        groups = frozenset(g.strip().upper() for g in choice.groups.split(",") if g.strip()) or None
        self._set_filter(LogFilter(
            inputs=frozenset(choice.inputs) if len(choice.inputs) < n_inputs else None,
            lines=lines, negotiation=choice.negotiation if lines is not None else None,
            groups=groups, max_level=choice.max_level, pattern=pattern, hide=choice.hide))

    def _negotiation_keys(self, nid: str) -> frozenset[int]:
        neg = self.view.negotiation(nid)
        if neg is None:
            return frozenset()
        out: set[int] = set()
        for n in filter(None, (neg, self.view.peer(neg))):
            for first, count in n.line_spans():  # kept events and the noise lines dropped from memory
                out.update(key(n.input, first + j) for j in range(count))
        return frozenset(out)

    def action_clear_filter(self) -> None:
        if self.log_model is not None:
            self._set_filter(LogFilter())

    def _set_filter(self, flt: LogFilter) -> None:
        """Apply a filter: at once when it is cheap, else in a worker that shows the lines it has
        kept so far as it goes (a new filter cancels the running one)."""
        logview = self._logview()
        keep = logview.cursor_key
        log = self.log_model
        if not flt.active or len(log.order) <= SYNC_ROWS:
            self.workers.cancel_group(self, "filter")
            log.apply_filter(flt)
            logview.refresh_rows(keep=keep)
            self._status()
            return
        self._filter_keep = keep
        log.filter = flt
        self._filter_worker(flt, log.order)

    @work(thread=True, exclusive=True, group="filter")
    def _filter_worker(self, flt: LogFilter, order) -> None:
        worker = get_current_worker()
        log = self.log_model
        n = len(order)
        kept = array("Q")
        last = time.monotonic()
        for a in range(0, n, SCAN_CHUNK):
            if worker.is_cancelled:
                return
            kept.extend(log.keep_range(flt, order, a, min(n, a + SCAN_CHUNK)))
            if time.monotonic() - last > PUBLISH_EVERY_S and a + SCAN_CHUNK < n:
                last = time.monotonic()
                self.call_from_thread(self._filter_partial, worker, flt, kept[:], (a + SCAN_CHUNK) / n)
        self.call_from_thread(self._filter_done, worker, flt, order, n, kept)

    def _filter_partial(self, worker, flt: LogFilter, rows, fraction: float) -> None:
        log, logview = self.log_model, self._logview()
        if worker.is_cancelled or log.filter is not flt or logview is None:
            return
        log.rows = rows
        logview.refresh_rows()
        self._status(f"filtering… {fraction:.0%}")

    def _filter_done(self, worker, flt: LogFilter, order, n: int, kept) -> None:
        log, logview = self.log_model, self._logview()
        if worker.is_cancelled or log.filter is not flt or logview is None:
            return
        if log.order is not order:  # a re-analysis merged the lines anew meanwhile: again
            self._filter_worker(flt, log.order)
            return
        if len(order) > n:  # lines that follow mode added meanwhile
            kept.extend(log.keep_range(flt, order, n, len(order)))
        log.rows = kept
        logview.refresh_rows(keep=self._filter_keep)
        self._status()

    # --- follow, redaction, export, help ------------------------------------------------------
    def action_follow(self) -> None:
        self.following = not self.following
        if self.following:
            self._start_follow()
            self.notify("Following: new lines, negotiations and findings appear as the files grow.")
        elif self._follow_timer is not None:
            self._follow_timer.stop()
            self._follow_timer = None
        self._status()

    def _start_follow(self) -> None:
        if self._follow_timer is None and self.log_model is not None:
            self._follow_timer = self.set_interval(FOLLOW_TICK_S, self._follow_tick)

    def _follow_tick(self) -> None:
        log, logview = self.log_model, self._logview()
        if log is None or logview is None:
            return
        at_bottom = logview.at_bottom
        growth = follow.poll(log)
        if not growth.changed:
            return
        if growth.rotated:
            self._rotated = True
            self.notify("rotated, following the new file: " + ", ".join(growth.rotated))
            log.rebuild()
        else:
            log.extend(growth.new_keys)
        logview.refresh_rows(to_end=at_bottom)
        self._status()
        self.reanalyse()

    def reanalyse(self) -> None:
        """Run the pipeline again (in a worker) for what the followed files gained: at most one
        run at a time, and after a run that took T seconds, none for max(T, REANALYSE_EVERY_S),
        so a big input is not analysed back to back."""
        self._pending = True
        if self._retry_timer is not None:
            return  # already due
        if any(w.group in ("analyse", "load") and not w.is_finished for w in self.workers):
            return  # `_analysed` schedules the next run
        wait = max(follow.REANALYSE_EVERY_S, self._analysis_took) - (time.monotonic() - self._last_analysis)
        if wait > 0:
            self._retry_timer = self.set_timer(wait, self._retry)
            return
        self._pending = False
        self._reanalyse_worker()

    def _retry(self) -> None:
        self._retry_timer = None
        if self._pending:
            self.reanalyse()

    @work(thread=True, group="analyse")
    def _reanalyse_worker(self) -> None:
        self._analyse(get_current_worker())

    def action_redact(self) -> None:
        if self.analysis is None:
            self.notify("Wait for the analysis to finish.", severity="warning")
            return
        self.redacted = not self.redacted
        logview = self._logview()
        if logview is not None:
            logview.redact = self.redactor
            logview.refresh()
        self._show_analysis()
        self._status()

    def action_export(self) -> None:
        if self.analysis is None:
            self.notify("Wait for the analysis to finish.", severity="warning")
            return
        stem = Path(self.paths[0]).stem if len(self.paths) == 1 else "swandiag-report"
        self.push_screen(ExportScreen(stem if stem else "swandiag-report"), self._export)

    def _export(self, choice: ExportChoice | None) -> None:
        if choice is None or not choice.path:
            return
        try:
            path = write_report(self.analysis, choice)
        except Exception as exc:  # noqa: BLE001 - one line, the UI stays up
            self.notify(f"export failed: {type(exc).__name__}: {exc}", severity="error", timeout=10)
            return
        self.notify(f"report written to {path} ({choice.fmt}{', redacted' if choice.redact else ', NOT redacted'})")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- command palette ----------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = (
            ("Overview", "inputs, findings ranked by severity, negotiations", lambda: self._switch_view("overview")),
            ("Negotiation ladder", "the two-lane ladder of the selected negotiation", lambda: self._switch_view("negotiation")),
            ("Merged log", "both sides' lines interleaved by corrected time", lambda: self._switch_view("log")),
            ("Search the log", "regex search (/)", self.action_search),
            ("Next match", "n", lambda: self.action_search_next(1)),
            ("Previous match", "N", lambda: self.action_search_next(-1)),
            ("Next error", "e", lambda: self.action_error(1)),
            ("Previous error", "E", lambda: self.action_error(-1)),
            ("Filter the log", "by input, negotiation, group, level, regex (f)", self.action_filter),
            ("Clear the filter", "F", self.action_clear_filter),
            ("Toggle bookmark", "m", self.action_bookmark),
            ("Next bookmark", "b", lambda: self.action_next_bookmark(1)),
            ("Previous bookmark", "B", lambda: self.action_next_bookmark(-1)),
            ("Go to time", "g", self.action_goto_time),
            ("Toggle follow mode", "tail -f the inputs (t)", self.action_follow),
            ("Toggle redacted view", "hide addresses and identities on screen (r)", self.action_redact),
            ("Export the report", "markdown / html / json, redacted (x)", self.action_export),
            ("Help", "keys and legend (? / F1)", self.action_help),
        )
        for title, help_, callback in commands:
            yield SystemCommand(title, help_, callback)


def _ranges(n: int, start: int, forward: bool, chunk: int):
    """(lo, hi) slices of rows in the order a wrapping search looks at them: forward, the rows
    after `start` then from the top up to `start`; backward, the rows before it then from the
    bottom down to it; at most `chunk` rows each."""
    if n <= 0:
        return
    if forward:
        first = (start + 1) % n
        for lo, hi in ((first, n), (0, first)):
            for a in range(lo, hi, chunk):
                yield a, min(hi, a + chunk)
    else:
        s = start % n
        for lo, hi in ((0, s), (s, n)):
            for b in range(hi, lo, -chunk):
                yield max(lo, b - chunk), b
