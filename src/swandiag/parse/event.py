"""The normalized event: one log message from any daemon in any output format.

Prefix parsers (one per log format) fill in where/when/who; the message-template table
(`template_data/*.toml`, data) turns the message body into typed facts, lazily.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class LogFormat(Enum):
    """Every output format swandiag recognises (see parse/formats/)."""

    CHARON_FILELOG = "charon-filelog"  # [time ]NN[GRP[lvl]][ <conn|N>] msg, any time_format
    CHARON_JSON = "charon-json"  # 6.x filelog json = yes
    SYSLOG = "syslog"  # RFC 3164 / rsyslog ISO / RFC 5424 / OpenWrt logread / journalctl short* of charon[pid]
    JOURNAL_TEXT = "journal-text"  # journalctl -o short|short-iso|short-precise|cat of charon-systemd (bare messages)
    JOURNAL_JSON = "journal-json"  # journalctl -o json
    JOURNAL_EXPORT = "journal-export"  # journalctl -o export
    SWANCTL_LOG = "swanctl-log"  # swanctl --log, charon-cmd stdout: NN[GRP] msg, no time
    SWANCTL_CONTROL = "swanctl-control"  # swanctl --initiate/--terminate: [GRP] msg
    STROKE = "stroke"  # ipsec up/down: bare messages
    ANDROID = "android"  # strongSwan app log (filelog %b %e %T) and logcat I/charon
    RACOON = "racoon"  # ipsec-tools racoon -l file: "YYYY-MM-DD HH:MM:SS: LEVEL: msg"
    MACOS_SYSLOG = "macos-syslog"  # /var/log/system.log: "Mon dd HH:MM:SS host racoon[PID]: msg"
    MACOS_UNIFIED = "macos-unified"  # log show / log stream text (racoon, NEIKEv2Provider, nesessionmanager)
    UNKNOWN = "unknown"


class Daemon(Enum):
    CHARON = "charon"
    RACOON = "racoon"
    APPLE_IKEV2 = "apple-ikev2"  # NEIKEv2Provider / neagent IKEv2 plugin
    APPLE_NE = "apple-ne"  # nesessionmanager / NetworkExtension framework
    OTHER = "other"


@dataclass(slots=True)
class Event:
    """One log message. `line`/`offset` locate its first physical line in the input;
    continuation lines (multi-line dumps) are in `cont` and counted by `nlines`."""

    input: int  # InputSpec.index
    line: int  # 1-based
    offset: int  # byte offset of the first line in the decompressed input
    ts: float | None  # seconds since the epoch, UTC, before any clock-offset correction
    text: str  # the message body, without any prefix
    daemon: Daemon = Daemon.CHARON
    host: str | None = None
    pid: int | None = None
    thread: int | None = None
    group: str | None = None  # IKE, CFG, KNL, NET, ENC, ... (charon); racoon level word for racoon
    level: int | None = None  # charon level 0..4 where the format carries it
    sa_name: str | None = None  # connection name from <conn|N>
    sa_id: int | None = None  # IKE_SA unique id from <conn|N> / <N> / IKE_SA_UNIQUE_ID
    cont: list[str] | None = None  # continuation lines attached to this message
    nlines: int = 1  # physical lines this event spans
    # Filled lazily by parse.templates.classify(): template id ('' = classified, no template matched)
    kind: str | None = None
    facts: dict[str, object] | None = None
