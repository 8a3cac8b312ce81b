"""Run a scenario and its transformed variant and say what changed."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .scenario import FIXTURES, Verdict, judge, load, report, same_pairs, write
from .transforms import BY_NAME, Transform, has_times


@dataclass(frozen=True, slots=True)
class Outcome:
    scenario: str
    transform: str
    applicable: bool
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@lru_cache(maxsize=None)
def baseline(folder: str) -> Verdict:
    scn = load(folder)
    paths = [str(FIXTURES / folder / d.name) for d in scn.docs]
    rep = report(paths)
    return judge(rep, scn.spec, [0.0] * len(paths), _by_position(paths))


def _by_position(paths: list[str]) -> dict[str, int]:
    return {p: i for i, p in enumerate(paths)}


def run(folder: str, transform: Transform | str) -> Outcome:
    t = BY_NAME[transform] if isinstance(transform, str) else transform
    scn = load(folder)
    variant = t.apply(scn)
    if variant is None:
        return Outcome(folder, t.name, False)
    base = baseline(folder)
    with tempfile.TemporaryDirectory(prefix="swandiag-mm-") as tmp:
        paths = write(variant, Path(tmp))
        rep = report(paths)
        got = judge(rep, scn.spec, [d.shift_s for d in variant.docs], None)
    problems = []
    if base.diagnosis_ok and not got.diagnosis_ok:
        problems.append(f"diagnosis: top={got.top} expect={sorted(scn.spec.get('expect', [])) or 'clean'}")
    elif not base.diagnosis_ok and got.top != base.top:
        problems.append(f"diagnosis changed: {base.top} -> {got.top}")
    if not same_pairs(base.pairs, got.pairs):
        problems.append(f"pairing: {len(base.pairs)} pairs -> {len(got.pairs)} "
                        f"(lost {len(base.pairs - got.pairs)}, new {len(got.pairs - base.pairs)})")
    timed = all(has_times(d) for d in scn.docs[:2])
    if scn.spec.get("paired") and scn.spec.get("offset_s") is not None and timed:
        want = scn.spec["offset_s"] + t.skew_s
        if got.offset is None or abs(got.offset - want) > 1.0:
            problems.append(f"offset: {got.offset} want {want}")
    if t.format is not None:
        rendered = [i for i, d in enumerate(variant.docs) if d.data is not None]
        wrong = {got.formats[i] for i in rendered if i < len(got.formats) and got.formats[i] != t.format}
        if wrong:
            problems.append(f"format: detected {sorted(wrong)} want {t.format}")
    if got.unrecognised > base.unrecognised:
        problems.append(f"unrecognised lines: {base.unrecognised} -> {got.unrecognised}")
    return Outcome(folder, t.name, True, tuple(problems))
