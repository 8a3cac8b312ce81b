"""One input → a single pass of Events, plus its InputSummary.

The hot loop lives here: decoded line blocks from the reader go through the input's one
prefix parser (chosen once by sniffing), timestamps through a per-input cache, and each
line becomes an Event, a continuation of the previous one, or a counted unrecognised line.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections import deque
from collections.abc import Iterator
from itertools import chain, repeat

import regex

from ..analysis import InputSummary, UnrecognisedLine
from ..limits import REGEX_TIMEOUT
from ..ingest.reader import Block, read_blocks
from ..ingest.records import InputSpec, ReadStats
from . import levels as _levels
from .detect import SNIFF_LINES, FormatGuess, sniff
from .event import Daemon, Event, LogFormat
from .formats.base import END_OF_INPUT, HOLD
from .paste import continues, is_journal_marker, join
from .timestamps import Clock, zone

SAMPLE_UNRECOGNISED = 20
DEDUP_WINDOW = 2.0  # seconds: charon + charon-systemd copies of one message arrive this close
_DEDUP_FORMATS = {LogFormat.SYSLOG, LogFormat.JOURNAL_TEXT, LogFormat.JOURNAL_JSON, LogFormat.JOURNAL_EXPORT}
_UNTIMED = {LogFormat.SWANCTL_LOG, LogFormat.SWANCTL_CONTROL, LogFormat.STROKE}
_BANNER = "Starting IKE charon daemon (strongSwan "
_RACOON_BANNER = "@(#)ipsec-tools "
_SUB_BLOCK = 1 << 14  # fast path: findall over ~16 KiB at a time (a short list of row tuples)
# Events are handed out in lists of at most about this many (ParsedInput.events chains them):
# a list append is cheaper than a generator round trip per event, and lists this short die
# before the cyclic GC's first generation fills up (700 allocations), so it never runs on them.
_BATCH = 256
_MISS = object()  # a time key not in the clock's memo yet


def _keyed(table: dict[str, str], spec: InputSpec) -> str | None:
    for key in (spec.name, os.path.basename(spec.name)):
        if key in table:
            return table[key]
    for member in spec.members:
        for key in (member.path, os.path.basename(member.path)):
            if key in table:
                return table[key]
    return table.get("*")


class ParsedInput:
    """The parse stage's view of one input: `summary` (complete once events() is exhausted),
    `events()` (one pass), `problems()` (one line each)."""

    def __init__(self, spec: InputSpec, options) -> None:
        self.spec = spec
        self.options = options
        self.stats = ReadStats()
        self.summary = InputSummary(spec=spec, format=LogFormat.UNKNOWN, confidence=0.0, stats=self.stats)
        self._digest = hashlib.sha256()
        self._blocks = read_blocks(spec, self.stats, self._digest)
        self._head: list[Block] = []
        self._problems: list[str] = []
        self._foreign: str | None = None  # another IKE daemon's log (detect.foreign_daemon)
        self._used = False
        self._guess = self._sniff()

    # -- setup ---------------------------------------------------------------------------
    def _sniff(self) -> FormatGuess:
        sample: list[str] = []
        for block in self._blocks:
            self._head.append(block)
            sample.extend(block.lines[: SNIFF_LINES - len(sample)])
            if len(sample) >= SNIFF_LINES:
                break
        override = _keyed(getattr(self.options, "format_override", {}) or {}, self.spec)
        guess = sniff(sample)
        self._foreign = guess.details.get("_foreign")
        if override:
            try:
                forced = LogFormat(override)
            except ValueError:
                self._problems.append(f"{self.spec.name}: unknown --format {override!r}; detected {guess.format.value}")
            else:
                if forced is not guess.format:
                    from .detect import candidates

                    match = next((g for g in candidates(sample) if g.format is forced), None)
                    details = dict(match.details) if match else {}
                    for key in ("_decoration", "pasted", "_wrap", "_foreign"):
                        if key in guess.details:
                            details[key] = guess.details[key]
                    guess = FormatGuess(forced, match.confidence if match else 0.0, details)
                guess.details["forced"] = True
        s = self.summary
        s.format = guess.format
        s.confidence = guess.confidence
        s.format_details = {k: v for k, v in guess.details.items() if not k.startswith("_")}
        return guess

    def _clock(self) -> Clock:
        tz_name = _keyed(getattr(self.options, "tz", {}) or {}, self.spec)
        try:
            tz = zone(tz_name)
        except ValueError as exc:
            self._problems.append(f"{self.spec.name}: {exc}; using local time")
            tz = None
        ref = None
        if not self.spec.is_stdin and self.spec.members:
            try:
                ref = max(os.path.getmtime(m.path) for m in self.spec.members)
            except OSError:
                ref = None
        clock = Clock(tz=tz, ref=ref if ref is not None else time.time(), year=getattr(self.options, "year", None))
        clock.newest_first = bool(self._guess.details.get("newest_first"))
        return clock

    def _all_blocks(self) -> Iterator[Block]:
        yield from self._head
        self._head = []
        yield from self._blocks

    # -- the pass ------------------------------------------------------------------------
    def events(self) -> Iterator[Event]:
        if self._used:
            raise RuntimeError("ParsedInput.events() is single-pass")
        self._used = True
        if self._guess.details.get("newest_first"):
            return self._reversed()
        return chain.from_iterable(self._run())

    def _reversed(self) -> Iterator[Event]:
        # newest-first exports (firewall GUIs) are small: collect, then put oldest first
        events = list(chain.from_iterable(self._run()))
        events.reverse()
        self.summary.reversed = True
        span = _Span()  # the backward jumps, now in the order the events are handed out
        for ev in events:
            if ev.ts is not None:
                span.add(ev.ts)
        self.summary.backwards_jumps = span.backwards
        yield from events

    def _run(self) -> Iterator[list[Event]]:
        """The pass: lists of Events, in input order. An event is added to a list only once the
        next one has begun, so its continuation lines are all attached when it is handed out."""
        from . import formats as _formats

        s = self.summary
        fmt = self._guess.format
        parser = None
        if fmt is not LogFormat.UNKNOWN:
            parser = _formats.parser_for(fmt, self._guess.details)
        clock = self._clock()
        epoch = clock.epoch
        # the clock's own memo (time key → epoch), looked up here before calling it: the clock
        # alone fills and clears it (a New Year found in year-less stamps clears it)
        cache = clock.cache
        index = self.spec.index
        sample = s.unrecognised_sample
        dedup = fmt in _DEDUP_FORMATS
        recent: dict[str, tuple[float, object]] = {}
        recent_order: deque[tuple[float, str]] = deque()
        groups = s.levels
        level_known = fmt in (LogFormat.CHARON_JSON, LogFormat.JOURNAL_JSON, LogFormat.JOURNAL_EXPORT) or bool(
            self._guess.details.get("log_level"))
        racoon_levels: set[str] = set()
        daemons_seen: set[Daemon] = set()
        span = _Span()
        n_cont = n_unrec = 0
        # `out`: the events made since the last hand-out; its last one may still get
        # continuation lines, so a hand-out always keeps it back (it starts the next list)
        held = held_line = held_off = 0  # lines returned as HOLD, waiting for their event
        host_seen = version = None
        parse = parser.parse if parser is not None else (lambda line: None)
        # paste decorations (quote, line numbers, indent): stripped per line on the slow path
        strip = self._guess.details.get("_decoration") or None
        strip = strip.strip if strip is not None else None
        wrap = self._guess.details.get("_wrap")  # width a mail client hard-wrapped lines at
        cut = self._guess.details.get("_cut")  # width a terminal cut lines at (mid-word)
        padded = bool(self._guess.details.get("_cut_padded"))
        n_wrapped = 0
        regions: list[str] = []  # "LINE format" where a pasted excerpt of another format starts
        cur_fmt = fmt
        cur_details = self._guess.details
        probe_after = 0  # no region re-sniff before this line (after a failed one)
        width_check = fmt is LogFormat.CHARON_FILELOG and cur_details.get("_time_width") is not None
        twidth = cur_details.get("_time_width")
        _Event = Event
        _CHARON = Daemon.CHARON
        _RACOON = Daemon.RACOON
        _str = str
        _tuple = tuple
        # The block fast path (charon filelog with fixed-width timestamps, the biggest inputs):
        # ONE multi-line pattern per sub-block (findall, no per-line match call) splits each
        # line into (time key, "NN[GRP[l]", SA tag, message); the thread/group/level token and
        # the SA tag are decoded once per distinct value (dict lookups), the timestamp once per
        # distinct second. Lines the pattern does not take come back with an empty prefix and
        # go through the line-by-line path below, so both paths share one loop and its state.
        fast = getattr(parser, "fast", None)
        findall = tokens = tags = token_table = tag_table = None
        if fast is not None and strip is None:
            findall = fast[0].findall
            daemons_seen.add(_CHARON)  # the fast path only ever makes charon events
            tokens = _Tokens(fast[1], groups)
            tags = _Tags()
            token_table, tag_table = tokens.table, tags.table  # (cleared in place, never replaced)
        proofs = _Proofs(groups, tokens)
        look = proofs.look
        lifecycle = s.daemon_events
        ptk = None  # time key of the previous fast-path line (its `ts` is still valid)
        fth = None  # thread of the last fast-path event (the parser's hex-dump state)
        ts = None
        empty = repeat("")
        out: list[Event] = []
        append = out.append
        lineno = 1
        def last_entry() -> Iterator[Block]:
            # a parser that holds lines until the line after its entry (journalctl -o verbose)
            # is handed END_OF_INPUT once, so the input's last entry is finished too
            if held and hasattr(getattr(parse, "__self__", None), "ends_before"):
                yield Block(lineno, off, [END_OF_INPUT], [0])

        for block in chain(self._all_blocks(), last_entry()):
            lineno = base = block.lineno
            off = block.offset
            sizes = block.sizes
            text = block.text
            fast_block = findall is not None and text is not None
            pos, n = 0, len(text) if fast_block else 0
            while True:
                if fast_block:
                    if pos >= n:
                        break
                    end = text.find("\n", pos + _SUB_BLOCK) + 1 or n
                    if version is None and (text.find(_BANNER, pos, end) >= 0
                                            or text.find(_RACOON_BANNER, pos, end) >= 0):
                        part = text[pos:end].split("\n")  # the start banner: line by line
                        part.pop()
                        rows = zip(empty, empty, empty, part)
                    else:
                        rows = findall(text, pos, end)
                    pos = end
                else:
                    rows = zip(empty, empty, empty, block.lines)
                for tk, tgl, tag, line in rows:
                    if tgl and tk != ptk:  # ---- fast path, a new second: its time, once
                        if "[" in tk:  # parse() splits such a line at its first "["
                            line = f"{tk} {tgl}] {tag}{line}"
                            tgl = ""
                        else:
                            ts = cache.get(tk, _MISS)
                            if ts is _MISS:
                                ts = epoch(tk)
                            ptk = tk
                            if ts is not None:
                                span.add(ts)
                    if tgl:  # ---- fast path: a canonical `time NN[GRP] <tag> msg` line
                        try:
                            fth, group, level, pl, chk = token_table[tgl]
                        except KeyError:
                            fth, group, level, pl, chk = tokens.decode(tgl)  # type: ignore[union-attr]
                        try:
                            name, sid, tl = tag_table[tag]
                        except KeyError:
                            name, sid, tl = tags.decode(tag)  # type: ignore[union-attr]
                        append(_Event(index, lineno, off, ts, line, _CHARON, None, None, fth, group, level, name, sid))
                        off += pl + tl + len(line)
                        lineno += 1
                        # this token's lines may still prove a level or a negotiation, or tell
                        # of the daemon's start and end
                        # (chk is LIFECYCLE_ONLY for a DMN/LIB token with nothing else to prove)
                        if chk and (look(line, group, level) if chk is True else lifecycle_line(line)) \
                                and len(lifecycle) < DAEMON_EVENTS_MAX:
                            lifecycle.append(out[-1])
                        continue
                    # ---- line by line: every other format, and what the fast pattern left
                    pending = out[-1] if out else None
                    if fth is not None:
                        parser._thread = fth  # type: ignore[union-attr]
                        fth = None
                    ptk = None
                    raw = line
                    if strip is not None:
                        line = strip(line)
                    r = parse(line)
                    if r is None or (width_check and type(r) is _tuple and (
                            len(r[0]) if type(r[0]) is _str else 0) != twidth):
                        # the prefix stopped matching: a journalctl marker, an excerpt of
                        # another format pasted below (re-sniff from here), or a wrapped line
                        if r is None and is_journal_marker(line):
                            r = (None, None, Daemon.OTHER, None, None, None, None, None, None, line, "journalctl",
                                 None)
                        elif r is None and not line.strip():
                            pass  # a blank line of a paste: no other format starts here
                        elif lineno >= probe_after:
                            ahead = self._ahead(block, lineno - base, text if fast_block else None, raw)
                            new = _resniff(ahead, cur_fmt, cur_details)
                            if new is None:
                                probe_after = lineno + 16
                            else:
                                cur_fmt, cur_details = new.format, new.details
                                parse = _formats.parser_for(cur_fmt, cur_details).parse
                                dec = cur_details.get("_decoration")
                                strip = dec.strip if dec else None
                                wrap = cur_details.get("_wrap") or wrap
                                dedup = dedup or cur_fmt in _DEDUP_FORMATS
                                width_check = False
                                regions.append(f"{lineno}: {cur_fmt.value}")
                                line = strip(raw) if strip is not None else raw
                                r = parse(line)
                    if type(r) is _tuple:
                        tkey, host, daemon, pid, thread, group, level, name, sid, msg, ident, extra = r
                        if type(tkey) is _str:
                            ts = cache.get(tkey, _MISS)
                            if ts is _MISS:
                                ts = epoch(tkey)
                        else:
                            ts = tkey
                        if held:
                            # ends_before: the entry is the held lines alone, this line opens the
                            # next one (or is END_OF_INPUT)
                            before = getattr(parse.__self__, "ends_before", False)  # type: ignore[attr-defined]
                            ev = _Event(index, held_line, held_off, ts, msg, daemon, host, pid, thread, group, level,
                                        name, sid, extra, held + 1 - before)
                            n_cont += held - before
                            held = 0
                            if before and raw is not END_OF_INPUT:
                                held, held_line, held_off = 1, lineno, off
                        else:
                            ev = _Event(index, lineno, off, ts, msg, daemon, host, pid, thread, group, level, name,
                                        sid, extra)
                        if dedup and self._duplicate(ev, ident, recent, recent_order):
                            s.duplicates_removed += 1
                            if pending is not None:
                                # the dropped copy's lines still belong to an event: count them there
                                pending.nlines += ev.nlines
                                n_cont += 1
                            else:
                                n_unrec += ev.nlines
                                n_cont -= ev.nlines - 1
                        else:
                            if len(out) >= _BATCH:
                                yield out
                                out = []
                                append = out.append
                            append(ev)
                            daemons_seen.add(daemon)
                            if ts is not None and ts != span.prev:  # (an equal time changes nothing)
                                span.add(ts)
                            if group is not None and daemon is _CHARON:
                                _note_level(groups, group, level)
                            if look(msg, group, level) and daemon is _CHARON and len(lifecycle) < DAEMON_EVENTS_MAX:
                                lifecycle.append(ev)
                            if daemon is _RACOON and group is not None:
                                racoon_levels.add(group)
                            if host and host_seen is None:
                                host_seen = s.host = host
                            if version is None and msg[:1] in "S@" and (
                                    msg.startswith(_BANNER) or msg.startswith(_RACOON_BANNER)):
                                version = s.daemon_version = _version(msg)
                                s.started_line = ev.line
                    elif r is HOLD:
                        if not held:
                            held_line, held_off = lineno, off
                        held += 1
                    elif r is not None and pending is not None:
                        if wrap and r is line and _wrapped(block, lineno - base, strip, line, wrap):
                            _rejoin(pending, line)
                            n_wrapped += 1
                        elif pending.cont is None:
                            pending.cont = [r]
                        else:
                            pending.cont.append(r)
                        pending.nlines += 1
                        n_cont += 1
                    elif wrap and pending is not None and _wrapped(block, lineno - base, strip, line, wrap, True):
                        _rejoin(pending, line)  # the rest of a line a mail client wrapped
                        pending.nlines += 1
                        n_cont += 1
                        n_wrapped += 1
                    elif cut and pending is not None and _cut_before(block, lineno - base, strip, cut, padded):
                        _rejoin(pending, line, str.__add__)  # the rest of a line a terminal cut
                        pending.nlines += 1
                        n_cont += 1
                        n_wrapped += 1
                    elif pending is not None and _closes_bracket(pending, line):
                        _rejoin(pending, line)  # the rest of a payload list an editor wrapped
                        pending.nlines += 1
                        n_cont += 1
                        n_wrapped += 1
                    elif pending is not None and not line.strip():
                        pending.nlines += 1  # a blank line a paste put in: it says nothing, it is kept in count
                        n_cont += 1
                    else:
                        n_unrec += 1
                        if len(sample) < SAMPLE_UNRECOGNISED:
                            sample.append(UnrecognisedLine(lineno, line[:300]))
                    off += len(raw) + 1 if sizes is None else sizes[lineno - base]
                    lineno += 1
                if len(out) > 1:
                    keep = out.pop()
                    yield out
                    out = [keep]
                    append = out.append
                if not fast_block:
                    break
            if block.count is None:
                block.count = lineno - base  # every line of the block was walked
        if out:
            yield out
        if held:  # an entry cut off before its end: its lines belong to no event
            n_unrec += held
            if len(sample) < SAMPLE_UNRECOGNISED:
                sample.append(UnrecognisedLine(held_line, "(incomplete journal export entry)"))
        s.lines = self.stats.lines
        if n_wrapped:
            s.format_details["wrapped_lines"] = n_wrapped
        if regions:
            s.format_details["regions"] = [f"1: {fmt.value}"] + regions
        # every line is an event, a continuation or unrecognised (the fast path counts none)
        s.events = s.lines - n_cont - n_unrec
        s.continuation_lines = n_cont
        s.unrecognised_lines = n_unrec
        s.first = span.first
        s.last = span.last
        s.backwards_jumps = span.backwards
        s.sha256 = self._digest.hexdigest()
        if s.daemon is None:
            s.daemon = _daemon_name(fmt, daemons_seen)
        negotiating = proofs.negotiating
        if not level_known and negotiating and fmt not in (LogFormat.RACOON, LogFormat.MACOS_SYSLOG):
            groups.setdefault("IKE", 1)
        s.ike_traffic = negotiating or proofs.received
        s.level_sufficient, s.level_advice = _levels.judge(
            fmt, s.format_details, groups, negotiating, racoon_levels or None)
        s.format_details["levels_printed"] = level_known
        if fmt in _UNTIMED:
            s.format_details.setdefault("time_format", None)

    def _ahead(self, block: Block, i: int, text: str | None, line: str) -> list[str]:
        """Up to REGION_AHEAD raw lines from this one on (within the current block)."""
        if text is not None:  # a fast-path block: find this line in the block's text
            lines = block.lines
            if i < len(lines) and lines[i] == line:
                return lines[i:i + REGION_AHEAD]
            return [line]
        return block.lines[i:i + REGION_AHEAD]

    @staticmethod
    def _duplicate(ev: Event, ident, recent: dict, order: deque) -> bool:
        """Is this a second copy of a message another logger (charon/charon-systemd/ipsec
        stdout) wrote within DEDUP_WINDOW? Copies from one and the same source are kept."""
        ts = ev.ts if ev.ts is not None else 0.0
        while order and order[0][0] < ts - DEDUP_WINDOW:
            old_ts, old_text = order.popleft()
            seen = recent.get(old_text)
            if seen is not None and seen[0] <= old_ts:
                del recent[old_text]
        source = (ident, ev.thread is not None)
        seen = recent.get(ev.text)
        if seen is not None and seen[1] != source and abs(ts - seen[0]) <= DEDUP_WINDOW:
            return True
        recent[ev.text] = (ts, source)
        order.append((ts, ev.text))
        return False

    def problems(self) -> list[str]:
        out = list(self._problems)
        st = self.stats
        name = self.spec.name
        out.extend(p.message for p in st.problems)
        s = self.summary
        if st.lines == 0 and not st.problems:
            out.append(f"{name}: empty input")
        if self._foreign:
            out.append(f"{name}: lines of {self._foreign}: swandiag reads strongSwan's charon (5.x, 6.x), racoon "
                       "and Apple's VPN clients, not these")
        elif s.format is LogFormat.UNKNOWN and st.lines:
            out.append(f"{name}: not a log format swandiag knows ({st.lines} lines unrecognised)")
        if st.long_lines:
            out.append(f"{name}: {st.long_lines} line(s) longer than 64 KiB were cut")
        if st.decode_errors:
            out.append(f"{name}: {st.decode_errors} line(s) were not valid UTF-8 (shown with U+FFFD)")
        if st.nul_lines:
            out.append(f"{name}: {st.nul_lines} line(s) contained NUL bytes")
        if st.truncated_last_line:
            out.append(f"{name}: the last line has no newline (file cut or still being written)")
        return out


REGION_AHEAD = 40  # lines sniffed where the prefix stops matching
REGION_MIN = 5  # ... of which this many must read as the other format


def _resniff(ahead: list[str], fmt: LogFormat, details: dict) -> FormatGuess | None:
    """The format of an excerpt pasted below (or above) another one: a different format that
    reads the next lines clearly better than the current one, else None."""
    body = [x for x in ahead if x.strip()]
    if len(body) < REGION_MIN:
        return None
    guess = sniff(ahead)
    if guess.format is LogFormat.UNKNOWN or guess.confidence < 0.8:
        return None
    if guess.format is fmt:  # the same format (e.g. a filelog whose time width changed)
        return None
    if guess.format in (LogFormat.JOURNAL_TEXT, LogFormat.STROKE) and guess.details.get("output") == "cat":
        return None  # bare messages: anything unprefixed looks like them
    return guess


def _wrapped(block: Block, i: int, strip, line: str, width: int, indented: bool = False) -> bool:
    """Is this physical line the rest of the previous one, hard-wrapped by a mail client?"""
    if i <= 0:
        return False
    prev = block.lines[i - 1]
    if strip is not None:
        prev = strip(prev)
    # lines the parser rejected (indented=True) cannot be racoon's dump rows, which it takes
    return continues(prev, line, width, indented) and (indented or not is_hex_dump(line))


def _cut_before(block: Block, i: int, strip, width: int, padded: bool) -> bool:
    """Was the physical line before this one cut at the terminal's `width`? (A line cut at a
    blank ends in it; in a padded copy of a terminal window only text reaching the edge tells.)"""
    if i <= 0:
        return False
    prev = block.lines[i - 1]
    if strip is not None:
        prev = strip(prev)
    return len(prev.rstrip()) == width or (not padded and len(prev) == width)


def _closes_bracket(ev: Event, line: str) -> bool:
    """Is this rejected line the rest of the event's last line, cut inside a `[ … ]` list (a
    payload list, `… N(MULT_AUTH)` then `]` alone)? It closes the bracket that line left open."""
    tail = line.rstrip()
    if not tail.endswith("]") or len(tail) > 200 or tail.count("[") >= tail.count("]"):
        return False
    last = ev.cont[-1] if ev.cont else ev.text
    return last.count("[") > last.count("]")


def is_hex_dump(line: str) -> bool:
    """racoon's plogdump rows (`2465779e 7c68d482 …`) are continuations, never wrapped text."""
    w = line.split(" ", 1)[0]
    return len(w) == 8 and all(c in "0123456789abcdef" for c in w)


