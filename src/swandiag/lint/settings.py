"""Reader for strongSwan's settings syntax (swanctl.conf, strongswan.conf).

`name { ... }` sections, `key = value` (quoted values may span lines), `#` comments,
`include GLOB` relative to the including file, and `name : base {` section references.
Sections with the same name merge; later keys override earlier ones, as in libstrongswan.
Every key and section keeps its file:line. Input is hostile: sizes, depths and include
counts are bounded and nothing is evaluated.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field

from .records import LintProblem, Loc

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_INCLUDE_DEPTH = 10
MAX_FILES = 256
_SPECIAL = set('{}="#:\n')


@dataclass(slots=True)
class Value:
    text: str
    loc: Loc


@dataclass(slots=True)
class Section:
    name: str
    loc: Loc
    keys: dict[str, Value] = field(default_factory=dict)
    sections: dict[str, "Section"] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)  # `name : ref1, ref2 {`

    def get(self, key: str) -> str | None:
        v = self.keys.get(key)
        return v.text if v else None

    def sub(self, name: str) -> "Section | None":
        return self.sections.get(name)

    def find(self, dotted: str) -> "Value | Section | None":
        """`charon.filelog` → the section; `charon.port` → the value."""
        node: Section | None = self
        parts = dotted.split(".")
        for part in parts[:-1]:
            node = node.sections.get(part) if node else None
        if node is None:
            return None
        return node.sections.get(parts[-1]) or node.keys.get(parts[-1])


@dataclass(slots=True)
class Parsed:
    root: Section
    files: list[str] = field(default_factory=list)  # the file and everything it included
    problems: list[LintProblem] = field(default_factory=list)


def read_bytes(path: str, limit: int, problems: list[LintProblem]) -> bytes | None:
    """The first `limit` + 1 bytes of a file (one more than `limit` tells the caller it is
    larger), or None with a problem when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        problems.append(LintProblem(path, f"cannot read: {exc.strerror or exc}"))
        return None


def read_text(path: str, problems: list[LintProblem]) -> str | None:
    data = read_bytes(path, MAX_BYTES, problems)
    if data is None:
        return None
    if len(data) > MAX_BYTES:
        problems.append(LintProblem(path, f"larger than {MAX_BYTES // (1024 * 1024)} MiB, read the start only"))
        data = data[:MAX_BYTES]
    return data.decode("utf-8", errors="replace")


def parse_file(path: str) -> Parsed:
    out = Parsed(root=Section("", Loc(path)))
    _Reader(out).include(path, out.root, depth=0, origin=None)
    return out


def parse_text(text: str, path: str = "<text>") -> Parsed:
    out = Parsed(root=Section("", Loc(path)))
    out.files.append(path)
    _Reader(out).parse(text, path, out.root, depth=0)
    return out


class _Reader:
    def __init__(self, out: Parsed) -> None:
        self.out = out

    def include(self, path: str, into: Section, depth: int, origin: Loc | None) -> None:
        if depth > MAX_INCLUDE_DEPTH or len(self.out.files) >= MAX_FILES:
            where = origin or Loc(path)
            self.out.problems.append(LintProblem(where.path, "too many nested includes, stopped", where.line))
            return
        text = read_text(path, self.out.problems)
        if text is None:
            return
        self.out.files.append(path)
        self.parse(text, path, into, depth)

    def parse(self, text: str, path: str, root: Section, depth: int) -> None:
        stack = [root]
        i, n, line = 0, len(text), 1

        def problem(msg: str, at: int) -> None:
            self.out.problems.append(LintProblem(path, msg, at))

        while i < n:
            c = text[i]
            if c == "\n":
                line += 1
                i += 1
                continue
            if c in " \t\r":
                i += 1
                continue
            if c == "#":
                j = text.find("\n", i)
                i = n if j < 0 else j
                continue
            if c == "}":
                if len(stack) == 1:
                    problem("unbalanced '}'", line)
                else:
                    stack.pop()
                i += 1
                continue
            if c in _SPECIAL:
                problem(f"unexpected {c!r}", line)
                j = text.find("\n", i)
                i = n if j < 0 else j
                continue
            start_line = line
            j = i
            while j < n and text[j] not in _SPECIAL and text[j] not in " \t\r":
                j += 1
            word = text[i:j]
            i = j
            while i < n and text[i] in " \t\r":
                i += 1
            nxt = text[i] if i < n else "\n"
            if word == "include" and nxt not in "={:":
                j = text.find("\n", i)
                j = n if j < 0 else j
                pattern = text[i:j].split("#", 1)[0].strip().strip('"')
                i = j
                self._include_glob(pattern, path, stack[-1], depth, Loc(path, start_line))
                continue
            if nxt == "=":
                i += 1
                while i < n and text[i] in " \t\r":
                    i += 1
                if i < n and text[i] == '"':
                    value, i, line = _quoted(text, i + 1, line)
                else:
                    j = i
                    while j < n and text[j] not in "\n#":
                        j += 1
                    value = text[i:j].strip()
                    if value.endswith("}") and " " in value:  # `a { b = c }` on one line
                        value = value[:-1].rstrip()
                        i = j - 1 if text[j - 1:j] == "}" else j
                        stack[-1].keys[word] = Value(value, Loc(path, start_line))
                        continue
                    i = j
                stack[-1].keys[word] = Value(value, Loc(path, start_line))
                continue
            refs: list[str] = []
            if nxt == ":":
                j = i + 1
                while j < n and text[j] not in "{\n":
                    j += 1
                refs = [r.strip() for r in text[i + 1:j].split(",") if r.strip()]
                i = j
            # a section: `{` may follow on a later line
            k = i
            while k < n and text[k] in " \t\r\n":
                k += 1
            if k < n and text[k] == "{":
                line += text.count("\n", i, k)
                i = k + 1
                if len(stack) > MAX_DEPTH:
                    problem("sections nested too deep", start_line)
                    continue
                parent = stack[-1]
                sec = parent.sections.get(word)
                if sec is None:
                    sec = parent.sections[word] = Section(word, Loc(path, start_line))
                sec.refs.extend(refs)
                stack.append(sec)
                continue
            problem("expected '=' or '{' after a name", start_line)  # never echo file text: it may be a secret
            j = text.find("\n", i)
            i = n if j < 0 else j
        if len(stack) > 1:
            problem(f"section {stack[-1].name!r} not closed", stack[-1].loc.line)

    def _include_glob(self, pattern: str, path: str, into: Section, depth: int, at: Loc) -> None:
        if not pattern:
            return
        base = os.path.dirname(path)
        full = pattern if os.path.isabs(pattern) else os.path.join(base, pattern)
        matches = sorted(glob.glob(full))
        if not matches and not glob.has_magic(full):
            self.out.problems.append(LintProblem(at.path, f"included file {pattern!r} not found", at.line))
        for m in matches:
            if os.path.isfile(m):
                self.include(m, into, depth + 1, at)


def _quoted(text: str, i: int, line: int) -> tuple[str, int, int]:
    out: list[str] = []
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            nxt = text[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            if nxt == "\n":
                line += 1
            i += 2
            continue
        if c == '"':
            return "".join(out), i + 1, line
        if c == "\n":
            line += 1
        out.append(c)
        i += 1
    return "".join(out), i, line


def split_list(value: str | None) -> list[str]:
    """strongSwan list values: comma (or space) separated."""
    if not value:
        return []
    return [p for p in (x.strip() for x in value.replace(",", " ").split()) if p]
