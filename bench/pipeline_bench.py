#!/usr/bin/env python3
"""Whole-pipeline benchmark: `swandiag.pipeline.analyze` on a big busy-gateway log, per stage.

    python bench/pipeline_bench.py                      # 20, 100 and 200 MiB gateway logs
    python bench/pipeline_bench.py --size 20            # one size
    python bench/pipeline_bench.py --size 20 --pair     # + a matching client log (correlation)
    python bench/pipeline_bench.py --size 20 --profile  # cProfile of the run (top functions)
    python bench/pipeline_bench.py --size 200 --keep    # keep the generated file(s) for the next run
    python bench/pipeline_bench.py --src OTHER/src ...  # measure another checkout (before/after)

The gateway log is bench/ingest_bench.py's (corpus `%b %e %T` gateway logs replayed round after
round, a new client address per round). With `--pair` a client log is generated alongside from
the same scenarios' client.log, round for round with the same time shifts, IKE_SA ids and client
address, so each gateway negotiation has its client end and the correlate stage pairs them.

Each measurement runs in a fresh interpreter, so the peak RSS (`resource.getrusage`) is the
pipeline's own. Stages are timed by wrapping the functions `analyze` calls:
parse+build (ingest, parse, negotiation builder: they stream into each other, so they are one
figure), platforms (fingerprints), correlate, lint, rules (`engine.evaluate` + fold) and total.
The machine may be shared: the load average is printed.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import ingest_bench  # noqa: E402  (the gateway log generator)

STAGES = {  # module, function -> stage name
    ("swandiag.negotiation.fingerprint", "annotate_platforms"): "platforms",
    ("swandiag.correlate.pairing", "correlate"): "correlate",
    ("swandiag.rules.lint_source", "lint_for"): "lint",
    ("swandiag.rules.loader", "load_signatures"): "rules",
    ("swandiag.rules.engine", "evaluate"): "rules",
    ("swandiag.rules.lint_source", "fold"): "rules",
}


# --- a client log matching the gateway log ---------------------------------------------------

def _pair_templates() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(gateway, client) templates like ingest_bench._templates, from the lab scenarios that have
    both logs in `%b %e %T`; the client's times are relative to its gateway's first line."""
    gw_out: list[tuple[int, str]] = []
    cl_out: list[tuple[int, str]] = []
    for gw_path in sorted(glob.glob(os.path.join(ingest_bench.CORPUS, "*", "gateway.log"))):
        cl_path = os.path.join(os.path.dirname(gw_path), "client.log")
        if not os.path.exists(cl_path):
            continue
        gw, cl = ingest_bench.file_lines(gw_path), ingest_bench.file_lines(cl_path)
        if not gw or not cl:
            continue
        t0 = gw[0][0]
        gw_out.extend((max(0, t - t0), body) for t, body in gw)
        cl_out.extend((max(0, t - t0), body) for t, body in cl)
    return gw_out, cl_out


def build_pair(gw_path: str, cl_path: str, size: int) -> tuple[int, int]:
    """A gateway log of about `size` bytes and the client log of the same rounds."""
    gw_t, cl_t = _pair_templates()
    span = max(t for t, _ in gw_t + cl_t) + 5
    base = time.mktime((2026, 11, 1, 0, 0, 0, 0, 0, -1))
    written = [0, 0]
    rnd = 0
    stamps: dict[int, str] = {}
    with open(gw_path, "w", encoding="utf-8", newline="\n") as gw, \
            open(cl_path, "w", encoding="utf-8", newline="\n") as cl:
        while written[0] < size:
            start = base + rnd * span
            for i, (templates, out) in enumerate(((gw_t, gw), (cl_t, cl))):
                chunk = ingest_bench.round_chunk(templates, rnd, start, stamps)
                out.write(chunk)
                written[i] += len(chunk)
            rnd += 1
    return written[0], written[1]


# --- measurement (in a fresh interpreter) ----------------------------------------------------

