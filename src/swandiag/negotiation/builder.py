"""Per-input negotiation builder: dispatches one input's events to its daemon's builder.

charon → negotiation.charon; racoon → negotiation.racoon; Apple IKEv2 → negotiation.apple.
The client-side builders are imported lazily so a missing one degrades to "no negotiations"
for that input instead of breaking the run.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from itertools import chain

from ..analysis import InputSummary
from ..parse.event import Daemon, Event
from .records import Negotiation

# daemon value -> (module, function) building list[Negotiation] from (events, summary)
_BUILDERS = {
    Daemon.CHARON.value: ("swandiag.negotiation.charon", "build_charon"),
    Daemon.RACOON.value: ("swandiag.negotiation.racoon", "build_racoon"),
    Daemon.APPLE_IKEV2.value: ("swandiag.negotiation.apple", "build_apple"),
    Daemon.APPLE_NE.value: ("swandiag.negotiation.apple", "build_apple"),
    "apple": ("swandiag.negotiation.apple", "build_apple"),  # InputSummary.daemon of a macOS log
}


def _builder_for(daemon: str | None):
    target = _BUILDERS.get(daemon or "")
    if target is None:
        return None
    try:
        module = importlib.import_module(target[0])
    except ImportError:
        return None  # that builder has not landed yet
    return getattr(module, target[1], None)


_LOOKAHEAD = 10_000  # leading events of other programs handed on to the builder; later ones dropped


def build(events: Iterable[Event], summary: InputSummary, keep=None) -> list[Negotiation]:
    """Rebuild the negotiations of one input. The daemon comes from the summary or, when the
    parse stage left it open (it is final only once the stream is read), from the first event
    of a daemon swandiag has a builder for: an input may begin with journalctl's `-- Boot … --`
    line or another program's messages. `keep` (negotiation.retention.Retention) bounds which
    events a negotiation keeps; builders without that support keep them all."""
    it: Iterator[Event] = iter(events)
    head: list[Event] = []
    first = None
    for ev in it:
        if summary.daemon or ev.daemon.value in _BUILDERS:
            first = ev
            break
        if len(head) < _LOOKAHEAD:
            head.append(ev)
    if first is None:  # (the stream is read to its end: the summary is complete)
        return []
    builder = _builder_for(summary.daemon or first.daemon.value)
    stream = chain(head, (first,), it)
    if builder is None:
        for _ in stream:  # drain: the summary is complete only once the events are consumed
            pass
        return []
    if keep is not None and getattr(builder, "__name__", "") in _RETAINING:
        return builder(stream, summary, keep=keep)
    return builder(stream, summary)


_RETAINING = {"build_charon"}  # builders taking `keep=`
