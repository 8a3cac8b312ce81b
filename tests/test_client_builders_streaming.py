"""The racoon / Apple negotiation builders read one input in one pass, in bounded memory.

The parse stage hands out an input's events as a stream. The client-side builders must not
materialise it (a macOS system.log is mostly other processes' lines): they keep only the events
a negotiation groups, and decide racoon vs. Apple as the stream goes (build_racoon hands over to
the Apple builder at the first Apple event). Every event here is a real one, parsed from the
fixtures: corpus racoon logs, the Apple fixtures, and syslog lines of another program (swanctl)
from the journal corpus; streams only replay them.
"""
from __future__ import annotations

import dataclasses
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from swandiag.negotiation import apple as apple_mod
from swandiag.negotiation import racoon as racoon_mod
from swandiag.negotiation.apple import build_apple
from swandiag.negotiation.builder import build
from swandiag.negotiation.racoon import build_racoon
from swandiag.negotiation.records import Outcome, Stage
from swandiag.parse.event import Daemon, Event
from parse_support import parse_file

FIXTURES = Path(__file__).parent / "fixtures"
RACOON = FIXTURES / "corpus" / "racoon"
NOISE_COPIES = 20_000


_parse = parse_file


@pytest.fixture(scope="module")
def racoon_log():
    """A whole racoon negotiation: racoon gives up on an unreachable gateway."""
    events, summary = _parse(RACOON / "g-peer-unreachable-timeout" / "racoon.log")
    build_apple(iter(events), summary)  # load the templates before anything is measured
    return events, summary


@pytest.fixture(scope="module")
def other_program_lines():
    """Syslog lines another program wrote (Daemon.OTHER): what most of a real syslog is."""
    events, _ = _parse(FIXTURES / "corpus" / "journal" / "psk-mismatch" / "gateway.journal.short.log")
    other = [e for e in events if e.daemon is Daemon.OTHER]
    assert other
    return other


@pytest.fixture(scope="module")
def cisco_controller_line():
    """nesessionmanager restarting racoon for a "Cisco IPSec" (IKEv1) service: an Apple event
    that belongs to no IKEv2 session, so the Apple builder keeps none of its copies."""
    events, _ = _parse(FIXTURES / "apple" / "console-racoon-cisco-ipsec.log")
    line = [e for e in events if e.daemon is Daemon.APPLE_NE]
    assert len(line) == 1 and line[0].text.startswith("IPSec Controller: racoon_restart_cisco_ipsec")
    return line[0]


def _copy(ev: Event, line: int) -> Event:
    """A fresh, unclassified copy of a real event at another line (as a longer log would have)."""
    return dataclasses.replace(ev, line=line, offset=line * 100, kind=None, facts=None,
                               cont=list(ev.cont) if ev.cont else None)


def _stream(head: list[Event], noise: list[Event], copies: int) -> Iterator[Event]:
    """The real events of `head`, then `copies` fresh copies of the `noise` events in turn."""
    line = 0
    for ev in head:
        line = ev.line
        yield ev
    for i in range(copies):
        line += 1
        yield _copy(noise[i % len(noise)], line)


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    return peak, result


def _is_g_outcome(negs) -> bool:
    return len(negs) == 1 and (negs[0].daemon, negs[0].outcome, negs[0].failed_stage,
                               negs[0].failure_reason) == \
        ("racoon", Outcome.FAILED, Stage.MAIN_MODE, "PEER_NOT_RESPONDING")


# ---- memory: the events no negotiation keeps are never held --------------------------------


@pytest.mark.parametrize("entry", [build_racoon, build], ids=["build_racoon", "builder.build"])
def test_racoon_log_with_other_programs_lines_in_bounded_memory(entry, racoon_log, other_program_lines):
    events, summary = racoon_log
    held, held_list = _peak(lambda: list(_stream(events, other_program_lines, NOISE_COPIES)))
    assert len(held_list) == len(events) + NOISE_COPIES
    del held_list
    peak, negs = _peak(lambda: entry(_stream(events, other_program_lines, NOISE_COPIES), summary))
    assert _is_g_outcome(negs)
    assert all(e.daemon is Daemon.RACOON for e in negs[0].events)  # the other program's lines are in none
    assert held > 1_000_000  # holding the stream costs real memory ...
    assert peak < held / 10, (peak, held)  # ... which the builder never spends


@pytest.mark.parametrize("entry", [build_racoon, build_apple, build],
                         ids=["build_racoon (hand-over)", "build_apple", "builder.build"])
def test_mixed_macos_stream_in_bounded_memory(entry, racoon_log, cisco_controller_line):
    """racoon first, then Apple lines: build_racoon hands the rest of the stream to the Apple
    builder at the first Apple event, without having buffered anything."""
    events, summary = racoon_log
    noise = [cisco_controller_line]
    held, held_list = _peak(lambda: list(_stream(events, noise, NOISE_COPIES)))
    del held_list
    peak, negs = _peak(lambda: entry(_stream(events, noise, NOISE_COPIES), summary))
    assert _is_g_outcome(negs)
    assert held > 1_000_000
    assert peak < held / 10, (peak, held)


