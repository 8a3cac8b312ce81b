"""Message-template engine: turns an event's message body into a kind and typed facts.

The knowledge lives in `template_data/*.toml` (one file per daemon family); this module only
loads, compiles and dispatches. Schema (full text with examples: docs/templates.md):

    [file]
    daemon = "charon"                  # default daemon (parse.event.Daemon value)
    sample_format = "charon-filelog"   # LogFormat whose prefix parser reads the samples

    [[template]]
    id = "net.packet"                  # unique over all files
    daemon = "charon"                  # optional, overrides [file].daemon
    groups = ["NET"]                   # optional group filter (charon groups)
    prefix = "sending packet: "        # literal start of the stripped body, or a list (dispatch) ...
    keyword = " is initiating "        # ... and/or a literal the body must contain
    regex = '''...(?P<fact>...)...'''  # `regex` module syntax, applied with match + timeout
    types = { size = "int" }           # str | int | hex | lower | payloads | proposals | ts | endpoint | idpair
    const = { dir = "out" }            # constant facts added on a match
    values = { verb = { sending = "out" } }  # map raw text of a fact to a value
    observe = "notify-error:{notify}"  # observation code for the builder ({fact} substituted)
    note = "free text"
    samples = ["<real log line, verbatim>", ...]   # real lines (corpus / published logs)
    derived = ["<line built from the format string>"]  # only where no real line exists;
                                                   # every template needs samples or derived

Dispatch costs one dict lookup on the body's first word plus `startswith` checks; a regex runs
only for candidates whose literal prefix/keyword already matched, so a line usually costs one
regex try. Classification is lazy: the builder calls `classify()` on the events it needs.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import regex

from .event import Daemon, Event
from ..limits import REGEX_TIMEOUT

DATA_PACKAGE = "swandiag.parse.template_data"
FACT_TYPES = ("str", "int", "hex", "lower", "payloads", "proposals", "ts", "endpoint", "idpair")
_TEMPLATE_KEYS = {
    "id", "daemon", "groups", "prefix", "keyword", "regex", "types", "const", "values",
    "observe", "note", "samples", "derived",
}
_OBSERVE_FIELD = regex.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_IDPAIR = regex.compile(r"^(?P<addr>[^\[\]]*)\[(?P<id>.*)\]$")


class TemplateError(ValueError):
    """A template file is malformed; the message names the file and template."""


@dataclass(slots=True)
class Template:
    id: str
    daemon: str
    regex: regex.Pattern
    prefixes: tuple[str, ...] = ()
    keyword: str = ""
    groups: frozenset[str] = frozenset()
    types: dict[str, str] = field(default_factory=dict)
    const: dict[str, object] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    observe: str = ""
    note: str = ""
    samples: tuple[str, ...] = ()  # real lines, verbatim
    derived: tuple[str, ...] = ()  # lines instantiated from the daemon's format string
    source: str = ""  # file name, for messages
    sample_format: str = ""

    def accepts(self, body: str, group: str | None) -> bool:
        """Cheap literal checks (group, keyword) before the regex; the prefix was checked
        by the dispatcher."""
        if self.groups and group and group[:3] not in self.groups:
            return False
        return not self.keyword or self.keyword in body

    def facts(self, m: regex.Match) -> dict[str, object]:
        out: dict[str, object] = dict(self.const)
        for name, raw in m.groupdict().items():
            if raw is None:
                continue
            mapping = self.values.get(name)
            if mapping is not None and raw in mapping:
                out[name] = mapping[raw]
                continue
            out[name] = convert(raw, self.types.get(name, "str"))
        return out

    def observation(self, facts: dict[str, object]) -> str:
        """The observation code with `{fact}` fields filled in ('' when none)."""
        if not self.observe or "{" not in self.observe:
            return self.observe
        return _OBSERVE_FIELD.sub(lambda m: str(facts.get(m.group(1), "?")), self.observe)


def convert(raw: str, kind: str) -> object:
    """Convert a captured string to its declared type; a failed conversion keeps the text."""
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            return raw
    if kind == "hex":
        text = raw.lower()
        return text[2:] if text.startswith("0x") else text
    if kind == "lower":
        return raw.lower()
    if kind == "payloads":
        return split_payloads(raw)
    if kind == "proposals":
        return [p for p in (x.strip() for x in raw.split(", ")) if p]
    if kind == "ts":
        return raw.split()
    if kind == "endpoint":
        return parse_endpoint(raw)
    if kind == "idpair":
        try:
            m = _IDPAIR.match(raw.strip(), timeout=REGEX_TIMEOUT)
        except TimeoutError:
            m = None
        return [m.group("addr"), m.group("id")] if m else [raw, None]
    return raw


def parse_endpoint(raw: str) -> list[object]:
    """`192.0.2.1[4500]` → ['192.0.2.1', 4500]; `%any` → ['%any', None]; only a trailing
    `[digits]` is a port (`a[1][2]` → ['a[1]', 2])."""
    text = raw.strip()
    i = text.rfind("[")
    if i >= 0 and text.endswith("]") and text[i + 1:-1].isdecimal():
        return [text[:i], int(text[i + 1:-1])]
    return [text, None]


def split_payloads(raw: str) -> list[str]:
    """Split a payload list on blanks outside parentheses: `N(A) CPRQ(ADDR DNS)` → 2 items."""
    items: list[str] = []
    depth = 0
    cur: list[str] = []
    for ch in raw.strip():
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == " " and depth == 0:
            if cur:
                items.append("".join(cur))
                cur = []
            continue
        cur.append(ch)
    if cur:
        items.append("".join(cur))
    return items


@dataclass(slots=True)
class TemplateSet:
    """All templates of one daemon, indexed for dispatch: first word of each prefix ->
    (prefix, template) pairs, longest prefix first (stable: file order among equals)."""

    by_word: dict[str, list[tuple[str, Template]]] = field(default_factory=dict)
    keyword_only: list[Template] = field(default_factory=list)

    def add(self, t: Template) -> None:
        if not t.prefixes:
            self.keyword_only.append(t)
            return
        for prefix in t.prefixes:
            bucket = self.by_word.setdefault(first_word(prefix), [])
            bucket.append((prefix, t))
            bucket.sort(key=lambda pt: -len(pt[0]))

    def match(self, body: str, group: str | None) -> tuple[Template, dict[str, object]] | None:
        for prefix, t in self.by_word.get(first_word(body), ()):
            if not body.startswith(prefix):
                continue
            hit = _try(t, body, group)
            if hit is not None:
                return t, hit
        for t in self.keyword_only:  # most bodies contain none of these few keywords
            if t.keyword in body:
                hit = _try(t, body, group)
                if hit is not None:
                    return t, hit
        return None


def _try(t: Template, body: str, group: str | None) -> dict[str, object] | None:
    if not t.accepts(body, group):
        return None
    try:
        m = t.regex.match(body, timeout=REGEX_TIMEOUT)
    except TimeoutError:
        return None
    return t.facts(m) if m else None


def first_word(text: str) -> str:
    cut = text.find(" ")
    return text if cut < 0 else text[:cut]


@dataclass(slots=True)
class Table:
    templates: dict[str, Template] = field(default_factory=dict)
    sets: dict[str, TemplateSet] = field(default_factory=dict)  # Daemon value -> set

    def add(self, t: Template) -> None:
        if t.id in self.templates:
            other = self.templates[t.id]
            raise TemplateError(f"{t.source}: template id {t.id!r} already defined in {other.source}")
        self.templates[t.id] = t
        self.sets.setdefault(t.daemon, TemplateSet()).add(t)


def _compile_template(raw: dict, defaults: dict, source: str) -> Template:
    tid = raw.get("id")
    where = f"{source}: template {tid!r}"
    if not isinstance(tid, str) or not tid:
        raise TemplateError(f"{source}: a template has no id")
    unknown = set(raw) - _TEMPLATE_KEYS
    if unknown:
        raise TemplateError(f"{where}: unknown keys {sorted(unknown)}")
    daemon = raw.get("daemon", defaults.get("daemon"))
    try:
        Daemon(daemon)
    except ValueError:
        raise TemplateError(f"{where}: unknown daemon {daemon!r}") from None
    prefix = raw.get("prefix", ())
    prefixes = (prefix,) if isinstance(prefix, str) else tuple(prefix)
    keyword = raw.get("keyword", "")
    if not all(isinstance(p, str) and p for p in prefixes) or not isinstance(keyword, str):
        raise TemplateError(f"{where}: prefix must be a non-empty string or list of them")
    if not prefixes and not keyword:
        raise TemplateError(f"{where}: needs a prefix or a keyword")
    if any(p != p.lstrip() for p in prefixes):
        raise TemplateError(f"{where}: prefix must not start with blanks (bodies are stripped)")
    try:
        pattern = regex.compile(raw["regex"])
    except KeyError:
        raise TemplateError(f"{where}: no regex") from None
    except regex.error as exc:
        raise TemplateError(f"{where}: bad regex: {exc}") from None
    types = dict(raw.get("types", {}))
    for name, kind in types.items():
        if kind not in FACT_TYPES:
            raise TemplateError(f"{where}: fact {name!r} has unknown type {kind!r}")
        if name not in pattern.groupindex:
            raise TemplateError(f"{where}: typed fact {name!r} is not a named group")
    samples = raw.get("samples", [])
    derived = raw.get("derived", [])
    for name, value in (("samples", samples), ("derived", derived)):
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise TemplateError(f"{where}: {name} must be a list of strings")
    return Template(
        id=tid,
        daemon=daemon,
        regex=pattern,
        prefixes=prefixes,
        keyword=keyword,
        groups=frozenset(raw.get("groups", ())),
        types=types,
        const=dict(raw.get("const", {})),
        values={k: dict(v) for k, v in raw.get("values", {}).items()},
        observe=raw.get("observe", ""),
        note=raw.get("note", ""),
        samples=tuple(samples),
        derived=tuple(derived),
        source=source,
        sample_format=defaults.get("sample_format", ""),
    )


def load_file(path: Path | str, table: Table) -> None:
    source = Path(path).name
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"{source}: {exc}") from None
    defaults = data.get("file", {})
    for raw in data.get("template", []):
        table.add(_compile_template(raw, defaults, source))


def data_files() -> list[Path]:
    root = resources.files(DATA_PACKAGE)
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".toml"))


@lru_cache(maxsize=1)
def load() -> Table:
    """Load and compile every template file once."""
    table = Table()
    for path in data_files():
        load_file(path, table)
    return table


def body_of(text: str) -> str:
    return text.lstrip()


def classify(event: Event) -> str:
    """Set event.kind (template id, '' when none matched) and event.facts; return the kind.
    Idempotent: an event already classified is returned as is."""
    if event.kind is not None:
        return event.kind
    tset = load().sets.get(event.daemon.value)
    hit = tset.match(body_of(event.text), event.group) if tset else None
    if hit is None:
        event.kind, event.facts = "", None
    else:
        event.kind, event.facts = hit[0].id, hit[1]
    return event.kind


def match_text(text: str, daemon: str = "charon", group: str | None = None) -> tuple[str, dict] | None:
    """Classify a bare body (tests, tools)."""
    tset = load().sets.get(daemon)
    hit = tset.match(body_of(text), group) if tset else None
    return (hit[0].id, hit[1]) if hit else None


def template(tid: str) -> Template | None:
    return load().templates.get(tid)


def observation_for(event: Event) -> str:
    """The observation code an event's template declares ('' when none)."""
    if not classify(event):
        return ""
    t = load().templates[event.kind]
    return t.observation(event.facts or {})


def observation_codes() -> set[str]:
    return {t.observe for t in load().templates.values() if t.observe}