def _rejoin(ev: Event, part: str, glue=join) -> None:
    """Put the rest of a broken line back onto the event's last line: `join` undoes a wrap (the
    break replaced a blank); `str.__add__` a terminal's cut (anywhere, even mid-word, nothing lost)."""
    if ev.cont:
        ev.cont[-1] = glue(ev.cont[-1], part)
    else:
        ev.text = glue(ev.text, part)


def _version(text: str) -> str | None:
    if text.startswith(_RACOON_BANNER):
        rest = text[len(_RACOON_BANNER):]
        return "ipsec-tools " + rest.split(" ", 1)[0]
    rest = text[len(_BANNER):]
    ver = rest.split(",", 1)[0].split(")", 1)[0].strip()
    return ver or None


_APPLE = frozenset((Daemon.APPLE_IKEV2, Daemon.APPLE_NE))


def _daemon_name(fmt: LogFormat, seen: set[Daemon] = frozenset()) -> str | None:  # type: ignore[assignment]
    """InputSummary.daemon: which negotiation builder reads this input ("apple" = the macOS
    builder, which also hands racoon lines of a Mac log to the racoon builder)."""
    if fmt is LogFormat.RACOON:
        return "racoon"
    if fmt is LogFormat.MACOS_UNIFIED:
        # the strongSwan app for macOS logs charon's own lines into the unified log
        return "charon" if Daemon.CHARON in seen and not seen & _APPLE and Daemon.RACOON not in seen else "apple"
    if fmt is LogFormat.MACOS_SYSLOG:
        # /var/log/system.log: Apple's IKEv2 client / NetworkExtension, or racoon alone
        if Daemon.RACOON in seen and not seen & _APPLE:
            return "racoon"
        return "apple"
    if fmt is LogFormat.UNKNOWN:
        return None
    if Daemon.RACOON in seen and Daemon.CHARON not in seen:  # ipsec-tools racoon via syslog
        return "racoon"
    return "charon"


