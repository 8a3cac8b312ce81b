"""One prefix parser per log-format family.

Each module exposes `FORMATS` (the LogFormats it reads), `score(lines) -> {format: (fraction,
details)}` for sniffing, and `make_parser(fmt, details) -> LineParser`. A LineParser's
`parse(line)` returns an event tuple (see base.Fields), a str (a continuation line's text),
base.HOLD (a line of the next event), or None (unrecognised); see base.END_OF_INPUT for
parsers whose entries end where the next one begins. Prefixes are split with string
operations or one compiled pattern; message bodies are left alone (templates.classify).
"""
from __future__ import annotations

from ..event import LogFormat
from . import android, charon_json, charon_text, console, journal, macos, racoon, syslog

# Sniffing order breaks ties: more specific formats first.
MODULES = (charon_json, journal, racoon, macos, android, syslog, console, charon_text)


def parser_for(fmt: LogFormat, details: dict):
    wanted = details.get("_module")
    for module in MODULES:
        if wanted and module.__name__.rsplit(".", 1)[-1] != wanted:
            continue
        if fmt in module.FORMATS:
            return module.make_parser(fmt, details)
    if wanted:
        return parser_for(fmt, {k: v for k, v in details.items() if k != "_module"})
    raise ValueError(f"no parser for {fmt.value}")
