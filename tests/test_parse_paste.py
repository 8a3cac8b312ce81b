"""Paste decorations around known formats (parse/paste.py): detected once per input, stripped
per line, original line numbers kept, times still read; journalctl's own lines, other
programs' lines, mail-wrapped lines and two formats pasted one below the other. Every log
line here is a real corpus line; only the decoration is added."""
from __future__ import annotations

import os

import pytest

from swandiag.ingest.sources import resolve
from swandiag.parse.event import Daemon, LogFormat
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

CORPUS = os.path.join(os.path.dirname(__file__), "fixtures", "corpus")
FILELOG = os.path.join(CORPUS, "lab", "psk-mismatch", "gateway.log")
JOURNAL = os.path.join(CORPUS, "journal", "psk-mismatch", "gateway.journal.short.log")
SWANCTL_LOG = os.path.join(CORPUS, "lab", "ok-ikev2-cert", "gateway.swanctl--log.txt")
RACOON = os.path.join(CORPUS, "racoon", "e-xauth-wrong-password", "racoon.log")


def _lines(path: str, n: int | None = None) -> list[str]:
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        lines = fh.read().split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines[:n] if n else lines


def _run(tmp_path, lines: list[str], eol="\n", name="pasted.log"):
    p = tmp_path / name
    p.write_bytes("".join(x + (eol(i) if callable(eol) else eol) for i, x in enumerate(lines)).encode(
        errors="surrogateescape"))
    specs, problems = resolve([str(p)])
    parsed = parse_input(specs[0], Options(tz={"*": "UTC"}))
    events = list(parsed.events())
    s = parsed.summary
    assert sum(e.nlines for e in events) + s.unrecognised_lines == s.lines
    return s, events


def _baseline(tmp_path, path):
    return _run(tmp_path, _lines(path), name="clean-" + os.path.basename(path))


DECORATIONS = {
    "quote": lambda ls: ["> " + x for x in ls],
    "quote-nested": lambda ls: [">> " + x for x in ls],
    "quote-spaced": lambda ls: ["> > " + x for x in ls],
    "numbers-colon": lambda ls: [f"{i}: {x}" for i, x in enumerate(ls, 1)],
    "numbers-bar": lambda ls: [f"{i:>4} | {x}" for i, x in enumerate(ls, 1)],
    "numbers-spaces": lambda ls: [f"  {i}  {x}" for i, x in enumerate(ls, 1)],
    "numbers-tab": lambda ls: [f"{i}\t{x}" for i, x in enumerate(ls, 1)],
    "indent-4": lambda ls: ["    " + x for x in ls],
    "indent-tab": lambda ls: ["\t" + x for x in ls],
    "quote+indent": lambda ls: ["> " + "    " + x for x in ls],
}


@pytest.mark.parametrize("source", [FILELOG, JOURNAL, SWANCTL_LOG, RACOON], ids=os.path.basename)
@pytest.mark.parametrize("how", sorted(DECORATIONS))
def test_decorated_input_parses_like_the_clean_one(tmp_path, source, how):
    base, base_events = _baseline(tmp_path, source)
    s, events = _run(tmp_path, DECORATIONS[how](_lines(source)))
    assert s.format is base.format
    assert s.unrecognised_lines == base.unrecognised_lines == 0
    assert (s.first, s.last) == (base.first, base.last)  # times still read under the decoration
    assert [(e.line, e.text, e.ts) for e in events] == [(e.line, e.text, e.ts) for e in base_events]
    assert s.format_details.get("pasted")  # inspect says what it stripped


@pytest.mark.parametrize("eol", ["\r\n", lambda i: "\r\n" if i % 3 == 0 else "\n"], ids=["crlf", "some-cr"])
def test_crlf_and_stray_cr(tmp_path, eol):
    base, base_events = _baseline(tmp_path, FILELOG)
    s, events = _run(tmp_path, _lines(FILELOG), eol=eol)
    assert s.unrecognised_lines == 0
    assert [(e.line, e.text, e.ts) for e in events] == [(e.line, e.text, e.ts) for e in base_events]


def test_journalctl_markers_are_not_unrecognised(tmp_path):
    # `-- No entries --` and `-- Boot <32 hex> --` (journald-notes.md §3.10; the boot id is the
    # _BOOT_ID of the reference's journal samples)
    body = _lines(JOURNAL, 30)
    lines = ["-- Boot d8a9df17f8644251a430029c078d7e60 --"] + body + ["-- No entries --"]
    for source in (lines, ["> " + x for x in lines]):
        s, events = _run(tmp_path, source)
        assert s.format is LogFormat.JOURNAL_TEXT and s.unrecognised_lines == 0
        assert events[0].daemon is Daemon.OTHER and events[-1].daemon is Daemon.OTHER


def test_journalctl_markers_around_a_filelog(tmp_path):
    lines = ["-- Boot d8a9df17f8644251a430029c078d7e60 --"] + _lines(FILELOG, 40) + ["-- No entries --"]
    s, _ = _run(tmp_path, lines)
    assert s.format is LogFormat.CHARON_FILELOG and s.unrecognised_lines == 0


def test_other_programs_in_a_journal_are_events_of_another_daemon(tmp_path):
    lines = _lines(JOURNAL)
    s, events = _run(tmp_path, lines)
    assert s.format is LogFormat.JOURNAL_TEXT and s.unrecognised_lines == 0
    assert any(e.daemon is Daemon.OTHER for e in events)  # swanctl[…] lines


def _wrap(lines: list[str], width: int = 76) -> list[str]:
    from metamorphic.transforms import mail_wrap
    return mail_wrap(lines, width)


@pytest.mark.parametrize("source", [FILELOG, JOURNAL, RACOON], ids=os.path.basename)
def test_mail_wrapped_lines_are_joined_again(tmp_path, source):
    base, base_events = _baseline(tmp_path, source)
    wrapped = _wrap(_lines(source))
    assert len(wrapped) > base.lines
    s, events = _run(tmp_path, wrapped)
    assert s.format is base.format and s.unrecognised_lines == 0
    assert s.format_details.get("wrapped_lines", 0) > 0
    assert len(events) == len(base_events)
    same = sum(1 for a, b in zip(events, base_events) if a.text == b.text)
    assert same >= 0.97 * len(events)


@pytest.mark.parametrize("first, second, fmts", [
    (JOURNAL, SWANCTL_LOG, ("journal-text", "swanctl-log")),
    (FILELOG, JOURNAL, ("charon-filelog", "journal-text")),
], ids=["journal+swanctl-log", "filelog+journal"])
def test_two_formats_pasted_one_below_the_other(tmp_path, first, second, fmts):
    a, b = _lines(first, 60), _lines(second, 60)
    s, events = _run(tmp_path, a + b)
    assert s.format.value == fmts[0]
    assert s.unrecognised_lines == 0, s.unrecognised_sample
    regions = s.format_details.get("regions")
    assert regions and regions[0] == f"1: {fmts[0]}" and regions[-1] == f"{len(a) + 1}: {fmts[1]}"
    assert any(e.line > len(a) and e.ts is not None for e in events) or fmts[1] == "swanctl-log"


def test_inspect_says_what_it_stripped(tmp_path, capsys):
    from swandiag.cli import main
    p = tmp_path / "quoted.log"
    p.write_text("".join(f"> {x}\n" for x in _lines(FILELOG, 30)))
    main(["inspect", str(p)])
    out = capsys.readouterr().out
    assert "pasted=quote '>'" in out and "0 unrecognised" in out
