"""Byte-offset index of the physical lines of one input, over mmaps (never all lines in memory).

An input is one or more segments (the members of a rotated set, oldest first). A plain file is
mapped directly; a compressed member or stdin is first spooled, decompressed, into a temporary
file that is mapped instead, so line numbers match ingest's decompressed stream. The last plain
segment can be followed: it grows (`check`) and, when the file is rotated, is frozen (its open
descriptor still reads the renamed file) and a new segment starts on the re-created file.
"""
from __future__ import annotations

import mmap
import re
import os
import shutil
import sys
import tempfile
import time
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from ..ingest.reader import open_member
from ..ingest.records import Compression, InputSpec
from .text import clean

_SCAN_CHUNK = 4 << 20  # bytes scanned before yielding the GIL to the UI thread
# bytes a line's displayed text would not show as they are (controls, tabs, CR, non-ASCII):
# a block holding any is searched line by line instead
_NOT_PLAIN = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f-\xff]")
BLOCK_TIMEOUT = 1.0  # seconds for one regex search over a block of lines
MAX_LINE_CHARS = 4000  # longer lines are cut for display (bounded rendering)


@dataclass(slots=True)
class Segment:
    """One mapped file. `starts[i]` is where its line i+1 begins; the last entry is where the next,
    unfinished line begins."""

    path: str
    first_line: int  # input line number of this segment's first line
    live: bool  # a plain file that may grow
    spooled: bool = False
    starts: array = field(default_factory=lambda: array("Q", [0]))
    tail: bool = False  # an unterminated last line is counted
    inode: tuple[int, int] = (0, 0)
    size: int = 0
    fh: object = None
    map: mmap.mmap | None = None

    @property
    def lines(self) -> int:
        return len(self.starts) - 1 + (1 if self.tail else 0)

    def remap(self) -> None:
        """Map the file again at its current size. The old map is not closed here: a search
        worker may be reading it; it goes when its last reader lets go of it."""
        if self.fh is None:
            self.fh = open(self.path, "rb")  # noqa: SIM115 - kept open while the app runs
        st = os.fstat(self.fh.fileno())
        self.inode, self.size = (st.st_ino, st.st_dev), st.st_size
        self.map = mmap.mmap(self.fh.fileno(), 0, access=mmap.ACCESS_READ) if st.st_size else None

    def scan(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Index the lines after the last known start (all of them the first time);
        `progress(done_bytes, total_bytes)` is called every few MiB."""
        data = self.map
        if data is None:
            return
        end, starts = len(data), self.starts
        pos = starts[-1]
        budget = pos + _SCAN_CHUNK
        find, append = data.find, starts.append
        while pos < end:
            nl = find(b"\n", pos)
            if nl < 0:
                break
            pos = nl + 1
            append(pos)
            if pos > budget:
                budget = pos + _SCAN_CHUNK
                if progress is not None:
                    progress(pos, end)
                time.sleep(0)  # let the UI thread run while a big file is indexed
        self.tail = pos < end

    def text(self, n: int) -> str:
        """Line n (1-based within the segment)."""
        data = self.map  # one reference: the UI thread may map the file again meanwhile
        if data is None or not 1 <= n <= self.lines:
            return ""
        start = self.starts[n - 1]
        stop = self.starts[n] - 1 if n < len(self.starts) else len(data)
        try:
            raw = data[start : min(stop, start + MAX_LINE_CHARS * 4)]
        except ValueError:  # closed under us (the input was truncated and re-read)
            return ""
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        return clean(raw.decode("utf-8", "replace"))[:MAX_LINE_CHARS]

    def grep(self, block_pattern, a: int, b: int) -> list[int] | None:
        """Candidate lines a..b (1-based, within the segment) for `block_pattern` (the user's
        regex with MULTILINE), found by one search over their bytes, one candidate per line:
        a superset of the lines whose text matches, to be confirmed line by line. None when the
        block cannot be searched whole (controls, CR, non-ASCII, too slow): search line by line."""
        data, starts = self.map, self.starts
        if data is None or a > b:
            return []
        s0 = starts[a - 1]
        e0 = starts[b] if b < len(starts) else len(data)
        try:
            raw = data[s0:e0]
        except ValueError:
            return None
        if _NOT_PLAIN.search(raw):
            return None
        text = raw.decode("ascii")
        out: list[int] = []
        pos, end = 0, len(text)
        try:
            while pos < end:
                m = block_pattern.search(text, pos, timeout=BLOCK_TIMEOUT)
                if m is None:
                    break
                line = bisect_right(starts, s0 + m.start(), a - 1, b)  # starts[line-1] <= start
                out.append(line)
                pos = (starts[line] - s0) if line < len(starts) else end
        except TimeoutError:
            return None
        return out

    def close(self) -> None:
        if self.map is not None:
            self.map.close()
            self.map = None
        if self.fh is not None:
            self.fh.close()
            self.fh = None
        if self.spooled:
            try:
                os.unlink(self.path)
            except OSError:
                pass


@dataclass(slots=True)
class LineIndex:
    name: str
    segments: list[Segment] = field(default_factory=list)

    @classmethod
    def open(cls, spec: InputSpec, progress: Callable[[int, int], None] | None = None) -> "LineIndex":
        """Index every member of `spec`. Raises OSError when a member cannot be read.
        `progress(done_bytes, total_bytes)` follows the scan of each member."""
        index = cls(spec.name)
        if spec.is_stdin:
            index._add(_spool(None, Compression.NONE), live=False, spooled=True, progress=progress)
        for member in spec.members:
            if member.compression is Compression.NONE:
                index._add(member.path, live=True, progress=progress)
            else:
                index._add(_spool(member.path, member.compression), live=False, spooled=True, progress=progress)
        for seg in index.segments[:-1]:
            seg.live = False  # only the newest member of a rotated set grows
        return index

    def _add(self, path: str, live: bool, spooled: bool = False,
             progress: Callable[[int, int], None] | None = None) -> Segment:
        seg = Segment(path, first_line=self.lines + 1, live=live, spooled=spooled)
        seg.remap()
        seg.scan(progress)
        self.segments.append(seg)
        return seg

    @property
    def lines(self) -> int:
        return sum(s.lines for s in self.segments)

    @property
    def live_path(self) -> str | None:
        last = self.segments[-1] if self.segments else None
        return last.path if last is not None and last.live else None

    def line(self, lineno: int) -> str:
        """The text of input line `lineno` (1-based): decoded, controls stripped, cut short."""
        firsts = [s.first_line for s in self.segments]
        i = bisect_right(firsts, lineno) - 1
        if i < 0:
            return ""
        seg = self.segments[i]
        return seg.text(lineno - seg.first_line + 1)

    def grep(self, block_pattern, lo: int, hi: int) -> list[int] | None:
        """Candidate input lines lo..hi for `block_pattern` (see Segment.grep); None: search
        line by line."""
        out: list[int] = []
        for seg in self.segments:
            a, b = max(lo, seg.first_line), min(hi, seg.first_line + seg.lines - 1)
            if a > b:
                continue
            hits = seg.grep(block_pattern, a - seg.first_line + 1, b - seg.first_line + 1)
            if hits is None:
                return None
            out.extend(h + seg.first_line - 1 for h in hits)
        return out

    def check(self) -> str:
        """For a followed input: '' (unchanged), 'grown' or 'rotated' (then already re-opened)."""
        seg = self.segments[-1] if self.segments else None
        if seg is None or not seg.live:
            return ""
        try:
            st = os.stat(seg.path)
        except OSError:
            return ""  # between rename and re-create: look again next tick
        if (st.st_ino, st.st_dev) == seg.inode and st.st_size < seg.size:
            # truncated in place (copytruncate): the old lines are gone, start over
            path = seg.path
            self.close()
            self._add(path, live=True)
            return "rotated"
        if (st.st_ino, st.st_dev) != seg.inode:
            seg.live = False
            seg.remap()  # the descriptor still reads the renamed file: take its last lines
            if seg.tail:
                seg.tail = False
            seg.scan()
            self._add(seg.path, live=True)
            seg.path = _renamed(seg) or seg.path
            return "rotated"
        if st.st_size == seg.size:
            return ""
        seg.remap()
        seg.tail = False  # a last line without terminator may be complete now
        seg.scan()
        return "grown"

    def member_paths(self) -> list[str]:
        """The files to analyse again (a frozen rotated segment under its new name)."""
        return [s.path for s in self.segments if not s.spooled]

    def close(self) -> None:
        for seg in self.segments:
            seg.close()
        self.segments.clear()


def _renamed(seg: Segment) -> str | None:
    """Where a rotated file went (logrotate renames it next to the original)."""
    folder = os.path.dirname(seg.path) or "."
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    for name in names:
        path = os.path.join(folder, name)
        try:
            st = os.stat(path)
        except OSError:
            continue
        if (st.st_ino, st.st_dev) == seg.inode:
            return path
    return None


def _spool(path: str | None, compression: Compression) -> str:
    """Decompress a member (or copy stdin when `path` is None) into a temporary file."""
    fd, tmp = tempfile.mkstemp(prefix="swandiag-", suffix=".log")
    with os.fdopen(fd, "wb") as out:
        if path is None:
            shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
        else:
            with open_member(path, compression) as src:
                shutil.copyfileobj(src, out, 1 << 20)
    return tmp
