"""The on-screen redacted view (for screen sharing): one function text -> text per analysis.

Uses the report stage's Redactor, so the screen and the exported report hide the same things
with the same placeholders.
"""
from __future__ import annotations

from collections.abc import Callable

from ..report.redact import Redactor


def screen_redactor(analysis) -> Callable[[str], str]:
    """A text redactor; the app keeps one per session so placeholders stay stable."""
    red = Redactor()
    red.learn_analysis(analysis)
    return red.text
