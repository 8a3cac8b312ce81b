"""report stage: one format-neutral model (model.py), four renderers, redaction.

`render(analysis, fmt, redact=..., map_file=...)` is the entry point for the `report` command
and the TUI's export.
"""
from __future__ import annotations

from ..analysis import Analysis
from ..errors import SwandiagError
from .sanitize import strip_controls

FORMATS = ("text", "markdown", "json", "html")


def build_report(analysis: Analysis, *, redact: bool, map_file=None, patterns: str | None = None):
    """The report model, redacted when asked (the map file is read and updated)."""
    from . import model
    from .redact import Redactor, redact_report

    report = model.build(analysis, patterns=patterns)
    if redact:
        red = Redactor(map_file)
        redact_report(report, red, analysis)
        red.save()
    return report


def render(analysis: Analysis, fmt: str, *, redact: bool, map_file=None, color: bool = False,
           width: int = 80, patterns: str | None = None) -> str:
    """Render `analysis` as text, markdown, json or html; redacted unless redact=False."""
    if fmt not in FORMATS:
        raise SwandiagError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")
    report = build_report(analysis, redact=redact, map_file=map_file, patterns=patterns)
    return render_model(report, fmt, color=color, width=width)


def render_model(report, fmt: str, *, color: bool = False, width: int = 80) -> str:
    if fmt == "json":
        from .json_ import render as r
        return r(report)
    if fmt == "markdown":
        from .markdown import render as r
        return r(report)
    if fmt == "html":
        from .html import render as r
        return r(report)
    if fmt == "text":
        from .text import render as r
        return r(report, color=color, width=width)
    raise SwandiagError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")


__all__ = ["render", "render_model", "build_report", "strip_controls", "FORMATS"]
