"""Which log format an input is, from its first lines."""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from ..limits import REGEX_TIMEOUT
from .event import LogFormat
from .paste import (Decoration, continues, detect_decoration, is_journal_catalog, is_journal_marker, join,
                    wrap_candidate, wrap_width)

SNIFF_LINES = 400


@dataclass(slots=True)
class FormatGuess:
    format: LogFormat
    confidence: float  # share of the sampled lines the format's prefix parser accepts
    details: dict[str, object] = field(default_factory=dict)  # time_format, ike_name, log_level, newest_first ...


def _text(lines: list[bytes] | list[str]) -> list[str]:
    out = []
    for line in lines[:SNIFF_LINES]:
        if isinstance(line, (bytes, bytearray)):
            line = bytes(line).rstrip(b"\r").decode("utf-8", "replace")
        out.append(line.rstrip("\r"))
    return out


def prepare(lines: list[bytes] | list[str]) -> tuple[list[str], Decoration]:
    """The sniff sample as text with its paste decoration removed (and journalctl's own
    header/footer lines dropped), and the decoration found."""
    text = _text(lines)
    dec = detect_decoration(text)
    if dec:
        text = [dec.strip(x) for x in text]
    return [x for x in text if not is_journal_marker(x) and not is_journal_catalog(x)], dec


def candidates(lines: list[bytes] | list[str], *, prepared: bool = False) -> list[FormatGuess]:
    """Every format's guess, best first (ties: the more specific format first)."""
    from . import formats

    text = lines if prepared else prepare(lines)[0]
    guesses: list[tuple[float, int, FormatGuess]] = []
    for rank, module in enumerate(formats.MODULES):
        try:
            scored = module.score(text)
        except Exception:  # noqa: BLE001 - a sniffer must never take the run down
            continue
        for fmt, (confidence, details) in scored.items():
            guesses.append((confidence, -rank, FormatGuess(fmt, round(confidence, 3), details)))
    guesses.sort(key=lambda g: (g[0], g[1]), reverse=True)
    return [g for _, _, g in guesses]


def _unwrapped(text: list[str]) -> list[str] | None:
    """The sample with lines a mail client hard-wrapped joined again (by shape only: no line
    much over 100 characters, and a line whose first word would not have fitted on the line
    before it continues that line), or None if it does not look wrapped."""
    width = wrap_candidate(text)
    if width is None:
        return None
    out: list[str] = []
    for line in text:
        if out and continues(out[-1], line, width) and not _starts_entry(line):
            out[-1] = join(out[-1], line)
        else:
            out.append(line)
    return out if len(out) < len(text) else None


def _starts_entry(line: str) -> bool:
    """A line that begins with a digit or a month/weekday name or `<`/`{`: probably an entry
    of its own, not the rest of a wrapped one (sniffing only)."""
    head = line[:3]
    return head[:1].isdigit() or head[:1] in "<{" or head in _MONTHS_DAYS


_MONTHS_DAYS = frozenset("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec Mon Tue Wed Thu Fri Sat Sun".split())


def newest_first(guess: FormatGuess, lines: list[str]) -> bool:
    """Do the timestamps of these lines mostly go down (a GUI export listing newest first)?"""
    from . import formats
    from .timestamps import Clock

    try:
        parser = formats.parser_for(guess.format, guess.details)
    except ValueError:
        return False
    clock = Clock(tz=None)
    stamps = []
    for line in lines:
        r = parser.parse(line)
        if type(r) is tuple and r[0] is not None:
            ts = clock.epoch(r[0]) if isinstance(r[0], str) else r[0]
            if ts is not None:
                stamps.append(ts)
    down = sum(1 for a, b in zip(stamps, stamps[1:]) if b < a)
    up = sum(1 for a, b in zip(stamps, stamps[1:]) if b > a)
    if not down and not up:  # one second throughout: charon's own order of lines decides
        down, up = _message_order(lines)
    # a short paste may span only two or three seconds: never going up is enough then
    return (down >= 3 and down > 3 * up) or (down >= 1 and up == 0)


# charon prints these one right after the other on one thread: (first, then)
_SEQUENCES = (("received packet: ", "parsed "), ("generating ", "sending packet: "))
_THREAD = regex.compile(r"(?<![\w\[])(\d{2,3})\[[A-Z]{3}")


def _message_order(lines: list[str]) -> tuple[int, int]:
    """(backward, forward) votes from pairs of lines charon always writes in one order."""
    back = fwd = 0
    recent: list[tuple[str | None, str]] = []  # (thread, text) of the last few lines
    for line in lines:
        try:
            m = _THREAD.search(line[:120], timeout=REGEX_TIMEOUT)
        except TimeoutError:
            m = None
        thread = m.group(1) if m else None
        for first, then in _SEQUENCES:
            for t, text in recent:
                if t != thread:
                    continue
                if then in line and first in text:
                    fwd += 1
                elif first in line and then in text:
                    back += 1
        recent = [*recent[-2:], (thread, line)]
    return back, fwd


