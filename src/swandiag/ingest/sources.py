"""Turn what the user named (files, globs, folders, `-`) into InputSpecs.

Folders are walked recursively and files are picked by their content, never by their
name: `classify_path` says whether a file is a log, a config, a certificate, a client
profile or something else (the lint stage takes configs/certs/profiles later). Rotated
sets (`charon.log`, `charon.log.1`, `charon.log.2.gz`) become one input, oldest first.

Each file is opened once while resolving: `_read_head` reads its first bytes (decompressing
them once for a compressed file) and measures it, and every decision about the file (its
compression, log or not, its size) is taken from that `_Head`.
"""
from __future__ import annotations

import glob
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .reader import decompressing
from .records import Compression, IngestProblem, InputSpec, LintInput, Member

SNIFF_BYTES = 16 * 1024
_MAGIC = (
    (b"\x1f\x8b", Compression.GZIP),
    (b"BZh", Compression.BZIP2),
    (b"\xfd7zXZ\x00", Compression.XZ),
)
# name.N or name.N.gz etc. (logrotate numbering); fixed pattern on file names, not log text
_ROTATED = re.compile(r"^(?P<base>.+?)\.(?P<n>\d{1,4})(?:\.(?:gz|bz2|xz))?$")
_CONFIG_MARKERS = (
    b"connections {", b"connections{", b"config setup", b"\nconn ", b"charon {", b"charon{",
    b"secrets {", b": PSK", b": RSA", b": EAP", b": XAUTH", b"remote_addrs", b"local_addrs",
    b"remote {", b"children {", b"listen ", b"sainfo ", b"remote anonymous", b"path pre_shared_key",
    b"padding {", b"[Unit]", b"plugins {", b"filelog {", b"syslog {", b"spdadd ", b"spdflush;", b"flush;",
)
# for text that also reads as bare charon messages (charon's own config dumps have `key = value`)
_STRUCT_MARKERS = tuple(m for m in _CONFIG_MARKERS if b"{" in m) + (b"config setup", b": PSK", b": RSA", b"spdadd ")


def compression_of(head: bytes) -> Compression:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return Compression.NONE


@dataclass(slots=True, frozen=True)
class _Head:
    """What resolution knows about one file, from one open and one read of its first bytes."""

    compression: Compression  # what the magic bytes say
    opens: bool  # the decompressor gives a first byte (False: magic bytes by chance)
    size: int  # bytes on disk
    text: bytes  # the first SNIFF_BYTES of content, decompressed; b"" when they do not decompress


class _Rest:
    """The head already read, then the rest of the open file: what a decompressor reads, so
    the head is not read again and the file not reopened (a bz2 block can be longer than the
    head)."""

    __slots__ = ("_head", "_fh")

    def __init__(self, head: bytes, fh: io.RawIOBase):
        self._head = head
        self._fh = fh

    def read(self, n: int = -1) -> bytes:
        head = self._head
        if not head:
            return self._fh.read(n) or b""
        if n is None or n < 0 or n > len(head):
            self._head = b""
            more = self._fh.read(-1 if n is None or n < 0 else n - len(head))
            return head + (more or b"")
        self._head = head[n:]
        return head[:n]


def _read_head(path: str) -> _Head:
    """One open, one read of the first SNIFF_BYTES; raises OSError when the file cannot be read."""
    with open(path, "rb", buffering=0) as fh:
        raw = fh.read(SNIFF_BYTES)
        size = os.fstat(fh.fileno()).st_size
        kind = compression_of(raw)
        if kind is Compression.NONE:
            return _Head(kind, True, size, raw)
        opens, text = _decompress_head(kind, _Rest(raw, fh))
        return _Head(kind, opens, size, text)


