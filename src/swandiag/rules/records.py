"""Findings: what the signature engine concludes, with evidence from both sides."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(slots=True, frozen=True)
class Evidence:
    input: str  # input name (or config/cert path for lint facts)
    line: int
    text: str
    side: str  # 'gateway' | 'client' | 'config' | ...


@dataclass(slots=True)
class Fix:
    """What to change, per side. Keys are free text headings; values are snippets."""

    gateway: dict[str, str] = field(default_factory=dict)  # {'swanctl.conf': '...', 'ipsec.conf': '...'}
    client: dict[str, str] = field(default_factory=dict)  # {'iOS/macOS profile': '...', 'Windows': '...'}
    summary: str = ""


@dataclass(slots=True)
class Finding:
    id: str  # signature id
    severity: Severity
    confidence: float  # 0..1
    title: str
    explanation: str
    negotiations: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    fix: Fix = field(default_factory=Fix)
    references: list[str] = field(default_factory=list)
    rank: float = 0.0  # higher = explains more (root cause before symptom)
    explains: list[str] = field(default_factory=list)  # ids of findings this one is the cause of
    explained_by: list[str] = field(default_factory=list)  # present root causes this one is a symptom of
    inconclusive: bool = False
    collect: list[str] = field(default_factory=list)  # what to collect to be sure
