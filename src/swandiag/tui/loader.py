"""Runs the pipeline for the UI (in a worker thread): line indexes first, then the analysis,
recording each parsed event's time/level/group for the merged log as it goes by."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..analysis import Analysis
from ..correlate.timeline import send_links
from ..errors import SwandiagError
from ..ingest.records import InputSpec
from ..ingest.sources import disk_size, resolve
from ..pipeline import Options, analyze
from .lineindex import LineIndex
from .merged import LogModel, key

Progress = Callable[[float, str], None]  # (fraction 0..1, what)


@dataclass(slots=True)
class Loaded:
    specs: list[InputSpec]
    log: LogModel
    problems: list[str] = field(default_factory=list)


def index_inputs(paths: list[str], progress: Progress | None = None) -> Loaded:
    """Resolve the inputs and index their lines (fast: no parsing). Raises SwandiagError when
    nothing can be read."""
    specs, problems = resolve(paths)
    messages = [p.message for p in problems]
    if not specs:
        raise SwandiagError(messages[0] if messages else "no log input found")
    sizes = [disk_size(spec) for spec in specs]
    total = sum(sizes) or 1
    indexes = []
    for n, spec in enumerate(specs):
        before = sum(sizes[:n])

        def scanned(done: int, _total: int, before: int = before) -> None:
            if progress is not None:
                progress(min(1.0, (before + done) / total), "indexing")

        try:
            indexes.append(LineIndex.open(spec, scanned))
        except OSError as exc:
            raise SwandiagError(f"{spec.name}: {exc.strerror or exc}") from None
    return Loaded(specs, LogModel(indexes), messages)


def run_analysis(paths: list[str], options: Options, log: LogModel, progress: Progress | None = None) -> Analysis:
    """The full pipeline; the merged log's per-line facts are refreshed from its events."""
    collector = log.collector()

    def on_event(ev) -> None:
        collector.record(ev.input, ev.line, ev.nlines, ev.ts, ev.level, ev.group)

    def on_progress(done: int, total: int) -> None:
        if progress is not None and total:
            progress(min(1.0, done / total), "analysing")

    analysis = analyze(paths, replace(options, progress=on_progress, on_event=on_event))
    if progress is not None:
        progress(1.0, "merging")
    after = causal_links(analysis)
    log.stage(log.prepare(collector, analysis.correlation.input_shift, after))  # the UI thread adopts it
    return analysis


def causal_links(analysis: Analysis) -> dict[int, int]:
    """The merged log's tie-break constraints from the matched messages of paired negotiations:
    key of a line that receives a message -> key of the line it must follow on the other side
    (correlate.timeline.send_links, the report timeline's rule)."""
    return {key(*recv): key(*send) for recv, send in send_links(analysis.negotiations, analysis.correlation).items()}
