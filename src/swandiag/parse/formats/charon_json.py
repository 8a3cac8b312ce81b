"""strongSwan 6.x filelog with `json = yes`: one object per message, fixed key order
(time?, thread, group, level, ikesa-uniqueid?, ikesa-name?, msg); multi-line messages are one
object with embedded newlines. charon escapes only \\n, \\\\ and \" so parse leniently."""
from __future__ import annotations

import json

from ..event import Daemon, LogFormat
from .base import json_object
from .charon_text import describe_time

FORMATS = (LogFormat.CHARON_JSON,)
_CHARON = Daemon.CHARON
_decoder = json.JSONDecoder(strict=False)


class CharonJsonParser:
    format = LogFormat.CHARON_JSON

    def __init__(self, details: dict):
        self.details = details

    def parse(self, line: str):
        obj = json_object(line, _decoder.decode)
        if obj is None or "msg" not in obj or "group" not in obj:
            return None
        msg = obj.get("msg")
        msg = msg if isinstance(msg, str) else str(msg)
        cont = None
        if "\n" in msg:
            msg, *cont = msg.split("\n")
        sid = obj.get("ikesa-uniqueid")
        sid = int(sid) if isinstance(sid, str) and sid.isdigit() else sid if isinstance(sid, int) else None
        name = obj.get("ikesa-name")
        thread = obj.get("thread")
        level = obj.get("level")
        tkey = obj.get("time")
        group = obj.get("group")
        return (tkey if isinstance(tkey, str) else None, None, _CHARON, None,
                thread if isinstance(thread, int) else None, group if isinstance(group, str) else None,
                level if isinstance(level, int) else None, name if isinstance(name, str) else None, sid, msg,
                None, cont)


def score(lines: list[str]) -> dict[LogFormat, tuple[float, dict]]:
    body = [x for x in lines if x.strip()]
    if not body:
        return {}
    p = CharonJsonParser({})
    parsed = [p.parse(x) for x in body]
    ok = [r for r in parsed if r is not None]
    if not ok:
        return {}
    details: dict = {"ike_name": any(r[8] is not None for r in ok), "json": True}
    first_t = next((r[0] for r in ok if r[0]), None)
    tf, precision = describe_time(first_t)
    details["time_format"] = tf
    if precision:
        details["time_precision"] = precision
    return {LogFormat.CHARON_JSON: (len(ok) / len(body), details)}


def make_parser(fmt: LogFormat, details: dict) -> CharonJsonParser:
    return CharonJsonParser(details)
