"""Logs users posted publicly (tests/fixtures/public-formats/README.md names each source), in
forms the lab corpus lacks: how each must be read. Each case pins the detected format, the
lines left unrecognised (user annotations only), where the time of the first line is read
(month-day and time; year-less stamps take their year from the file), and the host."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from swandiag.ingest.sources import resolve
from swandiag.parse.event import Daemon
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

HERE = Path(__file__).parent / "fixtures" / "public-formats"
UTC = dt.timezone.utc

# file: (format, unrecognised lines, first time "%m-%d %H:%M:%S" / "%H:%M:%S" / None, host, why)
CASES = {
    "web-28.log": ("syslog", 0, "12-06 15:36:49", "ip-172-31-26-153", "`Dec 6`: a web page collapsed the pad space"),
    "web-20.log": ("syslog", 0, "02-29 23:44:00", "router01", "year-less Feb 29: a leap year"),
    "web-24.log": ("syslog", 0, "02-09 23:21:05", None, "pfSense log view: `charon 16[IKE]`, no colon, no host"),
    "web-33.log": ("syslog", 0, "03-22 17:30:03", None, "OpenWrt logread with an empty tag, two facilities"),
    "web-32.log": ("syslog", 0, "07-12 18:58:25", None, "`[charon]` ident, `- Last output repeated twice -`"),
    "gh-09.log": ("syslog", 0, "05-29 10:31:37", "maxzubr-K53SC", "journalctl in a Ukrainian locale: `тра 29`"),
    "gh-43.log": ("journal-text", 0, "02-22 08:11:42", "SLOWPC", "journalctl in a Dutch locale: `feb 22`"),
    "gh-17.log": ("syslog", 1, "05-18 08:37:24", None, "OpenWrt logread `daemon.info : 00[DMN]` (1: a user's note)"),
    "gh-12.log": ("syslog", 0, "07-21 20:47:19", None, "OPNsense log view: a tab before `charon:`"),
    "web-13.log": ("macos-syslog", 0, "06-06 12:55:10", "test-iPhone", "iOS syslog, `neagent(Foundation)[2409] <Notice>:`"),
    "web-37.log": ("macos-syslog", 0, "12-04 11:58:55", "Shpocks-iPhone-6-Plus", "iOS syslog, `Dec 4`"),
    "gh-18.log": ("racoon", 1, "03-19 04:54:18", None, "`racoon -F`: `Foreground mode.` first"),
    "web-36.log": ("macos-unified", 0, "01-20 15:08:02", None, "old Console export, `1/20/16 3:08:02.674 PM`"),
    "gh-24.log": ("macos-unified", 0, "03-02 10:08:54", None, "old Console export, `3/2/17 10:08:54.494 AM`"),
    "web-04.log": ("macos-unified", 0, "18:19:15", None, "Console.app copy with the Type column hidden"),
    "gh-26.log": ("android", 1, None, None, "Android Studio logcat `I/charon: …` (1: a line cut by the user)"),
    "web-02.log": ("android", 2, None, None, "logcat of Android's own IKEv1 client, `I/racoon  (12321):`"),
    "web-15.log": ("stroke", 0, None, None, "`ipsec up` after a shell prompt `root@raspberrypi:~# ipsec up company`"),
    "gh-21.log": ("swanctl-control", 0, None, None, "`swanctl --load-all` output, then `swanctl --initiate`"),
    "web-03.log": ("macos-syslog", 0, "03-08 12:52:17", "tdonohue2-OSX", "`--- last message repeated 1 time ---`"),
    "web-38.log": ("syslog", 2, "10-16 20:53:34", "Jonas-XPS13", "`okt 16` (2: the shell prompt and `[...]`)"),
    "apple-01-client.log": ("macos-unified", 0, "11:44:03", None, "macOS 10.12 Console copy: `07:44:03.910071 -0400`"),
    "apple-21-gateway.log": ("syslog", 1, "17:10:22", None, "time of day alone: `17:10:22 charon: 11[NET] …`"),
    "apple-19-client.log": ("macos-unified", 0, "08:36:08", None, "the strongSwan app for macOS: charon-xpc"),
    "apple-18-client.log": ("macos-unified", 0, None, None, "Console copy with the Time column hidden"),
    "diag-12.log": ("syslog", 0, None, None, "`NetworkManager[4497]: no shared key found …` with no time"),
}


def _parse(name: str):
    specs, problems = resolve([str(HERE / name)])
    assert specs and not problems
    parsed = parse_input(specs[0], Options(tz={"*": "UTC"}))
    events = list(parsed.events())
    return parsed, events


@pytest.mark.parametrize("name", CASES, ids=lambda n: n.removesuffix(".log"))
def test_public_paste(name):
    fmt, unrecognised, first, host, why = CASES[name]
    parsed, events = _parse(name)
    s = parsed.summary
    assert s.format.value == fmt, why
    assert s.unrecognised_lines == unrecognised, (why, s.unrecognised_sample)
    assert sum(e.nlines for e in events) + s.unrecognised_lines == s.lines
    assert s.host == host, why
    if first is None:
        assert s.first is None, why
    else:
        got = dt.datetime.fromtimestamp(s.first, UTC)
        assert got.strftime("%m-%d %H:%M:%S" if "-" in first else "%H:%M:%S") == first, why


def test_leap_day_is_read_in_a_leap_year():
    parsed, _ = _parse("web-20.log")
    year = dt.datetime.fromtimestamp(parsed.summary.first, UTC).year
    assert year % 4 == 0 and year <= dt.date.today().year


def test_one_message_in_two_facilities_is_one_event():
    """charon logs to daemon and auth by default; logread shows both copies."""
    parsed, events = _parse("web-33.log")
    assert parsed.summary.duplicates_removed >= 1
    texts = [e.text for e in events if e.daemon is Daemon.CHARON]
    assert len(texts) == len(set(texts))


def test_pfsense_lines_are_charon_events():
    _, events = _parse("web-24.log")
    charon = [e for e in events if e.daemon is Daemon.CHARON]
    assert len(charon) == len(events) and all(e.group and e.thread for e in charon)
    assert {e.sa_name for e in charon} == {"con1000"}


@pytest.mark.parametrize("name", ["web-24.log", "web-31.log"])
def test_newest_first_within_one_second(name):
    """A pfSense log view lists newest first, every line in one second: charon's own order of
    lines (`generating` before `sending packet`, `received packet` before `parsed`) tells."""
    parsed, events = _parse(name)
    assert parsed.summary.reversed
    lines = (HERE / name).read_text().splitlines()
    assert [e.line for e in events] == list(range(len(lines), 0, -1))


def test_lines_a_terminal_cut_are_joined_again():
    """`journalctl | more` in a 107-column window, a 132-column terminal copy padded with blanks:
    the rest of a cut line (mid-word) goes back onto it, nothing added, nothing lost."""
    parsed, events = _parse("gh-20.log")
    assert parsed.summary.unrecognised_lines == 0 and parsed.summary.format_details["terminal_width"] == 107
    assert parsed.summary.daemon_version == "5.6.2"
    assert any(e.text.endswith("(strongSwan 5.6.2, Linux 4.15.0-23-generic, x86_64)") for e in events)
    parsed, events = _parse("gh-02.log")
    assert parsed.summary.unrecognised_lines == 0 and parsed.summary.format_details["terminal_width"] == 132
    proposals = next(e.text for e in events if e.text.startswith("configured proposals"))
    assert "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048, IKE:3DES_CBC" in proposals


def test_a_pluto_log_is_named_as_such():
    parsed, _ = _parse("web-29.log")
    assert any("pluto (libreswan" in p for p in parsed.problems())


def test_the_prompt_is_not_a_charon_message():
    _, events = _parse("web-15.log")
    prompt = next(e for e in events if "ipsec up company" in e.text)
    assert prompt.daemon is Daemon.OTHER


@pytest.mark.parametrize("stamp, key", [
    ("Mär  3 10:00:00", "Mar  3 10:00:00"),  # de_DE
    ("mrt 3 10:00:00", "Mar  3 10:00:00"),  # nl_NL
    ("déc. 24 10:00:00.123", "Dec 24 10:00:00.123"),  # fr_FR (glibc's abbreviation has a dot)
    ("янв 11 10:00:00", "Jan 11 10:00:00"),  # ru_RU
    ("OCT 16 20:53:35", "Oct 16 20:53:35"),
])
def test_month_names_of_other_locales(stamp, key):
    from swandiag.parse.formats.syslog import split_time

    assert split_time(f"{stamp} gw charon-systemd[1]: x") == (key, len(stamp) + 1)


def test_a_word_that_is_no_month_is_no_time():
    from swandiag.parse.formats.syslog import split_time

    assert split_time("marker 3 10:00:00 gw charon: x") is None
    assert split_time("Mar 3 1:00:00 gw charon: x") is None


def test_charon_output_relayed_by_networkmanager():
    """NetworkManager-l2tp runs `ipsec up` and logs its output under its own name."""
    _, events = _parse("gh-09.log")
    relayed = [e for e in events if e.text.startswith(("parsed ", "generating ", "sending packet"))]
    assert len(relayed) >= 5 and all(e.daemon is Daemon.CHARON for e in relayed)


@pytest.mark.parametrize("name, first", [
    ("daemon-crash-openwrt-gh16.log", "killing ourself, received critical signal"),
    ("daemon-start-timeout-gh39.log", "charon too long to start... - kill kill"),
    ("daemon-init-failed-gh36.log", "initialization failed - aborting charon"),
])
def test_daemon_lifecycle_lines_are_kept_aside(name, first):
    """Start failures and crashes belong to no negotiation: the parse stage keeps them for the
    rules (daemon-start-failed, daemon-crashed), once, while reading."""
    specs, _ = resolve([str(HERE.parent / "public-signatures" / name)])
    parsed = parse_input(specs[0], Options(tz={"*": "UTC"}))
    events = list(parsed.events())
    kept = parsed.summary.daemon_events
    assert kept and all(any(e is k for e in events) for k in kept)
    assert any(first in e.text for e in kept), [e.text for e in kept]


def test_lifecycle_lines_on_the_fast_path(tmp_path):
    """A filelog (the fast path) keeps them too, after the lines that let its tokens stop looking
    at messages (a negotiation and a received packet proven): charon.c's segv handler lines."""
    lines = ["Nov 29 22:15:50 10[IKE] initiating IKE_SA home[1] to 192.0.2.1",
             "Nov 29 22:15:50 11[NET] received packet: from 192.0.2.1[500] to 192.0.2.10[500] (248 bytes)"] * 3
    lines += ["Nov 29 22:15:59 05[DMN] thread 5 received 11", "Nov 29 22:15:59 05[DMN] killing ourself, received critical signal"]
    path = tmp_path / "charon.log"
    path.write_text("\n".join(lines) + "\n")
    specs, _ = resolve([str(path)])
    parsed = parse_input(specs[0], Options(tz={"*": "UTC"}))
    list(parsed.events())
    assert [e.line for e in parsed.summary.daemon_events] == [7, 8]


