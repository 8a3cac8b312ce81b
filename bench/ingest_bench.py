#!/usr/bin/env python3
"""Ingest+parse benchmark (issue 2): build a big level-2 gateway log from real corpus lines,
then time swandiag's ingest+parse stage on it and compare with a bare prefix regex loop (same
process, same file, before and after swandiag's run) and with `grep -c`.

    python bench/ingest_bench.py              # 1 GiB file (default), then measure
    python bench/ingest_bench.py --size 100   # quick run with 100 MiB
    python bench/ingest_bench.py --file big.log --keep   # reuse/keep the generated file
    python bench/ingest_bench.py --src OTHER/src ...     # measure another checkout (before/after)

The machine is shared, so absolute MB/s move with the load: the ratio to the bare loop is the
figure to compare between runs. The bare loop is what the issue calls "a bare prefix regex
loop in Python": 1 MiB binary reads, decode, split into lines, one compiled match of the
generic filelog prefix (`BASELINE_PREFIX`) per line, nothing else.

The file is built by replaying the corpus' `%b %e %T` gateway logs (tests/fixtures/corpus/lab)
round after round: times shifted forward, IKE_SA/CHILD_SA unique ids renumbered, threads
rotated and the client address changed per round, so it looks like many clients over many
hours. It goes to a temporary file that is deleted afterwards unless --keep.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "fixtures", "corpus", "lab")
_MONTHS = {m: i for i, m in enumerate(("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec").split(), 1)}
# the pieces that change per round (our own corpus text, not hostile input: stdlib re is fine here)
# (a name before `[N]` starts with a letter: `192.0.2.1[500]` is an address and port, kept)
_SA = re.compile(r"(<[^|>]*\|)(\d+)>|(\b[A-Za-z][\w-]*)\[(\d+)\]|(\b[\w-]+)\{(\d+)\}")
# charon filelog prefix `[time ]NN[GRP[l]] [<conn|N> ]` with any time format (what swandiag's
# generic filelog split accepts), for the bare-loop baseline
BASELINE_PREFIX = r"(?:(.*?) )?(\d{2,6})\[([A-Z]{3})([0-4])?\] (?:<([^>]*)> )?"
_THREAD = re.compile(r"^(\d{2,})\[")


def file_lines(path: str) -> list[tuple[int, str]]:
    """(seconds of the day, line body with {sa}/{child}/{cli}/{th} slots) of one corpus log in
    `%b %e %T`, or [] for a log in another time format."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().splitlines()
    if not lines or lines[0][:3] not in _MONTHS:
        return []  # only the `%b %e %T` logs
    out: list[tuple[int, str]] = []
    for line in lines:
        stamp, body = line[:15], line[16:]
        if stamp[:3] not in _MONTHS:
            continue
        secs = int(stamp[7:9]) * 3600 + int(stamp[10:12]) * 60 + int(stamp[13:15])
        body = body.replace("{", "{{").replace("}", "}}")
        body = _THREAD.sub(lambda m: "{th}[", body, count=1)

        def slot(m: re.Match) -> str:
            if m.group(1):
                return m.group(1) + "{sa}>"
            if m.group(3):
                return m.group(3) + "[{sa}]"
            return m.group(5) + "{{{child}}}"

        body = _SA.sub(slot, body.replace("{{", "\x00").replace("}}", "\x01"))
        body = body.replace("\x00", "{{").replace("\x01", "}}").replace("192.0.2.10", "{cli}")
        out.append((secs, body))
    return out


def _templates() -> list[tuple[int, str]]:
    """(seconds since the file's first line, line body with {sa}/{child}/{cli}/{th} slots)."""
    out: list[tuple[int, str]] = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "*", "gateway.log"))):
        lines = file_lines(path)
        if lines:
            t0 = lines[0][0]
            out.extend((max(0, secs - t0), body) for secs, body in lines)
    return out


def round_chunk(templates: list[tuple[int, str]], rnd: int, start: float, stamps: dict[int, str]) -> str:
    """The text of round `rnd` (starting at epoch `start`): times shifted, IKE_SA/CHILD_SA ids
    renumbered, threads rotated, a new client address. `stamps` caches formatted seconds."""
    sa = rnd + 1
    cli = f"10.{(rnd >> 16) & 255}.{(rnd >> 8) & 255}.{rnd & 255 or 1}"
    buf = []
    for rel, body in templates:
        t = int(start + rel)
        stamp = stamps.get(t)
        if stamp is None:
            if len(stamps) > 100_000:
                stamps.clear()
            stamp = stamps[t] = time.strftime("%b %e %H:%M:%S", time.localtime(t))
        buf.append(stamp + " " + body.format(sa=sa, child=sa, cli=cli, th=f"{(rnd + rel) % 16 + 1:02d}"))
    return "\n".join(buf) + "\n"


