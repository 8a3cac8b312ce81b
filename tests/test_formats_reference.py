"""Every real sample the reference files quote (charon-logs.md §1.3–§1.6 and §5,
journald-notes.md §2, strongswan6-notes.md §1.3, racoon-messages.md, ios-macos-clients.md
§2.3), copied verbatim into tests/fixtures/formats/reference/ (manifest.json names the source
of each file): detected as the right format, every line accounted for, none unrecognised.
Short snippets and single lines included; confidence may be lower there, the format may not."""
from __future__ import annotations

import json
import os

import pytest

from swandiag.ingest.sources import resolve
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "formats", "reference")
MANIFEST = json.load(open(os.path.join(HERE, "manifest.json"), encoding="utf-8"))


def _parse(path: str):
    specs, problems = resolve([path])
    assert not problems
    parsed = parse_input(specs[0], Options(tz={"*": "UTC"}))
    events = list(parsed.events())
    return parsed.summary, events


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_reference_sample(entry):
    s, events = _parse(os.path.join(HERE, entry["file"]))
    assert s.format.value == entry["format"], (entry["source"], s.format, s.confidence)
    assert s.unrecognised_lines == 0, (entry["source"], s.unrecognised_sample)
    assert sum(e.nlines for e in events) == s.lines
    assert events
