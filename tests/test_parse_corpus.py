"""Every corpus log swandiag is expected to read: right format, 0 unrecognised lines,
every physical line accounted for (issue 2, "Must show")."""
from __future__ import annotations

import glob
import json
import os

import pytest

from swandiag.ingest.sources import resolve
from swandiag.parse.event import LogFormat
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

ROOT = os.path.join(os.path.dirname(__file__), "fixtures", "corpus")


def _corpus_files() -> list[str]:
    files: set[str] = set()
    for label in glob.glob(os.path.join(ROOT, "*", "*", "label.json")):
        with open(label, encoding="utf-8") as fh:
            inputs = json.load(fh)["swandiag"]["inputs"]
        files.update(os.path.join(os.path.dirname(label), f) for f in inputs)
    for pattern in ("*.swanctl-initiate.txt", "*.swanctl--log.txt", "gateway.json.log", "gateway.journal.*",
                    "racoon.log", "*.stroke-out.txt"):
        files.update(glob.glob(os.path.join(ROOT, "*", "*", pattern)))
    return sorted(files)


def _expected(path: str) -> LogFormat:
    name = os.path.basename(path)
    if name.endswith(".swanctl-initiate.txt"):
        return LogFormat.SWANCTL_CONTROL
    if name.endswith(".swanctl--log.txt"):
        return LogFormat.SWANCTL_LOG
    if name.endswith(".stroke-out.txt"):
        return LogFormat.STROKE
    if name == "gateway.json.log":
        return LogFormat.CHARON_JSON
    if name == "racoon.log":
        return LogFormat.RACOON
    if name == "gateway.journal.json":
        return LogFormat.JOURNAL_JSON
    if name == "gateway.journal.export":
        return LogFormat.JOURNAL_EXPORT
    if name.startswith("gateway.journal."):
        return LogFormat.JOURNAL_TEXT
    return LogFormat.CHARON_FILELOG


FILES = _corpus_files()


def test_corpus_list_is_complete():
    assert len(FILES) >= 150  # 50 scenarios × 2–3 inputs, plus captures
    assert any(f.endswith("racoon.log") for f in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: os.path.relpath(p, ROOT))
def test_corpus_input_is_read_completely(path):
    specs, problems = resolve([path])
    assert not problems and len(specs) == 1
    parsed = parse_input(specs[0], Options(tz={"*": "UTC"}))
    events = list(parsed.events())
    s = parsed.summary
    assert s.format is _expected(path), (s.format, s.confidence)
    assert s.confidence >= 0.8
    assert s.unrecognised_lines == 0, s.unrecognised_sample[:3]
    assert s.lines > 0 and sum(e.nlines for e in events) == s.lines
    assert s.events == len(events)
    assert all(e.text is not None and e.line >= 1 for e in events)
    timed = s.format not in (LogFormat.SWANCTL_CONTROL, LogFormat.SWANCTL_LOG, LogFormat.STROKE) and not (
        s.format is LogFormat.JOURNAL_TEXT and s.format_details.get("output") == "cat")
    if timed and s.format_details.get("time_format", "x") is not None:
        assert s.first is not None and s.last is not None and s.first <= s.last
        # the corpus was recorded on 2026-11-29 (UTC)
        assert 1795910400 <= s.first <= 1796083200
    assert parsed.problems() == []
    assert len(s.sha256 or "") == 64
