#!/usr/bin/env python3
"""TUI large-input benchmark (issue 6): open the Textual app (headless, `App.run_test()`) on a
big gateway log and measure what an admin feels while it loads:

- first paint: from `run_test()` to the first screen with the overview shown and a loading
  indicator (the progress bar) on it;
- browsable: when the merged log can be scrolled (line index built);
- analysed: when the pipeline's result is on screen (load time);
- responsiveness while the pipeline runs: the UI event loop's stalls (a 20 ms interval timer's
  lateness: p50/p95/max) and the latency of real key presses (switch views 1/2/3, page down
  and end in the merged log) handled before the analysis finished;
- progress: the highest value the progress bar showed before the end;
- search: a regex matching only near the end of the log, run with `/`: time to the first hit,
  and the key latency while it runs;
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
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
KEYS = ["3", "pagedown", "pagedown", "end", "1", "2", "1"]  # what is pressed, in turn, while loading
MAX_WAIT_S = 1800.0


async def _measure(path: str, search: str | None) -> dict:
    from textual.widgets import ProgressBar

    from swandiag.tui.app import SwandiagApp

    out: dict = {"key_latency_s": [], "stall_s": [], "keys_before_analysis": 0}
    app = SwandiagApp([path])
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        out["first_paint_s"] = time.perf_counter() - t0
        loading = app.query_one("#loading")
        views = app.query_one("#views")
        out["first_paint_overview"] = bool(views.display)
        out["first_paint_loading"] = bool(loading.display)
        last = [time.perf_counter()]
        stalls: list[float] = out["stall_s"]

        def tick() -> None:
            now = time.perf_counter()
            stalls.append(max(0.0, now - last[0] - 0.02))
            last[0] = now

        app.set_interval(0.02, tick)
        overview_at = out["first_paint_s"] if views.display else None
        progress_max = 0.0
        k = 0
        while app.analysis is None and time.perf_counter() - t0 < MAX_WAIT_S:
            now = time.perf_counter() - t0
            if overview_at is None and views.display:
                overview_at = now
            if "browsable_s" not in out and app.log_model is not None:
                out["browsable_s"] = now
            bar = app.query_one("#progress", ProgressBar)
            progress_max = max(progress_max, bar.progress or 0.0)
            if views.display:
                t = time.perf_counter()
                await pilot.press(KEYS[k % len(KEYS)])
                lat = time.perf_counter() - t
                if app.analysis is None:
                    out["key_latency_s"].append(lat)
                    out["keys_before_analysis"] += 1
                k += 1
            await asyncio.sleep(0.25)
        out["overview_shown_s"] = overview_at
        out["analysed_s"] = time.perf_counter() - t0
        out["progress_max"] = progress_max
        out["lines"] = len(app.log_model.order) if app.log_model is not None else 0
        out["findings"] = len(app.view.findings) if app.view else 0
        out["negotiations"] = len(app.analysis.negotiations) if app.analysis else 0
        await app.workers.wait_for_complete()
        await pilot.pause()
        loading_stalls = list(stalls)
        if search:
            stalls.clear()
            await pilot.press("3", "home", "slash", *search)
            logview = app.query_one("#logview")
            t = time.perf_counter()
            await pilot.press("enter")  # a search on the UI thread blocks right here
            lat: list[float] = []
            while time.perf_counter() - t < MAX_WAIT_S:
                if search in app.log_model.text(logview.cursor_key or 0):
                    break
                t1 = time.perf_counter()
                await pilot.press("1" if len(lat) % 2 else "3")  # switch views while it runs
                lat.append(time.perf_counter() - t1)
                await asyncio.sleep(0.1)
            out["search_s"] = time.perf_counter() - t
            out["search_found"] = search in app.log_model.text(logview.cursor_key or 0)
            out["search_key_latency_s"] = lat
            out["search_stall_max_s"] = max(stalls, default=0.0)
        out["stall_s"] = loading_stalls
    import resource

    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["load"] = os.getloadavg()
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
    print(f"analysed         {r['analysed_s']:.1f}s = {mb / r['analysed_s']:.1f} MB/s; progress bar reached"
          f" {r['progress_max']:.0%} before the end")
    print(f"UI stalls        p50 {_pct(st, .5) * 1000:.0f} ms, p95 {_pct(st, .95) * 1000:.0f} ms,"
          f" max {max(st, default=float('nan')) * 1000:.0f} ms over {len(st)} ticks while loading")
    print(f"key presses      {r['keys_before_analysis']} handled before the analysis ended; latency"
          f" p50 {_pct(kl, .5) * 1000:.0f} ms, max {max(kl, default=float('nan')) * 1000:.0f} ms")
    if "search_s" in r:
        sl = r["search_key_latency_s"]
        print(f"search           {r['search_s']:.1f}s to the hit near the end (found: {r['search_found']});"
              f" {len(sl)} keys meanwhile, max latency {max(sl, default=float('nan')) * 1000:.0f} ms,"
              f" max stall {r['search_stall_max_s'] * 1000:.0f} ms")
    print(f"peak RSS         {r['peak_rss_mb']:.0f} MB")
    print(f"load average     {r['load'][0]:.2f} at the end ({os.cpu_count()} CPUs)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, action="append", help="MiB of generated log (repeatable; default 200 and 1024)")
    ap.add_argument("--file", help="measure this existing file instead")
    ap.add_argument("--keep", action="store_true", help="keep generated files ($TMPDIR/swandiag-tui-bench-SIZE.log)")
    ap.add_argument("--search", default="SEARCH-MARKER-END", help="text searched for (appended as the last line)")
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        sys.path.insert(0, os.path.join(ROOT, "src"))
        print(json.dumps(asyncio.run(_measure(args.measure, args.search or None))))
        return 0
    jobs: list[tuple[str, bool]] = []
    if args.file:
        jobs.append((args.file, False))
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
            proc = subprocess.run([sys.executable, __file__, "--measure", path, "--search", args.search],
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
