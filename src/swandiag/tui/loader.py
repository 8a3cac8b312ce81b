"""Runs the pipeline for the UI (in a worker thread): line indexes first, then the analysis,
recording each parsed event's time/level/group for the merged log as it goes by."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..analysis import Analysis
from ..errors import SwandiagError
from ..ingest.records import InputSpec
from ..ingest.sources import resolve
from ..pipeline import Options, analyze
from .lineindex import LineIndex
from .merged import LogModel

Progress = Callable[[float, str], None]  # (fraction 0..1, what)


@dataclass(slots=True)
class Loaded:
    specs: list[InputSpec]
    log: LogModel
    problems: list[str] = field(default_factory=list)


def index_inputs(paths: list[str]) -> Loaded:
    """Resolve the inputs and index their lines (fast: no parsing). Raises SwandiagError when
    nothing can be read."""
    specs, problems = resolve(paths)
    messages = [p.message for p in problems]
    if not specs:
        raise SwandiagError(messages[0] if messages else "no log input found")
    indexes = []
    for spec in specs:
        try:
            indexes.append(LineIndex.open(spec))
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
    log.adopt(collector, analysis.correlation.input_shift)
    return analysis
