"""Small helpers the client-side builders (racoon, Apple) share: evidence pointers and the
observations a template declares (`observe` in template_data/*.toml)."""
from __future__ import annotations

from ..parse.event import Event
from ..parse.templates import classify, observation_for
from .records import Direction, EventRef, Negotiation, Observation


def ref(event: Event) -> EventRef:
    return EventRef(event.input, event.line)


def kind(event: Event) -> str:
    """The event's template id ('' when no template matched); classifies lazily."""
    return classify(event)


def facts(event: Event) -> dict[str, object]:
    return event.facts or {}


def observe(neg: Negotiation, event: Event, code: str = "", direction: Direction | None = None,
            **detail: object) -> Observation:
    """Attach an observation: `code`, or else the one the event's template declares."""
    obs = Observation(code=code or observation_for(event), ts=event.ts, ref=ref(event),
                      direction=direction, detail=dict(detail) if detail else dict(facts(event)))
    neg.observations.append(obs)
    return obs


def attach(neg: Negotiation, event: Event) -> str:
    """Add an event to a negotiation: its events, its time span, and the observation its
    template declares; returns that observation's code ('' for none)."""
    neg.events.append(event)
    if event.ts is not None:
        neg.first_ts = event.ts if neg.first_ts is None else min(neg.first_ts, event.ts)
        neg.last_ts = event.ts if neg.last_ts is None else max(neg.last_ts, event.ts)
    code = observation_for(event)
    if code:
        observe(neg, event, code)
    return code


def endpoint(value: object) -> tuple[str | None, int | None]:
    """A template `endpoint` fact (['addr', port]) as a tuple; anything else as (None, None)."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        addr, port = value
        return (str(addr) if addr else None, port if isinstance(port, int) else None)
    return None, None


def ep_text(addr: str | None, port: int | None) -> str | None:
    """An endpoint as a Message prints it: 'addr[port]', 'addr' without a port, None without an address."""
    if addr is None:
        return None
    return f"{addr}[{port}]" if port is not None else addr


def hex8(value: object) -> str | None:
    """An SPI as 8 lower-case hex digits ('1c24246' → '01c24246')."""
    if not isinstance(value, str) or not value:
        return None
    text = value.lower().removeprefix("0x")
    return text.zfill(8) if len(text) <= 8 else text