def test_blank_lines_of_a_paste_belong_to_the_event_above(tmp_path):
    """Forum posts put blank lines between log lines: they count with the event above them
    (the event's text is unchanged); only a blank line before any event is unrecognised."""
    real = (HERE.parent / "corpus" / "lab" / "psk-mismatch" / "gateway.log").read_text().splitlines()[:40]
    path = tmp_path / "pasted.log"
    path.write_text("\n" + "\n\n".join(real) + "\n")
    specs, _ = resolve([str(path)])
    parsed = parse_input(specs[0], Options(tz={"*": "UTC"}))
    events = list(parsed.events())
    s = parsed.summary
    assert s.unrecognised_lines == 1 and s.unrecognised_sample[0].line == 1
    assert sum(e.nlines for e in events) + 1 == s.lines == 80
    specs, _ = resolve([str(HERE.parent / "corpus" / "lab" / "psk-mismatch" / "gateway.log")])
    clean = list(parse_input(specs[0], Options(tz={"*": "UTC"})).events())[:len(events)]
    assert [(e.text, e.cont) for e in events] == [(e.text, e.cont) for e in clean]


def test_a_payload_list_wrapped_before_its_bracket():
    """An editor wrapped `generating IKE_SA_INIT response 0 [ … N(MULT_AUTH)` before its `]`."""
    parsed, events = _parse("web-27.log")
    assert parsed.summary.unrecognised_lines == 0
    gen = next(e for e in events if e.text.startswith("generating IKE_SA_INIT response"))
    assert gen.text.endswith("N(MULT_AUTH) ]") and gen.nlines == 2


def test_charon_lines_of_the_strongswan_app_for_macos():
    """org.strongswan.charon-xpc writes charon's `NN[GRP] …` into the unified log: a charon input."""
    parsed, events = _parse("apple-19-client.log")
    assert parsed.summary.daemon == "charon"
    assert all(e.daemon is Daemon.CHARON and e.thread == 13 and e.group == "ENC" for e in events)


def test_a_time_of_day_is_never_after_the_file_was_written():
    """A Console copy has no date: the time is the last one at or before the file's mtime."""
    from swandiag.parse.timestamps import Clock

    ref = dt.datetime(2026, 11, 30, 4, 50, tzinfo=UTC).timestamp()
    clock = Clock(tz=UTC, ref=ref)
    assert clock.epoch("21:34:54") == dt.datetime(2026, 11, 29, 21, 34, 54, tzinfo=UTC).timestamp()
    assert clock.epoch("04:40:00") == dt.datetime(2026, 11, 30, 4, 40, tzinfo=UTC).timestamp()
    assert clock.epoch("15:57:38+0100") == dt.datetime(2026, 11, 29, 14, 57, 38, tzinfo=UTC).timestamp()