def _decompress_head(kind: Compression, stream: _Rest) -> tuple[bool, bytes]:
    """(the first byte decompresses, the first SNIFF_BYTES decompressed or b"")."""
    try:
        with decompressing(kind, stream) as fh:
            first = fh.read(1)
            try:
                return True, first + fh.read(SNIFF_BYTES - 1)
            except Exception:  # noqa: BLE001 - corrupt or truncated after the first byte
                return True, b""
    except Exception:  # noqa: BLE001 - any decompressor error means "not this archive type"
        return False, b""


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if b"\x00" in head[:4096]:
        return head.count(b"\x00") > len(head) // 16
    sample = head[:4096]
    bad = sum(1 for c in sample if c < 9 or 13 < c < 32 or c == 127)
    return bad > len(sample) // 20


def classify_head(head: bytes) -> str:
    """'log' | 'config' | 'cert' | 'profile' | 'other' for the first bytes of a file."""
    from ..parse.detect import sniff
    from ..parse.event import LogFormat

    if not head.strip():
        return "other"
    if b"-----BEGIN " in head[:4096]:
        return "cert"
    if head[:2] == b"\x30\x82" and len(head) > 4:  # DER SEQUENCE with 2-byte length
        return "cert"
    if b"<plist" in head[:4096] and (b"PayloadType" in head or b"PayloadContent" in head):
        return "profile"
    if head.startswith(b"bplist00"):
        return "profile"
    if _looks_binary(head):
        # a binary journal export is text with binary fields: let sniffing decide
        if not head.startswith(b"__CURSOR="):
            return "other"
    lines = head.split(b"\n")
    if len(head) == SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # cut partial last line
    guess = sniff(lines[:200])
    config = any(m in head for m in _CONFIG_MARKERS)
    bare = guess.format in (LogFormat.JOURNAL_TEXT, LogFormat.STROKE) and guess.details.get("_module") != "syslog"
    structural = bare and any(m in head for m in _STRUCT_MARKERS)
    if guess.format is not LogFormat.UNKNOWN and guess.confidence >= 0.5 and not structural:
        return "log"
    if config:
        return "config"
    return "other"


def classify_path(path: str) -> str:
    """'log' | 'config' | 'cert' | 'profile' | 'other', by content (compressed files too)."""
    try:
        return classify_head(_read_head(path).text)
    except OSError:
        return "other"


def _member(path: str, head: _Head) -> Member:
    # magic bytes by chance, not an archive: read the bytes as they are
    return Member(path, head.compression if head.opens else Compression.NONE, head.size)


def _rotation_key(path: str) -> tuple[str, int]:
    """(base path, generation): charon.log → (charon.log, 0), charon.log.2.gz → (charon.log, 2)."""
    d, name = os.path.split(path)
    m = _ROTATED.match(name)
    if m:
        return os.path.join(d, m["base"]), int(m["n"])
    for ext in (".gz", ".bz2", ".xz"):
        if name.endswith(ext):  # charon.log.gz as the first generation
            return os.path.join(d, name[: -len(ext)]), 0
    return path, 0


def _group_rotated(paths: list[str]) -> list[tuple[str, list[str]]]:
    """Group rotated generations; a lone numbered file stays on its own."""
    groups: dict[str, list[tuple[int, str]]] = {}
    order: list[str] = []
    for p in paths:
        base, gen = _rotation_key(p)
        if base not in groups:
            groups[base] = []
            order.append(base)
        groups[base].append((gen, p))
    out: list[tuple[str, list[str]]] = []
    for base in order:
        members = groups[base]
        if len(members) == 1:
            out.append((members[0][1], [members[0][1]]))
        else:
            members.sort(key=lambda gp: -gp[0])  # highest number = oldest
            out.append((base, [p for _, p in members]))
    return out


def _walk(folder: str) -> Iterable[str]:
    for root, dirs, files in os.walk(folder, onerror=None):
        dirs.sort()
        for name in sorted(files):
            yield os.path.join(root, name)


