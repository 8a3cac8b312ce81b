"""`swandiag tui` (placeholder until its stage lands; the owner replaces this file)."""
from __future__ import annotations

from ..errors import SwandiagError


def register(sub) -> None:
    p = sub.add_parser("tui", help="(not built yet)")
    p.add_argument("rest", nargs="*")
    p.set_defaults(run=run)


def run(args) -> int:
    raise SwandiagError("'tui' is not built yet")
