"""The signature record: one failure signature as loaded from a `patterns/*.toml` file.

A signature is pure data. `when` is the parsed condition tree (see conditions.py); nothing in
a signature is ever executed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .records import Fix, Severity


@dataclass(slots=True, frozen=True)
class AppliesTo:
    """Which negotiations a signature is tried on (empty tuple = any)."""

    ike: tuple[int, ...] = ()  # IKE versions
    role: tuple[str, ...] = ()  # Role values of the *gateway* side negotiation ('responder', ...)
    platform: tuple[str, ...] = ()  # client_platform values, matched as prefixes ('apple' ⊃ 'apple-ios')
    daemon: tuple[str, ...] = ()  # Daemon values of either side
    sides: tuple[str, ...] = ()  # sides whose log must be present ('gateway', 'client')


@dataclass(slots=True, frozen=True)
class Fixtures:
    """Scenario folders (repository-relative) the signature must / must not fire on."""

    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()


@dataclass(slots=True)
class Signature:
    id: str
    title: str
    severity: Severity
    confidence: float
    when: object  # conditions.Condition (root, an All node)
    explanation: str = ""
    applies: AppliesTo = field(default_factory=AppliesTo)
    fix: Fix = field(default_factory=Fix)
    references: tuple[str, ...] = ()
    explains: tuple[str, ...] = ()  # ids of symptom signatures this root cause explains
    fixtures: Fixtures = field(default_factory=Fixtures)
    inconclusive: bool = False  # a finding that says the evidence is not enough
    collect: tuple[str, ...] = ()  # what to collect to be sure
    scope: str = "case"  # 'case' (one negotiation with its peer) | 'run' (once per run, meta findings)
    source: str = ""  # file it was loaded from