def measure(paths: list[str], src: str, profile: str | None) -> dict:
    import importlib
    import resource

    sys.path.insert(0, src)
    import gc

    from swandiag import cli, pipeline

    gc.set_threshold(*getattr(cli, "GC_THRESHOLDS", gc.get_threshold()))  # as `swandiag` runs
    spent: dict[str, float] = {}
    for (mod_name, fn_name), stage in STAGES.items():
        mod = importlib.import_module(mod_name)
        fn = getattr(mod, fn_name, None)
        if fn is None:
            continue

        def timed(*a, __fn=fn, __stage=stage, **kw):
            t = time.perf_counter()
            try:
                return __fn(*a, **kw)
            finally:
                spent[__stage] = spent.get(__stage, 0.0) + time.perf_counter() - t

        setattr(mod, fn_name, timed)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t = time.perf_counter()
    c = time.process_time()
    analysis = pipeline.analyze(paths, pipeline.Options())
    total = time.perf_counter() - t
    cpu = time.process_time() - c
    if prof is not None:
        prof.disable()
        prof.dump_stats(profile)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    spent["parse+build"] = total - sum(spent.values())
    events = sum(len(n.events) for n in analysis.negotiations)
    return {"total": total, "cpu": cpu, "stages": spent, "bytes": sum(i.stats.bytes_read for i in analysis.inputs),
            "lines": sum(i.lines for i in analysis.inputs), "negotiations": len(analysis.negotiations),
            "paired": len(analysis.correlation.peer) // 2, "kept_events": events,
            "findings": [(f.id, len(f.negotiations)) for f in analysis.findings],
            "peak_rss_mb": rss, "start_rss_mb": rss0, "load": os.getloadavg()}


def report(size: int, r: dict, label: str) -> None:
    mb = r["bytes"] / 1e6
    st = r["stages"]
    order = ["parse+build", "platforms", "correlate", "lint", "rules"]
    print(f"{label}: {mb:.0f} MB, {r['lines']} lines, {r['negotiations']} negotiations ({r['paired']} paired),"
          f" {r['kept_events']} events kept")
    print("  " + ", ".join(f"{k} {st.get(k, 0.0):.1f}s" for k in order) + f", total {r['total']:.1f}s"
          f" (CPU {r['cpu']:.1f}s)")
    print(f"  {mb / r['total']:.1f} MB/s end to end, {r['negotiations'] / r['total']:.0f} negotiations/s,"
          f" rules {st.get('rules', 0.0) / max(st.get('parse+build', 1e-9), 1e-9):.1%} of parse+build")
    print(f"  peak RSS {r['peak_rss_mb']:.0f} MB (interpreter + imports: {r['start_rss_mb']:.0f} MB),"
          f" load average {r['load'][0]:.2f} ({os.cpu_count()} CPUs)")
    print(f"  findings: {', '.join(f'{i} x{n}' for i, n in r['findings']) or 'none'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, action="append",
                    help="MiB of gateway log (repeatable; default 20, 100 and 200)")
    ap.add_argument("--pair", action="store_true", help="also generate a matching client log (correlation)")
    ap.add_argument("--profile", action="store_true", help="run under cProfile and print the top functions")
    ap.add_argument("--top", type=int, default=25, help="functions shown with --profile")
    ap.add_argument("--keep", action="store_true", help="keep the generated files (reused on the next run)")
    ap.add_argument("--dir", default=tempfile.gettempdir(), help="where the generated logs go")
    ap.add_argument("--src", default=os.path.join(ROOT, "src"),
                    help="swandiag source tree to measure (default: this checkout's src/)")
    ap.add_argument("--json", help="also write the raw figures to this file")
    ap.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.src, args.profile_out)))
        return 0
    results = []
    for size in args.size or [20, 100, 200]:
        stem = os.path.join(args.dir, f"swandiag-pipeline-{size}m{'-pair' if args.pair else ''}")
        paths = [stem + ".gateway.log"] + ([stem + ".client.log"] if args.pair else [])
        made = []
        try:
            if not all(os.path.exists(p) for p in paths):
                t = time.perf_counter()
                if args.pair:
                    n = sum(build_pair(paths[0], paths[1], size * 1024 * 1024))
                else:
                    n = ingest_bench.build(paths[0], size * 1024 * 1024)
                made = paths
                print(f"built {', '.join(paths)}: {n / 1e6:.0f} MB in {time.perf_counter() - t:.0f}s")
            cmd = [sys.executable, __file__, "--src", args.src, "--measure", *paths]
            prof = None
            if args.profile:
                prof = stem + ".prof"
                cmd += ["--profile-out", prof]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
            r = json.loads(done.stdout)
            r["size_mib"] = size
            results.append(r)
            report(size, r, f"{size} MiB{' + client' if args.pair else ''} ({args.src})")
            if prof:
                import pstats

                pstats.Stats(prof).sort_stats("cumulative").print_stats(args.top)
                pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
        finally:
            if not args.keep:
                for p in made:
                    if os.path.exists(p):
                        os.unlink(p)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
