"""Redaction: consistent, structure-preserving replacement of what identifies people and networks.

* Addresses map into documentation ranges by role, keeping subnet relationships (addresses of
  one original /24 resp. /64 land in one block): gateway 192.0.2.0/24 and 2001:db8:1::/48,
  clients 198.51.100.0/24 and 2001:db8:2::/48, pools (virtual IPs) 203.0.113.0/24 and
  2001:db8:3::/48, anything else 198.18.0.0/15 (RFC 2544) and 2001:db8:4::/48; link-local
  stays link-local (fe80::/64). A mapped address never equals an address seen in the inputs.
* FQDNs and host names -> host-N, e-mail and user identities, EAP/XAuth names -> user-N,
  certificate DNs -> dn-N (their O/OU -> org-N, other CNs -> name-N), serials -> serial-N,
  journald machine/boot ids -> machine-N.
* Secrets (`secret = …`), key material and hex dumps (charon levels 3-4, racoon DEBUG) are
  removed outright.

One Redactor serves one run (all inputs share it); `--map-file` persists the mapping so later
runs agree. The map holds the originals: it stays local and never goes into a report.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import json
import os
from collections.abc import Iterable
from pathlib import Path

import regex

from ..errors import SwandiagError

TIMEOUT = 2.0
MAP_FORMAT = "swandiag-redaction-map/1"
REMOVED_DUMP = "[hex dump removed]"
REMOVED_HEX = "[hex removed]"
REMOVED_SECRET = "<redacted>"
UNREDACTABLE = "[line removed: could not be redacted]"

GATEWAY, CLIENT, POOL, OTHER = "gateway", "client", "pool", "other"
_ROLE_PRIORITY = {POOL: 3, GATEWAY: 2, CLIENT: 1, OTHER: 0}
_V4_PRIMARY = {GATEWAY: "192.0.2.0/24", CLIENT: "198.51.100.0/24", POOL: "203.0.113.0/24"}
_V4_OVERFLOW = ipaddress.ip_network("198.18.0.0/15")
_V6_ROLE = {GATEWAY: 1, CLIENT: 2, POOL: 3, OTHER: 4}
_V6_BASE = int(ipaddress.ip_address("2001:db8::"))
_LINK_LOCAL_BASE = int(ipaddress.ip_address("fe80::"))
_SLOT = 64  # IPv4 block per original /24: a /26

# --- text shapes -------------------------------------------------------------------------
_V4 = regex.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_V6 = regex.compile(r"(?<![\w:.%])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:%[\w.-]+)?(?![\w:])")
_EMAIL = regex.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?![\w-])")
_FQDN = regex.compile(r"(?<![\w.@-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})\.)+([A-Za-z]{2,24})\.?(?![\w-]|\.\w)")
_DN_ATTR = regex.compile(r"(?:^|,\s*|/)(?:C|CN|O|OU|L|ST|E|DC|emailAddress|serialNumber|UID)=", regex.IGNORECASE)
_DN_PART = regex.compile(r"(?:^|,\s*|/)(CN|O|OU|E|emailAddress|UID)=([^,/]+)", regex.IGNORECASE)
_QUOTED = regex.compile(r"'([^'\n]{1,512})'|\"([^\"\n]{1,512})\"")
_MATCHING_IDS = regex.compile(r"\S+?\[([^\]\[\s]{1,256})\]\.\.\.\S+?\[([^\]\[\s]{1,256})\]")
_CONTEXT_IDS = regex.compile(
    r"(?:authentication of|EAP identity|XAuth user(?: name)?|identity|IDi|IDr|peer ID|user(?: name)?|login|"
    r"for|found for|id)\s*:?\s*'([^'\n]{1,256})'", regex.IGNORECASE)
# charon's config dump at cfg 2: "   id = *@example.org", "   eap_id = carol"
_CONFIG_IDS = regex.compile(
    r"(?:^|\]\s|>\s|\"msg\":\")\s*(?:id|eap_id|xauth_id|aaa_id|local_id|remote_id|leftid|rightid)\s*=\s*"
    r"\"?([^\"\n\\]{1,256}?)\"?\s*(?:\"\}|$)", regex.MULTILINE)
_PAIR_IDS = regex.compile(r"'([^'\n]{1,256})'\s*-\s*'([^'\n]{1,256})'")
_SERIAL = regex.compile(r"serial(?:\s*number)?\s*[:=]?\s*((?:[0-9a-fA-F]{2}:){2,}[0-9a-fA-F]{2}|[0-9a-fA-F]{8,})", regex.IGNORECASE)
_JOURNAL_HOST = regex.compile(r"(?:\"_HOSTNAME\"\s*:\s*\"|\b_HOSTNAME=)([^\"\s]{1,253})")
_JOURNAL_IDS = regex.compile(r"(?:\"(?:_MACHINE_ID|_BOOT_ID)\"\s*:\s*\"|\b(?:_MACHINE_ID|_BOOT_ID)=)([0-9a-f]{32})")
# syslog / journalctl short*: "Nov 29 22:43:58 HOST charon[12]: …", "2026-11-29T22:43:58+0000 HOST …"
_SYSLOG_HOST = regex.compile(
    r"^(?:<\d+>\d?\s*)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d\S*)"
    r"\s+([A-Za-z0-9][\w.-]{0,252})\s+[\w./@-]+(?:\[\d+\])?:\s")
_POOL_HINT = regex.compile(r"(?:virtual IP|pool \S+:)\s+(\S+?)(?:[\s,]|$)", regex.IGNORECASE)
# secrets and dumps
_SECRET = regex.compile(
    r"(?i)\b(secret|psk|pre-?shared[-_ ]?key|password|passphrase|xauth_?pass(?:word)?|pin)(\s*[=:]\s*)"
    r"(\"[^\"]*\"|'[^']*'|[^\s,;]+)")
_CHARON_DUMP = regex.compile(r"(?<![\w:])\d{1,5}: (?:[0-9A-F]{2} ){1,16}.*$")
_HEX_LINE = regex.compile(r"^\s*(?:[0-9a-fA-F]{2,16}\s*){1,16}$")
_COLON_HEX = regex.compile(r"(?:[0-9a-fA-F]{2}:){15,}[0-9a-fA-F]{2}")
_LONG_HEX = regex.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{40,}(?![0-9A-Za-z])")

_TLDS = frozenset("""com org net edu gov mil int info biz io co de ch at fr uk nl be it es se no dk fi pl cz ru cn jp
us ca au nz br in eu me dev app cloud online site xyz tech local lan home corp internal intranet example test invalid
localdomain arpa li lu ie pt gr hu sk si hr ro bg ua tr il za kr tw hk sg my th vn id ph mx ar cl""".split())
_NOT_IDENTITIES = frozenset({"", "%any", "%any6", "any", "(null)", "null", "*", "0.0.0.0", "::", "%", "myself"})
_BOUND_L = r"(?<![A-Za-z0-9_])(?<!\d\.)"
_BOUND_R = r"(?![A-Za-z0-9_])(?!\.\d)"


def _is_hex_dump_line(line: str) -> bool:
    """A racoon-style dump line: only hex groups, at least 8 hex digits (never a word)."""
    try:
        if not _HEX_LINE.match(line, timeout=TIMEOUT):
            return False
    except TimeoutError:
        return False
    digits = sum(c in "0123456789abcdefABCDEF" for c in line)
    return digits >= 8 and any(c.isdigit() for c in line)


def _parse_ip(text: str):
    core = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(core)
    except ValueError:
        return None


def _kept(ip) -> bool:
    """Addresses that identify nobody stay as they are."""
    if ip.is_unspecified or ip.is_loopback or ip.is_multicast:
        return True
    return ip.version == 4 and (int(ip) >> 24) in (0, 255)


class Redactor:
    """Learn first (`learn_analysis`, `learn_text`), then redact (`text`, `line`)."""

    def __init__(self, map_file: str | os.PathLike | None = None):
        self.map_file = Path(map_file) if map_file else None
        self.addresses: dict[str, str] = {}  # original (canonical) -> mapped
        self.tokens: dict[str, str] = {}  # casefolded original -> token
        self.counters: dict[str, int] = {}
        self.slots: dict[str, int] = {}  # "v4|role|net" / "v6|role|net" -> block base (int) / subnet index
        self.roles: dict[str, str] = {}  # original address -> role hint
        self.seen: set[str] = set()  # every original address seen (never produced as a mapping)
        self._pattern: regex.Pattern | None = None
        self._next_slot: dict[str, int] = {}
        if self.map_file and self.map_file.exists():
            self._load()

    # --- persistence ------------------------------------------------------------------
    def _load(self) -> None:
        try:
            data = json.loads(self.map_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SwandiagError(f"--map-file {self.map_file}: cannot read it ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != MAP_FORMAT:
            raise SwandiagError(f"--map-file {self.map_file}: not a swandiag redaction map")
        self.addresses = {str(k): str(v) for k, v in dict(data.get("addresses", {})).items()}
        self.tokens = {str(k): str(v) for k, v in dict(data.get("tokens", {})).items()}
        self.counters = {str(k): int(v) for k, v in dict(data.get("counters", {})).items()}
        self.slots = {str(k): int(v) for k, v in dict(data.get("slots", {})).items()}
        self.seen.update(self.addresses)
        self._pattern = None

    def save(self) -> None:
        if not self.map_file:
            return
        data = {"format": MAP_FORMAT, "warning": "holds the original values: keep this file local, never attach it",
                "addresses": dict(sorted(self.addresses.items())), "tokens": dict(sorted(self.tokens.items())),
                "counters": dict(sorted(self.counters.items())), "slots": dict(sorted(self.slots.items()))}
        tmp = self.map_file.with_name(self.map_file.name + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1)
            os.replace(tmp, self.map_file)
        except OSError as exc:
            raise SwandiagError(f"--map-file {self.map_file}: cannot write it ({exc.strerror or exc})") from None

    # --- learning -----------------------------------------------------------------------
    def hint_address(self, text: str | None, role: str) -> None:
        if not text:
            return
        ip = _parse_ip(text.split("[", 1)[0].split("/", 1)[0].strip())
        if ip is None or _kept(ip):
            return
        key = str(ip)
        self.seen.add(key)
        if _ROLE_PRIORITY[role] > _ROLE_PRIORITY[self.roles.get(key, OTHER)] or key not in self.roles:
            self.roles[key] = role

    def learn_identity(self, value: str | None, role: str = OTHER) -> None:
        """Classify an identity and give it a token (or an address role)."""
        if value is None:
            return
        value = value.strip().strip("\"'").strip()
        if value.casefold() in _NOT_IDENTITIES or len(value) < 2:
            return
        if _parse_ip(value) is not None:
            self.hint_address(value, role)
            return
        if value.startswith(("%", "@#")):
            value = value.lstrip("%@#")
            if len(value) < 2:
                return
        if _DN_ATTR.search(value, timeout=TIMEOUT) and "=" in value:
            self._token(value, "dn")
            for m in _DN_PART.finditer(value, timeout=TIMEOUT):
                attr, part = m.group(1).upper(), m.group(2).strip()
                if attr in ("O", "OU"):
                    self._token(part, "org") if len(part) >= 3 else None
                else:
                    self.learn_identity(part, role) if ("@" in part or "." in part) else (
                        self._token(part, "name") if len(part) >= 3 else None)
            return
        if value.startswith("@"):
            value = value[1:]
        if "@" in value:
            self._token(value, "user")
            domain = value.rsplit("@", 1)[1]
            if "." in domain and _FQDN.fullmatch(domain, timeout=TIMEOUT):
                self._token(domain, "host")
        elif "." in value and _FQDN.fullmatch(value, timeout=TIMEOUT):
            self._token(value.rstrip("."), "host")
        else:
            self._token(value, "user")

    def learn_host(self, name: str | None) -> None:
        if name and name.casefold() not in _NOT_IDENTITIES and _parse_ip(name) is None and len(name) >= 2:
            self._token(name.rstrip("."), "host")

    def learn_analysis(self, analysis) -> None:
        for summary in analysis.inputs:
            self.learn_host(summary.host)
        for neg in analysis.negotiations:
            self.learn_host(neg.host)
            side = neg.side.value
            local_role = {"gateway": GATEWAY, "client": CLIENT}.get(side, OTHER)
            remote_role = {"gateway": CLIENT, "client": GATEWAY}.get(side, OTHER)
            self.hint_address(neg.local.addr, local_role)
            self.hint_address(neg.remote.addr, remote_role)
            for vip in [*neg.vips_requested, *neg.vips_assigned]:
                self.hint_address(vip, POOL)
            self.learn_identity(neg.local_id, local_role)
            self.learn_identity(neg.remote_id, remote_role)
            self.learn_identity(neg.eap_identity)
            self.learn_identity(neg.xauth_user)
            for step in neg.auth:
                self.learn_identity(step.identity, local_role if step.who == "local" else remote_role)
            for cert in neg.certs:
                self.learn_identity(cert.subject)
            for dn in [*neg.certreqs_sent, *neg.certreqs_received]:
                self.learn_identity(dn)
        for finding in analysis.findings:
            for ev in finding.evidence:
                self.learn_text(ev.text)

    def learn_text(self, text: str) -> None:
        """Collect identities, DNs, serials, host names and addresses a line shows."""
        if not text:
            return
        try:
            self._learn_text(text)
        except TimeoutError:
            pass  # the line itself will be dropped by text() if it cannot be processed either

    def _learn_text(self, text: str) -> None:
        for m in _POOL_HINT.finditer(text, timeout=TIMEOUT):
            for part in regex.split(r"[-,]", m.group(1)):
                self.hint_address(part, POOL)
        for m in _V4.finditer(text, timeout=TIMEOUT):
            self.hint_address(m.group(0), OTHER)
        if ":" in text:
            for m in _V6.finditer(text, timeout=TIMEOUT):
                self.hint_address(m.group(0), OTHER)
        for m in _QUOTED.finditer(text, timeout=TIMEOUT):
            quoted = m.group(1) or m.group(2) or ""
            if _DN_ATTR.search(quoted, timeout=TIMEOUT) and "=" in quoted:
                self.learn_identity(quoted)
        for m in _CONTEXT_IDS.finditer(text, timeout=TIMEOUT):
            self.learn_identity(m.group(1))
        if "=" in text:
            for m in _CONFIG_IDS.finditer(text, timeout=TIMEOUT):
                self.learn_identity(m.group(1))
        for m in _PAIR_IDS.finditer(text, timeout=TIMEOUT):
            self.learn_identity(m.group(1))
            self.learn_identity(m.group(2))
        if "for:" in text:  # "loaded IKE shared key with id 'x' for: 'a', 'b'"
            for m in _QUOTED.finditer(text.split("for:", 1)[1], timeout=TIMEOUT):
                self.learn_identity(m.group(1) or m.group(2))
        if "]..." in text:  # "matching 192.0.2.1[gw.example.com]...192.0.2.10[carol]"
            for m in _MATCHING_IDS.finditer(text, timeout=TIMEOUT):
                for part in m.groups():
                    if not part.isdigit():
                        self.learn_identity(part)
        for m in _SERIAL.finditer(text, timeout=TIMEOUT):
            self._token(m.group(1), "serial")
        for m in _EMAIL.finditer(text, timeout=TIMEOUT):
            self.learn_identity(m.group(0))
        if "." in text:
            for m in _FQDN.finditer(text, timeout=TIMEOUT):
                if m.group(1).lower() in _TLDS:
                    self._token(m.group(0).rstrip("."), "host")
        m = _SYSLOG_HOST.match(text, timeout=TIMEOUT)
        if m and not m.group(1)[:1].isdigit():
            self.learn_host(m.group(1))
        if "_HOSTNAME" in text:
            for m in _JOURNAL_HOST.finditer(text, timeout=TIMEOUT):
                self.learn_host(m.group(1))
        if "_ID" in text:
            for m in _JOURNAL_IDS.finditer(text, timeout=TIMEOUT):
                self._token(m.group(1), "machine")

    def _token(self, value: str, kind: str) -> str:
        key = value.casefold()
        token = self.tokens.get(key)
        if token is None:
            self.counters[kind] = self.counters.get(kind, 0) + 1
            token = f"{kind}-{self.counters[kind]}"
            self.tokens[key] = token
            self._pattern = None
        return token

    # --- address mapping ----------------------------------------------------------------
    def _taken(self) -> set[str]:
        return self.seen | set(self.addresses.values())

    def map_address(self, text: str) -> str:
        ip = _parse_ip(text)
        if ip is None or _kept(ip):
            return text
        key = str(ip)
        mapped = self.addresses.get(key)
        if mapped is None:
            self.seen.add(key)
            role = self.roles.get(key, OTHER)
            mapped = self._allocate_v4(ip, role) if ip.version == 4 else self._allocate_v6(ip, role)
            self.addresses[key] = mapped
        zone = "%" + text.split("%", 1)[1] if "%" in text else ""
        return mapped + ("%zone" if zone else "")

    def _v4_blocks(self, role: str) -> Iterable[int]:
        if role in _V4_PRIMARY:
            yield int(ipaddress.ip_network(_V4_PRIMARY[role]).network_address)
        base = int(_V4_OVERFLOW.network_address)
        for n in range(_V4_OVERFLOW.num_addresses // 256):
            yield base + 256 * n

    def _allocate_v4(self, ip, role: str) -> str:
        value = int(ip)
        net, host = value >> 8, value & 0xFF
        taken = self._taken()
        used_bases = {v for k, v in self.slots.items() if k.startswith("v4|")}
        owned = {v >> 8 for k, v in self.slots.items() if k.startswith("v4|") and k.split("|")[1] == role}
        for attempt in range(4096):
            slot_key = f"v4|{role}|{net}|{attempt}"
            base = self.slots.get(slot_key)
            if base is None:
                base = self._free_v4_slot(role, used_bases, owned, taken)
                if base is None:
                    break
                self.slots[slot_key] = base
                used_bases.add(base)
                owned.add(base >> 8)
            if host == 0 and str(ipaddress.IPv4Address(base)) not in taken:
                return str(ipaddress.IPv4Address(base))
            for offset in range(1, _SLOT - 1):
                cand = str(ipaddress.IPv4Address(base + offset))
                if cand not in taken:
                    return cand
        # every documentation block is full: an opaque token still hides the address
        return self._token(str(ip), "addr")

    def _free_v4_slot(self, role, used_bases, owned, taken) -> int | None:
        for block in self._v4_blocks(role):
            claimed_by_other = any(v >> 8 == block >> 8 for v in used_bases) and (block >> 8) not in owned
            if claimed_by_other:
                continue
            for s in range(0, 256, _SLOT):
                base = block + s
                if base not in used_bases and str(ipaddress.IPv4Address(base)) not in taken:
                    return base
        return None

    def _allocate_v6(self, ip, role: str) -> str:
        value = int(ip)
        taken = self._taken()
        if ip.is_link_local:
            for n in range(1, 1 << 16):
                cand = str(ipaddress.IPv6Address(_LINK_LOCAL_BASE + n))
                if cand not in taken:
                    return cand
        net, iid = value >> 64, value & ((1 << 64) - 1)
        slot_key = f"v6|{role}|{net}"
        index = self.slots.get(slot_key)
        if index is None:
            index = 1 + sum(1 for k in self.slots if k.startswith(f"v6|{role}|"))
            self.slots[slot_key] = index
        prefix = (_V6_BASE | (_V6_ROLE[role] << 80) | (index << 64))
        if iid == 0 and str(ipaddress.IPv6Address(prefix)) not in taken:
            return str(ipaddress.IPv6Address(prefix))
        for n in range(1, 1 << 16):
            cand = str(ipaddress.IPv6Address(prefix + n))
            if cand not in taken:
                return cand
        return self._token(str(ip), "addr")

    # --- applying -----------------------------------------------------------------------
    def _identity_pattern(self) -> regex.Pattern | None:
        if self._pattern is None and self.tokens:
            literals = sorted(self.tokens, key=lambda s: (-len(s), s))
            body = "|".join(regex.escape(s) for s in literals)
            self._pattern = regex.compile(f"{_BOUND_L}(?:{body}){_BOUND_R}", regex.IGNORECASE | regex.V0)
        return self._pattern

    def text(self, text: str | None) -> str:
        """Redact one piece of text (a log message, an explanation, a field)."""
        if not text:
            return text or ""
        try:
            self._learn_text(text)
            return self._apply(text)
        except TimeoutError:
            return UNREDACTABLE

    def _apply(self, text: str) -> str:
        out_lines = []
        for line in text.split("\n"):
            if _is_hex_dump_line(line):
                out_lines.append(REMOVED_DUMP)
                continue
            line = _CHARON_DUMP.sub(REMOVED_DUMP, line, timeout=TIMEOUT)
            line = _SECRET.sub(lambda m: m.group(1) + m.group(2) + REMOVED_SECRET, line, timeout=TIMEOUT)
            line = _COLON_HEX.sub(REMOVED_HEX, line, timeout=TIMEOUT)
            line = _LONG_HEX.sub(REMOVED_HEX, line, timeout=TIMEOUT)
            pattern = self._identity_pattern()
            if pattern is not None:
                line = pattern.sub(lambda m: self.tokens[m.group(0).casefold()], line, timeout=TIMEOUT)
            line = _V4.sub(lambda m: self.map_address(m.group(0)), line, timeout=TIMEOUT)
            if ":" in line:
                line = _V6.sub(lambda m: self._map_v6_match(m.group(0)), line, timeout=TIMEOUT)
            out_lines.append(line)
        return "\n".join(out_lines)

    def _map_v6_match(self, text: str) -> str:
        ip = _parse_ip(text)
        if ip is None or ip.version != 6:
            return text
        return self.map_address(text)

    # --- whole report ---------------------------------------------------------------------
    def learn_strings(self, values: Iterable[str]) -> None:
        for value in values:
            self.learn_text(value)


# Fields of the report model that hold no log-derived text (versions, digests, times, enums).
_KEEP_FIELDS = frozenset({"schema", "swandiag_version", "patterns_version", "sha256", "first", "last", "time",
                          "severity", "outcome", "failed_stage", "format", "kind", "method", "role", "redacted",
                          "references"})  # references: public documentation URLs from the patterns


def _strings(obj, name: str = "") -> Iterable[str]:
    if isinstance(obj, str):
        if name not in _KEEP_FIELDS:
            yield obj
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from _strings(getattr(obj, f.name), f.name)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k, name)
            yield from _strings(v, name)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _strings(v, name)


def _rewrite(obj, red: Redactor, name: str = ""):
    if isinstance(obj, str):
        return obj if name in _KEEP_FIELDS else red.text(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            setattr(obj, f.name, _rewrite(getattr(obj, f.name), red, f.name))
        return obj
    if isinstance(obj, dict):
        return {_rewrite(k, red, name): _rewrite(v, red, name) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rewrite(v, red, name) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_rewrite(v, red, name) for v in obj)
    return obj


def redact_report(report, red: Redactor, analysis=None):
    """Redact the report model in place, field by field, after a knowledge pass over the
    analysis (identities, roles) and over every string of the model."""
    if analysis is not None:
        red.learn_analysis(analysis)
    red.learn_strings(list(_strings(report)))
    _rewrite(report, red)
    report.redacted = True
    return report
