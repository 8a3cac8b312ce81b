"""Bounds on work that hostile input could make unbounded.

The `regex` module's timeout is wall-clock time: on a loaded machine (or while another thread
holds the interpreter) a harmless match can be paused for tens of milliseconds, so the bound
must be far above a normal match's cost and still stop catastrophic backtracking early.
"""

REGEX_TIMEOUT = 1.0  # seconds for one match/search over one line or one value
UI_REGEX_TIMEOUT = 0.25  # seconds per line while drawing: a slow user pattern only loses its highlight
