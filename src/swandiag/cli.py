"""Command line entry point: `swandiag [COMMAND] ...`.

Each sub-command lives in `swandiag.commands.<name>`; `swandiag INPUTS...` without a command
opens the TUI when stdout is a terminal, and prints the text report otherwise.
Errors are one line on stderr and an exit code (see errors.ExitCode), never a traceback.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys

from . import __version__
from .commands import COMMANDS
from .commands.common import warn
from .errors import ExitCode, SwandiagError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swandiag",
        description="Tells you why an IPsec negotiation between strongSwan and its clients failed.",
        epilog="Exit codes: 0 ok, 1 findings at/above --fail-on, 2 usage or input error, "
        "3 inconclusive, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"swandiag {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f".commands.{name}", __package__)
        module.register(sub)
    return parser


# The cyclic GC's default first generation (700 allocations) makes it walk the young objects
# every few hundred events, and the growing set of kept events over and over: on a 200 MB
# gateway log that was 16 % of the analysis. Events and negotiations form few cycles, so the
# command line collects rarely (same peak memory there). Library callers keep their settings.
GC_THRESHOLDS = (50_000, 20, 100)


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in COMMANDS and not argv[0].startswith("-"):
        # `swandiag INPUTS...`: the TUI on a terminal, the text report when piped
        argv.insert(0, "tui" if sys.stdout.isatty() else "report")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return int(ExitCode.USAGE)
        return int(args.run(args))
    except SwandiagError as exc:
        warn(str(exc))
        return int(exc.code)
    except KeyboardInterrupt:
        print("swandiag: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): not an error worth a traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(ExitCode.OK)
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, never a traceback
        if os.environ.get("SWANDIAG_DEBUG"):
            raise
        print(f"swandiag: internal error: {type(exc).__name__}: {exc} (set SWANDIAG_DEBUG=1 for details)", file=sys.stderr)
        return int(ExitCode.USAGE)


if __name__ == "__main__":
    sys.exit(main())
