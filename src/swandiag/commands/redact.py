"""`swandiag redact INPUT… -o DIR`: redacted copies of the logs themselves, for people who must
attach raw logs. Line numbers are kept (one output line per input line), so `input:line`
references of a report made from the originals still point at the right lines.

Two passes: the first learns every address, identity and host name of all inputs (and of the
rebuilt negotiations, for the roles of addresses), the second writes; so the mapping is the
same in every file and no mapped address can equal an original one.
"""
from __future__ import annotations

import argparse
import os
import sys

from ..errors import ExitCode, SwandiagError
from .common import add_input_arguments, options_from_args, warn


def register(sub) -> None:
    p = sub.add_parser("redact", help="write redacted copies of the logs into a folder",
                       description="Write a redacted copy of each input log into DIR (same line numbers). "
                       "Addresses, identities, host names, secrets and key dumps are replaced consistently "
                       "across all inputs (and across runs with --map-file).")
    add_input_arguments(p)
    p.add_argument("-o", "--output", metavar="DIR", required=True, help="folder for the redacted copies (created)")
    p.add_argument("--map-file", metavar="FILE",
                   help="keep the redaction mapping in FILE (read and updated) so several runs agree; stays local")
    p.add_argument("--force", action="store_true", help="overwrite existing files in DIR")
    p.set_defaults(run=run)


def _out_name(name: str, used: set[str]) -> str:
    base = os.path.basename(name.rstrip("/")) or "stdin"
    if name == "-":
        base = "stdin.log"
    for ext in (".gz", ".bz2", ".xz"):
        if base.endswith(ext):
            base = base[: -len(ext)]
    candidate, n = base, 1
    while candidate in used:
        n += 1
        stem, dot, ext = base.rpartition(".")
        candidate = f"{stem}-{n}.{ext}" if dot and stem else f"{base}-{n}"
    used.add(candidate)
    return candidate


def _lines(spec, cache: dict[int, list[str]]):
    from ..ingest.reader import read_lines
    from ..ingest.records import ReadStats

    if spec.index in cache:
        yield from cache[spec.index]
        return
    for raw in read_lines(spec, ReadStats()):
        yield raw.data.decode("utf-8", "replace")


def run(args: argparse.Namespace) -> int:
    from ..ingest.sources import resolve
    from ..report.redact import Redactor

    specs, problems = resolve(args.inputs)
    for problem in problems:
        warn(problem.message)
    if not specs:
        raise SwandiagError("no readable input")
    os.makedirs(args.output, exist_ok=True)
    red = Redactor(args.map_file)
    # Knowledge pass 1: the negotiations say which address is the gateway, a client or a pool.
    cache: dict[int, list[str]] = {}
    if not any(s.is_stdin for s in specs):
        try:
            from ..pipeline import analyze

            red.learn_analysis(analyze(args.inputs, options_from_args(args)))
        except SwandiagError:
            raise
        except Exception:  # noqa: BLE001 - roles are a refinement; the text pass still hides everything
            pass
    else:  # stdin can be read once: keep it for the second pass
        for spec in specs:
            if spec.is_stdin:
                cache[spec.index] = list(_lines(spec, {}))
    # Knowledge pass 2: every line of every input.
    for spec in specs:
        for line in _lines(spec, cache):
            red.learn_text(line)
    used: set[str] = set()
    for spec in specs:
        target = os.path.join(args.output, _out_name(spec.name, used))
        if os.path.exists(target) and not args.force:
            raise SwandiagError(f"{target} exists (use --force to overwrite)")
        if os.path.realpath(target) in {os.path.realpath(m.path) for m in spec.members}:
            raise SwandiagError(f"{target}: would overwrite the input itself")
        try:
            with open(target, "w", encoding="utf-8") as out:
                for line in _lines(spec, cache):
                    out.write(red.text(line) + "\n")
        except OSError as exc:
            raise SwandiagError(f"{target}: {exc.strerror or exc}") from None
        print(f"{spec.name} -> {target}", file=sys.stderr)
    red.save()
    return int(ExitCode.OK)
