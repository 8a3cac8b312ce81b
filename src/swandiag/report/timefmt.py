"""How reports print instants: ISO-8601 UTC with milliseconds."""
from __future__ import annotations

from datetime import datetime, timezone


def iso(ts: float | None) -> str | None:
    """Epoch seconds -> '2026-11-29T22:21:08.123Z' (UTC, milliseconds); None stays None."""
    if ts is None:
        return None
    try:
        return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return None
