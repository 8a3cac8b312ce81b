"""Consistent renaming across all inputs of a scenario: connection names, FQDNs, e-mail
identities and IPv4 addresses (by /16, so subnets stay subnets); optionally outer IPv4
addresses to IPv6. SPIs, cookies and sizes are left as they are."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from .scenario import Doc, Scenario

IPV4 = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])")
FQDN = re.compile(r"(?<![\w.@-])(?P<user>[\w.+-]+@)?(?P<host>(?:[a-z0-9-]+\.)+(?:com|org|net|test|example|lan|local))"
                  r"(?![\w-])")
_CONN_SOURCES = (r"<([\w.-]+)\|\d+>", r"IKE_SA ([\w.-]+)\[\d+\]", r"CHILD_SA ([\w.-]+)\{\d+\}",
                 r"peer config '([\w.-]+)'", r"child config '([\w.-]+)'", r"connection '([\w.-]+)'")
_PACKET = re.compile(r"(?:from|to) (\d+\.\d+\.\d+\.\d+)\[\d+\]")
_SPECIAL = {"0", "127", "255", "224", "239"}


def _text(doc: Doc) -> str:
    if doc.records is not None:
        return "\n".join(r.msg for r in doc.records) + "\n" + "\n".join(
            f"<{r.conn}|0>" for r in doc.records if r.conn)
    return "\n".join(doc.raw)


def map_text(doc: Doc, fn: Callable[[str], str], conn_fn: Callable[[str], str]) -> Doc:
    if doc.records is not None:
        return replace(doc, records=[replace(r, lines=tuple(fn(x) for x in r.lines),
                                             conn=conn_fn(r.conn) if r.conn else r.conn) for r in doc.records])
    return replace(doc, raw=[fn(x) for x in doc.raw])


class Renamer:
    """One mapping for a whole scenario (all inputs), so both ends still agree."""

    def __init__(self, scn: Scenario, *, seed: int = 0, ipv6_outer: bool = False, keep: set[str] = frozenset()):
        text = "\n".join(_text(d) for d in scn.docs)
        self.conns = {c: f"vpn{seed}-{i}" for i, c in enumerate(sorted({m for p in _CONN_SOURCES
                                                                         for m in re.findall(p, text)}))}
        self.hosts = {h: f"n{seed}x{i}.corp-{seed}.net" for i, h in enumerate(sorted({m["host"] for m in FQDN.finditer(text)}))}
        self.users = {u: f"u{seed}x{i}@" for i, u in enumerate(sorted({m["user"] for m in FQDN.finditer(text) if m["user"]}))}
        prefixes = sorted({(m[1], m[2]) for m in IPV4.finditer(text) if m[1] not in _SPECIAL})
        used = set(prefixes)
        pool = ((100, 64 + seed * 8 + k) for k in range(256))
        self.prefix = {}
        for p in prefixes:
            new = next(q for q in pool if (str(q[0]), str(q[1])) not in used)
            self.prefix[p] = (str(new[0]), str(new[1]))
        self.keep = set(keep)  # addresses left alone (a busy gateway's own address)
        self.outer = {a for d in scn.docs for line in (d.raw if d.records is None else
                                                       [r.lines[0] for r in d.records]) for a in _PACKET.findall(line)}
        self.ipv6_outer = ipv6_outer

    def conn(self, name: str) -> str:
        return self.conns.get(name, name)

    def _v4(self, m: re.Match) -> str:
        addr = m.group(0)
        if addr in self.keep or (m[1], m[2]) not in self.prefix:
            return addr
        if self.ipv6_outer and addr in self.outer:
            return f"2001:db8:{m[1]}:{m[2]}:{m[3]}::{m[4]}"
        a, b = self.prefix[(m[1], m[2])]
        return f"{a}.{b}.{m[3]}.{m[4]}"

    def _fqdn(self, m: re.Match) -> str:
        user = self.users.get(m["user"], m["user"]) if m["user"] else ""
        return user + self.hosts.get(m["host"], m["host"])

    def line(self, text: str) -> str:
        if self.ipv6_outer:  # host traffic selectors of an outer address: /32 -> /128
            text = re.sub(r"(?<![\d.])(\d+\.\d+\.\d+\.\d+)/32\b",
                          lambda m: m[0][:-3] + "/128" if m[1] in self.outer else m[0], text)
        text = IPV4.sub(self._v4, text)
        text = FQDN.sub(self._fqdn, text)
        for old, new in self.conns.items():
            text = re.sub(rf"(?<=[<'\" ]){re.escape(old)}(?=[|\[{{'\":])", new, text)
        return text

    def apply(self, scn: Scenario) -> Scenario:
        return replace(scn, docs=[map_text(d, self.line, self.conn) for d in scn.docs])
