"""The result of one run of the pipeline, as consumed by report and tui.

Stages stay separate: ingest → parse → negotiation → correlate → rules; this record only
gathers their outputs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .correlate.records import Correlation
from .ingest.records import InputSpec, ReadStats
from .negotiation.records import Negotiation
from .parse.event import LogFormat
from .rules.records import Finding


@dataclass(slots=True)
class UnrecognisedLine:
    line: int
    text: str


@dataclass(slots=True)
class InputSummary:
    spec: InputSpec
    format: LogFormat
    confidence: float
    format_details: dict[str, object] = field(default_factory=dict)  # time_format, ike_name, log_level ...
    host: str | None = None
    daemon: str | None = None
    daemon_version: str | None = None
    sha256: str | None = None
    lines: int = 0
    events: int = 0
    continuation_lines: int = 0
    unrecognised_lines: int = 0
    unrecognised_sample: list[UnrecognisedLine] = field(default_factory=list)  # first few
    first: float | None = None  # epoch seconds (raw, before offset correction)
    last: float | None = None
    reversed: bool = False  # input listed newest first and was reversed
    backwards_jumps: int = 0  # timestamps going backwards (beyond rotation)
    duplicates_removed: int = 0  # charon + charon-systemd copies of one event
    levels: dict[str, int] = field(default_factory=dict)  # group -> highest level seen
    level_sufficient: bool | None = None
    level_advice: list[str] = field(default_factory=list)  # strongswan.conf lines to add
    stats: ReadStats = field(default_factory=ReadStats)
    kind: str = "log"  # 'log' | 'config' | 'cert' | 'profile' (lint inputs)
    # The daemon's own identities as logged when its configuration was loaded (charon builder):
    local_ids: list[str] = field(default_factory=list)  # configured local ids (dump `id =`, defaults)
    loaded_certs: list[str] = field(default_factory=list)  # subjects of loaded certificates (CA ones too)
    own_identities: list[str] = field(default_factory=list)  # local_ids + cert subjects + their CNs
    # Whether IKE ever reached the daemon: a line starting a negotiation or a 'received packet'
    ike_traffic: bool = False
    started_line: int | None = None  # line of the daemon's start banner (charon, racoon)
    # The daemon's lifecycle outside any negotiation (start failures, crashes, the starter giving
    # up, plugins that did not load): their events as read, at most parse.stream.DAEMON_EVENTS_MAX
    daemon_events: list = field(default_factory=list)


@dataclass(slots=True)
class Analysis:
    inputs: list[InputSummary] = field(default_factory=list)
    negotiations: list[Negotiation] = field(default_factory=list)
    correlation: Correlation = field(default_factory=Correlation)
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each, shown to the user
    lint: object | None = None  # lint.records.LintModel when configs/certs/profiles were given

    def input_name(self, index: int) -> str:
        return self.inputs[index].spec.name
