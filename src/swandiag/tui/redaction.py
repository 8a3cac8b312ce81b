"""The on-screen redacted view (for screen sharing): one function text -> text per analysis.

Uses the report stage's redactor when it offers one for plain text, so the screen and the
exported report hide the same things; otherwise masks what the log view highlights (addresses,
identities, SPIs) with stable placeholders.
"""
from __future__ import annotations

from collections.abc import Callable

import regex

from .text import REGEX_TIMEOUT

_MASKS: tuple[tuple[str, regex.Pattern], ...] = (
    ("addr", regex.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b"
                           r"|\b(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4})?\b")),
    ("id", regex.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|(?<=\b(?:CN|O|OU|L|ST|E)=)[^,'\"]{1,80}"
                         r"|\b(?:[\w-]+\.)+(?:com|net|org|lab|local|example|ch|de|io)\b")),
    ("spi", regex.compile(r"\b[0-9a-f]{16}\b|\b[0-9a-f]{8}(?=_[io]\b)")),
)


class _Masker:
    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], str] = {}

    def token(self, kind: str, value: str) -> str:
        tok = self.seen.get((kind, value))
        if tok is None:
            tok = f"{kind}-{sum(1 for k, _ in self.seen if k == kind) + 1}"
            self.seen[(kind, value)] = tok
        return tok

    def __call__(self, text: str) -> str:
        for kind, pattern in _MASKS:
            try:
                text = pattern.sub(lambda m, k=kind: self.token(k, m.group(0)), text, timeout=REGEX_TIMEOUT)
            except TimeoutError:
                return "‹line hidden: too complex to redact›"
        return text


def screen_redactor(analysis) -> Callable[[str], str]:
    """A text redactor; the app keeps one per session so placeholders stay stable."""
    try:
        from ..report import redact as report_redact  # the report stage's, when present
    except ImportError:
        report_redact = None
    factory = getattr(report_redact, "text_redactor", None) if report_redact else None
    if callable(factory):
        return factory(analysis)
    return _Masker()
