"""The two-lane ladder (gateway | client) of one negotiation and its peer, in corrected time."""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..correlate.align import matched_messages
from ..negotiation.records import Direction, EventRef, Message, Negotiation, Observation
from .model import AnalysisView, clock, input_colour

LABEL = 26  # widest lane label
ARROW = 16  # widest arrow
TIME = 14  # "HH:MM:SS.mmm  "
STAGE_OF_EXCHANGE = {
    "ID_PROT": "MAIN_MODE", "MAIN_MODE": "MAIN_MODE", "AGGRESSIVE": "AGGRESSIVE_MODE",
    "TRANSACTION": "XAUTH", "CREATE_CHILD_SA": "CHILD_SA", "INFORMATIONAL_V1": "INFORMATIONAL",
}


@dataclass(slots=True)
class Rung:
    """One row of the ladder: a message crossing (or failing to cross) between the lanes, or a
    note on one lane."""

    ts: float | None  # corrected time of the first sighting
    lane: int  # 0 = gateway, 1 = client: who sent it / whose note it is
    label: str
    ref: EventRef | None
    delay: float | None = None  # receive time - send time (corrected)
    state: str = "matched"  # matched | lost | unseen-send | unpaired | note | failure
    retransmits: int = 0
    failing: bool = False
    order: tuple[int, int] = (1 << 32, 0)  # (message id, 0 request / 1 response) to break time ties


def _label(m: Message) -> str:
    kind = "req" if m.is_request else "resp"
    mid = f" #{m.mid}" if m.mid is not None and m.mid < 1 << 16 else ""
    return f"{m.exchange} {kind}{mid}"


def rungs(view: AnalysisView, neg: Negotiation) -> list[Rung]:
    lanes = view.lanes(neg)
    both = all(x is not None for x in lanes)
    out: list[Rung] = []
    # which receive is which send: the correlate stage's alignment of the pair
    received: dict[int, Message] = {}
    if both:
        received = {id(s): r for s, r in matched_messages(lanes[0], lanes[1], view.analysis.correlation)}
    used = {id(r) for r in received.values()}
    # every send first, matched to the other side's receive; then receives nobody logged sending
    for lane, side in enumerate(lanes):
        if side is None:
            continue
        other = lanes[1 - lane]
        for m in side.messages:
            if m.direction is not Direction.OUT:
                continue
            t = view.corrected(side.input, m.ts)
            match = received.get(id(m))
            if match is not None:
                rt = view.corrected(other.input, match.ts)
                delay = rt - t if rt is not None and t is not None else None
                out.append(Rung(t, lane, _label(m), m.ref, delay, "matched", m.retransmits, order=_order(m)))
            else:
                out.append(Rung(t, lane, _label(m), m.ref, None, "lost" if both else "unpaired", m.retransmits,
                                order=_order(m)))
    for lane, side in enumerate(lanes):
        if side is None:
            continue
        for m in side.messages:
            if m.direction is Direction.IN and id(m) not in used:
                state = "unseen-send" if both else "unpaired"
                out.append(Rung(view.corrected(side.input, m.ts), 1 - lane, _label(m), m.ref, None, state,
                                order=_order(m)))
    for lane, side in enumerate(lanes):
        if side is None:
            continue
        for ob in side.observations:
            out.append(Rung(view.corrected(side.input, ob.ts), lane, _note(ob), ob.ref, state="note"))
        if side.failed_stage is not None or side.failure_reason:
            stage = side.failed_stage.value if side.failed_stage else "?"
            why = f": {side.failure_reason}" if side.failure_reason else ""
            out.append(Rung(view.corrected(side.input, side.last_ts), lane, f"✖ failed at {stage}{why}",
                            None, state="failure", failing=True))
            for r in out:
                if r.state in ("matched", "lost", "unseen-send", "unpaired") and _stage(r.label) == stage:
                    r.failing = True
    # logs with whole-second times tie a lot: then requests before responses, by message id
    out.sort(key=lambda r: (r.ts is None, r.ts or 0.0, r.order, r.state == "failure"))
    return out


def _order(m: Message) -> tuple[int, int]:
    mid = m.mid if m.mid is not None and m.mid < 1 << 16 else (1 << 31)
    return (mid, 0 if m.is_request else 1)


def _stage(label: str) -> str:
    exchange = label.split(" ", 1)[0]
    return STAGE_OF_EXCHANGE.get(exchange, exchange)


def _note(ob: Observation) -> str:
    return f"• {ob.code}"


