"""`swandiag demo [SCENARIO]`: open the TUI on a bundled pair of real logs (gateway + client)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import SwandiagError
from ..pipeline import Options

DEFAULT = "no-certreq"


def register(sub) -> None:
    p = sub.add_parser("demo", help="open the TUI on a bundled sample pair of real logs")
    p.add_argument("scenario", nargs="?", default=DEFAULT, help=f"sample to open (default {DEFAULT}); 'list' lists them")
    p.set_defaults(run=run)


def sample_roots() -> list[Path]:
    """Where the samples may be: $SWANDIAG_SAMPLES, next to the repository root, installed copy."""
    roots = []
    if os.environ.get("SWANDIAG_SAMPLES"):
        roots.append(Path(os.environ["SWANDIAG_SAMPLES"]))
    here = Path(__file__).resolve()
    roots.append(here.parents[3] / "sample_logs")  # src/swandiag/commands/demo.py -> repo root
    roots.append(here.parents[1] / "sample_logs")  # an installed copy inside the package
    return roots


def find_samples() -> Path:
    for root in sample_roots():
        if root.is_dir() and any(root.iterdir()):
            return root
    raise SwandiagError("no bundled sample logs found (looked in " + ", ".join(map(str, sample_roots())) + ")")


def sample_inputs(folder: Path) -> list[str]:
    """The log files of one sample, in the order its label names them."""
    try:
        label = json.loads((folder / "label.json").read_text(encoding="utf-8"))
        names = label["swandiag"]["inputs"]
    except (OSError, ValueError, KeyError, TypeError):
        names = sorted(p.name for p in folder.iterdir() if p.suffix == ".log")
    paths = [str(folder / n) for n in names if (folder / n).is_file()]
    if not paths:
        raise SwandiagError(f"sample {folder.name} has no log file")
    return paths


def run(args) -> int:
    root = find_samples()
    names = sorted(p.name for p in root.iterdir() if p.is_dir())
    if args.scenario == "list":
        print("\n".join(names))
        return 0
    folder = root / args.scenario
    if not folder.is_dir():
        raise SwandiagError(f"no sample {args.scenario!r}; samples: {', '.join(names)}")
    from .tui import open_ui

    return open_ui(sample_inputs(folder), Options(), subtitle=f"demo: {args.scenario}")
