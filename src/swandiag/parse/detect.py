"""Which log format an input is, from its first lines."""
from __future__ import annotations

from dataclasses import dataclass, field

from .event import LogFormat

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


def candidates(lines: list[bytes] | list[str]) -> list[FormatGuess]:
    """Every format's guess, best first (ties: the more specific format first)."""
    from . import formats

    text = _text(lines)
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
    """The most likely format of these (first) lines; UNKNOWN with confidence 0 if none fits."""
    ranked = candidates(lines)
    if not ranked or ranked[0].confidence <= 0.0:
        return FormatGuess(LogFormat.UNKNOWN, 0.0, {})
    best = ranked[0]
    if newest_first(best, _text(lines)):
        best.details["newest_first"] = True
    return best
