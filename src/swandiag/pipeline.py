"""Runs the stages in order and gathers their outputs into one Analysis."""
from __future__ import annotations

from dataclasses import dataclass, field

from .analysis import Analysis


@dataclass(slots=True)
class Options:
    format_override: dict[str, str] = field(default_factory=dict)  # input name or '*' -> LogFormat value
    tz: dict[str, str] = field(default_factory=dict)  # input name or '*' -> zone name
    offsets: dict[str, float] = field(default_factory=dict)  # input name -> seconds (--offset PATH=+3.4s)
    pattern_dirs: list[str] = field(default_factory=list)  # extra --patterns DIRs
    year: int | None = None  # year for year-less timestamps when it cannot be inferred
    progress: object | None = None  # callable(done_bytes, total_bytes) or None
    on_event: object | None = None  # callable(Event) for every parsed event (the TUI's merged log)


def analyze(paths: list[str], options: Options | None = None) -> Analysis:
    from .correlate.pairing import correlate
    from .ingest.sources import disk_size, resolve, split_paths
    from .negotiation.builder import build
    from .negotiation.fingerprint import annotate_platforms
    from .parse.stream import parse_input
    from .rules.engine import evaluate
    from .rules.lint_source import fold, lint_for
    from .rules.loader import load_signatures
    from .rules.retention import retention_for

    options = options or Options()
    analysis = Analysis()
    signatures = load_signatures(options.pattern_dirs)
    keep = retention_for(signatures)  # which events negotiations keep: what rules and evidence need
    paths, lint_paths = split_paths(paths)  # configs/certs/profiles go to lint, folders to both
    specs, problems = resolve(paths) if paths else ([], [])
    analysis.problems.extend(p.message if p.input in p.message else f"{p.input}: {p.message}" for p in problems)
    total = sum(disk_size(spec) for spec in specs) if options.progress is not None else 0
    done = 0
    for spec in specs:
        parsed = parse_input(spec, options)
        analysis.inputs.append(parsed.summary)
        events = parsed.events()
        if options.on_event is not None or options.progress is not None:
            events = _tap(events, options.on_event, options.progress if total else None, parsed.stats, done, total)
        analysis.negotiations.extend(build(events, parsed.summary, keep=keep))
        analysis.problems.extend(parsed.problems())
        done += parsed.stats.bytes_read
    if options.progress is not None:
        options.progress(max(done, total), max(done, total))
    annotate_platforms(analysis.negotiations)
    analysis.correlation = correlate(analysis.negotiations, analysis.inputs, options.offsets)
    analysis.problems.extend(analysis.correlation.notes)  # e.g. an --offset naming no input
    analysis.lint = lint_for(lint_paths, analysis)
    if analysis.lint is not None:
        analysis.problems.extend(str(p) for p in analysis.lint.problems)
    analysis.findings = fold(evaluate(analysis, signatures), signatures)
    return analysis


_PROGRESS_EVERY = 8192  # events between two progress calls


def _tap(events, on_event, progress, stats, before: int, total: int):
    """Hand every event to `on_event`, and report `progress(done_bytes, total_bytes)` as the
    input is read (never past `total`, never once the input is done: the caller says so)."""
    n = 0
    for ev in events:
        if on_event is not None:
            on_event(ev)
        if progress is not None:
            n += 1
            if n >= _PROGRESS_EVERY:
                n = 0
                progress(min(before + stats.bytes_read, total), total)
        yield ev