def _useful_markers(groups: dict[str, int]) -> dict[str, list[tuple[str, str, int]]]:
    """levels.MARKER_INDEX without the markers whose level the input already showed (they
    cannot change anything, and "received packet"/"sending packet" are common lines)."""
    out: dict[str, list[tuple[str, str, int]]] = {}
    for key, cands in _levels.MARKER_INDEX.items():
        keep = [c for c in cands if c[2] > groups.get(c[1], -1)]
        if keep:
            out[key] = keep
    return out


def _infer_level(text: str, markers: dict, groups: dict[str, int], line_group: str | None) -> dict:
    """Record the level a marker message proves (levels.MARKERS); returns the markers still
    useful. A marker proves its group's level only on a line of that group, or of no known
    group (charon-systemd's bare journal messages)."""
    for prefix, group, level in markers[text[:4]]:
        if text.startswith(prefix):
            if line_group is not None and line_group != group:
                break
            if level > groups.get(group, -1):
                groups[group] = level
                return _useful_markers(groups)
            break
    return markers


def _note_level(groups: dict[str, int], group: str, level: int | None) -> None:
    """A charon line of `group` at `level` (None: levels not printed, so at least 1)."""
    if level is not None:
        if level > groups.get(group, -1):
            groups[group] = level
    elif group not in groups:
        groups[group] = 1


