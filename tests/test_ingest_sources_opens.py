"""Resolution reads each file's head once: one open per file, whatever has to be decided
about it (compression, log or not, rotation, size); and a config file named on the command
line is classified once, by split_paths, and lint uses that classification."""
from __future__ import annotations

import builtins
import bz2
import collections
import gzip
import io
import lzma
import os
import shutil

import pytest

from swandiag.ingest.records import Compression, LintInput
from swandiag.ingest.sources import classify_path, resolve, split_paths

SCEN = os.path.join(os.path.dirname(__file__), "fixtures", "corpus", "lab", "no-certreq")


def _swanctl_conf() -> str:
    for root, _, files in os.walk(os.path.join(SCEN, "configs")):
        if "swanctl.conf" in files:
            return os.path.join(root, "swanctl.conf")
    raise AssertionError("no swanctl.conf in the fixture")


@pytest.fixture
def opens(monkeypatch):
    """Counts every open of a file by real path: the builtin (which gzip.open and lzma.open
    use too), io.open and the opener bz2 bound at import."""
    counts: collections.Counter[str] = collections.Counter()
    real_open = builtins.open

    def counting(file, *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)):
            counts[os.path.realpath(file)] += 1
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting)
    monkeypatch.setattr(io, "open", counting)
    monkeypatch.setattr(bz2, "_builtin_open", counting)
    return counts


@pytest.fixture
def folder(tmp_path):
    """A log, its rotated .gz (and .bz2, .xz) generations, and a config file."""
    src = os.path.join(SCEN, "gateway.log")
    shutil.copy(src, tmp_path / "charon.log")
    data = open(src, "rb").read()
    (tmp_path / "charon.log.1.gz").write_bytes(gzip.compress(data))
    (tmp_path / "charon.log.2.bz2").write_bytes(bz2.compress(data))
    (tmp_path / "charon.log.3.xz").write_bytes(lzma.compress(data))
    shutil.copy(_swanctl_conf(), tmp_path / "swanctl.conf")
    return tmp_path


def test_resolve_opens_each_file_once(folder, opens):
    specs, problems = resolve([str(folder)])
    assert not problems and len(specs) == 1
    assert [os.path.basename(m.path) for m in specs[0].members] == [
        "charon.log.3.xz", "charon.log.2.bz2", "charon.log.1.gz", "charon.log"]
    assert [m.compression for m in specs[0].members] == [
        Compression.XZ, Compression.BZIP2, Compression.GZIP, Compression.NONE]
    assert all(m.size == os.path.getsize(m.path) for m in specs[0].members)
    files = sorted(os.path.realpath(folder / name) for name in os.listdir(folder))
    assert dict(opens) == {f: 1 for f in files}


def test_resolve_opens_named_files_once(folder, opens):
    names = ["charon.log", "charon.log.1.gz", "charon.log.2.bz2", "charon.log.3.xz"]
    specs, problems = resolve([str(folder / n) for n in names])
    assert not problems and len(specs) == 1 and len(specs[0].members) == 4
    assert dict(opens) == {os.path.realpath(folder / n): 1 for n in names}


def test_magic_bytes_by_chance_and_truncated_archives(tmp_path, opens):
    """Behaviour kept from before: a text file that starts with gzip's magic bytes is read as
    it is when named, but is not picked from a folder (its head does not decompress); a
    truncated archive is still an archive when named."""
    log = open(os.path.join(SCEN, "gateway.log"), "rb").read()
    fake = tmp_path / "fake.log"
    fake.write_bytes(b"\x1f\x8bxx\n" + log)
    trunc = tmp_path / "trunc.log.gz"
    trunc.write_bytes(gzip.compress(log)[:2000])
    assert classify_path(str(fake)) == "other" and classify_path(str(trunc)) == "other"
    specs, problems = resolve([str(fake), str(trunc)])
    assert [m.compression for s in specs for m in s.members] == [Compression.NONE, Compression.GZIP]
    assert not problems


def test_split_paths_carries_the_kind_to_lint(folder, monkeypatch):
    from swandiag import lint
    from swandiag.lint import loader

    conf = str(folder / "swanctl.conf")
    logs, lint_inputs = split_paths([str(folder / "charon.log"), conf, str(folder)])
    assert logs == [str(folder / "charon.log"), str(folder)]
    assert lint_inputs == [LintInput(conf, "swanctl"), LintInput(str(folder), None)]

    classified: list[str] = []
    real = loader.classify
    monkeypatch.setattr(loader, "classify", lambda p: classified.append(p) or real(p))
    model = lint.load(lint_inputs[:1])
    assert [(f.path, f.kind.value) for f in model.files] == [(conf, "swanctl")]
    assert classified == []  # split_paths already said what it is
    # plain paths still work, classified by lint itself
    model = lint.load([conf])
    assert [(f.path, f.kind.value) for f in model.files] == [(conf, "swanctl")] and classified == [conf]


def _open_member_head(path: str) -> tuple[Compression, bytes]:
    """What resolution used to compute with separate opens through reader.open_member."""
    from swandiag.ingest.reader import open_member
    from swandiag.ingest.sources import SNIFF_BYTES, compression_of

    with open(path, "rb") as fh:
        kind = compression_of(fh.read(8))
    try:
        with open_member(path, kind) as fh:
            fh.read(1)
    except Exception:  # noqa: BLE001
        kind = Compression.NONE
    try:
        with open_member(path, compression_of(open(path, "rb").read(8))) as fh:
            return kind, fh.read(SNIFF_BYTES)
    except Exception:  # noqa: BLE001
        return kind, b""


def test_head_read_once_is_the_head_open_member_gives(tmp_path):
    from swandiag.ingest.sources import _read_head

    noise = os.urandom(300_000)  # incompressible: bz2's first block is far longer than the raw head
    log = open(os.path.join(SCEN, "gateway.log"), "rb").read()
    cases = {
        "noise.bz2": bz2.compress(noise), "noise.gz": gzip.compress(noise), "noise.xz": lzma.compress(noise),
        "log.bz2": bz2.compress(log), "log.xz": lzma.compress(log),
        "multi.gz": gzip.compress(b"a\n") + gzip.compress(log), "padded.gz": gzip.compress(b"b\n") + b"\0" * 64,
        "garbage-after.gz": gzip.compress(b"c\n") + b"garbage",
        "empty.gz": gzip.compress(b""), "empty.bz2": bz2.compress(b""), "empty.xz": lzma.compress(b""),
        "corrupt.gz": gzip.compress(log)[:40] + b"\xff" * 400 + gzip.compress(log)[440:],
        "trunc.bz2": bz2.compress(log)[:500], "magic-only.xz": b"\xfd7zXZ\x00",
        "plain.log": log, "empty.log": b"",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        head = _read_head(str(tmp_path / name))
        kind, text = _open_member_head(str(tmp_path / name))
        assert (head.compression if head.opens else Compression.NONE, head.text) == (kind, text), name
        assert head.size == len(data), name
