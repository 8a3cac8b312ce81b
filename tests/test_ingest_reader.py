"""The reader accounts for every physical line whatever the bytes (bad-input cases + properties)."""
from __future__ import annotations

import bz2
import gzip
import lzma
import os

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from swandiag.ingest.reader import MAX_LINE, read_lines
from swandiag.ingest.records import ReadStats
from swandiag.ingest.sources import resolve

CORPUS = os.path.join(os.path.dirname(__file__), "fixtures", "corpus")
REAL = os.path.join(CORPUS, "lab", "psk-mismatch", "gateway.log")


def _spec(tmp_path, data: bytes, name: str = "in.log"):
    p = tmp_path / name
    p.write_bytes(data)
    specs, problems = resolve([str(p)])
    assert not problems
    return specs[0]


def _read(tmp_path, data: bytes, name: str = "in.log"):
    stats = ReadStats()
    lines = list(read_lines(_spec(tmp_path, data, name), stats))
    return lines, stats


def _physical(data: bytes) -> int:
    return data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)


def test_empty_file(tmp_path):
    lines, stats = _read(tmp_path, b"")
    assert lines == [] and stats.lines == 0 and not stats.truncated_last_line


def test_crlf_is_stripped(tmp_path):
    lines, stats = _read(tmp_path, b"a\r\nb\r\n")
    assert [x.data for x in lines] == [b"a", b"b"] and [x.offset for x in lines] == [0, 3]


def test_nul_and_invalid_utf8_are_counted(tmp_path):
    lines, stats = _read(tmp_path, b"ok\nbad \xff\xfe\nnul \x00 here\n")
    assert len(lines) == 3 and stats.decode_errors == 1 and stats.nul_lines == 1
    assert b"\x00" not in lines[2].data


def test_truncated_last_line(tmp_path):
    lines, stats = _read(tmp_path, b"one\ntwo")
    assert [x.data for x in lines] == [b"one", b"two"] and stats.truncated_last_line


def test_ten_megabyte_line_is_cut(tmp_path):
    data = b"first\n" + b"x" * (10 * 1024 * 1024) + b"\nlast\n"
    lines, stats = _read(tmp_path, data)
    assert [len(x.data) for x in lines] == [5, MAX_LINE, 4]
    assert stats.long_lines == 1 and lines[2].offset == 6 + 10 * 1024 * 1024 + 1
    assert lines[2].lineno == 3


def test_long_line_without_newline_at_end(tmp_path):
    lines, stats = _read(tmp_path, b"a\n" + b"y" * (3 * 1024 * 1024))
    assert len(lines) == 2 and stats.long_lines == 1 and stats.truncated_last_line


def test_offsets_match_file(tmp_path):
    with open(REAL, "rb") as fh:
        data = fh.read()
    lines, stats = _read(tmp_path, data)
    assert stats.lines == len(lines) == data.count(b"\n")
    for x in lines[::97]:
        assert data[x.offset:x.offset + len(x.data)] == x.data


def test_compressed_members(tmp_path):
    with open(REAL, "rb") as fh:
        data = fh.read()
    for name, packed in (("a.gz", gzip.compress(data)), ("b.bz2", bz2.compress(data)), ("c.xz", lzma.compress(data))):
        lines, stats = _read(tmp_path, packed, name)
        assert stats.lines == data.count(b"\n") and lines[0].data.startswith(b"Nov 29")


def test_corrupt_gzip_is_a_problem_not_a_crash(tmp_path):
    packed = gzip.compress(b"line one\nline two\n" * 1000)[:-30]
    lines, stats = _read(tmp_path, packed, "bad.gz")
    assert stats.problems and "read error" in stats.problems[0].message
    assert stats.lines == len(lines)


def test_magic_bytes_without_archive_are_read_raw(tmp_path):
    lines, stats = _read(tmp_path, b"\xfd7zXZ\x00 not xz\nsecond\n")
    assert len(lines) == 2 and not stats.problems


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4000))
def test_any_bytes_every_line_accounted(tmp_path, data):
    assume(not data.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ")))  # valid-prefix archives: own tests
    lines, stats = _read(tmp_path, data)
    assert len(lines) == stats.lines == _physical(data)
    assert [x.lineno for x in lines] == list(range(1, len(lines) + 1))
    assert all(a.offset < b.offset for a, b in zip(lines, lines[1:]))
