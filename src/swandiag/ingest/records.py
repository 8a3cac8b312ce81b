"""Records produced by the ingest stage: what an input is and the raw lines it yields."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Compression(Enum):
    NONE = "none"
    GZIP = "gzip"
    BZIP2 = "bzip2"
    XZ = "xz"


@dataclass(slots=True, frozen=True)
class Member:
    """One physical file of an input (a rotated set has several, oldest first)."""

    path: str
    compression: Compression
    size: int  # bytes on disk (compressed size for compressed members)


@dataclass(slots=True, frozen=True)
class InputSpec:
    """One logical input: a file, a rotated set read as one stream, or stdin.

    `name` is what reports show (the path the user gave, or the base name of a rotated set);
    `index` is the input's position in the run and what events refer to.
    """

    index: int
    name: str
    members: tuple[Member, ...]
    is_stdin: bool = False


@dataclass(slots=True)
class RawLine:
    """One physical line as read: 1-based line number within the input, byte offset within
    the decompressed stream of the input, and the line without its terminator."""

    lineno: int
    offset: int
    data: bytes


@dataclass(slots=True)
class IngestProblem:
    """A problem reading an input; printed as one line, never a traceback."""

    input: str
    message: str
    fatal: bool = False


@dataclass(slots=True)
class ReadStats:
    bytes_read: int = 0
    lines: int = 0
    decode_errors: int = 0  # lines that were not valid UTF-8 (decoded with replacement)
    nul_lines: int = 0  # lines that contained NUL bytes
    long_lines: int = 0  # lines cut at the maximum line length
    truncated_last_line: bool = False
    problems: list[IngestProblem] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class LintInput:
    """A path the lint stage reads (sources.split_paths → lint.load), with what it is when
    that is already known: the lint kind of a named file (lint.detect.classify, decided once
    by split_paths), or None for a folder (lint picks its files by content)."""

    path: str
    kind: str | None = None
