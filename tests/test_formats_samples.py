"""Formats with no corpus capture, read from the reference's real quoted samples
(tests/fixtures/formats/README.md says where each line comes from)."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from swandiag.ingest.sources import resolve
from swandiag.parse.event import Daemon, LogFormat
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "formats")


def parse(name: str, **opts):
    specs, problems = resolve([os.path.join(HERE, name)])
    assert not problems
    parsed = parse_input(specs[0], Options(tz={"*": "UTC"}, **opts))
    events = list(parsed.events())
    assert sum(e.nlines for e in events) + parsed.summary.unrecognised_lines == parsed.summary.lines
    return parsed.summary, events


@pytest.mark.parametrize("name, fmt", [
    ("syslog-rfc3164.log", LogFormat.SYSLOG),
    ("syslog-custom-ident.log", LogFormat.SYSLOG),
    ("syslog-wire.log", LogFormat.SYSLOG),
    ("syslog-openwrt.log", LogFormat.SYSLOG),
    ("syslog-starter-dup.log", LogFormat.SYSLOG),
    ("journal-precise-charon.log", LogFormat.SYSLOG),
    ("journal-vyos-dup.log", LogFormat.JOURNAL_TEXT),
    ("filelog-weekday.log", LogFormat.CHARON_FILELOG),
    ("filelog-loglevel.log", LogFormat.CHARON_FILELOG),
    ("docker-rfc3339.log", LogFormat.CHARON_FILELOG),
    ("stroke-up.txt", LogFormat.STROKE),
    ("macos-logshow.txt", LogFormat.MACOS_UNIFIED),
    ("macos-console.txt", LogFormat.MACOS_UNIFIED),
    ("macos-system.log", LogFormat.MACOS_SYSLOG),
    ("racoon-asl.log", LogFormat.MACOS_SYSLOG),
    ("logcat.txt", LogFormat.ANDROID),
    ("newest-first.log", LogFormat.CHARON_FILELOG),
])
def test_sample_format_and_accounting(name, fmt):
    s, events = parse(name)
    assert s.format is fmt
    assert s.unrecognised_lines == 0, s.unrecognised_sample
    assert events


def test_syslog_fields():
    s, events = parse("syslog-rfc3164.log")
    e = events[1]
    assert (e.host, e.thread, e.group, e.daemon) == ("myVPN", 9, "ENC", Daemon.CHARON)
    assert e.text.startswith("parsed IKE_SA_INIT request 0 [")
    assert s.host == "myVPN"


def test_syslog_sa_tag_and_pri():
    _, events = parse("syslog-wire.log")
    e = events[0]
    assert (e.sa_name, e.sa_id, e.thread, e.host) == ("con1000", 39, 11, None)


def test_custom_identifier_is_charon():
    _, events = parse("syslog-custom-ident.log")
    assert all(e.daemon is Daemon.CHARON and e.group in ("IKE", "ENC") for e in events)


def test_charon_and_charon_systemd_copies_are_deduplicated():
    s, events = parse("journal-vyos-dup.log")
    assert s.duplicates_removed == 1
    assert len(events) == 2 and events[0].thread == 2  # the prefixed copy (first) is kept


def test_precise_microseconds_and_banner():
    s, events = parse("journal-precise-charon.log")
    assert s.daemon_version == "5.9.13"
    assert events[0].ts % 1 == pytest.approx(0.421317, abs=1e-6)


def test_weekday_time_format():
    s, events = parse("filelog-weekday.log")
    assert s.format_details["time_format"] == "%a, %Y-%m-%d, %H:%M:%S"
    assert events[0].ts == dt.datetime(2021, 2, 5, 11, 1, 54, tzinfo=dt.timezone.utc).timestamp()
    assert events[1].sa_name == "ipsec1" and events[1].sa_id == 1


def test_log_level_digit():
    s, events = parse("filelog-loglevel.log")
    assert s.format_details["log_level"] is True
    assert [(e.group, e.level) for e in events] == [("CFG", 1), ("KNL", 1)]


def test_docker_nanoseconds():
    _, events = parse("docker-rfc3339.log")
    assert events[0].ts == pytest.approx(dt.datetime(2023, 5, 10, 16, 37, 18, 607463,
                                                     tzinfo=dt.timezone.utc).timestamp(), abs=1e-5)


def test_newest_first_is_reversed():
    s, events = parse("newest-first.log")
    assert s.reversed is True
    stamps = [e.ts for e in events]
    assert stamps == sorted(stamps) and events[-1].text.startswith("SIGTERM received")
    assert events[0].line > events[-1].line  # line numbers stay those of the file


def test_macos_unified_daemons():
    _, events = parse("macos-console.txt")
    assert [e.daemon for e in events] == [Daemon.APPLE_IKEV2, Daemon.APPLE_IKEV2, Daemon.APPLE_NE, Daemon.RACOON]
    assert events[0].text == "missing eap protocol" and events[0].group == "ERROR"
    _, shown = parse("macos-logshow.txt")
    assert shown[0].pid == 8543 and shown[0].text == "IKEv2 Plugin: Init done"
    assert shown[1].ts == dt.datetime(2017, 5, 10, 14, 18, 42, 295350, tzinfo=dt.timezone.utc).timestamp()


def test_macos_system_log_and_asl_racoon():
    _, events = parse("macos-system.log")
    assert events[0].daemon is Daemon.APPLE_NE and events[1].daemon is Daemon.APPLE_IKEV2
    assert events[0].pid == 988 and events[0].host == "set-macmini"
    _, asl = parse("racoon-asl.log")
    assert asl[0].daemon is Daemon.RACOON and asl[0].group == "NOTICE" and asl[0].pid == 512


def test_logcat():
    _, events = parse("logcat.txt")
    charon = [e for e in events if e.daemon is Daemon.CHARON]
    assert [(e.thread, e.group) for e in charon] == [(0, "DMN"), (9, "IKE")]
    assert charon[1].sa_name == "home" and charon[1].sa_id == 1 and charon[1].pid == 4211


def test_stroke_bare_messages():
    s, events = parse("stroke-up.txt")
    assert [e.text.split()[0] for e in events] == ["initiating", "generating", "sending"]
    assert s.first is None
