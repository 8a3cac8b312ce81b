"""Paths (files, folders) → LintModel. Each file is classified by content (detect.py), unless
the caller classified it already (a LintInput from ingest.sources.split_paths), and read by
its reader; a swanctl.conf's includes are read with it (not twice), and the
x509*/ folders beside a swanctl.conf given alone are read too (strongSwan loads them)."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography import x509

from ..ingest.records import LintInput
from . import certs, ipsec_conf, profiles, strongswan_conf, swanctl, windows
from .detect import classify
from .records import FileKind, LintFile, LintModel, LintProblem

MAX_FILES = 2000
_CERT_DIRS = ("x509", "x509ca", "x509im", "x509aa", "ipsec.d/certs", "ipsec.d/cacerts")


def expand(paths: list[str]) -> list[str]:
    """Files under the given paths (folders recursed, hidden entries skipped), in order, once."""
    out: list[str] = []
    seen: set[str] = set()

    def add(p: str) -> None:
        real = os.path.realpath(p)
        if real not in seen and len(out) < MAX_FILES:
            seen.add(real)
            out.append(p)

    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        add(os.path.join(root, name))
        elif os.path.isfile(path):
            add(path)
    return out


def load(paths: Sequence[str | LintInput], strongswan_version: str | None = None, now: float | None = None,
         kinds: dict[str, str] | None = None) -> LintModel:
    """`paths`: files and folders, as strings or as LintInputs (from split_paths), whose kind
    (like `kinds`, path → kind) skips classification for files the caller classified already."""
    model = LintModel(strongswan_version=strongswan_version, now=now)
    known = dict(kinds or {})
    for item in paths:
        if isinstance(item, LintInput) and item.kind:
            known.setdefault(item.path, item.kind)
    named = [item.path if isinstance(item, LintInput) else item for item in paths]
    files = expand(named)
    classified = [(p, known.get(p) or classify(p)) for p in files]
    for p in named:
        if os.path.exists(p) is False:
            model.problems.append(LintProblem(p, "no such file or folder"))
    wanted = {os.path.realpath(p) for p, k in classified if k}
    # certificates strongSwan would load next to a swanctl.conf / ipsec.conf given on its own
    for p, k in list(classified):
        if k in ("swanctl", "ipsec-conf"):
            for sub in _CERT_DIRS:
                d = os.path.join(os.path.dirname(p), sub)
                if os.path.isdir(d):
                    for extra in expand([d]):
                        if os.path.realpath(extra) not in wanted and classify(extra) == "cert":
                            wanted.add(os.path.realpath(extra))
                            classified.append((extra, "cert"))
    included: set[str] = set()
    swanctl_results = []
    objects: dict[str, x509.Certificate] = {}
    for path, kind in classified:
        if not kind:
            continue
        model.files.append(LintFile(path, FileKind(kind), _sha256(path)))
        if kind == "swanctl":
            result = swanctl.load(path)
            swanctl_results.append((path, result))
            included.update(os.path.realpath(f) for f in result.files[1:])
        elif kind == "ipsec-conf":
            res = ipsec_conf.load(path)
            model.connections.extend(res.connections)
            model.problems.extend(res.problems)
        elif kind == "secrets":
            if _is_key_file(path):
                continue  # private keys: presence only, never parsed
            entries, problems = ipsec_conf.load_secrets(path)
            model.secrets.extend(entries)
            model.problems.extend(problems)
        elif kind == "strongswan-conf":
            conf, problems = strongswan_conf.load(path)
            model.strongswan_confs.append(conf)
            model.problems.extend(problems)
        elif kind == "cert":
            model.certs.extend(certs.load(path, model.problems, objects))
        elif kind == "profile":
            model.profiles.extend(profiles.load(path, model.problems))
        elif kind == "windows":
            model.windows.extend(windows.load(path, model.problems))
    for path, result in swanctl_results:
        if os.path.realpath(path) in included:
            continue  # read as part of the swanctl.conf that includes it
        model.connections.extend(result.connections)
        model.pools.extend(result.pools)
        model.secrets.extend(result.secrets)
        model.problems.extend(result.problems)
    certs.link_chains(model.certs, objects)
    return model


def _sha256(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read(16 * 1024 * 1024)).hexdigest()
    except OSError:
        return None


def _is_key_file(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return b"PRIVATE KEY-----" in fh.read(4096)
    except OSError:
        return True
