"""Correlation does not depend on the order an input was written in: a newest-first export
(firewall GUI) and a rotated set pair exactly like the single oldest-first file."""
from __future__ import annotations

import gzip
from pathlib import Path

from swandiag.correlate.pairing import correlate
from swandiag.correlate.timeline import for_inputs
from swandiag.ingest.sources import resolve
from swandiag.negotiation.builder import build
from swandiag.parse.detect import newest_first, sniff
from swandiag.parse.stream import parse_input
from swandiag.pipeline import Options

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def _analyse(paths: list[str]):
    specs, _ = resolve(paths)
    inputs, negs = [], []
    for spec in specs:
        parsed = parse_input(spec, Options())
        inputs.append(parsed.summary)
        negs.extend(build(parsed.events(), parsed.summary))
    return inputs, negs, correlate(negs, inputs, {})


def _pairs(negs, corr) -> set[tuple[float, float]]:
    first = {n.id: n.messages[0].ts if n.messages else None for n in negs}
    return {tuple(sorted((first[p.a], first[p.b]))) for p in corr.pairings}


def _reversed_copy(src: Path, dst: Path) -> str:
    lines = src.read_text().splitlines()
    dst.write_text("\n".join(reversed(lines)) + "\n")
    return str(dst)


def test_short_newest_first_paste_is_detected():
    """A paste spanning three seconds has only two backward steps and no forward one."""
    src = CORPUS / "journal" / "proposal-mismatch-ike" / "gateway.journal.short.log"
    lines = list(reversed(src.read_text().splitlines()))
    guess = sniff([x.encode() for x in lines])
    assert guess.details.get("newest_first")
    assert not newest_first(guess, src.read_text().splitlines())


def test_newest_first_pairs_and_aligns_like_the_original(tmp_path):
    folder = CORPUS / "racoon" / "h-dpd-peer-dead"
    _, negs0, corr0 = _analyse([str(folder / "gateway.log"), str(folder / "racoon.log")])
    gw = _reversed_copy(folder / "gateway.log", tmp_path / "gateway.log")
    inputs, negs, corr = _analyse([gw, str(folder / "racoon.log")])
    assert inputs[0].reversed and corr.newest_first == frozenset({0})
    assert _pairs(negs, corr) == _pairs(negs0, corr0) and len(corr.pairings) == 1
    (o0,), (o,) = corr0.offsets, corr.offsets
    assert abs(o.offset_s - o0.offset_s) < 0.5 and o.samples == o0.samples
    # log order kept: the gateway's messages go forward in time, the timeline too
    gw_neg = next(n for n in negs if n.input == 0)
    times = [m.ts for m in gw_neg.messages]
    assert times == sorted(times)
    entries = for_inputs(0, 1, negs, corr)
    stamps = [e.ts for e in entries if e.ts is not None]
    assert stamps == sorted(stamps)
    # and lines are still cited where they are in the file
    assert max(e.line for e in entries if e.input == 0) <= len((folder / "gateway.log").read_text().splitlines())


def test_rotated_set_named_file_by_file_pairs_like_one_file(tmp_path):
    folder = CORPUS / "lab" / "dpd-timeout"
    _, negs0, corr0 = _analyse([str(folder / "gateway.log"), str(folder / "client.log")])
    lines = (folder / "gateway.log").read_text().splitlines(keepends=True)
    a, b = len(lines) // 3, 2 * len(lines) // 3
    (tmp_path / "charon.log.2.gz").write_bytes(gzip.compress("".join(lines[:a]).encode()))
    (tmp_path / "charon.log.1").write_text("".join(lines[a:b]))
    (tmp_path / "charon.log").write_text("".join(lines[b:]))
    paths = [str(tmp_path / n) for n in ("charon.log.2.gz", "charon.log.1", "charon.log")]
    inputs, negs, corr = _analyse(paths + [str(folder / "client.log")])
    assert len(inputs) == 2
    assert _pairs(negs, corr) == _pairs(negs0, corr0) and len(corr.pairings) == len(corr0.pairings)