# Literal bits of the daemon lifecycle messages (charon.c and its siblings, plugin_loader.c, the
# starter's invokecharon.c, the x509/openssl plugins' certificate rejections): a line holding one is
# kept as a daemon event. They come on DMN, LIB and ASN lines, or on lines without a group (the
# starter, journal text); the fast path's tokens of those groups always look (_Tokens.decode).
# (Not CFG: busy in every negotiation, a look at each of its lines costs ~7% of the fast path.)
_LIFECYCLE = regex.compile(r"critical (?:signal|plugin)| - aborting |too long to start|has died -- restart"
                           r"| has quit: |refused to be started| already running \('|integrity check of "
                           r"|failed to load|^thread \d+ received \d+$|^\S+ \(\d+\) started after \d+ ms"
                           r"|^found unsupported critical X\.509 |^critical '[^']*' extension not supported")
LIFECYCLE_GROUPS = frozenset({"DMN", "LIB", "ASN"})
# ... and how those messages begin (`killing ourself…`, `thread 5 received 11`, `integrity check…`,
# `feature … in critical plugin`, `failed to load N critical plugin features`, `plugin '…' failed
# to load`, the starter's `charon has died…`), besides `loading critical plugin`, ` - aborting `
# and ` already running (`: a cheap look before the pattern (`loaded plugins: …` is not one)
# (and `found unsupported critical X.509 extension`, `critical '…' extension not supported`: a CA or
# certificate the x509/openssl plugin rejected; the starter's `charon (PID) started after N ms`)
_LIFECYCLE_HEADS = frozenset({"kill", "thre", "inte", "feat", "fail", "plug", "char", "foun", "crit"})
DAEMON_EVENTS_MAX = 50  # a restart loop repeats the same lines
LIFECYCLE_ONLY = 2  # a fast-path token's check value: only lifecycle messages to look for