def build(path: str, size: int) -> int:
    templates = _templates()
    span = max(t for t, _ in templates) + 5
    base = time.mktime((2026, 11, 1, 0, 0, 0, 0, 0, -1))
    written = 0
    rnd = 0
    stamps: dict[int, str] = {}
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        while written < size:
            chunk = round_chunk(templates, rnd, base + rnd * span, stamps)
            out.write(chunk)
            written += len(chunk)
            rnd += 1
    return written


def bare_loop(path: str) -> tuple[float, float]:
    """(wall, CPU) seconds for the baseline: read 1 MiB blocks, decode, split, one prefix
    match a line."""
    match = re.compile(BASELINE_PREFIX).match
    t = time.perf_counter()
    c = time.process_time()
    with open(path, "rb", buffering=0) as fh:
        carry = b""
        while chunk := fh.read(1 << 20):
            cut = chunk.rfind(b"\n") + 1
            for line in (carry + chunk[:cut]).decode("utf-8", "replace").split("\n"):
                match(line)
            carry = chunk[cut:]
    return time.perf_counter() - t, time.process_time() - c


def measure(path: str, src: str) -> dict:
    """Runs in a fresh interpreter so peak RSS is the parse stage's own."""
    import resource

    sys.path.insert(0, src)
    from swandiag.ingest.sources import resolve
    from swandiag.parse.stream import parse_input
    from swandiag.pipeline import Options

    base1 = bare_loop(path)
    rss_base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    specs, _ = resolve([path])
    t = time.perf_counter()
    c = time.process_time()
    parsed = parse_input(specs[0], Options())
    events = 0
    for _ in parsed.events():
        events += 1
    dt = time.perf_counter() - t
    cpu = time.process_time() - c
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base2 = bare_loop(path)
    s = parsed.summary
    return {"seconds": dt, "bytes": s.stats.bytes_read, "lines": s.lines, "events": events,
            "unrecognised": s.unrecognised_lines, "format": s.format.value, "cpu_seconds": cpu,
            "baseline_seconds": [base1[0], base2[0]], "baseline_cpu_seconds": [base1[1], base2[1]],
            "peak_rss_mb": rss, "baseline_rss_mb": rss_base, "load": os.getloadavg()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=1024, help="size of the generated log in MiB (default 1024)")
    ap.add_argument("--file", help="use/generate this file instead of a temporary one")
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    ap.add_argument("--src", default=os.path.join(ROOT, "src"),
                    help="swandiag source tree to measure (default: this checkout's src/)")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.src)))
        return 0
    path = args.file or os.path.join(tempfile.gettempdir(), f"swandiag-bench-{os.getpid()}.log")
    try:
        if not (args.file and os.path.exists(path)):
            t = time.perf_counter()
            n = build(path, args.size * 1024 * 1024)
            print(f"built {path}: {n / 1e6:.0f} MB in {time.perf_counter() - t:.0f}s")
        load0 = os.getloadavg()
        r = json.loads(subprocess.run([sys.executable, __file__, "--measure", path, "--src", args.src], check=True,
                                      capture_output=True, text=True).stdout)
        t = time.perf_counter()
        g = subprocess.run(["grep", "-c", r"\[IKE\]", path], capture_output=True, text=True)
        grep_s = time.perf_counter() - t
        mb = r["bytes"] / 1e6
        base_s = sum(r["baseline_seconds"]) / 2
        print(f"input        {mb:.0f} MB, {r['lines']} lines, format {r['format']}, {r['unrecognised']} unrecognised"
              f" ({args.src})")
        print(f"ingest+parse {r['seconds']:.1f}s = {mb / r['seconds']:.1f} MB/s, {r['lines'] / r['seconds']:.0f} lines/s")
        print(f"bare loop    {base_s:.1f}s = {mb / base_s:.1f} MB/s (runs before/after: "
              f"{mb / r['baseline_seconds'][0]:.0f}, {mb / r['baseline_seconds'][1]:.0f} MB/s);"
              f" swandiag = {base_s / r['seconds']:.2f} x the bare loop's speed")
        base_cpu = sum(r["baseline_cpu_seconds"]) / 2
        print(f"CPU time     swandiag {r['cpu_seconds']:.1f}s = {mb / r['cpu_seconds']:.1f} MB per CPU-second, bare loop"
              f" {base_cpu:.1f}s = {mb / base_cpu:.1f}; ratio {base_cpu / r['cpu_seconds']:.2f} (less affected by load)")
        print(f"peak RSS     {r['peak_rss_mb']:.0f} MB (interpreter + bare loop before the parse: {r['baseline_rss_mb']:.0f} MB)")
        print(f"grep -c      {grep_s:.2f}s ({g.stdout.strip()} [IKE] lines) = {mb / grep_s:.0f} MB/s;"
              f" swandiag takes {r['seconds'] / grep_s:.1f}x grep's time")
        load1 = os.getloadavg()
        print(f"load average {load0[0]:.2f} before, {r['load'][0]:.2f} after the parse, {load1[0]:.2f} at the end"
              f" ({os.cpu_count()} CPUs)")
    finally:
        if not args.keep and not args.file and os.path.exists(path):
            os.unlink(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
