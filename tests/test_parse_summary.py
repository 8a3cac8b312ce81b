"""InputSummary details from real corpus inputs: banner version, host, levels, advice, events."""
from __future__ import annotations

import os

import pytest

from swandiag.ingest.sources import resolve
from swandiag.parse.event import Daemon, LogFormat
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

ROOT = os.path.join(os.path.dirname(__file__), "fixtures", "corpus")


def parse(rel: str, **opts):
    specs, _ = resolve([os.path.join(ROOT, rel)])
    parsed = parse_input(specs[0], Options(tz={"*": "UTC"}, **opts))
    return parsed.summary, list(parsed.events())


@pytest.fixture(scope="module")
def no_certreq_gw():
    return parse("lab/no-certreq/gateway.log")


def test_filelog_prefix_fields(no_certreq_gw):
    s, events = no_certreq_gw
    assert s.daemon_version == "5.9.8"
    assert s.format_details["time_format"] == "%b %e %T" and s.format_details["ike_name"] is True
    tagged = [e for e in events if e.sa_id is not None]
    assert tagged and tagged[0].sa_name in (None, "rw") and all(e.thread is not None for e in events)
    first = events[0]
    assert first.line == 1 and first.offset == 0 and first.group == "DMN" and first.thread == 0
    assert first.text.startswith("Starting IKE charon daemon (strongSwan 5.9.8")
    # offsets point at the line in the file
    with open(os.path.join(ROOT, "lab/no-certreq/gateway.log"), "rb") as fh:
        data = fh.read()
    e = events[500]
    assert data[e.offset:].split(b"\n", 1)[0].decode().endswith(e.text)


def test_level_two_gateway_is_sufficient(no_certreq_gw):
    s, _ = no_certreq_gw
    assert s.levels["CFG"] >= 2 and s.level_sufficient is True and s.level_advice == []


def test_level_one_client_gets_advice():
    s, _ = parse("journal/psk-mismatch/client.log")
    assert s.level_sufficient is False
    assert "charon.filelog.<name>.cfg = 2" in s.level_advice


def test_hex_dump_rows_are_continuations():
    s, events = parse("lab/psk-mismatch/gateway.log")
    dumps = [e for e in events if " bytes @ 0x" in e.text]
    assert dumps and all(e.cont and e.nlines == 1 + len(e.cont) for e in dumps)
    assert s.continuation_lines == sum(len(e.cont or []) for e in events)


def test_log_level_digits():
    # lab6 JSON has levels as numbers; every event carries one
    s, events = parse("lab6/no-certreq/gateway.json.log")
    assert s.format is LogFormat.CHARON_JSON and s.daemon_version == "6.0.6"
    assert all(e.level is not None for e in events) and s.format_details["time_precision"] == "us"


def test_journal_json_fields():
    s, events = parse("journal/psk-mismatch/gateway.journal.json")
    assert s.host == "vpn-gw01"
    charon = [e for e in events if e.daemon is Daemon.CHARON]
    assert charon and all(e.group and e.thread is not None and e.pid for e in charon)
    assert any(e.sa_id is not None for e in charon)


def test_journal_export_matches_json():
    _, a = parse("journal/psk-mismatch/gateway.journal.json")
    _, b = parse("journal/psk-mismatch/gateway.journal.export")
    assert [(e.text, e.ts, e.group, e.sa_id) for e in a] == [(e.text, e.ts, e.group, e.sa_id) for e in b]


def test_journal_short_has_host_pid_and_bare_text():
    s, events = parse("journal/psk-mismatch/gateway.journal.short.log")
    assert s.host == "vpn-gw01" and all(e.pid for e in events)
    assert any(e.text == "received proposals unacceptable" or "MAC mismatched" in e.text for e in events)


def test_racoon_levels_and_continuations():
    s, events = parse("racoon/h-dpd-peer-dead/racoon.log")
    assert s.format is LogFormat.RACOON and s.daemon_version == "ipsec-tools 0.9.1"
    assert {e.group for e in events} <= {"INFO", "DEBUG", "DEBUG2", "ERROR", "WARNING", "NOTIFY"}
    assert all(e.daemon is Daemon.RACOON for e in events)
    assert s.continuation_lines > 0 and s.level_sufficient is True


def test_racoon_and_gateway_share_a_clock():
    g, _ = parse("racoon/h-dpd-peer-dead/gateway.log")
    r, _ = parse("racoon/h-dpd-peer-dead/racoon.log")
    assert abs(g.first - r.first) < 60  # year inferred for the year-less gateway log


def test_untimed_filelog():
    s, events = parse("lab/ok-ikev2-cert/client.log")
    assert s.format is LogFormat.CHARON_FILELOG and s.first is None and all(e.ts is None for e in events)


def test_events_single_pass():
    specs, _ = resolve([os.path.join(ROOT, "lab/ok-ikev2-cert/client.log")])
    parsed = parse_input(specs[0], Options())
    list(parsed.events())
    with pytest.raises(RuntimeError):
        list(parsed.events())
