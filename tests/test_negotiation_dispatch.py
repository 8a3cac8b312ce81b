"""negotiation.builder.build picks the input's builder from the first event of a daemon it has
a builder for: an input may begin with journalctl's own lines or other programs' messages,
and the parse stage knows the input's daemon only once the stream is read."""
from __future__ import annotations

import os

from swandiag.pipeline import Options, analyze
from swandiag.rules.records import Severity

CORPUS = os.path.join(os.path.dirname(__file__), "fixtures", "corpus")
JOURNAL = os.path.join(CORPUS, "journal", "psk-mismatch", "gateway.journal.short.log")
# journalctl's boot separator (../shared/reference/journald-notes.md §3 item 10; the boot id is the
# _BOOT_ID of tests/fixtures/corpus/journal/*/gateway.journal.export)
BOOT = "-- Boot d8a9df17f8644251a430029c078d7e60 --\n"


def _diagnosis(path: str) -> tuple[int, list[str]]:
    a = analyze([path], Options())
    return len(a.negotiations), [f.id for f in a.findings if f.severity >= Severity.WARNING]


def test_a_journal_that_begins_with_a_boot_line(tmp_path):
    with open(JOURNAL, encoding="utf-8") as fh:
        body = fh.read()
    p = tmp_path / "gateway.journal.log"
    p.write_text(BOOT + body, encoding="utf-8")
    assert _diagnosis(str(p)) == _diagnosis(JOURNAL)
    n, top = _diagnosis(str(p))
    assert n >= 1 and top[:1] == ["psk-mismatch"]
