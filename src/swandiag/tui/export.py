"""Export the report (markdown / html / json, redacted by default) from the UI."""
from __future__ import annotations

import os
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet

from ..analysis import Analysis

FORMATS = (("markdown", ".md"), ("html", ".html"), ("json", ".json"))


@dataclass(slots=True)
class ExportChoice:
    fmt: str
    path: str
    redact: bool


def write_report(analysis: Analysis, choice: ExportChoice) -> str:
    """Render and write the report; returns the path written. Raises OSError/ValueError."""
    from ..report import render

    text = render(analysis, choice.fmt, redact=choice.redact)
    path = os.path.expanduser(choice.path)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


class ExportScreen(ModalScreen[ExportChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, stem: str = "swandiag-report") -> None:
        super().__init__()
        self.stem = stem

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export the report", classes="dialog-title")
            with RadioSet(id="x-format"):
                for i, (fmt, _ext) in enumerate(FORMATS):
                    yield RadioButton(fmt, value=i == 0, id=f"x-{fmt}")
            yield Input(value=self.stem + FORMATS[0][1], id="x-path")
            yield Checkbox("redact addresses, identities, secrets", True, id="x-redact")
            with Horizontal(classes="row buttons"):
                yield Button("Export", variant="primary", id="x-go")
                yield Button("Cancel", id="x-cancel")

    def _fmt(self) -> tuple[str, str]:
        pressed = self.query_one("#x-format", RadioSet).pressed_index
        return FORMATS[pressed if pressed >= 0 else 0]

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        path = self.query_one("#x-path", Input)
        root, ext = os.path.splitext(path.value)
        if ext in {e for _, e in FORMATS}:
            path.value = root + self._fmt()[1]

    def _choice(self) -> ExportChoice:
        return ExportChoice(self._fmt()[0], self.query_one("#x-path", Input).value.strip(),
                            self.query_one("#x-redact", Checkbox).value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(self._choice())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self._choice() if event.button.id == "x-go" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
