"""The merged raw log widget: virtualised (Line API), only the visible rows are ever rendered."""
from __future__ import annotations

from collections.abc import Callable

import regex
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .merged import LogModel, split
from .model import clock, input_colour
from .text import highlighted, is_error_line

PREFIX = 16  # "▌1 HH:MM:SS.mmm " before the text
ERROR_SCAN_LIMIT = 2_000_000  # rows looked at by one e/E press


class MergedLogView(ScrollView, can_focus=True):
    """Rows of a LogModel. The cursor row is where jumps land and what `m` bookmarks."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "Top", show=False),
        Binding("end,G", "edge(1)", "Bottom", show=False),
        Binding("left", "pan(-8)", "Left", show=False),
        Binding("right", "pan(8)", "Right", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class CursorMoved(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, model: LogModel, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.search: regex.Pattern | None = None
        self.bookmarks: set[int] = set()  # keys, so they survive re-ordering and filters
        self.evidence: set[int] = set()  # keys cited by findings (marked, and found by e/E)
        self.redact: Callable[[str], str] | None = None
        self._width = 200

    # --- data ---------------------------------------------------------------------------------
    def refresh_rows(self, keep: int | None = None, to_end: bool = False) -> None:
        """Re-read the model's rows; keep the row of key `keep` in place, or go to the end."""
        n = len(self.model.rows)
        self.virtual_size = Size(max(self._width, self.size.width), n)
        if to_end and n:
            self.cursor = n - 1
            self.scroll_to(y=max(0, n - self.size.height), animate=False)
        elif keep is not None:
            i, line = split(keep)
            row = self.model.row_of(i, line)
            if row is not None:
                offset = self.cursor - round(self.scroll_y)
                self.cursor = row
                self.scroll_to(y=max(0, row - offset), animate=False)
        if self.cursor >= n:
            self.cursor = max(0, n - 1)
        self.refresh()

    @property
    def cursor_key(self) -> int | None:
        rows = self.model.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    @property
    def at_bottom(self) -> bool:
        n = len(self.model.rows)
        if n == 0 or self.cursor >= n - 1:
            return True
        # scrolled to the end by hand; a view that is not laid out (another tab is showing) has
        # no scroll range at all and is only "at the bottom" by its cursor
        return self.scrollable_content_region.height > 0 and 0 < self.max_scroll_y <= self.scroll_y

    def go(self, row: int) -> None:
        n = len(self.model.rows)
        if not n:
            return
        self.cursor = max(0, min(row, n - 1))
        self._reveal(center=True)
        # a view that was just shown has no size yet: reveal again once it is laid out
        self.call_after_refresh(self._reveal, True)

    def _reveal(self, center: bool = False) -> None:
        h = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if center and not top <= self.cursor < top + h:
            self.scroll_to(y=max(0, self.cursor - h // 2), animate=False)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + h:
            self.scroll_to(y=self.cursor - h + 1, animate=False)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        self.post_message(self.CursorMoved(new))

    # --- actions ------------------------------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        if self.model.rows:
            self.cursor = max(0, min(self.cursor + delta, len(self.model.rows) - 1))
            self._reveal()

    def action_page(self, direction: int) -> None:
        h = max(1, self.scrollable_content_region.height - 1)
        self.cursor = max(0, min(self.cursor + direction * h, len(self.model.rows) - 1))
        self.scroll_to(y=self.scroll_y + direction * h, animate=False)
        self._reveal()

    def action_edge(self, end: int) -> None:
        self.go(len(self.model.rows) - 1 if end else 0)
        if end:
            self.scroll_end(animate=False)
        else:
            self.scroll_home(animate=False)

    def action_pan(self, delta: int) -> None:
        self.scroll_to(x=max(0, self.scroll_x + delta), animate=False)

    def toggle_bookmark(self) -> bool:
        k = self.cursor_key
        if k is None:
            return False
        if k in self.bookmarks:
            self.bookmarks.discard(k)
        else:
            self.bookmarks.add(k)
        self.refresh()
        return k in self.bookmarks

    def next_marked(self, keys: set[int], forward: bool) -> bool:
        rows = self.model.rows
        n = len(rows)
        if not n or not keys:
            return False
        step = 1 if forward else -1
        for j in range(1, n + 1):
            r = (self.cursor + step * j) % n
            if rows[r] in keys:
                self.go(r)
                return True
        return False

    def next_error(self, forward: bool) -> bool:
        """Next line cited as evidence or carrying an error word (wrapping)."""
        rows = self.model.rows
        n = len(rows)
        step = 1 if forward else -1
        for j in range(1, min(n, ERROR_SCAN_LIMIT) + 1):
            r = (self.cursor + step * j) % n
            k = rows[r]
            if k in self.evidence or is_error_line(self.model.text(k)):
                self.go(r)
                return True
        return False

    def on_click(self, event: events.Click) -> None:
        row = round(self.scroll_y) + event.y
        if 0 <= row < len(self.model.rows):
            self.cursor = row

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(max(self._width, self.size.width), len(self.model.rows))

    # --- rendering ----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.size.width
        rows = self.model.rows
        base = self.rich_style
        if row >= len(rows):
            return Strip.blank(width, base)
        k = rows[row]
        text = self._row_text(k, row == self.cursor)
        segments = list(text.render(self.app.console, end=""))
        strip = Strip(segments)
        if strip.cell_length + 2 > self._width:
            self._width = min(strip.cell_length + 2, 5000)
        if scroll_x:
            head = strip.crop(0, 2)  # the colour bar and input number stay in view
            strip = Strip.join([head, strip.crop(2 + scroll_x, 2 + scroll_x + width)])
        strip = strip.crop_extend(0, width, base + Style(bgcolor="grey23") if row == self.cursor else base)
        return strip.apply_offsets(scroll_x, row)

    def _row_text(self, k: int, is_cursor: bool) -> Text:
        i, _line = split(k)
        body = self.model.text(k)
        if self.redact is not None:
            body = self.redact(body)
        colour = input_colour(i)
        out = Text(no_wrap=True, style=self.rich_style)
        out.append("▌", Style(color=colour))
        out.append(f"{i + 1}" if i < 9 else "+", Style(color=colour, bold=True))
        mark = "★" if k in self.bookmarks else ("◆" if k in self.evidence else " ")
        out.append(mark, "bold yellow" if k in self.bookmarks else "bold red")
        out.append(clock(self.model.time(k)), "dim")
        out.append(" ")
        out.append_text(highlighted(body, self.search, self.rich_style))
        if is_cursor:
            out.stylize(Style(bgcolor="grey23"))
        return out

