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


def analyze(paths: list[str], options: Options | None = None) -> Analysis:
    from .correlate.pairing import correlate
    from .ingest.sources import resolve
    from .negotiation.builder import build
    from .parse.stream import parse_input
    from .rules.engine import evaluate
    from .rules.loader import load_signatures

    options = options or Options()
    analysis = Analysis()
    specs, problems = resolve(paths)
    analysis.problems.extend(p.message if p.input in p.message else f"{p.input}: {p.message}" for p in problems)
    for spec in specs:
        parsed = parse_input(spec, options)
        analysis.inputs.append(parsed.summary)
        analysis.negotiations.extend(build(parsed.events(), parsed.summary))
        analysis.problems.extend(parsed.problems())
    analysis.correlation = correlate(analysis.negotiations, analysis.inputs, options.offsets)
    analysis.findings = evaluate(analysis, load_signatures(options.pattern_dirs))
    return analysis
