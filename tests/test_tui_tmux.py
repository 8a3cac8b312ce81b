"""Smoke test: the real `swandiag` command in a real terminal (tmux), read back with capture-pane."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from swandiag.pipeline import analyze
from swandiag.tui.model import ranked

from tui_support import scenario_inputs

pytestmark = pytest.mark.timeout(90)
ROOT = Path(__file__).parent.parent
SWANDIAG = Path(sys.executable).with_name("swandiag")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True, timeout=20).stdout


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (needed to run swandiag in a real terminal)")
@pytest.mark.skipif(not SWANDIAG.exists(), reason=f"the swandiag script is not installed next to {sys.executable}")
def test_swandiag_in_tmux_shows_the_top_finding():
    inputs = scenario_inputs("lab/no-certreq")
    title = ranked(analyze([str(ROOT / p) for p in inputs]).findings)[0].title
    session = f"swandiag-test-{uuid.uuid4().hex[:8]}"
    command = " ".join([str(SWANDIAG), *inputs])
    _tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "40", "-c", str(ROOT), command)
    try:
        screen = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.5)
            screen = _tmux("capture-pane", "-p", "-t", session)
            if title[:60] in screen:
                break
        assert title[:60] in screen, f"top finding {title!r} not on screen:\n{screen}"
        assert "Overview" in screen and "Search" in screen  # tabs and footer
        _tmux("send-keys", "-t", session, "C-q")
        for _ in range(20):
            time.sleep(0.25)
            if session not in subprocess.run(["tmux", "ls"], capture_output=True, text=True).stdout:
                break
        else:
            pytest.fail("ctrl+q did not quit")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
