"""Follow mode (tail -f): notice inputs that grew or were rotated, and which files to re-analyse."""
from __future__ import annotations

from dataclasses import dataclass, field

from .merged import LogModel, key

REANALYSE_EVERY_S = 1.5  # at most one re-analysis per this many seconds while files grow


@dataclass(slots=True)
class Growth:
    new_keys: list[int] = field(default_factory=list)  # lines that appeared, per input in order
    rotated: list[str] = field(default_factory=list)  # names of inputs that were rotated

    @property
    def changed(self) -> bool:
        return bool(self.new_keys or self.rotated)


def poll(log: LogModel) -> Growth:
    """Look at every followed input once; index what was appended."""
    out = Growth()
    for i, index in enumerate(log.indexes):
        before = index.lines
        state = index.check()
        if state == "rotated":
            out.rotated.append(index.name)
        if state and index.lines > before:
            out.new_keys.extend(key(i, n) for n in range(before + 1, index.lines + 1))
    return out


def analysis_paths(log: LogModel, original: list[str], rotated_once: bool) -> list[str]:
    """What to analyse again: the user's paths, or (after a rotation) every member file, so
    the rotated file and its successor are read as one input, oldest first."""
    if not rotated_once:
        return original
    return [p for index in log.indexes for p in index.member_paths()]