def _expand(arg: str, problems: list[IngestProblem]) -> tuple[list[str], bool]:
    """Files named by one argument and whether they came from a folder walk (then only
    logs are kept, picked by content)."""
    if os.path.isdir(arg):
        return [p for p in _walk(arg) if os.path.isfile(p)], True
    if os.path.exists(arg):
        return [arg], False
    if any(c in arg for c in "*?["):
        hits = sorted(glob.glob(arg, recursive=True))
        files: list[str] = []
        for h in hits:
            files.extend(_walk(h) if os.path.isdir(h) else [h])
        if not files:
            problems.append(IngestProblem(arg, f"{arg}: no file matches this pattern", fatal=True))
        return files, True
    problems.append(IngestProblem(arg, f"{arg}: no such file or directory", fatal=True))
    return [], False


def split_paths(paths: list[str]) -> tuple[list[str], list[LintInput]]:
    """(paths for ingest, inputs for lint). A file lint recognises goes to lint only, with
    its kind (lint does not classify it again); folders go to both, each stage picking its
    own files by content; '-' and globs stay with ingest."""
    from ..lint.detect import classify

    logs: list[str] = []
    lint: list[LintInput] = []
    for p in paths:
        if os.path.isdir(p):
            logs.append(p)
            lint.append(LintInput(p))
        elif p != "-" and os.path.isfile(p) and (kind := classify(p)) is not None:
            lint.append(LintInput(p, kind))
        else:
            logs.append(p)
    return logs, lint


def disk_size(spec: InputSpec) -> int:
    """Bytes an input holds on disk, as resolve() measured them (compressed members count as
    read: an estimate)."""
    return sum(member.size for member in spec.members)


def resolve(paths: list[str]) -> tuple[list[InputSpec], list[IngestProblem]]:
    """InputSpecs for the log inputs named by `paths`, and one problem per unusable path.

    Rotated generations are grouped over all arguments, not only inside one folder or glob:
    `swandiag charon.log*` reaches us as separate arguments after shell expansion, and they
    are still one stream. A group takes the position of its first-named member."""
    problems: list[IngestProblem] = []
    entries: list[str | None] = []  # file paths in argument order; None = stdin
    seen: set[str] = set()
    real_of: dict[str, str] = {}  # entry → its real path
    heads: dict[str, _Head] = {}  # real path → head: each file is opened and read once
    stdin_used = False
    for arg in paths:
        if arg == "-":
            if not stdin_used:
                stdin_used = True
                entries.append(None)
            continue
        files, picked = _expand(arg, problems)
        kept = 0
        for f in files:
            real = os.path.realpath(f)
            if real in seen:
                continue
            if not os.access(f, os.R_OK):
                problems.append(IngestProblem(f, f"{f}: permission denied", fatal=True))
                continue
            if picked:
                head = heads.get(real)
                if head is None:
                    try:
                        head = heads[real] = _read_head(f)
                    except OSError:
                        continue  # unreadable: not a log
                if classify_head(head.text) != "log":
                    continue
            seen.add(real)
            real_of[f] = real
            entries.append(f)
            kept += 1
        if picked and files and not kept and os.path.isdir(arg):
            problems.append(IngestProblem(arg, f"{arg}: no log file found in this folder"))
    groups = dict(_group_rotated([e for e in entries if e is not None]))
    by_member = {m: name for name, members in groups.items() for m in members}

    def member(path: str) -> Member:
        head = heads.get(real_of[path])
        if head is None:  # named, not picked by content: read here, the first time
            head = heads[real_of[path]] = _read_head(path)
        return _member(path, head)

    specs: list[InputSpec] = []
    done: set[str] = set()
    for e in entries:
        if e is None:
            specs.append(InputSpec(len(specs), "-", (), is_stdin=True))
            continue
        name = by_member[e]
        if name in done:
            continue
        done.add(name)
        try:
            specs.append(InputSpec(len(specs), name, tuple(member(p) for p in groups[name])))
        except OSError as exc:
            problems.append(IngestProblem(name, f"{name}: {exc.strerror or exc}", fatal=True))
    return specs, problems
