"""`swandiag patterns` (placeholder until its stage lands; the owner replaces this file)."""
from __future__ import annotations

from ..errors import SwandiagError


def register(sub) -> None:
    p = sub.add_parser("patterns", help="(not built yet)")
    p.add_argument("rest", nargs="*")
    p.set_defaults(run=run)


def run(args) -> int:
    raise SwandiagError("'patterns' is not built yet")
