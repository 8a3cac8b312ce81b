"""Field tests (`Op`) and dotted-path lookup over plain records: the value layer of conditions.

A field test is written in a signature as a scalar (equals), a list (one of) or a table of
operators (`{ contains = "CERT" }`, `{ matches = "..." }`, `{ version-below = "5.5.1" }` ...).
Regexes come from data files and are applied to log text: compiled with `regex`, run with a
timeout, a timeout counts as no match.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from typing import Any, Iterable

import regex

from ..errors import SwandiagError
from ..limits import REGEX_TIMEOUT


OPERATORS = {
    "equals", "not", "in", "not-in", "contains", "contains-any", "has", "lacks", "has-any",
    "matches", "not-matches", "min", "max", "present", "count-min", "count-max",
    "version-below", "version-at-least",
}


class SignatureError(SwandiagError):
    """A signature file is malformed; the message names the problem."""


def norm(value: Any) -> Any:
    """Enums compare by their value; everything else as is."""
    return value.value if isinstance(value, Enum) else value


def _glob(pattern: str, item: Any) -> bool:
    """Payload/code tokens: exact, or prefix when the pattern ends in '*'."""
    text = str(norm(item))
    return text.startswith(pattern[:-1]) if pattern.endswith("*") else text == pattern


def _version(text: Any) -> tuple[int, ...] | None:
    m = regex.search(r"(\d+)\.(\d+)(?:\.(\d+))?", str(text or ""), timeout=REGEX_TIMEOUT)
    return tuple(int(g or 0) for g in m.groups()) if m else None


def compile_regex(pattern: str, where: str) -> regex.Pattern:
    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise SignatureError(f"{where}: bad regex {pattern!r}: {exc}") from None


def search(rx: regex.Pattern, text: str) -> regex.Match | None:
    try:
        return rx.search(text, timeout=REGEX_TIMEOUT)
    except TimeoutError:
        return None


@dataclass(slots=True, frozen=True)
class Op:
    """One field test: operator name and operand (regexes precompiled)."""

    name: str
    arg: Any

    def test(self, value: Any, captures: dict[str, str] | None = None) -> bool:
        v, a = norm(value), self.arg
        n = self.name
        if n == "present":
            return (v not in (None, "", [], ())) == bool(a)
        if n in ("count-min", "count-max"):
            size = len(v) if isinstance(v, (list, tuple, dict, str)) else (0 if v is None else 1)
            return size >= a if n == "count-min" else size <= a
        if n in ("has", "lacks", "has-any"):
            items = list(v) if isinstance(v, (list, tuple)) else ([] if v is None else [v])
            found = [any(_glob(p, it) for it in items) for p in a]
            return all(found) if n == "has" else (not any(found) if n == "lacks" else any(found))
        if v is None:
            return n in ("not", "not-in", "not-matches")
        if n == "equals":
            return _eq(v, a)
        if n == "not":
            return not _eq(v, a)
        if n == "in":
            return any(_eq(v, x) for x in a)
        if n == "not-in":
            return not any(_eq(v, x) for x in a)
        if n in ("in-fold", "not-in-fold"):  # built by conditions for in-fact / not-in-fact
            found = str(v).casefold() in {str(x).casefold() for x in a}
            return found == (n == "in-fold")
        if n == "contains":
            return (a in [norm(x) for x in v]) if isinstance(v, (list, tuple)) else str(a) in str(v)
        if n == "contains-any":
            if isinstance(v, (list, tuple)):
                return any(x in [norm(y) for y in v] for x in a)
            return any(str(x) in str(v) for x in a)
        if n in ("matches", "not-matches"):
            texts = [str(norm(x)) for x in v] if isinstance(v, (list, tuple)) else [str(v)]
            for text in texts:
                m = search(a, text)
                if m:
                    if captures is not None:
                        captures.update({k: x for k, x in m.groupdict().items() if x is not None})
                    return n == "matches"
            return n == "not-matches"
        if n in ("min", "max"):
            try:
                return float(v) >= a if n == "min" else float(v) <= a
            except (TypeError, ValueError):
                return False
        if n in ("version-below", "version-at-least"):
            have = _version(v)
            if have is None:
                return False
            return have < a if n == "version-below" else have >= a
        raise AssertionError(n)


def _eq(value: Any, want: Any) -> bool:
    if isinstance(want, bool) or isinstance(value, bool):
        return value is want or value == want
    if isinstance(want, (int, float)) and not isinstance(value, (int, float)):
        try:
            return float(value) == want
        except (TypeError, ValueError):
            return False
    return value == want


def parse_ops(spec: Any, where: str) -> list[Op]:
    """A field test from TOML: scalar → equals, list → in, table → operators."""
    if isinstance(spec, list):
        return [Op("in", spec)]
    if not isinstance(spec, dict):
        return [Op("equals", spec)]
    ops = []
    for name, arg in spec.items():
        if name not in OPERATORS:
            raise SignatureError(f"{where}: unknown operator {name!r} (known: {', '.join(sorted(OPERATORS))})")
        ops.append(_op(name, arg, where))
    return ops


def _op(name: str, arg: Any, where: str) -> Op:
    if name in ("matches", "not-matches"):
        return Op(name, compile_regex(str(arg), where))
    if name in ("has", "lacks", "has-any", "in", "not-in", "contains-any"):
        return Op(name, list(arg) if isinstance(arg, list) else [arg])
    if name in ("version-below", "version-at-least"):
        version = _version(arg)
        if version is None:
            raise SignatureError(f"{where}: {name} needs a version like '5.5.1', got {arg!r}")
        return Op(name, version)
    if name in ("min", "max", "count-min", "count-max") and not isinstance(arg, (int, float)):
        raise SignatureError(f"{where}: {name} needs a number, got {arg!r}")
    return Op(name, arg)


def lookup(obj: Any, path: str) -> list[Any]:
    """Values at a dotted path; lists along the way are flattened, '*' means every item/key.

    Only public attributes of records and keys of dicts are reachable; nothing is called.
    """
    current: list[Any] = [obj]
    for part in path.split(".") if path else []:
        nxt: list[Any] = []
        for item in current:
            nxt.extend(_step(item, part))
        current = nxt
    return current


_FIELD_NAMES: dict[type, frozenset[str] | None] = {}


def _field_names(cls: type) -> frozenset[str] | None:
    """The dataclass field names of `cls` (None: not a dataclass), looked up once per class."""
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = frozenset(f.name for f in fields(cls)) if is_dataclass(cls) else None
        _FIELD_NAMES[cls] = names
        return names


def _step(item: Any, part: str) -> Iterable[Any]:
    if item is None or part.startswith("_"):
        return []
    if isinstance(item, (list, tuple)) and not part.isdigit():
        return [x for sub in item for x in _step(sub, part)]
    if part == "*":
        if isinstance(item, dict):
            return list(item.values())
        return list(item) if isinstance(item, (list, tuple)) else []
    if isinstance(item, dict):
        return [item[part]] if part in item else []
    if isinstance(item, (list, tuple)):
        i = int(part)
        return [item[i]] if i < len(item) else []
    names = _field_names(type(item))
    if names is not None:
        return [getattr(item, part)] if part in names else []
    value = getattr(item, part, None)
    return [] if value is None or callable(value) else [value]
