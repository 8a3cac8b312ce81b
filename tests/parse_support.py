"""One log file through ingest and parse, for builder tests: (events, summary)."""
from __future__ import annotations

from pathlib import Path

from swandiag.ingest.sources import resolve
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options


def parse_file(path: Path | str):
    specs, problems = resolve([str(path)])
    assert specs and not problems
    parsed = parse_input(specs[0], Options())
    return list(parsed.events()), parsed.summary
