#!/usr/bin/env python3
"""TUI large-input benchmark (issue 6): open the Textual app (headless, `App.run_test()`) on a
big gateway log and measure what an admin feels while it loads:

- first paint: from `run_test()` to the first screen with the overview shown and a loading
  indicator (the progress bar) on it;
- browsable: when the merged log can be scrolled (line index built);
- analysed: when the pipeline's result is on screen (load time; --max-wait stops waiting);
- responsiveness while the pipeline runs: the UI event loop's stalls (a 20 ms interval timer's
  lateness: p50/p95/max) and the latency of real key presses (switch views 1/2/3, page down
  and end in the merged log) handled before the analysis finished;
- progress: the highest value the progress bar showed before the end;
- search: as soon as the log is browsable (the analysis still running), `/` with a regex that
  matches only the last line, from the top: time to the hit, key latency while it runs;
- peak RSS of the process (`resource.getrusage`), which runs alone in a fresh interpreter.

    python bench/tui_bench.py                    # 200 MiB and 1 GiB (generated in $TMPDIR, deleted)
    python bench/tui_bench.py --size 200         # one size
    python bench/tui_bench.py --file big.log     # an existing file (not deleted)
    python bench/tui_bench.py --size 200 --keep  # keep the generated file for the next run

The log comes from bench/ingest_bench.py's generator (corpus gateway lines replayed round after
round). The machine is shared: stalls and latencies move with its load, which is printed.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
KEYS = ["3", "home", "pagedown", "1", "2"]  # what is pressed, in turn, while loading


def _send(app, key: str) -> None:
    """A key event, posted the way the terminal driver posts it."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def _key(app, key: str, timeout: float = 20.0) -> float | None:
    """Send one key the way the terminal driver does and return how long the app took to act on
    it (its effect seen: the view switched, the log cursor moved); None when it had no visible
    effect to wait for. (Pilot.press is not used for timing: it waits for the whole process to
    go idle, which never happens while a worker thread is busy.)"""

    views = app.query_one("#views")
    logs = app.query("#logview")
    logview = logs.first() if logs else None
    if key in ("1", "2", "3"):
        want = {"1": "overview", "2": "negotiation", "3": "log"}[key]
        done = lambda: views.active == want  # noqa: E731
    elif logview is not None and views.active == "log" and logview.has_focus and len(app.log_model.rows) > 100:
        before = logview.cursor
        done = (lambda: logview.cursor > before) if key == "pagedown" else (lambda: logview.cursor == 0)  # noqa: E731
        if key == "home" and before == 0:
            return None
    else:
        return None
    t = time.perf_counter()
    _send(app, key)
    while not done():
        if time.perf_counter() - t > timeout:
            return timeout  # not handled in time: counted as the timeout
        await asyncio.sleep(0.002)
    return time.perf_counter() - t
MAX_WAIT_S = 1800.0


