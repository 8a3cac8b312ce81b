"""Overview: the inputs, the findings ranked by severity, and every negotiation."""
from __future__ import annotations

import os
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label

from .model import SEVERITY_ICON, SEVERITY_STYLE, AnalysisView, day_clock, input_colour, short
from .text import clean


class Overview(Vertical):
    class FindingChosen(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class NegotiationChosen(Message):
        def __init__(self, nid: str) -> None:
            super().__init__()
            self.nid = nid

    def compose(self) -> ComposeResult:
        yield Label("Inputs", classes="section")
        yield DataTable(id="inputs", cursor_type="row", zebra_stripes=True)
        yield Label("Findings", classes="section", id="findings-title")
        yield DataTable(id="findings", cursor_type="row")
        yield Label("Negotiations", classes="section", id="negotiations-title")
        yield DataTable(id="negotiations", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#inputs", DataTable).add_columns("", "input", "format", "host", "time range (UTC)",
                                                         "clock offset", "log levels")
        self.query_one("#findings", DataTable).add_columns("", "finding", "conf.", "negotiations")
        self.query_one("#negotiations", DataTable).add_columns("status", "negotiation", "side", "IKE",
                                                               "peers", "identities", "outcome", "paired")

    def show(self, view: AnalysisView, redact: Callable[[str], str] | None = None) -> None:
        red = redact or (lambda s: s)
        a = view.analysis
        inputs = self.query_one("#inputs", DataTable)
        inputs.clear()
        for i, s in enumerate(a.inputs):
            shift = view.shift(i)
            offset = next((o for o in a.correlation.offsets if o.to == s.spec.name), None)
            off = f"{-shift:+.3f}s" if shift else "0"
            if offset is not None:
                off += f" ({offset.method})"
            levels = Text("ok", "green") if s.level_sufficient else (
                Text("too low", "bold red") if s.level_sufficient is False else Text("?", "dim"))
            inputs.add_row(Text("▌", input_colour(i)), red(clean(os.path.basename(s.spec.name) or s.spec.name)), s.format.value,
                           red(clean(s.host or "-")), f"{day_clock(s.first)} → {day_clock(s.last)[11:]}",
                           off, levels, key=str(i))
        inputs.styles.height = len(a.inputs) + 2

        table = self.query_one("#findings", DataTable)
        table.clear()
        for i, f in enumerate(view.findings):
            title = Text(clean(f.title), SEVERITY_STYLE[f.severity] if i == 0 else "dim" if f.explained_by else "")
            if f.explained_by:  # a symptom: say of what, so nobody fixes it first
                title.append(f"  ← symptom of {', '.join(f.explained_by)}", "italic dim")
            table.add_row(Text(SEVERITY_ICON[f.severity], SEVERITY_STYLE[f.severity]), title,
                          f"{f.confidence:.0%}", ", ".join(short(n) for n in f.negotiations[:3]), key=str(i))
        if not view.findings:
            table.add_row("", Text("no finding: nothing known went wrong", "green"), "", "", key="none")
        self.query_one("#findings-title", Label).update(f"Findings ({len(view.findings)})")

        negs = self.query_one("#negotiations", DataTable)
        negs.clear()
        shown = _worth_showing(a.negotiations, {nid for f in view.findings for nid in f.negotiations})
        for n in shown:
            peers = f"{n.local.addr or '?'} ↔ {n.remote.addr or '?'}"
            ids = f"{n.local_id or '?'} ↔ {n.remote_id or '?'}"
            outcome = n.outcome.value + (f" @{n.failed_stage.value}" if n.failed_stage else "")
            negs.add_row(view.status(n), short(n.id), n.side.value, f"v{n.ike_version}" if n.ike_version else "?",
                         red(clean(peers)), red(clean(ids)), outcome, view.paired(n), key=n.id)
        more = len(a.negotiations) - len(shown)
        self.query_one("#negotiations-title", Label).update(
            f"Negotiations ({len(a.negotiations)}" + (f"; the {len(shown)} in findings or not established first, "
                                                      f"{more} more in the report)" if more else ")"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if event.data_table.id == "findings" and key not in (None, "none"):
            self.post_message(self.FindingChosen(int(key)))
        elif event.data_table.id == "negotiations" and key is not None:
            self.post_message(self.NegotiationChosen(key))


MAX_NEGOTIATION_ROWS = 2000  # a busy gateway has tens of thousands; filling a table with all stalls the UI


def _worth_showing(negotiations: list, cited: set[str]) -> list:
    """The negotiations a reader wants first: those findings cite, then failures, then the rest, in
    log order within each group, at most MAX_NEGOTIATION_ROWS."""
    if len(negotiations) <= MAX_NEGOTIATION_ROWS:
        return list(negotiations)
    ranked = sorted(range(len(negotiations)), key=lambda i: (
        negotiations[i].id not in cited, negotiations[i].outcome.value in ("established", "rekeyed", "deleted"), i))
    return [negotiations[i] for i in sorted(ranked[:MAX_NEGOTIATION_ROWS])]
