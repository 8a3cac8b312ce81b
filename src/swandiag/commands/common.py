"""Arguments shared by the commands that read inputs (inspect, report, tui, redact)."""
from __future__ import annotations

import argparse
import re

from ..errors import SwandiagError
from ..pipeline import Options

_OFFSET = re.compile(r"^(?P<path>.+)=(?P<sign>[+-]?)(?P<num>\d+(?:\.\d+)?)(?P<unit>s|m|h)?$")
_UNIT = {"s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
FAIL_ON = {"error": 2, "warning": 1, "never": None}  # --fail-on → lowest Severity value that fails


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="log files, globs, folders (recursed, logs picked by content), .gz/.bz2/.xz, or - for stdin")
    parser.add_argument("--log-format", dest="log_format", action="append", default=[], metavar="[PATH=]FORMAT",
                        help="force the log format of PATH (or of every input); never needed for known formats")
    parser.add_argument("--tz", action="append", default=[], metavar="[PATH=]ZONE",
                        help="time zone of timestamps without one (default: local time)")
    parser.add_argument("--offset", action="append", default=[], metavar="PATH=SECONDS",
                        help="clock offset of PATH relative to the first input, e.g. client.log=+3.4s (overrides the estimate)")
    parser.add_argument("--year", type=int, help="year for year-less timestamps when it cannot be inferred")
    parser.add_argument("--patterns", action="append", default=[], metavar="DIR",
                        help="extra signature directory (added to the bundled patterns/)")


def _keyed(values: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.rpartition("=")
        if not sep:
            out["*"] = value
        elif not rest:
            raise SwandiagError(f"{what}: empty value in {value!r}")
        else:
            out[key] = rest
    return out


def options_from_args(args: argparse.Namespace) -> Options:
    offsets: dict[str, float] = {}
    for value in args.offset:
        m = _OFFSET.match(value.strip())
        if not m:
            raise SwandiagError(f"--offset expects PATH=SECONDS (e.g. client.log=+3.4s), got {value!r}")
        num = float(m["num"]) * _UNIT[m["unit"]]
        offsets[m["path"]] = -num if m["sign"] == "-" else num
    return Options(
        format_override=_keyed(args.log_format, "--log-format"),
        tz=_keyed(args.tz, "--tz"),
        offsets=offsets,
        pattern_dirs=list(args.patterns),
        year=args.year,
    )


def safe_text(text: str) -> str:
    """Text that may carry log content or file names, made inert for a terminal (newlines kept)."""
    from ..report.sanitize import strip_controls  # (here: the report package is heavy to import)

    return "\n".join(strip_controls(line) for line in text.split("\n"))


def warn(message: str) -> None:
    """One problem line on stderr, inert whatever a log or a file name put into it."""
    import sys

    print(f"swandiag: {safe_text(message)}", file=sys.stderr)
