"""The level charon logged each message at, learnt from the real captures that print it
(the 6.x JSON filelogs and the journal JSON exports of the corpus), for the variants that show
levels (`[IKE1]`, JSON filelog, journal fields). Unknown messages fall back to swandiag's own
level markers (parse/levels.py, level-only messages), then to 1."""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from swandiag.parse.levels import MARKERS

from .records import Record

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
_VAR = re.compile(r"\d+|[0-9a-f]{8,}")


def _key(group: str, msg: str) -> str:
    return group + " " + _VAR.sub("#", msg)


def _prefix(group: str, msg: str) -> str:
    return group + " " + " ".join(msg.split()[:2])


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, int], dict[str, int]]:
    exact: dict[str, Counter] = {}
    loose: dict[str, Counter] = {}
    for path in sorted(CORPUS.rglob("*.json.log")) + sorted(CORPUS.rglob("*.journal.json")):
        for line in path.read_text(errors="replace").splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            msg, group, level = obj.get("msg", obj.get("MESSAGE")), obj.get("group", obj.get("GROUP")), \
                obj.get("level", obj.get("LEVEL"))
            if not isinstance(msg, str) or not group or level is None:
                continue
            exact.setdefault(_key(group, msg), Counter())[int(level)] += 1
            loose.setdefault(_prefix(group, msg), Counter())[int(level)] += 1
    pick = lambda table: {k: c.most_common(1)[0][0] for k, c in table.items()}  # noqa: E731
    return pick(exact), pick(loose)


def level_of(rec: Record) -> int:
    if rec.level is not None:
        return rec.level
    if len(rec.lines) > 1:
        return 3  # %b hex dumps are DBG3 (key material DBG4, indistinguishable here)
    msg = rec.lines[0]
    exact, loose = _tables()
    for table, key in ((exact, _key(rec.group, msg)), (loose, _prefix(rec.group, msg))):
        if key in table:
            return table[key]
    for prefix, group, level in MARKERS:
        if group == rec.group and msg.startswith(prefix):
            return level
    return 1