class _Proofs:
    """What an input's messages prove while it is read: a group's level (marker messages,
    levels.MARKERS, on lines whose level is not printed), that it holds a negotiation, that an
    IKE packet reached the daemon. Each proof changes what the fast path's tokens still have
    to look at (_Tokens.watch). `look` also says whether a line is a daemon lifecycle message."""

    __slots__ = ("groups", "tokens", "markers", "negotiating", "received")

    def __init__(self, groups: dict[str, int], tokens: _Tokens | None) -> None:
        self.groups = groups
        self.tokens = tokens
        self.markers = _useful_markers(groups)  # level markers that could still raise a level
        self.negotiating = False
        self.received = False  # a 'received packet' line (any IKE packet reached the daemon)
        if tokens is not None:
            tokens.watch(True, self.markers)

    def look(self, msg: str, group: str | None, level: int | None) -> bool:
        """Take in what this message proves; True for a daemon lifecycle message."""
        changed = False
        if (level is None or group is None) and msg[:4] in self.markers:
            markers = _infer_level(msg, self.markers, self.groups, group)
            changed = markers is not self.markers
            self.markers = markers
        if not self.negotiating and msg.startswith(_levels.NEGOTIATION):
            self.negotiating = changed = True
        if not self.received and msg.startswith("received packet"):
            self.received = changed = True
        if changed and self.tokens is not None:
            self.tokens.watch(not (self.negotiating and self.received), self.markers)
        return (group is None or group in LIFECYCLE_GROUPS) and lifecycle_line(msg)


