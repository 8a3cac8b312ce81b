"""What the loaded signatures need of the events a negotiation keeps (see
negotiation.retention): every event some `events` condition could match.

`retention_for(signatures)` returns the Retention the builder applies, or None when a signature
reaches events in a way this cannot bound (a fact path or sibling field through `events`, an
`events` condition without field tests): then every event is kept.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..negotiation.retention import Retention
from .conditions import All, AnyOf, Fact, Items, Not, Optional, Sequence, field_ok
from .signature import Signature

# event fields whose values follow from the line body (text) with its group and level
_BY_TEXT = {"text", "kind", "facts", "group", "level"}


def retention_for(signatures: Iterable[Signature]) -> Retention | None:
    wheres: list[dict[str, Any]] = []
    for sig in signatures:
        for node in _walk(sig.when):
            if isinstance(node, Items) and node.on != "lint":
                if node.collection == "events":
                    if not node.where:
                        return None  # any event counts
                    wheres.append(node.where)
                elif any(_reaches_events(k) for k in (*node.where, *node.same)):
                    return None
            elif isinstance(node, Fact) and node.on != "lint":
                if _reaches_events(node.path) or (node.among is not None and _reaches_events(node.among)):
                    return None
    by_text = all(name.split(".")[0] in _BY_TEXT for w in wheres for name in w)

    def needed(ev: Any) -> bool:
        return any(all(field_ok(ev, name, ops, {}) for name, ops in w.items()) for w in wheres)

    return Retention(needed if wheres else None, needed_by_text=by_text)


def _reaches_events(path: str) -> bool:
    head = path.split(".", 1)[0]
    return head in ("events", "*") or head.startswith("_")


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, (All, AnyOf)):
        for part in node.parts:
            yield from _walk(part)
    elif isinstance(node, Sequence):
        for step in node.steps:
            yield from _walk(step)
    elif isinstance(node, (Not, Optional)):
        yield from _walk(node.part)
