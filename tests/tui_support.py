"""Shared helpers for the TUI tests (real corpus pairs, waiting for the app's workers)."""
from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def scenario_inputs(name: str) -> list[str]:
    """The inputs of a corpus scenario, as its label.json lists them (paths relative to the repo
    root, so screens do not show machine-specific paths)."""
    folder = CORPUS / name
    label = json.loads((folder / "label.json").read_text(encoding="utf-8"))
    root = Path(__file__).parent.parent
    return [str((folder / n).relative_to(root)) for n in label["swandiag"]["inputs"]]


def expected(name: str) -> list[str]:
    label = json.loads((CORPUS / name / "label.json").read_text(encoding="utf-8"))
    return list(label["swandiag"]["expect"])


async def settle(pilot) -> None:
    """Wait until loading and analysis are done and the screen has caught up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def log_at(pilot, row: int):
    """Switch to the merged log (view 3) and put its cursor on `row`; returns the log view."""
    from swandiag.tui.logview import MergedLogView

    await pilot.press("3")
    logview = pilot.app.query_one(MergedLogView)
    logview.go(row)
    await pilot.pause()
    return logview


def screen_text(app) -> str:
    """What the terminal shows right now, as plain text: the active screen composed with what is
    behind a modal dialog (the user-visible outcome, not widget state)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def until(pilot, cond, what: str = "the condition", timeout: float = 10.0) -> None:
    """Wait (processing messages) until `cond()` holds; fail after `timeout` seconds."""
    import asyncio

    for _ in range(int(timeout / 0.02)):
        if cond():
            return
        await asyncio.sleep(0.02)
        await pilot.pause()
    raise AssertionError(f"timed out waiting for {what}")


async def run_command(pilot, title: str) -> None:
    """Open the command palette (ctrl+p), type `title`, wait until it is the highlighted
    command and run it (enter), as a user would."""
    from textual.command import CommandList, CommandPalette

    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
    await pilot.press(*title)

    def highlighted_is_title() -> bool:
        found = app.screen.query(CommandList)
        if not found:
            return False
        cl = found.first(CommandList)
        if not cl.option_count or cl.highlighted is None:
            return False
        return cl.get_option_at_index(cl.highlighted).hit.text == title

    await until(pilot, highlighted_is_title, f"the palette to offer {title!r}")
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette to close")
    await pilot.pause()


def notices(app) -> list[str]:
    """The messages of the toasts currently shown (long ones wrap on screen)."""
    return [n.message for n in app._notifications]
