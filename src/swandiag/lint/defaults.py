"""Known default proposals (strongSwan per version, iOS/macOS manual configuration, Windows)
and the algorithm keyword tables, read from defaults.toml / algorithms.toml (data)."""
from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


@cache
def _table(name: str) -> dict:
    return tomllib.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))


def algorithms() -> dict:
    return _table("algorithms.toml")


def strongswan_major(version: str | None) -> str:
    """'5.9.8' / 'strongSwan 6.0.6' → '5' / '6' (5 when unknown: the corpus and most distributions)."""
    if version:
        for token in version.replace("strongSwan", "").split():
            head = token.split(".", 1)[0]
            if head.isdigit():
                return "6" if int(head) >= 6 else "5"
    return "5"


def version_tuple(version: str | None) -> tuple[int, ...] | None:
    if not version:
        return None
    for token in version.replace("strongSwan", "").replace(",", " ").split():
        parts = token.split(".")
        if len(parts) >= 2 and all(p.isdigit() for p in parts[:3]):
            return tuple(int(p) for p in parts[:3])
    return None


def strongswan_default(kind: str, version: str | None) -> list[str]:
    """kind 'ike' | 'esp' → default proposals in log notation."""
    return list(_table("defaults.toml")["strongswan"][kind][strongswan_major(version)])


def clients() -> dict[str, dict]:
    """Client kinds with default proposals: {'ios-manual': {'label', 'ike', 'esp'}, ...}."""
    return dict(_table("defaults.toml")["clients"])
