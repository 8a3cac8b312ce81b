"""Console output with no timestamps: `swanctl --log` / charon-cmd (`NN[GRP] msg`),
`swanctl --initiate/--terminate` (`[GRP] msg`, multi-line text unsplit), `ipsec up` (bare)."""
from __future__ import annotations

from ..event import Daemon, LogFormat
from ..paste import is_prompt
from .base import split_core
from .charon_text import split_filelog
from .journal import BareParser, bare_score

FORMATS = (LogFormat.SWANCTL_LOG, LogFormat.SWANCTL_CONTROL, LogFormat.STROKE)
_OTHER = Daemon.OTHER
_CHARON = Daemon.CHARON
_SWANCTL_OWN = frozenset(("disconnecting...",))  # printed by swanctl --log itself (on SIGINT)


class SwanctlLogParser:
    format = LogFormat.SWANCTL_LOG

    def __init__(self, details: dict):
        self.details = details

    def parse(self, line: str):
        r = split_filelog(line)
        if r is None or r[0] is not None:
            if line in _SWANCTL_OWN or is_prompt(line):
                return (None, None, _OTHER, None, None, None, None, None, None, line, "swanctl", None)
            return line if line.strip() else None  # rest of a message that carried a newline
        _, thread, group, level, name, sid, text = r
        return (None, None, _CHARON, None, thread, group, level, name, sid, text, "swanctl", None)


class ControlParser:
    format = LogFormat.SWANCTL_CONTROL

    def __init__(self, details: dict):
        self.details = details

    def parse(self, line: str):
        if line[:1] == "[" and line[4:6] == "] ":
            core = split_core(" " + line, 1)  # reuse the `[GRP]` check with a dummy thread slot
            if core is not None:
                group, level, name, sid, text = core
                return (None, None, _CHARON, None, None, group, level, name, sid, text, "swanctl", None)
        if line.startswith(("initiate ", "terminate ", "redirect ", "rekey ", "install ", "uninstall ")) or (
                line.startswith(_SWANCTL_LOAD)) or is_prompt(line):
            return (None, None, _OTHER, None, None, None, None, None, None, line, "swanctl", None)
        return line if line.strip() else None  # unsplit multi-line text of the previous message


def _control_line(line: str) -> bool:
    return line[:1] == "[" and line[4:6] == "] " and line[1:4].isupper()


# what `swanctl --load-all|--load-conns|--load-creds|--load-pools` prints before an initiation
_SWANCTL_LOAD = ("loaded ", "successfully loaded ", "loading ", "no authorities found", "no pools found",
                 "unsupported key type in ", "unloaded ")


def score(lines: list[str]) -> dict[LogFormat, tuple[float, dict]]:
    body = [x for x in lines if x.strip()]
    if not body:
        return {}
    out: dict[LogFormat, tuple[float, dict]] = {}
    ctl = sum(1 for x in body if _control_line(x) or x.startswith(("initiate ", "terminate ")))
    if ctl:
        own = sum(1 for x in body if x.startswith(_SWANCTL_LOAD) or is_prompt(x))
        out[LogFormat.SWANCTL_CONTROL] = (min(1.0, (ctl + own) / len(body)), {"time_format": None})
    cores = [split_filelog(x) for x in body]
    untimed = [r for r in cores if r is not None and r[0] is None]
    if untimed and not any(r[5] is not None for r in untimed) and not any(r[1] == 0 for r in untimed):
        # no SA tags and no main-thread start-up lines: the vici log stream, not a filelog.
        # Tie with charon_text; rank decides, so give the swanctl reading a hair more.
        out[LogFormat.SWANCTL_LOG] = (min(1.0, len(untimed) / len(body) + 0.001), {"time_format": None})
    # `ipsec up` output starts with the initiation (or the command's prompt); journalctl -o cat
    # with daemon start-up
    prompt = next((i for i, x in enumerate(body[:5]) if is_prompt(x)), None)
    if prompt is not None:
        body = body[prompt:]
    if body[0].startswith(("initiating ", "establishing ", "$ ")) or prompt is not None or any(
            "' established successfully" in x or x.startswith("establishing connection '") for x in body):
        bs = bare_score(body)
        if bs:
            out[LogFormat.STROKE] = (min(1.0, bs + 0.05), {"time_format": None, "_module": "console"})
    return out


def make_parser(fmt: LogFormat, details: dict):
    if fmt is LogFormat.SWANCTL_LOG:
        return SwanctlLogParser(details)
    if fmt is LogFormat.SWANCTL_CONTROL:
        return ControlParser(details)
    return BareParser(fmt, details)
