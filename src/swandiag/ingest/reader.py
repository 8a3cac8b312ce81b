"""Streaming line reader: big binary chunks in, accounted-for lines out.

Every physical line of an input comes out exactly once, whatever the bytes: CRLF endings
are stripped, NUL bytes and invalid UTF-8 are kept visible (U+FFFD), an over-long line is
cut at MAX_LINE (the rest of it is skipped without buffering, so memory stays bounded), a
last line without a newline is still a line. `ReadStats` counts each of these.
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import sys
from collections.abc import Iterator
from typing import BinaryIO

from .records import Compression, IngestProblem, InputSpec, RawLine, ReadStats

CHUNK = 1 << 20  # 1 MiB reads: few syscalls, few Python-level iterations
MAX_LINE = 64 * 1024  # longer lines are cut here (charon's longest real lines are < 2 KiB)


class Block:
    """Consecutive lines of one input, decoded. `sizes[i]` is the byte length of line i
    including its terminator; None means every line is ASCII with a bare LF terminator, so
    the size is len(line) + 1 (the common case, kept cheap). In that case `text` also holds
    the block as one string, every line ending in "\\n" (the parse stage's fast path runs
    one multi-line pattern over it), and `lines` is split from it only when asked for."""

    __slots__ = ("lineno", "offset", "text", "_lines", "sizes", "count")

    def __init__(self, lineno: int, offset: int, lines: list[str] | None, sizes: list[int] | None,
                 text: str | None = None):
        self.lineno = lineno
        self.offset = offset
        self.text = text
        self._lines = lines
        self.sizes = sizes
        # number of lines; for a text block None until someone splits or counts it (a consumer
        # that walked every line may fill it in, which saves read_blocks a counting pass)
        self.count: int | None = None if lines is None else len(lines)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            lines = self.text.split("\n")  # type: ignore[union-attr]
            lines.pop()  # the empty string after the last terminator
            self._lines = lines
            self.count = len(lines)
        return self._lines


# each opener takes a file name or a binary file object already open
_DECOMPRESSORS = {Compression.GZIP: gzip.open, Compression.BZIP2: bz2.open, Compression.XZ: lzma.open}


def decompressing(compression: Compression, source) -> BinaryIO:
    """A reader of the decompressed bytes of `source` (a path or an open binary file)."""
    return _DECOMPRESSORS[compression](source, "rb")  # type: ignore[return-value]


def open_member(path: str, compression: Compression) -> BinaryIO:
    if compression in _DECOMPRESSORS:
        return decompressing(compression, path)
    return open(path, "rb", buffering=0)


def _raw_chunks(spec: InputSpec, stats: ReadStats, digest) -> Iterator[tuple[bytes, bool]]:
    """(chunk, member_ended) pairs; a member's end terminates its last line."""
    if spec.is_stdin:
        stream = sys.stdin.buffer
        while chunk := stream.read(CHUNK):
            stats.bytes_read += len(chunk)
            digest.update(chunk)
            yield chunk, False
        yield b"", True
        return
    for member in spec.members:
        try:
            with open_member(member.path, member.compression) as fh:
                while True:
                    chunk = fh.read(CHUNK)
                    if not chunk:
                        break
                    stats.bytes_read += len(chunk)
                    digest.update(chunk)
                    yield chunk, False
        except (OSError, EOFError, lzma.LZMAError, ValueError) as exc:
            # a corrupt or truncated archive: keep what was read, say so once
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            stats.problems.append(IngestProblem(member.path, f"{member.path}: read error: {reason}"))
        yield b"", True


def _decode(raw: list[bytes], stats: ReadStats) -> tuple[list[str], list[int]]:
    """Slow path for a block that has non-ASCII bytes, CR or NUL in it."""
    lines: list[str] = []
    sizes: list[int] = []
    for b in raw:
        size = len(b) + 1
        if b.endswith(b"\r"):
            b = b[:-1]
        if b"\x00" in b:
            stats.nul_lines += 1
            b = b.replace(b"\x00", b"\xef\xbf\xbd")
        try:
            text = b.decode("utf-8")
        except UnicodeDecodeError:
            stats.decode_errors += 1
            text = b.decode("utf-8", "replace")
        lines.append(text)
        sizes.append(size)
    return lines, sizes


