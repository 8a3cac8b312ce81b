"""Exit codes and the one-line error type the CLI turns into them."""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # no finding at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on
    USAGE = 2  # usage error, or an input that cannot be read at all
    INCONCLUSIVE = 3  # the evidence is not enough to decide
    INTERRUPTED = 130


class SwandiagError(Exception):
    """An error shown to the user as one line; `code` is the exit code."""

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE):
        super().__init__(message)
        self.code = code
