"""Which log levels an input shows, and whether that is enough for a diagnosis.

When the format prints levels (log_level=yes, JSON, journal fields) they are read directly;
otherwise they are inferred from messages only logged at a given level (data below).
"""
from __future__ import annotations

from .event import LogFormat

# (message body prefix, group, level it proves) — messages logged only at that level.
MARKERS: tuple[tuple[str, str, int], ...] = (
    ("selecting proposal:", "CFG", 2),
    ("received proposals:", "CFG", 2),  # on success only at 2 (on failure at 1 too)
    ("configured proposals:", "CFG", 2),
    ("looking for peer configs matching", "CFG", 2),
    ("looking for an ike config for", "CFG", 2),
    ("  candidate \"", "CFG", 2),
    ("  proposal matches", "CFG", 2),
    ("  no acceptable", "CFG", 2),
    ("received packet: from", "NET", 2),  # socket thread, no byte count: level 2
    ("sending packet: from", "NET", 2),
    ("checkout IKE", "MGR", 2),
    ("IKE_SA (unnamed)[", "IKE", 2),
    ("queueing ", "IKE", 2),
    ("activating new tasks", "IKE", 2),
    ("adding inbound ESP SA", "CHD", 2),
    ("  parsing rule", "ENC", 4),
)
# Any of these shows the input holds at least one negotiation worth judging.
NEGOTIATION = ("initiating ", "parsed IKE_SA_INIT", "parsed ID_PROT", "parsed AGGRESSIVE",
               "is initiating an IKE_SA", "is initiating a Main Mode", "is initiating an Aggressive Mode",
               "generating IKE_SA_INIT", "generating ID_PROT",
               # racoon
               "initiate new phase 1 negotiation", "respond new phase 1 negotiation",
               "begin Identity Protection mode", "begin Aggressive mode", "IPSec Phase 1 started")
# What a diagnosis needs: proposals (cfg 2) and the IKE control flow (ike 1).
NEEDED = {"CFG": 2, "IKE": 1}
_CHARON_FORMATS = {
    LogFormat.CHARON_FILELOG, LogFormat.CHARON_JSON, LogFormat.SYSLOG, LogFormat.JOURNAL_TEXT,
    LogFormat.JOURNAL_JSON, LogFormat.JOURNAL_EXPORT, LogFormat.SWANCTL_LOG, LogFormat.SWANCTL_CONTROL,
    LogFormat.STROKE, LogFormat.ANDROID,
}


def _marker_index() -> dict[str, list[tuple[str, str, int]]]:
    idx: dict[str, list[tuple[str, str, int]]] = {}
    for prefix, group, level in MARKERS:
        idx.setdefault(prefix[:4], []).append((prefix, group, level))
    return idx


MARKER_INDEX = _marker_index()


def config_lines(fmt: LogFormat, details: dict, groups: dict[str, int]) -> list[str]:
    """strongswan.conf lines that raise the missing groups to what a diagnosis needs."""
    missing = [(g, lvl) for g, lvl in NEEDED.items() if groups.get(g, -1) < lvl]
    if fmt in (LogFormat.JOURNAL_TEXT, LogFormat.JOURNAL_JSON, LogFormat.JOURNAL_EXPORT):
        section = "charon-systemd.journal"
    elif fmt is LogFormat.SYSLOG:
        section = "charon.syslog.daemon"
    elif fmt is LogFormat.SWANCTL_LOG and any(lvl >= 2 for lvl in groups.values()):
        # levels above 1: not swanctl --log but charon in a terminal (charon --nofork, ipsec start --nofork)
        section = "charon.filelog.stderr"
    elif fmt is LogFormat.SWANCTL_LOG:
        return ["swanctl --log only shows levels 0-1: read the daemon's own log (filelog/syslog/journal) instead"]
    elif fmt is LogFormat.SWANCTL_CONTROL:
        return ["run swanctl --initiate with --loglevel 2 (it prints up to level 1 by default), "
                "or read the daemon's own log (filelog/syslog/journal)"]
    elif fmt is LogFormat.STROKE:
        return ["ipsec up only shows levels 0-1: read the daemon's own log (filelog/syslog/journal) instead"]
    else:
        section = "charon.filelog.<name>"
    return [f"{section}.{g.lower()} = {lvl}" for g, lvl in missing]


def judge(fmt: LogFormat, details: dict, groups: dict[str, int], negotiating: bool,
          racoon_levels: set[str] | None = None) -> tuple[bool | None, list[str]]:
    """(level_sufficient, advice). None when there is nothing to judge (no negotiation, or a
    format whose verbosity swandiag cannot change)."""
    if fmt is LogFormat.RACOON or fmt is LogFormat.MACOS_SYSLOG:
        if racoon_levels is None or not negotiating:
            return None, []
        if "DEBUG" in racoon_levels:
            return True, []
        return False, ['racoon.conf: log debug;  (proposal details are only logged at debug)']
    if fmt not in _CHARON_FORMATS or not negotiating:
        return None, []
    lines = config_lines(fmt, details, groups)
    return (not lines), lines
