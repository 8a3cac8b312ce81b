"""What a prefix parser returns, and the shared helpers for charon's `NN[GRP] <conn|N>` core."""
from __future__ import annotations

import json
from typing import Protocol

import regex

from ..event import Daemon, LogFormat
from ...limits import REGEX_TIMEOUT as TIMEOUT

# Event fields from one line, in this order:
# (time key: str | float | None, host, daemon, pid, thread, group, level, sa_name, sa_id, text, ident, cont)
# `ident` is the syslog identifier (for de-duplication), `cont` extra lines of a message that
# came in one physical line (JSON formats) or None.
Fields = tuple


class _Hold:
    """Returned for a line that belongs to the *next* event (journal export field lines)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "HOLD"


HOLD = _Hold()
# Handed once, after the last line, to a parser whose entries end only where the next one begins
# (`journalctl -o verbose`). Such a parser has an `ends_before` attribute: True when the fields
# it just returned were made of the held lines alone, the line it was given opening the next
# entry (or being END_OF_INPUT).
END_OF_INPUT = "\x00end of input\x00"
# First words of bare charon messages (stroke output, journalctl -o cat), for sniffing only.
BARE_VOCAB = frozenset("""
initiating generating sending received parsed selected selecting establishing authentication IKE_SA
CHILD_SA loaded looking no remote local found candidate configured using peer added certificate
successfully spawning providers proposal deleting closing connection establishing scheduling
retransmit giving creating installing adding deleted unable sending checkout queueing activating
reinitiating rekeying reauthenticating restarting sending lease assigning peer-config vici
dropped starting SIGTERM SIGINT plugin plugins interface interfaces known processing
""".split())


class LineParser(Protocol):
    format: LogFormat
    details: dict

    def parse(self, line: str) -> Fields | str | None: ...


def json_object(line: str, decode=json.loads) -> dict | None:
    """The JSON object on one line (a `{` first), or None for anything else."""
    if not line.startswith("{"):
        return None
    try:
        obj = decode(line)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def split_core(line: str, b: int):
    """Parse charon's `NN[GRP(lvl)]( <name|id>)? msg` with the `[` at index b and the thread
    digits right before it (the caller found both). Returns
    (thread, group, level, sa_name, sa_id, text) or None. String operations only: this runs
    once per line and must stay cheap."""
    if line[b + 4:b + 5] == "]":
        c = b + 4
        level = None
    elif line[b + 5:b + 6] == "]" and line[b + 4] in "01234":
        c = b + 5
        level = ord(line[b + 4]) - 48
    else:
        return None
    group = line[b + 1:b + 4]
    if not (group.isalpha() and group.isupper()):
        return None
    nxt = line[c + 1:c + 2]
    if nxt != " ":
        if nxt == "" :
            return group, level, None, None, ""
        return None
    if line[c + 2:c + 3] == "<":
        e = line.find(">", c + 3)
        if e < 0:
            return group, level, None, None, line[c + 2:]
        tag = line[c + 3:e]
        name, bar, sid = tag.rpartition("|")
        if not sid.isdigit() and sid:
            return group, level, None, None, line[c + 2:]  # not an SA tag: part of the message
        after = line[e + 1:e + 2]
        if after not in (" ", ""):
            return group, level, None, None, line[c + 2:]
        return group, level, (name if bar else None) or None, int(sid) if sid else None, line[e + 2:]
    return group, level, None, None, line[c + 2:]


CORE_SEARCH = regex.compile(r"(?<![^ \t:>\]])(\d{2,6})\[([A-Z]{3})([0-4])?\]")


def find_core(line: str) -> int:
    """Index of the `[` of the first `NN[GRP]` token (fast guess, then a pattern)."""
    b = line.find("[")
    if b >= 2 and line[b - 2:b].isdigit():
        return b
    try:
        m = CORE_SEARCH.search(line, timeout=TIMEOUT)
    except TimeoutError:
        return -1
    return m.start(2) - 1 if m else -1


def thread_before(line: str, b: int) -> tuple[int, int] | None:
    """(thread, index where the thread digits start) for the `[` at b."""
    a = b
    while a > 0 and line[a - 1].isdigit():
        a -= 1
    if b - a < 2 or b - a > 6:
        return None
    return int(line[a:b]), a


def is_hex_row(text: str) -> bool:
    """A level-3/4 dump row `   16: 31 7C 44 14 ...  1|D...` (continuation of `=> N bytes @`);
    the offset is printed `%4d: `, so the colon sits at index 4 (callers pre-check that)."""
    s = text.lstrip(" ")
    if not s[:1].isdigit():
        return False
    k = s.find(": ")
    return 0 < k <= 6 and s[:k].isdigit() and len(s) > k + 3 and s[k + 4:k + 5] in (" ", "")


def sample_fraction(lines: list[str], accept) -> float:
    """Share of non-empty lines `accept` takes (for sniffing)."""
    n = ok = 0
    for line in lines:
        if not line.strip():
            continue
        n += 1
        if accept(line):
            ok += 1
    return ok / n if n else 0.0


__all__ = ["Daemon", "Fields", "LineParser", "LogFormat", "split_core", "find_core", "thread_before",
           "is_hex_row", "sample_fraction", "json_object", "TIMEOUT"]
