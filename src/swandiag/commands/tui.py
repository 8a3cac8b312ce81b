"""`swandiag tui INPUTS…`: the interactive terminal UI (what `swandiag INPUTS…` opens on a terminal)."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile

from ..errors import ExitCode, SwandiagError
from .common import add_input_arguments, options_from_args


def register(sub) -> None:
    p = sub.add_parser("tui", help="open the interactive terminal UI on the logs")
    add_input_arguments(p)
    p.add_argument("--follow", "-f", action="store_true", help="follow the inputs as they grow (tail -f)")
    p.set_defaults(run=run)


def run(args) -> int:
    return open_ui(args.inputs, options_from_args(args), follow=args.follow)


def open_ui(paths: list[str], options, follow: bool = False, subtitle: str | None = None) -> int:
    """Run the app; errors before it starts are one line (SwandiagError)."""
    if not sys.stdout.isatty() and not os.environ.get("SWANDIAG_FORCE_TUI"):
        raise SwandiagError("the TUI needs a terminal; use 'swandiag report' to print the diagnosis")
    from ..ingest.sources import resolve

    spool = None
    if "-" in paths:
        spool = _spool_stdin()
        paths = [spool if p == "-" else p for p in paths]
    try:
        specs, problems = resolve(paths)
        if not specs:
            fatal = next((p.message for p in problems), "no log input found")
            raise SwandiagError(fatal)
        from ..tui.app import SwandiagApp

        app = SwandiagApp(paths, options, follow=follow, subtitle=subtitle)
        code = app.run()
        result = int(code or ExitCode.OK)
    finally:
        if spool:
            os.unlink(spool)
    if app.busy:
        # quit while a big input was still being analysed: the pipeline's thread cannot be
        # interrupted in every stage, and Python would wait for it before exiting
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(result)
    return result


def _spool_stdin() -> str:
    """The TUI reads its inputs more than once: keep stdin in a temporary file, and give the
    terminal back to the UI."""
    fd, path = tempfile.mkstemp(prefix="swandiag-stdin-", suffix=".log")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
    try:
        tty = os.open("/dev/tty", os.O_RDONLY)
        os.dup2(tty, 0)
        os.close(tty)
    except OSError:
        os.unlink(path)
        raise SwandiagError("the TUI needs a terminal to read keys from; use 'swandiag report -'") from None
    return path
