"""The filter dialog: which inputs, which negotiation, which groups, up to which level, a regex."""
from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList


@dataclass(slots=True)
class FilterChoice:
    inputs: list[int]
    negotiation: str | None  # negotiation id (its peer's lines are kept too), None = all
    groups: str  # comma-separated group names, '' = all
    max_level: int | None
    regex: str
    hide: bool


class FilterScreen(ModalScreen[FilterChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, inputs: list[str], negotiations: list[str], current: FilterChoice) -> None:
        super().__init__()
        self.input_names = inputs
        self.negotiations = negotiations
        self.current = current

    def compose(self) -> ComposeResult:
        c = self.current
        with Vertical(classes="dialog filter"):
            yield Label("Filter the merged log", classes="dialog-title")
            yield SelectionList[int](*[(f"{i + 1} {name}", i, i in c.inputs) for i, name in enumerate(self.input_names)],
                                     id="f-inputs")
            yield Select([(n, n) for n in self.negotiations], prompt="every negotiation", value=c.negotiation
                         if c.negotiation in self.negotiations else Select.NULL, id="f-neg")
            with Horizontal(classes="row"):
                yield Input(value=c.groups, placeholder="groups: IKE,CFG,NET…", id="f-groups")
                yield Select([(f"level ≤ {n}", n) for n in range(0, 5)], prompt="any level",
                             value=c.max_level if c.max_level is not None else Select.NULL, id="f-level")
            with Horizontal(classes="row"):
                yield Input(value=c.regex, placeholder="regex", id="f-regex")
                yield Checkbox("hide matches", c.hide, id="f-hide")
            with Horizontal(classes="row buttons"):
                yield Button("Apply", variant="primary", id="f-apply")
                yield Button("Clear", id="f-clear")
                yield Button("Cancel", id="f-cancel")

    def _choice(self) -> FilterChoice:
        neg = self.query_one("#f-neg", Select).value
        level = self.query_one("#f-level", Select).value
        return FilterChoice(
            inputs=list(self.query_one("#f-inputs", SelectionList).selected),
            negotiation=neg if isinstance(neg, str) else None,
            groups=self.query_one("#f-groups", Input).value,
            max_level=level if isinstance(level, int) else None,
            regex=self.query_one("#f-regex", Input).value,
            hide=self.query_one("#f-hide", Checkbox).value,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(self._choice())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "f-apply":
            self.dismiss(self._choice())
        elif event.button.id == "f-clear":
            self.dismiss(FilterChoice(list(range(len(self.input_names))), None, "", None, "", False))
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