def _may_hold_long_line(data: bytes) -> bool:
    """Could a line in `data` be longer than MAX_LINE? Such a line covers a whole aligned
    window of MAX_LINE // 2 bytes without a newline; looking for a newline in each window is
    a few memchr calls per MiB, where splitting would build an object per line."""
    step = MAX_LINE // 2
    return any(data.find(b"\n", k, k + step) < 0 for k in range(0, len(data) - step + 1, step))


def read_blocks(spec: InputSpec, stats: ReadStats, digest=None) -> Iterator[Block]:
    """The input as Blocks of decoded lines (the parse stage's fast path)."""
    digest = digest if digest is not None else hashlib.sha256()
    lineno = 1
    offset = 0
    carry = b""  # start of a line continued in the next chunk
    skipping = False  # inside an over-long line: drop bytes until its newline
    skipped = 0  # bytes of the current over-long line beyond MAX_LINE
    for chunk, member_end in _raw_chunks(spec, stats, digest):
        if member_end:
            if carry or skipping:
                # the member ended without a newline: still a line, and counted
                stats.truncated_last_line = True
                lines, sizes = _decode([carry], stats)
                sizes[0] += skipped - 1  # no terminator was read
                stats.lines += 1
                yield Block(lineno, offset, lines, sizes)
                lineno += 1
                offset += sizes[0]
                carry, skipping, skipped = b"", False, 0
            continue
        if skipping:
            nl = chunk.find(b"\n")
            if nl < 0:
                skipped += len(chunk)
                continue
            skipped += nl
            lines, sizes = _decode([carry], stats)
            sizes[0] += skipped
            stats.lines += 1
            yield Block(lineno, offset, lines, sizes)
            lineno += 1
            offset += sizes[0]
            carry, skipping, skipped = b"", False, 0
            chunk = chunk[nl + 1:]
        last_nl = chunk.rfind(b"\n")
        if last_nl < 0:
            carry += chunk
            if len(carry) > MAX_LINE:
                skipped = len(carry) - MAX_LINE
                carry = carry[:MAX_LINE]
                skipping = True
                stats.long_lines += 1
            continue
        # `data`: whole lines, each with its "\n" (one copy of the chunk, none when it ends
        # with a newline and nothing was carried over)
        cut = last_nl + 1
        if carry:
            data = carry + memoryview(chunk)[:cut]
        else:
            data = chunk if cut == len(chunk) else chunk[:cut]
        carry = chunk[cut:]
        if _may_hold_long_line(data):  # cut each over-long line
            raw = data[:-1].split(b"\n")
            while raw:
                long_at = next((i for i, b in enumerate(raw) if len(b) > MAX_LINE), None)
                part = raw if long_at is None else raw[: long_at + 1]
                extra = 0
                if long_at is not None:
                    stats.long_lines += 1
                    extra = len(part[-1]) - MAX_LINE
                    part[-1] = part[-1][:MAX_LINE]
                lines, sizes = _decode(part, stats)
                sizes[-1] += extra
                stats.lines += len(lines)
                yield Block(lineno, offset, lines, sizes)
                lineno += len(lines)
                offset += sum(sizes)
                raw = [] if long_at is None else raw[long_at + 1:]
        elif data.isascii() and b"\r" not in data and b"\x00" not in data:
            # the common case: decode the whole block once, split lines only if asked for
            block = Block(lineno, offset, None, None, data.decode("ascii"))
            yield block
            # counted after the consumer had the block (the parse stage counts while parsing)
            n = block.count if block.count is not None else data.count(b"\n")
            stats.lines += n
            lineno += n
            offset += len(data)
        else:
            lines, sizes = _decode(data[:-1].split(b"\n"), stats)
            stats.lines += len(lines)
            yield Block(lineno, offset, lines, sizes)
            lineno += len(lines)
            offset += len(data)
        if len(carry) > MAX_LINE:
            skipped = len(carry) - MAX_LINE
            carry = carry[:MAX_LINE]
            skipping = True
            stats.long_lines += 1


def read_lines(spec: InputSpec, stats: ReadStats) -> Iterator[RawLine]:
    """Every physical line of the input as a RawLine (bytes as read, CR stripped, cut at
    MAX_LINE). Built on read_blocks; the parse stage uses read_blocks directly."""
    for block in read_blocks(spec, stats):
        offset = block.offset
        lineno = block.lineno
        sizes = block.sizes
        for i, text in enumerate(block.lines):
            yield RawLine(lineno + i, offset, text.encode("utf-8", "surrogateescape"))
            offset += sizes[i] if sizes is not None else len(text) + 1
