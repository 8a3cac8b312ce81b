"""Which of a negotiation's events it keeps (bounded memory on busy logs).

A busy gateway log at level 2+ is mostly noise for the diagnosis: ENC `parsing rule` /
`parsing body of message` lines, hex-dump rows, socket chatter. Keeping every event of every
negotiation made the Analysis grow with the input (1.9 GB for 200 MB of log). A `Retention`
decides per event, as the builder groups it:

- kept: every event a message template recognised (`kind`: all structured facts, observations,
  messages, packets and every evidence reference come from those), error-like lines without a
  template (for the reader), vendor IDs (platform fingerprints), and every event the loaded
  signatures' `events` conditions could match (`needed`, from rules.retention: so every
  condition sees the same matches as with all events kept);
- not kept: the rest. The negotiation still records where they were (`other_lines`: line and
  line count, 8 bytes each) and its first event is always kept (it is cited for siblings and
  lint findings), so views that show "the lines of this negotiation" stay complete.

Builders called without a Retention (tests, tools) keep every event, as before.
"""
from __future__ import annotations

from collections.abc import Callable

import regex

from ..parse.event import Event
from ..limits import REGEX_TIMEOUT as _TIMEOUT

_CACHE_MAX = 1 << 16
# lines a reader would want even without a template (not used by any rule as such)
_WORTH_KEEPING = regex.compile(
    r"fail|error|unable|invalid|cannot|can't|could not|not (?:found|supported|implemented|allowed)|refus|reject"
    r"|denied|time(?:d )?out|unacceptable|mismatch|abort|expired|unknown|vendor ID|no \w+ (?:found|available)",
    regex.IGNORECASE)


def worth_keeping(text: str) -> bool:
    try:
        return _WORTH_KEEPING.search(text, timeout=_TIMEOUT) is not None
    except TimeoutError:
        return True


class Retention:
    """`retention(event) -> bool`: keep this event in its negotiation's `events`?

    `needed(event) -> bool` says whether some signature condition could match the event;
    `needed_by_text`: its answer depends only on the event's text, group and level (then it is
    cached per distinct line body: the noise repeats)."""

    __slots__ = ("needed", "by_text", "_cache")

    def __init__(self, needed: Callable[[Event], bool] | None = None, needed_by_text: bool = True) -> None:
        self.needed = needed
        self.by_text = needed_by_text
        self._cache: dict[tuple, bool] = {}

    def __call__(self, ev: Event) -> bool:
        if ev.kind or ev.kind is None:  # a template recognised it (or it was never classified)
            return True
        key = (ev.text, ev.group, ev.level)
        keep = self._cache.get(key)
        if keep is None:
            keep = worth_keeping(ev.text) or (self.by_text and self.needed is not None and self.needed(ev))
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[key] = keep
        if not keep and not self.by_text and self.needed is not None:
            keep = self.needed(ev)
        return keep


def facts_of(ev: Event) -> dict[str, object]:
    """An event's template facts. A kept event's facts dict is released once the builder has
    applied it (it is most of a kept event's memory) and recomputed here from its text when
    read again: same template, same text, same facts. Never stored back."""
    f = ev.facts
    if f is not None or not ev.kind:
        return f or {}
    from ..parse.templates import body_of, load

    tset = load().sets.get(ev.daemon.value)
    hit = tset.match(body_of(ev.text), ev.group) if tset else None
    return dict(hit[1]) if hit is not None and hit[0].id == ev.kind else {}
