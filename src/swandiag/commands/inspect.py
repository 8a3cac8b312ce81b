"""`swandiag inspect PATH…`: what swandiag makes of each input, before any diagnosis.

Per input: detected format and confidence, host, time range, line accounting, the first
unrecognised lines, log levels seen, and whether they suffice (with strongswan.conf lines).
"""
from __future__ import annotations

import datetime as _dt
import json
import sys

from ..analysis import InputSummary
from ..errors import ExitCode
from .common import add_input_arguments, options_from_args, safe_text, warn


def register(sub) -> None:
    p = sub.add_parser("inspect", help="show detected format, time range, line counts and log levels per input")
    add_input_arguments(p)
    p.add_argument("--show-unrecognised", type=int, default=5, metavar="N",
                   help="show the first N unrecognised lines of each input (default 5)")
    p.add_argument("--format", dest="output", choices=("text", "json"), default="text",
                   help="output format (default: text)")
    p.set_defaults(run=run)


def _when(ts: float | None) -> str:
    if ts is None:
        return "-"
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def summary_dict(s: InputSummary, show: int) -> dict:
    return {
        "path": s.spec.name,
        "members": [m.path for m in s.spec.members],
        "format": s.format.value,
        "confidence": s.confidence,
        "format_details": s.format_details,
        "host": s.host,
        "daemon": s.daemon,
        "daemon_version": s.daemon_version,
        "first": _when(s.first) if s.first is not None else None,
        "last": _when(s.last) if s.last is not None else None,
        "lines": s.lines,
        "events": s.events,
        "continuation_lines": s.continuation_lines,
        "unrecognised_lines": s.unrecognised_lines,
        "unrecognised_sample": [{"line": u.line, "text": u.text} for u in s.unrecognised_sample[:show]],
        "reversed": s.reversed,
        "backwards_jumps": s.backwards_jumps,
        "duplicates_removed": s.duplicates_removed,
        "levels": s.levels,
        "level_sufficient": s.level_sufficient,
        "level_advice": s.level_advice,
        "sha256": s.sha256,
    }


def _text(d: dict, problems: list[str]) -> str:
    out = [f"{d['path']}"]
    details = ", ".join(f"{k}={v}" for k, v in d["format_details"].items() if v not in (None, False, [], {}))
    out.append(f"  format      {d['format']} (confidence {d['confidence']:.2f}){'  ' + details if details else ''}")
    who = " ".join(x for x in (d["host"], d["daemon"], d["daemon_version"]) if x)
    out.append(f"  source      {who or '-'}")
    out.append(f"  time range  {d['first'] or '-'} .. {d['last'] or '-'}")
    extra = []
    if d["reversed"]:
        extra.append("listed newest first: reversed")
    if d["duplicates_removed"]:
        extra.append(f"{d['duplicates_removed']} duplicate copies removed")
    if d["backwards_jumps"]:
        extra.append(f"time goes backwards {d['backwards_jumps']}x")
    out.append(f"  lines       {d['lines']} = {d['events']} events + {d['continuation_lines']} continuation"
               f" + {d['unrecognised_lines']} unrecognised" + (f" ({'; '.join(extra)})" if extra else ""))
    for u in d["unrecognised_sample"]:
        out.append(f"    unrecognised {d['path']}:{u['line']}: {u['text'][:160]}")
    levels = " ".join(f"{g.lower()}={lvl}" for g, lvl in sorted(d["levels"].items())) or "-"
    out.append(f"  levels      {levels}")
    if d["level_sufficient"] is True:
        out.append("  verbosity   enough for a diagnosis")
    elif d["level_sufficient"] is False:
        settings = all(" = " in line for line in d["level_advice"])
        out.append("  verbosity   NOT enough for a diagnosis" + ("; add to strongswan.conf:" if settings else ":"))
        out.extend(f"                {line}" for line in d["level_advice"])
    elif d["format"] == "macos-unified" and d["daemon"] != "charon":
        out.append("  verbosity   not judged; for the most detail collect with `log show --info --debug` "
                   "(and `sudo log config --subsystem com.apple.networkextension --mode level:debug`)")
    else:
        out.append("  verbosity   not judged (no IKE negotiation in this input)")
    out.extend(f"  problem     {p}" for p in problems)
    return "\n".join(out)


def run(args) -> int:
    from ..ingest.sources import resolve
    from ..parse.stream import parse_input

    options = options_from_args(args)
    specs, problems = resolve(args.inputs)
    for p in problems:
        warn(p.message)
    results = []
    readable = 0
    for spec in specs:
        parsed = parse_input(spec, options)
        for _ in parsed.events():
            pass
        d = summary_dict(parsed.summary, max(0, args.show_unrecognised))
        probs = parsed.problems()
        d["problems"] = probs
        if parsed.summary.lines or not parsed.stats.problems:  # read errors only
            readable += 1
        results.append(d)
    if args.output == "json":
        json.dump({"schema": "swandiag/inspect/v1", "inputs": results,
                   "problems": [p.message for p in problems]}, sys.stdout, indent=2)
        print()
    else:
        print(safe_text("\n\n".join(_text(d, d["problems"]) for d in results)))
    return int(ExitCode.OK if readable else ExitCode.USAGE)