async def _measure(path: str, search: str | None, max_wait: float) -> dict:
    from textual.widgets import ProgressBar

    import gc

    from swandiag import cli
    from swandiag.tui.app import SwandiagApp

    gc.set_threshold(*getattr(cli, "GC_THRESHOLDS", gc.get_threshold()))  # as `swandiag` runs
    out: dict = {"key_latency_s": [], "stall_s": [], "keys_before_analysis": 0, "analysed_s": None}
    app = SwandiagApp([path])
    t0 = time.perf_counter()
    # (results are returned from inside the context: leaving it waits for the pipeline thread)
    async with app.run_test(size=(120, 36)) as pilot:  # returns once the first screen is up
        out["first_paint_s"] = time.perf_counter() - t0
        views = app.query_one("#views")
        out["first_paint_overview"] = bool(views.display)
        out["first_paint_loading"] = bool(app.query_one("#loading").display)
        for _ in range(500):  # when the overview shows (at once, or after the indexing)
            if views.display:
                break
            await asyncio.sleep(0.01)
        overview_at = time.perf_counter() - t0 if views.display else None
        last = [time.perf_counter()]
        stalls: list[float] = out["stall_s"]

        def tick() -> None:
            now = time.perf_counter()
            stalls.append((now - t0, max(0.0, now - last[0] - 0.02)))
            last[0] = now

        app.set_interval(0.02, tick)
        progress_max = 0.0
        k = 0
        searched = not search
        while app.analysis is None and time.perf_counter() - t0 < max_wait:
            now = time.perf_counter() - t0
            if overview_at is None and views.display:
                overview_at = now
            if "browsable_s" not in out and app.query("#logview"):
                out["browsable_s"] = now
            bar = app.query_one("#progress", ProgressBar)
            progress_max = max(progress_max, bar.progress or 0.0)
            if not searched and app.query("#logview"):
                # search while the pipeline runs: a regex matching only the last line
                searched = True
                await _key(app, "3")
                logview = app.query_one("#logview")
                logview.go(0)
                _send(app, "slash")
                while not app.screen.query("Input"):
                    await asyncio.sleep(0.01)
                app.screen.query_one("Input").value = search
                t = time.perf_counter()
                await app.screen.query_one("Input").action_submit()  # (a search on the UI thread blocks here)
                lat: list[float] = []
                while time.perf_counter() - t0 < max_wait:
                    if search in app.log_model.text(logview.cursor_key or 0):
                        break
                    d = await _key(app, "1" if len(lat) % 2 else "3")  # switch views while it runs
                    if d is not None:
                        lat.append(d)
                    await asyncio.sleep(0.1)
                out["search_s"] = time.perf_counter() - t
                out["search_found"] = search in app.log_model.text(logview.cursor_key or 0)
                out["search_key_latency_s"] = lat
                out["search_during_analysis"] = app.analysis is None
                out["key_latency_s"].extend(lat)
                continue
            if views.display:
                lat1 = await _key(app, KEYS[k % len(KEYS)])
                if app.analysis is None and lat1 is not None:
                    out["key_latency_s"].append(lat1)
                    out["keys_before_analysis"] += 1
                k += 1
            await asyncio.sleep(0.25)
        if app.analysis is not None:
            out["analysed_s"] = time.perf_counter() - t0
        out["waited_s"] = time.perf_counter() - t0
        out["overview_shown_s"] = overview_at
        out["progress_max"] = progress_max
        out["lines"] = len(app.log_model.order) if app.log_model is not None else 0
        out["findings"] = len(app.view.findings) if app.view else 0
        out["negotiations"] = len(app.analysis.negotiations) if app.analysis else 0
        import resource

        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["load"] = os.getloadavg()
        end = out["analysed_s"] or out["waited_s"]
        if app.analysis is not None:
            await pilot.pause(0.5)  # the stalls of showing the result
            out["stall_after_s"] = max((lag for t, lag in stalls if t >= end - 1.0), default=0.0)
        out["stall_s"] = [lag for t, lag in stalls if t < end - 1.0]
        if app.busy if hasattr(app, "busy") else app.analysis is None:
            print(json.dumps(out), flush=True)
            os._exit(0)
    return out


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def report(path: str, r: dict) -> None:
    mb = os.path.getsize(path) / 1e6
    st, kl = r["stall_s"], r["key_latency_s"]
    print(f"== {path}: {mb:.0f} MB, {r['lines']} lines, {r['negotiations']} negotiations, {r['findings']} findings")
    print(f"first paint      {r['first_paint_s']:.2f}s (overview shown: {r['first_paint_overview']}, loading"
          f" indicator: {r['first_paint_loading']}); overview shown at {r['overview_shown_s'] or float('nan'):.2f}s")
    print(f"log browsable    {r.get('browsable_s', float('nan')):.2f}s")
    if r["analysed_s"]:
        print(f"analysed         {r['analysed_s']:.1f}s = {mb / r['analysed_s']:.1f} MB/s; progress bar reached"
              f" {r['progress_max']:.0%} before the end")
    else:
        print(f"analysed         not within {r['waited_s']:.0f}s (--max-wait); progress bar at {r['progress_max']:.0%}")
    print(f"UI stalls        p50 {_pct(st, .5) * 1000:.0f} ms, p95 {_pct(st, .95) * 1000:.0f} ms,"
          f" max {max(st, default=float('nan')) * 1000:.0f} ms over {len(st)} ticks while loading")
    print(f"key presses      {r['keys_before_analysis']} handled before the analysis ended; latency"
          f" p50 {_pct(kl, .5) * 1000:.0f} ms, max {max(kl, default=float('nan')) * 1000:.0f} ms")
    if "search_s" in r:
        sl = r["search_key_latency_s"]
        print(f"search           {r['search_s']:.1f}s to the last line's match, from the top, during the analysis:"
              f" {r['search_during_analysis']} (found: {r['search_found']}); {len(sl)} keys meanwhile,"
              f" max latency {max(sl, default=float('nan')) * 1000:.0f} ms")
    if "stall_after_s" in r:
        print(f"showing result   max stall {r['stall_after_s'] * 1000:.0f} ms (the overview filled in)")
    print(f"peak RSS         {r['peak_rss_mb']:.0f} MB")
    print(f"load average     {r['load'][0]:.2f} at the end ({os.cpu_count()} CPUs)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, action="append", help="MiB of generated log (repeatable; default 200 and 1024)")
    ap.add_argument("--file", help="measure this existing file instead")
    ap.add_argument("--keep", action="store_true", help="keep generated files ($TMPDIR/swandiag-tui-bench-SIZE.log)")
    ap.add_argument("--search", default="SEARCH-MARKER-END", help="text searched for (appended as the last line)")
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    ap.add_argument("--max-wait", type=float, default=MAX_WAIT_S,
                    help="stop waiting for the analysis after this many seconds (default %(default)s)")
    ap.add_argument("--src", default=os.path.join(ROOT, "src"),
                    help="swandiag source tree to measure (default: this checkout's src/)")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        sys.path.insert(0, args.src)
        print(json.dumps(asyncio.run(_measure(args.measure, args.search or None, args.max_wait))), flush=True)
        os._exit(0)  # do not wait for a pipeline thread still running past --max-wait
    jobs: list[tuple[str, bool]] = []
    search = args.search
    if args.file:
        jobs.append((args.file, False))
        with open(args.file, "rb") as fh:  # the search waits for the marker: is it there?
            fh.seek(max(0, os.path.getsize(args.file) - 4096))
            if search and search.encode() not in fh.read():
                print(f"{args.file} does not end with {search!r}: no search measured")
                search = ""
    else:
        from ingest_bench import build  # the generator of the ingest benchmark (corpus replay)

        for size in args.size or [200, 1024]:
            path = os.path.join(tempfile.gettempdir(), f"swandiag-tui-bench-{size}.log")
            if not os.path.exists(path):
                t = time.perf_counter()
                n = build(path, size << 20)
                with open(path, "a", encoding="utf-8") as fh:
                    fh.write(f"Nov 30 23:59:59 00[LIB] {args.search}\n")
                print(f"built {path}: {n / 1e6:.0f} MB in {time.perf_counter() - t:.0f}s")
            jobs.append((path, not args.keep))
    for path, delete in jobs:
        try:
            proc = subprocess.run([sys.executable, __file__, "--measure", path, "--search", search,
                                   "--max-wait", str(args.max_wait), "--src", args.src],
                                  capture_output=True, text=True)
            if proc.returncode:
                print(proc.stderr[-3000:], file=sys.stderr)
                return proc.returncode
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            report(path, r)
            if args.json:
                print(json.dumps({k: v for k, v in r.items() if not k.endswith("latency_s") and k != "stall_s"}))
        finally:
            if delete and os.path.exists(path):
                os.unlink(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
