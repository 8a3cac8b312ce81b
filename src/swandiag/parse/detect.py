"""Which log format an input is, from its first lines."""
from __future__ import annotations

from dataclasses import dataclass, field

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
    # a short paste may span only two or three seconds: never going up is enough then
    return (down >= 3 and down > 3 * up) or (down >= 1 and up == 0)


def sniff(lines: list[bytes] | list[str]) -> FormatGuess:
    """The most likely format of these (first) lines; UNKNOWN with confidence 0 if none fits.
    details["_decoration"] is the paste decoration to strip per line (details["pasted"] says
    it in words), details["_wrap"] the width a mail client wrapped the lines at."""
    text, dec = prepare(lines)
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
        return guess
    if newest_first(best, text):
        best.details["newest_first"] = True
    if dec:
        best.details["_decoration"] = dec
        best.details["pasted"] = dec.describe()
    width = _wrap_of(best, text)
    if width:
        best.details["_wrap"] = width
    return best


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
