"""Every `journalctl -o` mode of a real charon-systemd journal reads as the same entries.

The entries are the corpus's real journal capture (corpus/journal/psk-mismatch, `-o json`),
printed the way systemd's logs-show.c prints each mode (tests/metamorphic/render.py). Each
mode must give the same messages in the same order, with the same times where the mode
prints them, and account for every line."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from metamorphic import render
from metamorphic.records import Record, from_journal_json
from parse_support import parse_file
from swandiag.parse.event import Daemon, LogFormat

CAPTURE = Path(__file__).parent / "fixtures" / "corpus" / "journal" / "psk-mismatch" / "gateway.journal.json"
UTC = timezone.utc
RECORDS = from_journal_json(CAPTURE)
MESSAGES = [r.msg for r in RECORDS]
TIMES = [r.ts.timestamp() for r in RECORDS]
HOST = render.Host()


def _parse(tmp_path, data: bytes, name: str = "journal.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    events, summary = parse_file(path)
    assert summary.unrecognised_lines == 0, summary.unrecognised_sample
    assert sum(e.nlines for e in events) == summary.lines
    return [e for e in events if e.daemon is Daemon.CHARON], summary


def _text(ev) -> str:
    return "\n".join([ev.text, *(ev.cont or [])])


TEXT_MODES = {  # mode: how many digits of the second it keeps (None: no wall-clock time)
    "short": 0, "short-precise": 6, "short-iso": 0, "short-iso-precise": 6, "short-full": 0, "with-unit": 0,
    "short-unix": 6, "short-monotonic": None, "short-delta": None,
}


@pytest.mark.parametrize("mode", TEXT_MODES)
def test_text_modes(tmp_path, mode):
    events, summary = _parse(tmp_path, render.journal_short(RECORDS, mode, host=HOST))
    assert summary.format is LogFormat.JOURNAL_TEXT
    assert [_text(e) for e in events] == MESSAGES
    assert {e.host for e in events} == {HOST.name}
    digits = TEXT_MODES[mode]
    if digits is None:  # seconds since boot: no date to tell
        assert all(e.ts is None for e in events)
    else:
        for ev, t in zip(events, TIMES):
            assert ev.ts == pytest.approx(t if digits else int(t), abs=1e-6 if digits else 0), mode


@pytest.mark.parametrize("mode", ["json-seq", "json-sse", "json-pretty"])
def test_json_framings(tmp_path, mode):
    events, summary = _parse(tmp_path, render.journal_json_framed(RECORDS, mode, host=HOST))
    assert summary.format is LogFormat.JOURNAL_JSON and summary.format_details["output"] == mode
    assert [_text(e) for e in events] == MESSAGES
    assert [(e.thread, e.group, e.level, e.sa_id, e.sa_name) for e in events] == [
        (r.thread, r.group, r.level, r.uid, r.conn) for r in RECORDS]
    assert [e.ts for e in events] == pytest.approx(TIMES, abs=1e-6)


def test_verbose(tmp_path):
    data = render.journal_verbose(RECORDS, host=HOST)
    events, summary = _parse(tmp_path, data)
    assert summary.format is LogFormat.JOURNAL_EXPORT and summary.format_details["output"] == "verbose"
    assert [_text(e) for e in events] == MESSAGES  # the last entry too: it ends at the end of input
    assert [(e.thread, e.group, e.level, e.sa_id, e.sa_name) for e in events] == [
        (r.thread, r.group, r.level, r.uid, r.conn) for r in RECORDS]
    # each event starts at its header line and spans its field lines
    lines = data.decode().splitlines()
    assert all(lines[e.line - 1].endswith("]") and not lines[e.line - 1].startswith(" ") for e in events)
    assert events[1].line == 1 + events[0].nlines


def test_verbose_multi_line_message(tmp_path):
    rec = RECORDS[0]
    two = [rec, Record(rec.ts, rec.thread, "CFG", None, None, ("loaded IKE secret for", "  second line"), 1), rec]
    events, _ = _parse(tmp_path, render.journal_verbose(two, host=HOST))
    assert [_text(e) for e in events] == [rec.msg, "loaded IKE secret for\n  second line", rec.msg]


def test_export_without_its_last_blank_line(tmp_path):
    """A pasted export often loses the blank line after its last entry: that entry still counts."""
    data = render.journal_export(RECORDS[:3], host=HOST).rstrip(b"\n") + b"\n"
    events, _ = _parse(tmp_path, data)
    assert [_text(e) for e in events] == MESSAGES[:3]


def test_catalog_lines_explain_the_entry_above(tmp_path):
    """`journalctl -xe`: systemd's catalog text under PID 1's start job is part of that entry."""
    events, summary = _parse(tmp_path, render.journal_short(RECORDS, "short", host=HOST, catalog=True))
    first = next(e for e in parse_file(tmp_path / "journal.txt")[0])
    assert first.text.startswith("Starting strongswan.service") and first.nlines == 1 + len(render.START_JOB[1])
    assert [_text(e) for e in events] == MESSAGES
    assert summary.confidence == 1.0  # the catalog lines do not dilute the sniff


def test_older_catalog_lines(tmp_path):
    """Before systemd 246 the catalog lines began with `-- ` (journald-notes: markers end with ` --`)."""
    lines = render.journal_short(RECORDS[:2], "short", host=HOST).decode().splitlines()
    lines[1:1] = ["-- Subject: Unit strongswan.service has finished start-up", "-- Defined-By: systemd", "--",
                  "-- Unit strongswan.service has finished starting up."]
    events, _ = _parse(tmp_path, ("\n".join(lines) + "\n").encode())
    assert [e.nlines for e in events] == [5, 1]


@pytest.mark.parametrize("zone, offset_h", [("CET", 1), ("CEST", 2), ("EST", -5), ("UTC", 0), ("+03", 3),
                                            ("+0530", 5.5)])
def test_short_full_zone_abbreviations(tmp_path, zone, offset_h):
    line = f"Sun 2026-11-29 22:44:00 {zone} vpn-gw01 charon-systemd[3470]: {MESSAGES[0]}\n"
    events, _ = _parse(tmp_path, line.encode() * 3)
    want = datetime(2026, 11, 29, 22, 44, tzinfo=UTC).timestamp() - offset_h * 3600
    assert events[0].ts == want


def test_an_ambiguous_zone_abbreviation_is_local_time(tmp_path):
    """IST is India, Ireland and Israel: such a stamp is read like one without a zone (--tz)."""
    line = f"Sun 2026-11-29 22:44:00 IST vpn-gw01 charon-systemd[3470]: {MESSAGES[0]}\n"
    (tmp_path / "j.txt").write_text(line * 3)
    from swandiag.ingest.sources import resolve
    from swandiag.parse.stream import parse_input
    from swandiag.pipeline import Options

    specs, _ = resolve([str(tmp_path / "j.txt")])
    events = list(parse_input(specs[0], Options(tz={"*": "Asia/Kolkata"})).events())
    assert events[0].ts == datetime(2026, 11, 29, 17, 14, tzinfo=UTC).timestamp()
