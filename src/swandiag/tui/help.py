"""The help screen (`?` / F1): every key, what the views show."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("Views", (
        ("1 / 2 / 3", "overview / negotiation ladder / merged raw log"),
        ("enter", "open the selected finding or negotiation; on evidence or a ladder row: jump to its line"),
        ("escape", "back to the overview"),
        ("ctrl+p", "command palette (every action)"),
        ("? / f1", "this help"),
        ("ctrl+q", "quit"),
    )),
    ("Merged log", (
        ("/", "search (regex; case-insensitive unless it has capitals)"),
        ("n / N", "next / previous match"),
        ("e / E", "next / previous error or evidence line"),
        ("m", "bookmark the cursor line (★)"),
        ("b / B", "next / previous bookmark"),
        ("f", "filter by input, negotiation, group, level, regex (hide or keep)"),
        ("F", "clear the filter"),
        ("g", "go to time (HH:MM:SS, corrected clock)"),
        ("↑ ↓ pgup pgdn home end ← →", "move, scroll"),
    )),
    ("Everywhere", (
        ("t", "follow mode: read files as they grow (tail -f, rotation followed)"),
        ("r", "toggle the redacted view (for screen sharing)"),
        ("x", "export the report (markdown / html / json, redacted)"),
    )),
)

LEGEND = (
    "Ladder: ──▶ sent and received (delay in ms, corrected clock) · ── ✗ sent, never received · "
    "┄┄▶ received, sending not logged · ─▷ ? the other side has no log · ↻N retransmits · "
    "red rows: the failing stage.\n"
    "Log: the coloured bar and number say which input a line is from; ◆ evidence of a finding; "
    "★ bookmark. Times are UTC on the corrected (clock-offset applied) clock."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for section, rows in KEYS:
            table.add_row(Text(section, "bold underline"), "")
            for k, what in rows:
                table.add_row(k, what)
            table.add_row("", "")
        with VerticalScroll(classes="dialog help"):
            yield Static(Text("swandiag — keys", "bold"))
            yield Static(table)
            yield Static(Text(LEGEND, "dim"))

    def action_close(self) -> None:
        self.dismiss(None)
