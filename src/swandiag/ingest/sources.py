"""Turn what the user named (files, globs, folders, `-`) into InputSpecs.

Folders are walked recursively and files are picked by their content, never by their
name: `classify_path` says whether a file is a log, a config, a certificate, a client
profile or something else (the lint stage takes configs/certs/profiles later). Rotated
sets (`charon.log`, `charon.log.1`, `charon.log.2.gz`) become one input, oldest first.
"""
from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable

from .records import Compression, IngestProblem, InputSpec, Member

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


def _head(path: str, compression: Compression, n: int = SNIFF_BYTES) -> bytes:
    from .reader import open_member

    try:
        with open_member(path, compression) as fh:
            return fh.read(n)
    except Exception:  # noqa: BLE001 - corrupt archives too
        return b""


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
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except OSError:
        return "other"
    return classify_head(_head(path, compression_of(magic)))


def _member(path: str) -> Member:
    with open(path, "rb") as fh:
        magic = fh.read(8)
    kind = compression_of(magic)
    if kind is not Compression.NONE and not _opens(path, kind):
        kind = Compression.NONE  # magic bytes by chance, not an archive: read the bytes as they are
    return Member(path, kind, os.path.getsize(path))


def _opens(path: str, kind: Compression) -> bool:
    from .reader import open_member

    try:
        with open_member(path, kind) as fh:
            fh.read(1)
        return True
    except Exception:  # noqa: BLE001 - any decompressor error means "not this archive type"
        return False


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


def split_paths(paths: list[str]) -> tuple[list[str], list[str]]:
    """(paths for ingest, paths for lint). A file lint recognises goes to lint only; folders
    go to both, each stage picking its own files by content; '-' and globs stay with ingest."""
    from ..lint.detect import classify

    logs: list[str] = []
    lint: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            logs.append(p)
            lint.append(p)
        elif p != "-" and os.path.isfile(p) and classify(p) is not None:
            lint.append(p)
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
            if picked and classify_path(f) != "log":
                continue
            seen.add(real)
            entries.append(f)
            kept += 1
        if picked and files and not kept and os.path.isdir(arg):
            problems.append(IngestProblem(arg, f"{arg}: no log file found in this folder"))
    groups = dict(_group_rotated([e for e in entries if e is not None]))
    by_member = {m: name for name, members in groups.items() for m in members}
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
            specs.append(InputSpec(len(specs), name, tuple(_member(p) for p in groups[name])))
        except OSError as exc:
            problems.append(IngestProblem(name, f"{name}: {exc.strerror or exc}", fatal=True))
    return specs, problems
