"""Loads signatures: the bundled `swandiag.patterns` package plus user `--patterns` directories.

Each `*.toml` file holds one signature (format: docs/patterns.md). Files are parsed with
`tomllib` and checked strictly (unknown keys, bad values, unknown placeholders are errors
naming the file). A signature in a later directory replaces a bundled one with the same id.
"""
from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from .conditions import parse_when
from .placeholders import known
from .ranking import cycle
from .records import Fix, Severity
from .signature import AppliesTo, Fixtures, Signature
from .values import SignatureError

TOP_KEYS = {
    "id", "title", "severity", "confidence", "explanation", "applies-to", "when", "fix",
    "references", "explains", "fixtures", "inconclusive", "collect", "scope",
}
APPLIES_KEYS = {"ike", "role", "platform", "daemon", "sides"}
SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}
MAX_FILE = 256 * 1024  # a signature is a page of text; anything larger is not one


def bundled_dir() -> Path:
    return Path(str(resources.files("swandiag.patterns")))


def signature_files(extra_dirs: list[str] | None = None) -> list[Path]:
    files = sorted(bundled_dir().glob("*.toml"))
    for d in extra_dirs or []:
        path = Path(d)
        if not path.is_dir():
            raise SignatureError(f"--patterns {d}: not a directory")
        files.extend(sorted(path.glob("*.toml")))
    return files


def load_signatures(extra_dirs: list[str] | None = None) -> list[Signature]:
    by_id: dict[str, Signature] = {}
    for file in signature_files(extra_dirs):
        sig = load_file(file)
        by_id[sig.id] = sig  # later directories override
    loop = cycle({i: s.explains for i, s in by_id.items()})
    if loop:  # a root cause cannot be its own symptom: ranking needs the relation acyclic
        raise SignatureError(f"{by_id[loop[0]].source} [{loop[0]}]: 'explains' forms a cycle {' -> '.join(loop)}")
    return list(by_id.values())


def load_file(file: Path) -> Signature:
    try:
        if file.stat().st_size > MAX_FILE:
            raise SignatureError(f"{file}: larger than {MAX_FILE} bytes, not a signature")
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SignatureError(f"{file}: {exc}") from None
    return parse_signature(data, str(file))


def parse_signature(data: dict[str, Any], where: str) -> Signature:
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise SignatureError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("id", "title", "severity", "when"):
        if key not in data:
            raise SignatureError(f"{where}: missing '{key}'")
    sid = _str(data["id"], where, "id")
    where = f"{where} [{sid}]"
    severity = SEVERITIES.get(str(data["severity"]).lower())
    if severity is None:
        raise SignatureError(f"{where}: severity must be error, warning or info")
    confidence = data.get("confidence", 0.8)
    if not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
        raise SignatureError(f"{where}: confidence must be a number from 0 to 1")
    scope = data.get("scope", "case")
    if scope not in ("case", "run"):
        raise SignatureError(f"{where}: scope must be 'case' or 'run'")
    sig = Signature(
        id=sid,
        title=_str(data["title"], where, "title"),
        severity=severity,
        confidence=float(confidence),
        when=parse_when(data["when"], where),
        explanation=_str(data.get("explanation", ""), where, "explanation"),
        applies=_applies(data.get("applies-to", {}), where),
        fix=_fix(data.get("fix", {}), where),
        references=_strs(data.get("references", []), where, "references"),
        explains=_strs(data.get("explains", []), where, "explains"),
        fixtures=_fixtures(data.get("fixtures", {}), where),
        inconclusive=bool(data.get("inconclusive", False)),
        collect=_strs(data.get("collect", []), where, "collect"),
        scope=scope,
        source=where.split(" [")[0],
    )
    texts = [sig.explanation, sig.fix.summary, *sig.fix.gateway.values(), *sig.fix.client.values(), *sig.collect]
    bad = [p for t in texts for p in known(t)]
    if bad:
        raise SignatureError(f"{where}: unknown placeholder(s) {', '.join(sorted(set(bad)))}")
    return sig


def _str(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise SignatureError(f"{where}: '{key}' must be a string")
    return value


def _strs(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SignatureError(f"{where}: '{key}' must be an array of strings")
    return tuple(value)


def _applies(table: Any, where: str) -> AppliesTo:
    if not isinstance(table, dict) or set(table) - APPLIES_KEYS:
        raise SignatureError(f"{where}: applies-to takes only {', '.join(sorted(APPLIES_KEYS))}")
    ike = table.get("ike", [])
    if not isinstance(ike, list) or not all(v in (1, 2) for v in ike):
        raise SignatureError(f"{where}: applies-to.ike must be a list of 1 and/or 2")
    return AppliesTo(
        ike=tuple(ike),
        role=_strs(table.get("role", []), where, "applies-to.role"),
        platform=_strs(table.get("platform", []), where, "applies-to.platform"),
        daemon=_strs(table.get("daemon", []), where, "applies-to.daemon"),
        sides=_strs(table.get("sides", []), where, "applies-to.sides"),
    )


def _fix(table: Any, where: str) -> Fix:
    if not isinstance(table, dict) or set(table) - {"summary", "gateway", "client"}:
        raise SignatureError(f"{where}: fix takes summary, gateway and client")
    parts = {}
    for side in ("gateway", "client"):
        snippets = table.get(side, {})
        if not isinstance(snippets, dict) or not all(isinstance(v, str) for v in snippets.values()):
            raise SignatureError(f"{where}: fix.{side} must be a table of strings")
        parts[side] = dict(snippets)
    return Fix(gateway=parts["gateway"], client=parts["client"], summary=_str(table.get("summary", ""), where, "fix.summary"))


def _fixtures(table: Any, where: str) -> Fixtures:
    if not isinstance(table, dict) or set(table) - {"match", "no-match"}:
        raise SignatureError(f"{where}: fixtures takes match and no-match")
    return Fixtures(
        match=_strs(table.get("match", []), where, "fixtures.match"),
        no_match=_strs(table.get("no-match", []), where, "fixtures.no-match"),
    )