# ---- the stream is consumed as the builders go ---------------------------------------------


class _Counted:
    """An event stream that counts what it has handed out."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events
        self.given = 0

    def __iter__(self) -> Iterator[Event]:
        for ev in self.events:
            self.given += 1
            yield ev


def _spy(monkeypatch, cls, stream: _Counted) -> list[tuple[int, Event]]:
    """Record, for every event `cls.feed` gets, how many events the stream had handed out."""
    seen: list[tuple[int, Event]] = []
    feed = cls.feed

    def spying(self, ev):
        seen.append((stream.given, ev))
        return feed(self, ev)

    monkeypatch.setattr(cls, "feed", spying)
    return seen


def _fed_as_given(seen: list[tuple[int, Event]], stream: _Counted) -> bool:
    """Every event was fed right after the stream handed it out (not after the stream ended)."""
    position = {id(ev): i + 1 for i, ev in enumerate(stream.events)}
    return bool(seen) and all(given == position[id(ev)] for given, ev in seen)


@pytest.mark.parametrize("entry", [build_racoon, build_apple, build],
                         ids=["build_racoon", "build_apple", "builder.build"])
@pytest.mark.parametrize("name", ["a-psk-xauth-modecfg-success", "h-dpd-peer-dead"])
def test_racoon_events_are_fed_as_they_arrive(monkeypatch, entry, name):
    events, summary = _parse(RACOON / name / "racoon.log")
    stream = _Counted(events)
    seen = _spy(monkeypatch, racoon_mod._Builder, stream)
    negs = entry(iter(stream), summary)
    assert len(negs) == 1 and negs[0].daemon == "racoon"
    assert len(seen) == len(events)
    assert _fed_as_given(seen, stream)


def test_hand_over_keeps_feeding_both_builders_as_events_arrive(monkeypatch, racoon_log):
    """A racoon negotiation, then a macOS log's racoon + Apple lines: the racoon builder's state
    carries over the hand-over and neither builder waits for the end of the stream."""
    events, summary = racoon_log
    mac, _ = _parse(FIXTURES / "formats" / "macos-console.txt")
    assert {e.daemon for e in mac} == {Daemon.APPLE_IKEV2, Daemon.APPLE_NE, Daemon.RACOON}
    stream = _Counted(events + mac)
    racoon_seen = _spy(monkeypatch, racoon_mod._Builder, stream)
    apple_seen = _spy(monkeypatch, apple_mod._Builder, stream)
    negs = build_racoon(iter(stream), summary)
    assert len(racoon_seen) == len(events) + sum(e.daemon is Daemon.RACOON for e in mac)
    assert len(apple_seen) == sum(e.daemon is not Daemon.RACOON for e in mac)
    assert _fed_as_given(racoon_seen, stream) and _fed_as_given(apple_seen, stream)
    # what build_apple makes of the whole input, numbered once in time order
    assert repr(negs) == repr(build_apple(list(events + mac), summary))
    assert [n.daemon for n in negs].count("racoon") == 2
    assert [n.id.rsplit("#", 1)[1] for n in negs] == [str(i) for i in range(1, len(negs) + 1)]


# ---- the summary is read once the stream is exhausted ----------------------------------------


def _filled_at_the_end(events: list[Event], summary, **final) -> Iterator[Event]:
    """The parse stage completes some summary fields only once its events are exhausted."""
    yield from events
    for key, value in final.items():
        setattr(summary, key, value)


@pytest.mark.parametrize("entry", [build_racoon, build_apple], ids=["build_racoon", "build_apple"])
def test_racoon_negotiations_take_host_and_version_from_the_complete_summary(racoon_log, entry):
    events, summary = racoon_log
    without_banner = [e for e in events if "@(#)ipsec-tools" not in e.text]
    assert len(without_banner) == len(events) - 1
    live = dataclasses.replace(summary, host=None, daemon_version=None)
    negs = entry(_filled_at_the_end(without_banner, live, host="client-mac", daemon_version="ipsec-tools 0.9.1"),
                 live)
    assert [(n.host, n.daemon_version) for n in negs] == [("client-mac", "ipsec-tools 0.9.1")]
    # the version racoon's own banner announced wins over the summary's
    live = dataclasses.replace(summary, host=None, daemon_version=None)
    negs = entry(_filled_at_the_end(events, live, daemon_version="ipsec-tools 9"), live)
    assert [(n.host, n.daemon_version) for n in negs] == [(None, "0.9.1")]


def test_hand_over_sessions_take_the_host_from_the_complete_summary(racoon_log):
    events, summary = racoon_log
    apple, _ = _parse(FIXTURES / "apple" / "console-neikev2-profile-invalid.log")
    live = dataclasses.replace(summary, host=None)
    negs = build_racoon(_filled_at_the_end(events + apple, live, host="client-mac"), live)
    assert sorted((n.daemon, n.host) for n in negs) == [("apple-ikev2", "client-mac"), ("racoon", "client-mac")]