def sniff(lines: list[bytes] | list[str]) -> FormatGuess:
    """The most likely format of these (first) lines; UNKNOWN with confidence 0 if none fits.
    details["_decoration"] is the paste decoration to strip per line (details["pasted"] says
    it in words), details["_wrap"] the width a mail client wrapped the lines at, details["_foreign"]
    another IKE daemon the lines come from (foreign_daemon)."""
    text, dec = prepare(lines)
    foreign = foreign_daemon(text)
    ranked = candidates(text, prepared=True)
    best = ranked[0] if ranked else None
    if best is None or best.confidence < 0.95:
        joined = _unwrapped(text)
        if joined is not None:
            again = candidates(joined, prepared=True)
            if again and (best is None or again[0].confidence > best.confidence):
                best = again[0]
    if best is not None and best.confidence < 0.9:
        # two formats pasted one below the other: the input starts in the first one (stream
        # re-sniffs where its prefix stops matching and reports the regions)
        body = [x for x in text if x.strip()]
        for size in (40, 20, 10):
            if len(body) <= size:
                continue
            head = candidates(body[:size], prepared=True)
            if head and head[0].confidence >= 0.9:
                best = head[0]
                break
    if best is None or best.confidence <= 0.0:
        guess = FormatGuess(LogFormat.UNKNOWN, 0.0, {})
        if dec:
            guess.details["_decoration"] = dec
            guess.details["pasted"] = dec.describe()
        if foreign:
            guess.details["_foreign"] = foreign
        return guess
    if foreign:
        best.details["_foreign"] = foreign
    if newest_first(best, text):
        best.details["newest_first"] = True
    if dec:
        best.details["_decoration"] = dec
        best.details["pasted"] = dec.describe()
    width = _wrap_of(best, text)
    if width:
        best.details["_wrap"] = width
    else:
        cut = _cut_of(best, text)
        if cut:
            best.details["_cut"] = best.details["terminal_width"] = cut
            # a copy of a terminal window pads its lines with blanks: only text reaching the edge was cut
            best.details["_cut_padded"] = 2 * sum(1 for x in text if len(x) == cut) > len(text)
    return best


def _cut_of(guess: FormatGuess, text: list[str]) -> int | None:
    """The width a terminal or pager cut these lines at (`journalctl | more` in a 108-column
    window): no line is longer, several are exactly that long, and what follows them is not a
    line of the format (the rest of the cut one, mid-word). A copy from a terminal window pads
    every line with blanks to its width: the text, not the padding, reaches the edge. None if
    the lines are not cut."""
    from . import formats

    lengths = [len(x.rstrip()) for x in text]
    width = max(lengths, default=0)
    at = [i for i, n in enumerate(lengths) if n == width and i + 1 < len(text)]
    blank = [i for i, n in enumerate(lengths) if n < width == len(text[i]) and i + 1 < len(text)]
    if 2 * len(blank) <= len(text):  # not a padded copy: a line cut at a blank ends in it
        at += blank
    if width < 60 or len(at) < 2:
        return None
    try:
        parser = formats.parser_for(guess.format, guess.details)
        rejected = sum(1 for i in at if text[i + 1].strip() and parser.parse(text[i + 1]) is None)
    except Exception:  # noqa: BLE001 - a sniffer must never take the run down
        return None
    return width if rejected * 3 >= len(at) * 2 else None


def _wrap_of(guess: FormatGuess, text: list[str]) -> int | None:
    from . import formats

    try:
        parser = formats.parser_for(guess.format, guess.details)
    except ValueError:
        return None
    try:
        return wrap_width(text, parser.parse)
    except Exception:  # noqa: BLE001 - a sniffer must never take the run down
        return None


# pluto (libreswan, Openswan, strongSwan 4's IKEv1 daemon): `pluto[21609]: …`, and pluto.log's
# state lines `"conn"[1] 192.0.2.1 #10: …`
_PLUTO = regex.compile(r'(?:\bpluto(?:\[\d+\])?: |^[^"]{0,40}"[^"\s]{1,60}"(?:\[\d+\])?(?: \S+)? #\d+: )')


def _pluto(line: str) -> bool:
    try:
        return _PLUTO.search(line[:200], timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        return False


def foreign_daemon(lines: list[str]) -> str | None:
    """Another IKE daemon's log, named for the user, if a fifth of the sample is its lines."""
    body = [x for x in lines if x.strip()]
    if body and sum(1 for x in body if _pluto(x)) * 5 >= len(body):
        return "pluto (libreswan, Openswan or strongSwan 4's IKEv1 daemon)"
    return None
