"""strongswan.conf → the charon loggers (what the log will look like, at which levels) and
the few daemon options the checks need. Options that name secrets are never kept."""
from __future__ import annotations

import re

from . import settings
from .records import LintProblem, Loc, Logger, StrongswanConf
from .settings import Section, Value, split_list

_GROUPS = {"dmn", "mgr", "ike", "chd", "job", "cfg", "knl", "net", "asn", "enc", "tnc", "imc", "imv", "pts", "tls",
           "esp", "lib", "app", "wch", "any"}
_LOGGER_OPTS = {"default", "time_format", "ike_name", "log_level", "json", "path", "append", "flush_line",
                "time_add_ms", "time_precision", "identifier", "map_level"}
_SECRETISH = re.compile(r"secret|passw|psk|^pin$|key$|token", re.IGNORECASE)
_DAEMONS = ("charon", "charon-systemd", "charon-nm", "charon-cmd", "charon-svc")


def load(path: str) -> tuple[StrongswanConf, list[LintProblem]]:
    parsed = settings.parse_file(path)
    return from_tree(parsed.root, path), parsed.problems


def load_text(text: str, path: str = "<text>") -> tuple[StrongswanConf, list[LintProblem]]:
    parsed = settings.parse_text(text, path)
    return from_tree(parsed.root, path), parsed.problems


def from_tree(root: Section, path: str) -> StrongswanConf:
    conf = StrongswanConf(path=path)
    for daemon in _DAEMONS:
        sec = root.sub(daemon)
        if sec is None:
            continue
        _flatten(sec, daemon, conf)
        conf.plugins_load.extend(split_list(sec.get("load")))
        filelog = sec.sub("filelog")
        if filelog:
            for name, lsec in filelog.sections.items():
                conf.loggers.append(_logger("filelog", lsec.get("path") or name, lsec))
        syslog = sec.sub("syslog")
        if syslog:
            for name, lsec in syslog.sections.items():
                conf.loggers.append(_logger("syslog", name, lsec))
        journal = sec.sub("journal")
        if journal:
            conf.loggers.append(_logger("journal", "journal", journal))
    return conf


def _logger(kind: str, name: str, sec: Section) -> Logger:
    def flag(key: str) -> bool:
        return (sec.get(key) or "no").strip().lower() in ("yes", "true", "1", "enabled")

    logger = Logger(kind=kind, name=name, loc=sec.loc, time_format=sec.get("time_format"),
                    ike_name=flag("ike_name"), log_level=flag("log_level"), json=flag("json"))
    default = _int(sec.get("default"))
    logger.default = default
    for key, value in sec.keys.items():
        if key.lower() in _GROUPS:
            level = _int(value.text)
            if level is not None:
                logger.groups[key.lower()] = level
    return logger


def _int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def _flatten(sec: Section, prefix: str, conf: StrongswanConf) -> None:
    for key, value in sec.keys.items():
        if _SECRETISH.search(key):
            continue
        dotted = f"{prefix}.{key}"
        conf.settings[dotted] = value.text
        conf.locs[dotted] = value.loc
    for name, sub in sec.sections.items():
        if name in ("filelog", "syslog", "journal") or _SECRETISH.search(name):
            continue
        _flatten(sub, f"{prefix}.{name}", conf)


def expected_format(logger: Logger) -> dict[str, object]:
    """What ingest should see in this logger's output (for cross-checks with the detected format)."""
    if logger.kind == "filelog":
        fmt = "charon-json" if logger.json else "charon-filelog"
    elif logger.kind == "journal":
        fmt = "journal"
    else:
        fmt = "syslog"
    return {"format": fmt, "time_format": logger.time_format, "ike_name": logger.ike_name,
            "log_level": logger.log_level, "levels": {g: logger.level(g) for g in ("ike", "cfg", "knl", "net", "enc")}}


__all__ = ["load", "load_text", "expected_format", "Value", "Loc"]