def widths(total: int) -> tuple[int, int]:
    """(label, arrow) widths that fit a ladder of `total` cells (the delay column needs 9)."""
    room = max(30, total - TIME - 2 - 9)
    arrow = max(6, min(ARROW, room // 5))
    label = max(10, min(LABEL, (room - arrow) // 2))
    return label, arrow


def render_rung(r: Rung, total: int = 120) -> Text:
    LABEL, ARROW = widths(total)  # noqa: N806 - local widths shadow the defaults
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append(clock(r.ts), "dim")
    t.append("  ")
    style = "bold red" if r.failing else ""
    label = r.label[:LABEL]
    retry = f" ↻{r.retransmits}" if r.retransmits else ""
    if r.state in ("note", "failure"):
        note_style = "bold red" if r.state == "failure" else "italic"
        if r.lane == 0:
            t.append(r.label[: LABEL + ARROW + 2], note_style)
        else:
            t.append(" " * (LABEL + ARROW + 2))
            t.append(label, note_style)
        return t
    if r.state == "matched":
        shaft = "─" * (ARROW - 1)
        arrow = shaft + "▶" if r.lane == 0 else "◀" + shaft
        arrow_style = "red" if r.failing else "green"
    elif r.state == "lost":
        arrow = ("─" * (ARROW - 2) + " ✗") if r.lane == 0 else ("✗ " + "─" * (ARROW - 2))
        arrow_style = "bold red"
    elif r.state == "unseen-send":
        arrow = ("┄" * (ARROW - 1) + "▶") if r.lane == 0 else ("◀" + "┄" * (ARROW - 1))
        arrow_style = "yellow"
    else:  # unpaired: the other side has no log of it
        arrow = ("─" * (ARROW - 3) + "▷ ?") if r.lane == 0 else ("? ◁" + "─" * (ARROW - 3))
        arrow_style = "dim"
    left = (label + retry) if r.lane == 0 else ""
    right = (label + retry) if r.lane == 1 else ""
    t.append(left[:LABEL].rjust(LABEL), style or "bold")
    t.append(" ")
    t.append(arrow, arrow_style)
    t.append(" ")
    t.append(right.ljust(LABEL), style or "bold")
    if r.delay is not None:
        t.append(f" {r.delay * 1000:+.0f} ms", "dim")
    if r.state == "lost":
        t.append(" lost", "bold red")
    return t


def header(view: AnalysisView, neg: Negotiation, total: int = 120) -> Text:
    LABEL, ARROW = widths(total)  # noqa: N806
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append(" " * TIME)
    for lane, side in enumerate(view.lanes(neg)):
        name = "gateway" if lane == 0 else "client"
        if side is None:
            label = f"{name}: no log"
            colour = "dim"
        else:
            ep = side.local.addr or side.host or view.input_label(side.input)
            label = f"{name} {ep}"
            colour = input_colour(side.input)
        t.append(label[:LABEL].rjust(LABEL) if lane == 0 else label[:LABEL].ljust(LABEL), f"bold {colour}")
        if lane == 0:
            t.append(" " * (ARROW + 2))
    return t


class Ladder(OptionList):
    """Rows of the ladder; Enter on a row jumps to its log line. Re-laid out on resize."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[AnalysisView, Negotiation | None] | None = None
        self._laid_width = 0
        self._relayout = False  # re-showing for a new width: keep the highlighted row

    def show(self, view: AnalysisView, neg: Negotiation | None) -> None:
        self._shown = (view, neg)
        total = self.scrollable_content_region.width or 120
        self._laid_width = total
        keep = self.highlighted
        self.clear_options()
        if neg is None:
            self.add_option(Option(Text("no negotiation selected", "dim"), disabled=True))
            return
        self.add_option(Option(header(view, neg, total), disabled=True))
        rows = rungs(view, neg)
        if not rows:
            self.add_option(Option(Text("no IKE messages were logged for this negotiation", "dim"), disabled=True))
        for i, r in enumerate(rows):
            oid = f"ref:{r.ref.input}:{r.ref.line}:{i}" if r.ref is not None else None
            self.add_option(Option(render_rung(r, total), id=oid, disabled=r.ref is None))
        first_fail = next((i for i, r in enumerate(rows) if r.failing and r.ref is not None), None)
        if keep is not None and self._relayout:
            self.highlighted = keep
        else:
            self.highlighted = (first_fail + 1) if first_fail is not None else (1 if rows else None)

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if self._shown is not None and width and width != self._laid_width:
            self._relayout = True
            try:
                self.show(*self._shown)
            finally:
                self._relayout = False
