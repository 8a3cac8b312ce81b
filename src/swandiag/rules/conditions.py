"""The condition language of signatures: parsed from TOML tables, evaluated on a Case.

Every condition is a small record with `eval(case, captures) -> list[Hit] | None`: None means
"does not hold", a list (possibly empty) means it holds, with the evidence it matched.
The kinds (see docs/patterns.md for the TOML form):
- Items: a collection of one side's negotiation (messages, observations, events, children,
  certs, auth, deletes, siblings) has between `min` and `max` items passing field tests;
- Fact: a value at a dotted path of a side's negotiation (`input.*` = its input summary) or of
  the lint model (`on = "lint"`) passes field tests;
- Present: a side is present in the case;
- Sequence: item conditions that hold in this order (corrected time, then line);
- All / Any / Not.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..negotiation.records import EventRef
from ..negotiation.retention import facts_of
from ..parse.event import Event
from .case import SIDES, Case, Hit, run_facts
from .values import Op, SignatureError, lookup, norm, parse_ops

ON_VALUES = ("gateway", "client", "any", "both", "lint", "run")
COLLECTIONS = ("messages", "observations", "events", "children", "certs", "auth", "deletes", "siblings")
COMMON = {"on", "cite", "min", "max"}


@dataclass(slots=True)
class Items:
    on: str
    collection: str
    where: dict[str, list[Op]]
    min: int = 1
    max: int | None = None
    same: tuple[str, ...] = ()  # siblings only: fields equal to this side's negotiation
    cite: bool = True

    def eval(self, case: Case, captures: dict[str, Any]) -> list[Hit] | None:
        if self.on == "lint":
            return self._lint(case, captures)
        if self.on == "run":
            return self._lint(case, captures, run_facts(case.analysis, case.shared))
        results = [self._side(case, side, captures) for side in _sides(self.on, case)]
        if self.on == "both":
            return None if any(r is None for r in results) or not results else [h for r in results for h in r]
        ok = [r for r in results if r is not None]
        if not ok:
            return None
        return [h for r in ok for h in r]

    def _lint(self, case: Case, captures: dict[str, Any], model: Any = None) -> list[Hit] | None:
        """Over a list of the lint model, or of the run facts (`on = "run"`, see case.RunFacts)."""
        model = case.analysis.lint if model is None else model
        if model is None:
            return None
        items = [x for v in lookup(model, self.collection) for x in (v if isinstance(v, (list, tuple)) else [v])]
        matched = [item for item in items if all(field_ok(item, n, ops, {}) for n, ops in self.where.items())]
        hits = [_loc_hit(item) for item in matched]
        if len(hits) < self.min or (self.max is not None and len(hits) > self.max):
            return None
        for item in matched:  # lint issues (lint.records.LintIssue) carry {fact.*} values and more places to cite
            for key, value in (getattr(item, "facts", None) or {}).items():
                captures.setdefault(key, value)
            hits.extend(Hit("config", None, None, {}, text=str(text), source=str(loc.path), line=int(loc.line or 0))
                        for loc, text in getattr(item, "evidence", None) or ())
        return [h for h in hits if h is not None] if self.cite else []

    def _side(self, case: Case, side: str, captures: dict[str, Any]) -> list[Hit] | None:
        neg = case.negotiation(side)
        if neg is None:
            return None
        got = self._siblings(case, side, neg) if self.collection == "siblings" else None
        if got is not None:
            hits, local = list(got[0]), got[1]
        else:
            local = {}
            hits = []
            mine = [lookup(neg, f) for f in self.same]
            for item in _collection(case, side, self.collection):
                if self.same and any(lookup(item, f) != v for f, v in zip(self.same, mine)):
                    continue
                if all(field_ok(item, name, ops, local) for name, ops in self.where.items()):
                    hits.append(_hit(case, side, self.collection, item))
        if len(hits) < self.min or (self.max is not None and len(hits) > self.max):
            return None
        for hit in hits:
            for key, value in hit.facts.items():
                captures.setdefault(key, value)
        for key, value in local.items():
            captures.setdefault(key, value)
        return hits if self.cite else []

    def _siblings(self, case: Case, side: str, neg: Any) -> tuple[list[Hit], dict[str, Any]] | None:
        """Siblings without a scan per case: the negotiations of one input are tested once per
        (condition, side, input) and bucketed by their `same` fields, in input order, each bucket
        with its own captures — what the per-case scan over every negotiation of the input gives
        for a case of that bucket. None when a `same` value cannot be a dict key (then: scan)."""
        memo = case.shared.setdefault("siblings", {})
        slot = (id(self), side, neg.input)
        entry = memo.get(slot)
        if entry is None or entry[0] is not self:
            buckets: dict[Any, tuple[list[Hit], dict[str, Any]]] = {}
            try:
                for item in case.siblings(side):
                    key = _same_key(item, self.same)
                    bucket = buckets.get(key)
                    if bucket is None:
                        bucket = buckets[key] = ([], {})
                    if all(field_ok(item, name, ops, bucket[1]) for name, ops in self.where.items()):
                        bucket[0].append(_hit(case, side, self.collection, item))
            except TypeError:  # unhashable `same` value
                buckets = None
            entry = memo[slot] = (self, buckets)
        if entry[1] is None:
            return None
        try:
            return entry[1].get(_same_key(neg, self.same), ([], {}))
        except TypeError:
            return None


def _same_key(item: Any, fields: tuple[str, ...]) -> tuple:
    key = tuple(tuple(lookup(item, f)) for f in fields)
    hash(key)
    return key


@dataclass(slots=True)
class Fact:
    on: str
    path: str
    ops: list[Op]
    cite: bool = True
    among: str | None = None  # `in-fact` / `not-in-fact`: a path on the same side (input.* = its summary)
    among_negated: bool = False

    def eval(self, case: Case, captures: dict[str, Any]) -> list[Hit] | None:
        if self.on == "lint":
            return self._check(case.analysis.lint, "config", case, captures) if case.analysis.lint is not None else None
        if self.on == "run":
            return self._check(run_facts(case.analysis, case.shared), "run", case, captures)
        results = []
        for side in _sides(self.on, case):
            neg = case.negotiation(side)
            if neg is None:
                results.append(None)
                continue
            root, path = _root(case, side, self.path)
            ops = self.ops if self.among is None else [*self.ops, _among_op(case, side, self.among, self.among_negated)]
            results.append(self._check(root, side, case, captures, path, ops))
        if self.on == "both":
            return None if not results or any(r is None for r in results) else [h for r in results for h in r]
        ok = [r for r in results if r is not None]
        return [h for r in ok for h in r] if ok else None

    def _check(self, root: Any, side: str, case: Case, captures: dict[str, Any], path: str | None = None,
               ops: list[Op] | None = None) -> list[Hit] | None:
        values = lookup(root, self.path if path is None else path) or [None]
        for value in values:
            local: dict[str, Any] = {}
            if all(op.test(value, local) for op in (self.ops if ops is None else ops)):
                captures.update({k: v for k, v in local.items() if k not in captures})
                return _fact_evidence(case, side, root, self.path) if self.cite else []
        return None


@dataclass(slots=True)
class Present:
    side: str
    want: bool = True

    def eval(self, case: Case, captures: dict[str, Any]) -> list[Hit] | None:
        if self.side == "lint":
            return [] if (case.analysis.lint is not None) == self.want else None
        if self.side == "both":
            have = case.paired
        else:
            have = case.present(self.side)
        return [] if have == self.want else None


@dataclass(slots=True)
class Sequence:
    steps: list[Any]

    def eval(self, case: Case, captures: dict[str, Any]) -> list[Hit] | None:
        chain: list[Hit] = []
        last: tuple[float, int] | None = None
        for step in self.steps:
            hits = step.eval(case, captures)
            if not hits:
                return None
            later = [h for h in hits if last is None or _order(h) > last]
            if not later:
                return None
            first = min(later, key=_order)
            chain.append(first)
            last = _order(first)
        return chain


@dataclass(slots=True)
class Optional:
    """Cites its evidence when it holds, never fails (evidence from the other side)."""

    part: Any

    def eval(self, case: Case, captures: dict[str, Any]) -> list[Hit] | None:
        got = self.part.eval(case, captures)
        return got or []


@dataclass(slots=True)
class All:
    parts: list[Any]

    def eval(self, case: Case, captures: dict[str, Any]) -> list[Hit] | None:
        hits: list[Hit] = []
        for part in self.parts:
            got = part.eval(case, captures)
            if got is None:
                return None
            hits.extend(got)
        return hits


@dataclass(slots=True)
class AnyOf:
    parts: list[Any]

    def eval(self, case: Case, captures: dict[str, Any]) -> list[Hit] | None:
        for part in self.parts:
            got = part.eval(case, captures)
            if got is not None:
                return got
        return None


@dataclass(slots=True)
class Not:
    part: Any

    def eval(self, case: Case, captures: dict[str, Any]) -> list[Hit] | None:
        return [] if self.part.eval(case, {}) is None else None


# --- evaluation helpers ---------------------------------------------------------------

def _root(case: Case, side: str, path: str) -> tuple[Any, str]:
    if path.startswith("input."):
        return case.input_summary(side), path[len("input."):]
    return case.negotiation(side), path


def _among_op(case: Case, side: str, path: str, negated: bool) -> Op:
    """`in-fact`: the value equals (ignoring case: identities, names) one at `path` of this side."""
    root, rest = _root(case, side, path)
    pool = [v for x in lookup(root, rest) for v in (x if isinstance(x, (list, tuple)) else [x]) if v is not None]
    return Op("not-in-fold" if negated else "in-fold", [str(norm(v)) for v in pool])


def _sides(on: str, case: Case) -> list[str]:
    return list(SIDES) if on in ("any", "both") else [on]


def _order(hit: Hit) -> tuple[float, int]:
    return (hit.ts if hit.ts is not None else float("-inf"), hit.ref.line if hit.ref else 0)


def _collection(case: Case, side: str, name: str) -> list[Any]:
    if name == "siblings":
        return case.siblings(side)
    neg = case.negotiation(side)
    return list(getattr(neg, name)) if neg is not None else []


def field_ok(item: Any, name: str, ops: list[Op], captures: dict[str, Any]) -> bool:
    if name == "facts" or name.startswith("facts."):
        facts = _facts(item)
        values = lookup(facts or {}, name[len("facts."):]) if "." in name else [facts]
    elif name == "is_request" or name == "request":
        values = [getattr(item, "is_request", None)]
    else:
        values = lookup(item, name)
    values = values or [None]
    return any(all(op.test(v, captures) for op in ops) for v in values)


def _facts(item: Any) -> Any:
    """An item's facts; an event's are recomputed when the builder released them."""
    if isinstance(item, Event):
        return facts_of(item) if item.facts is None and item.kind else item.facts
    return getattr(item, "facts", None)


def _ref_of(item: Any) -> EventRef | None:
    ref = getattr(item, "ref", None)
    if isinstance(ref, EventRef):
        return ref
    refs = getattr(item, "refs", None)
    if refs:
        return refs[0]
    if hasattr(item, "input") and hasattr(item, "line") and isinstance(getattr(item, "line"), int):
        return EventRef(item.input, item.line)  # an Event
    return None


def _hit(case: Case, side: str, collection: str, item: Any) -> Hit:
    if collection == "siblings":
        first = item.events[0] if item.events else None
        ref = EventRef(first.input, first.line) if first is not None else None
        return Hit(side, ref, case.corrected(item.first_ts, item.input), {}, text=first.text if first is not None else None)
    ref = _ref_of(item)
    ts = getattr(item, "ts", None)
    if ts is None and collection == "children":
        ts = getattr(item, "established_at", None)
    facts: dict[str, Any] = {}
    if collection == "events":
        facts = dict(_facts(item) or {})
    elif collection == "observations":
        facts = dict(item.detail or {})
    elif collection == "messages":
        facts = {"size": item.size, "exchange": item.exchange, "payloads": list(item.payloads)}
    neg = case.negotiation(side)
    return Hit(side, ref, case.corrected(ts, ref.input if ref else (neg.input if neg else 0)), facts)


def _fact_evidence(case: Case, side: str, root: Any, path: str) -> list[Hit]:
    """Proposal sets point at their lines; lint facts may carry file/line."""
    head = path.split(".")[0]
    if side == "run":
        return []
    if side != "config":
        refs = getattr(getattr(root, head, None), "refs", None)
        return [Hit(side, r, None) for r in refs[:3]] if refs else []
    hits = [_loc_hit(v) for v in (lookup(root, path.rsplit(".", 1)[0]) if "." in path else [])]
    return [h for h in hits if h is not None][:3]


def _loc_hit(item: Any) -> Hit | None:
    """Evidence for a lint record: its `loc` (path, line)."""
    loc = getattr(item, "loc", None)
    path, line = getattr(loc, "path", None), getattr(loc, "line", None)
    if not path:
        return None
    label = getattr(item, "text", None) or getattr(item, "name", None) or getattr(item, "subject", None) or type(item).__name__
    side = getattr(item, "side", None) if isinstance(getattr(item, "side", None), str) else "config"
    return Hit(side, None, None, {}, text=str(label), source=str(path), line=int(line or 0))


# --- parsing ---------------------------------------------------------------------------

def parse_when(spec: Any, where: str) -> All:
    """The `when` array of a signature: every entry must hold."""
    if isinstance(spec, dict):
        spec = [spec]
    if not isinstance(spec, list) or not spec:
        raise SignatureError(f"{where}: 'when' must be a non-empty array of condition tables")
    return All([parse_condition(c, f"{where}.when[{i}]") for i, c in enumerate(spec)])


def parse_condition(spec: Any, where: str, on: str = "any") -> Any:
    if not isinstance(spec, dict):
        raise SignatureError(f"{where}: a condition must be a table, got {type(spec).__name__}")
    if spec.get("optional"):
        return Optional(parse_condition({k: v for k, v in spec.items() if k != "optional"}, where, on))
    on = spec.get("on", on)
    if on not in ON_VALUES:
        raise SignatureError(f"{where}: on = {on!r}, expected one of {', '.join(ON_VALUES)}")
    cite = bool(spec.get("cite", True))
    if "items" in spec:  # generic form: { items = "certs", where = { ... } } (any side or the lint model)
        spec = {**{k: v for k, v in spec.items() if k not in ("items", "where")}, str(spec["items"]): spec.get("where", {})}
        if on not in ("lint", "run") and next(k for k in spec if k not in COMMON | {"same"}) not in COLLECTIONS:
            raise SignatureError(f"{where}: items must be one of {', '.join(COLLECTIONS)} (or any list of the lint model with on = \"lint\")")
    kinds = [k for k in ("all", "any", "not", "sequence", "fact", "present", "observation", *COLLECTIONS) if k in spec]
    if on in ("lint", "run") and not kinds:
        kinds = [k for k in spec if k not in COMMON | {"same"}][:1]
    if len(kinds) != 1:
        raise SignatureError(f"{where}: a condition needs exactly one of all/any/not/sequence/fact/present/"
                             f"observation/{'/'.join(COLLECTIONS)}, got {kinds or 'none'}")
    kind = kinds[0]
    if kind in ("all", "any", "sequence"):
        _only(spec, {kind, "on"}, where)
        parts = spec[kind]
        if not isinstance(parts, list) or not parts:
            raise SignatureError(f"{where}: {kind} needs a non-empty array")
        parsed = [parse_condition(p, f"{where}.{kind}[{i}]", on) for i, p in enumerate(parts)]
        return All(parsed) if kind == "all" else AnyOf(parsed) if kind == "any" else Sequence(parsed)
    if kind == "not":
        _only(spec, {"not", "on"}, where)
        return Not(parse_condition(spec["not"], f"{where}.not", on))
    if kind == "present":
        _only(spec, {"present", "on"}, where)
        value = spec["present"]
        if isinstance(value, bool):
            return Present(on if on != "any" else "both", value)
        if value not in ("gateway", "client", "both", "lint"):
            raise SignatureError(f"{where}: present = {value!r}, expected gateway/client/both/lint or a boolean")
        return Present(value, True)
    if kind == "fact":
        among_keys = [k for k in ("in-fact", "not-in-fact") if k in spec]
        ops = {k: v for k, v in spec.items() if k not in ("fact", "on", "cite", *among_keys)}
        if not ops and not among_keys:
            raise SignatureError(f"{where}: fact {spec['fact']!r} needs at least one operator")
        if len(among_keys) > 1 or (among_keys and (on == "lint" or not isinstance(spec[among_keys[0]], str))):
            raise SignatureError(f"{where}: in-fact / not-in-fact takes one path of the same side (not with on = \"lint\")")
        among = spec[among_keys[0]] if among_keys else None
        return Fact(on, str(spec["fact"]), parse_ops(ops, f"{where}.{spec['fact']}"), cite,
                    among=among, among_negated=among_keys == ["not-in-fact"])
    if kind == "observation":
        _only(spec, COMMON | {"observation", "direction"}, where)
        where_ops = {"code": [Op("has-any", spec["observation"] if isinstance(spec["observation"], list) else [spec["observation"]])]}
        if "direction" in spec:
            where_ops["direction"] = parse_ops(spec["direction"], where)
        return Items(on, "observations", where_ops, *_bounds(spec, where), cite=cite)
    # a collection
    _only(spec, COMMON | {kind, "same"}, where)
    table = spec[kind]
    if not isinstance(table, dict):
        raise SignatureError(f"{where}: {kind} needs a table of field tests")
    same = spec.get("same", ())
    if same and kind != "siblings":
        raise SignatureError(f"{where}: 'same' only applies to siblings")
    where_ops = {name: parse_ops(test, f"{where}.{kind}.{name}") for name, test in table.items()}
    return Items(on, kind, where_ops, *_bounds(spec, where), same=tuple([same] if isinstance(same, str) else same), cite=cite)


def _bounds(spec: dict, where: str) -> tuple[int, int | None]:
    hi = spec.get("max")
    lo = spec.get("min", 0 if hi is not None else 1)
    if not isinstance(lo, int) or (hi is not None and not isinstance(hi, int)):
        raise SignatureError(f"{where}: min/max must be integers")
    return lo, hi


def _only(spec: dict, allowed: set[str], where: str) -> None:
    extra = set(spec) - allowed - {"cite"}
    if extra:
        raise SignatureError(f"{where}: unexpected key(s) {', '.join(sorted(extra))}")


__all__ = ["All", "AnyOf", "Fact", "Items", "Not", "Present", "Sequence", "parse_condition", "parse_when", "norm"]


# --- cheap necessary conditions (the engine's pre-check) --------------------------------

Requirement = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # alternatives: (sides, code patterns)


def required_codes(cond: Any) -> list[Requirement]:
    """Necessary conditions on observation codes a condition implies: each requirement holds
    when at least one of its alternatives does — one of `sides` has an observation whose code
    matches one of the patterns (exact, or prefix when ending in '*'). Empty: nothing known.
    Only non-optional, non-negated observation tests with min >= 1 give requirements, so a case
    failing one cannot match: the engine skips the signature without evaluating anything."""
    if isinstance(cond, (All, Sequence)):
        return [r for part in (cond.parts if isinstance(cond, All) else cond.steps) for r in required_codes(part)]
    if isinstance(cond, AnyOf):
        alternatives: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        for part in cond.parts:
            reqs = required_codes(part)
            if not reqs:
                return []
            alternatives.extend(reqs[0])
        return [tuple(alternatives)]
    if isinstance(cond, Items) and cond.collection == "observations" and cond.min >= 1 and cond.on not in ("lint", "run"):
        patterns: list[str] = []
        for op in cond.where.get("code", ()):
            if op.name in ("has-any", "in") and all(isinstance(x, str) for x in op.arg):
                patterns = list(op.arg)
                break
            if op.name == "equals" and isinstance(op.arg, str):
                patterns = [op.arg]
                break
        if patterns:
            sides = SIDES if cond.on in ("any", "both") else (cond.on,)
            return [((tuple(sides), tuple(patterns)),)]
    return []


def codes_allow(requirements: list[Requirement], case: Case) -> bool:
    """Whether the case can meet every requirement (see required_codes)."""
    for req in requirements:
        for sides, patterns in req:
            if any(_code_present(case.codes(s), patterns) for s in sides if case.present(s)):
                break
        else:
            return False
    return True


def _code_present(codes: frozenset[str], patterns: tuple[str, ...]) -> bool:
    for p in patterns:
        if p.endswith("*"):
            prefix = p[:-1]
            if any(c.startswith(prefix) for c in codes):
                return True
        elif p in codes:
            return True
    return False
