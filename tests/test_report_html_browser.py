"""The HTML report in headless Chromium: renders, makes no request, gives a screenshot.

Chromium is Debian's `chromium` package; when it is missing the test installs it with apt-get
(as root), and skips with the reason when it cannot. Network is cut (proxy to a closed port,
every host name unresolvable) and Chromium's net log is read for any request the page made;
a control page with one remote image proves the detector sees page requests.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from report_support import CORPUS  # noqa: E402

from swandiag.report import render  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    if os.geteuid() != 0:
        pytest.skip("chromium is not installed and the tests do not run as root to apt-get install it")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=600, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, capture_output=True,
                       timeout=1200, env=env)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"chromium is not installed and apt-get install chromium failed: {exc}")
    path = shutil.which("chromium")
    if not path:
        pytest.skip("apt-get install chromium finished but no chromium binary is on PATH")
    return path


@pytest.fixture(scope="module")
def chromium() -> str:
    return _chromium()


def _page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked for (Chromium's own background jobs have no origin)."""
    data = json.loads(netlog.read_text())
    names = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    urls = []
    for event in data["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and params.get("initiator") != "not an origin":
            url = params.get("url", "")
            if url and not url.startswith(("file:", "data:", "chrome:", "about:")):
                urls.append(url)
    return urls


def _load(chromium: str, page: Path, shot: Path, netlog: Path) -> None:
    done = subprocess.run([chromium, *FLAGS, f"--log-net-log={netlog}", "--window-size=1100,1500",
                           f"--screenshot={shot}", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 1000, done.stderr[-2000:]


def test_detector_sees_page_requests(chromium, tmp_path):
    page = tmp_path / "control.html"
    page.write_text('<html><body><p>control</p><img src="http://192.0.2.99/x.png"></body></html>')
    _load(chromium, page, tmp_path / "control.png", tmp_path / "control-net.json")
    assert any("192.0.2.99" in u for u in _page_requests(tmp_path / "control-net.json"))


def test_html_report_renders_without_requests(chromium, tmp_path):
    """The real report of a corpus pair, plus one hostile evidence line, loads with no request."""
    from swandiag.pipeline import analyze
    from swandiag.rules.records import Evidence

    scenario = CORPUS / "lab" / "no-certreq"
    analysis = analyze([str(scenario / "gateway.log"), str(scenario / "client.log")])
    assert analysis.findings, "the pipeline found nothing to show"
    analysis.findings[0].evidence.append(Evidence(
        "client.log", 1, '<img src="http://192.0.2.99/evil.png"> <script>fetch("http://192.0.2.99/")</script>', "client"))
    page = tmp_path / "report.html"
    page.write_text(render(analysis, "html", redact=True))
    shot, netlog = tmp_path / "report.png", tmp_path / "report-net.json"
    _load(chromium, page, shot, netlog)
    assert _page_requests(netlog) == []
