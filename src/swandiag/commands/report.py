"""`swandiag report INPUTS…`: the diagnosis as text, Markdown, JSON or HTML, redacted by default."""
from __future__ import annotations

import argparse
import os
import shutil
import sys

from ..parse.event import LogFormat
from ..errors import ExitCode, SwandiagError
from .common import FAIL_ON, add_input_arguments, options_from_args, warn


def register(sub) -> None:
    p = sub.add_parser(
        "report", help="write the diagnosis as text, markdown, json or html (redacted by default)",
        description="Diagnose the negotiations in INPUTS and write a report. Addresses, identities, "
        "host names and key material are redacted unless --no-redact is given.",
    )
    add_input_arguments(p)
    p.add_argument("--format", dest="report_format", choices=("text", "markdown", "json", "html"), default="text",
                   help="report format (default: text)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--fail-on", choices=tuple(FAIL_ON), default="error",
                   help="exit 1 when a finding of this severity or worse exists (default: error)")
    red = p.add_mutually_exclusive_group()
    red.add_argument("--redact", dest="redact", action="store_true", default=True,
                     help="redact addresses, identities, host names and secrets (default)")
    red.add_argument("--no-redact", dest="redact", action="store_false", help="show the logs' values as they are")
    p.add_argument("--map-file", metavar="FILE",
                   help="keep the redaction mapping in FILE (read and updated) so several runs agree; stays local")
    p.set_defaults(run=run)


def _progress():
    """A progress callback drawing on stderr, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    width = max(20, min(60, shutil.get_terminal_size((80, 20)).columns - 20))
    state = {"last": -1}

    def update(done: int, total: int) -> None:
        pct = int(100 * done / total) if total else 100
        if pct == state["last"]:
            return
        state["last"] = pct
        filled = width * pct // 100
        sys.stderr.write(f"\rreading [{'#' * filled}{'.' * (width - filled)}] {pct:3d}%")
        if pct >= 100:
            sys.stderr.write("\r" + " " * (width + 20) + "\r")
        sys.stderr.flush()

    return update


def exit_code(analysis, fail_on: str) -> ExitCode:
    threshold = FAIL_ON[fail_on]
    if threshold is not None and any(int(f.severity) >= threshold and not f.inconclusive for f in analysis.findings):
        return ExitCode.FINDINGS
    if any(f.inconclusive for f in analysis.findings) and not any(
            int(f.severity) >= 1 and not f.inconclusive for f in analysis.findings):
        return ExitCode.INCONCLUSIVE
    return ExitCode.OK


def _use_color(args) -> bool:
    if args.output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def run(args: argparse.Namespace) -> int:
    from ..pipeline import analyze
    from ..report import render
    from ..report.model import patterns_version

    options = options_from_args(args)
    options.progress = _progress()
    analysis = analyze(args.inputs, options)
    has_lint = analysis.lint is not None and bool(getattr(analysis.lint, "files", None))
    unreadable = not has_lint and all(i.format is LogFormat.UNKNOWN for i in analysis.inputs)
    if unreadable and args.report_format != "json":
        # nothing to diagnose: say why in one line instead of printing an empty report (a JSON
        # report is still written: the program reading it finds the inputs and problems there)
        raise SwandiagError("; ".join(analysis.problems) or "no readable input")
    width = 80
    if sys.stdout.isatty() and not args.output:
        width = max(60, min(110, shutil.get_terminal_size((80, 24)).columns))
    text = render(analysis, args.report_format, redact=args.redact, map_file=args.map_file,
                  color=_use_color(args), width=width, patterns=patterns_version(options.pattern_dirs))
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise SwandiagError(f"-o {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    for problem in analysis.problems:
        warn(problem)
    if unreadable:
        return int(ExitCode.USAGE)
    return int(exit_code(analysis, args.fail_on))