def lifecycle_line(msg: str) -> bool:
    """Is this message one of the daemon's lifecycle messages (_LIFECYCLE)?"""
    if msg[:4] not in _LIFECYCLE_HEADS and " - aborting " not in msg and " already running (" not in msg \
            and not msg.startswith("loading critical"):
        return False  # (most DMN/LIB lines: plugins loaded, workers spawned)
    try:
        return _LIFECYCLE.search(msg, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        return False


class _Span:
    """An input's first and last time and its jumps back by more than a second, fed with each
    new timestamp in input order."""

    __slots__ = ("first", "last", "prev", "backwards")

    def __init__(self) -> None:
        self.first = self.last = self.prev = None
        self.backwards = 0

    def add(self, ts: float) -> None:
        if self.first is None:
            self.first = self.last = self.prev = ts
            return
        if ts < self.prev - 1.0:
            self.backwards += 1
        self.prev = ts
        if ts > self.last:
            self.last = ts
        elif ts < self.first:
            self.first = ts


class _Tokens:
    """Fast path: `table` maps "NN[GRP" / "NN[GRPl" → (thread, group, level, length of the
    line without SA tag and message, check); `decode` fills it for a new token and records
    its group/level in the input's levels (seen once per input). `check` says whether this
    token's lines still need the per-line look at the message (a level marker of its group
    not seen yet, or no negotiation or received packet seen yet): once everything is proven,
    lines skip it altogether. (A plain dict, looked up in the loop and filled on KeyError: a
    dict subclass with __missing__ takes the interpreter's slow subscript path on every line.)"""

    __slots__ = ("table", "lead", "groups", "always", "marker_groups")

    def __init__(self, lead: int, groups: dict[str, int]):
        self.table: dict[str, tuple] = {}
        self.lead = lead  # characters before the thread digits (time key and its space)
        self.groups = groups
        self.always = True
        self.marker_groups: set[str] = set()

    def watch(self, always: bool, markers: dict[str, list[tuple[str, str, int]]]) -> None:
        """What still needs the per-line check changed: forget the decoded tokens."""
        self.always = always
        self.marker_groups = {group for cands in markers.values() for _, group, _ in cands}
        self.table.clear()

    def decode(self, token: str) -> tuple:
        b = token.index("[")
        group = token[b + 1:b + 4]
        level = ord(token[b + 4]) - 48 if len(token) > b + 4 else None
        _note_level(self.groups, group, level)
        if len(self.table) > 4096:
            self.table.clear()
        check = self.always or (level is None and group in self.marker_groups) or (
            LIFECYCLE_ONLY if group in LIFECYCLE_GROUPS else False)
        v = self.table[token] = (int(token[:b]), group, level, self.lead + len(token) + 3, check)
        return v


class _Tags:
    """Fast path: `table` maps an SA tag "<conn|N> " / "<N> " → (sa_name or None, sa_id, its
    length), "" → (None, None, 0); `decode` fills it for a new tag (see _Tokens)."""

    __slots__ = ("table",)

    def __init__(self):
        self.table: dict[str, tuple] = {"": (None, None, 0)}

    def decode(self, tag: str) -> tuple:
        name, _, sid = tag[1:-2].rpartition("|")
        table = self.table
        if len(table) > 4096:
            table.clear()
            table[""] = (None, None, 0)
        v = table[tag] = (name or None, int(sid), len(tag))
        return v


def parse_input(spec: InputSpec, options) -> ParsedInput:
    """Open one input, sniff its format and return the parse stage's view of it."""
    return ParsedInput(spec, options)
