"""Redaction: consistent, structure-preserving replacement of what identifies people and networks.

* Addresses map into documentation ranges by role, keeping the network structure: each original
  IPv4 /24 (IPv6 /48) maps onto one block of the same size, offset-preserving (the last octet,
  resp. subnet id and interface id, are kept; IPv4 /24s without /24 or /25 networks go quarter
  by quarter and may share a mapped /24), so a network `a/len` with len >= 24 (>= 48) maps
  onto a valid network of the same length that holds the mapped addresses of its hosts. Wider
  networks (IPv4 /16-/23, IPv6 /36-/47) seen in the inputs get an aligned block of their size
  (198.18.0.0/15, 2001:db8:8000::/33) that all their addresses map into; networks wider still
  (IPv4 < /16, IPv6 < /36) are kept as written. A block's range follows the highest role among
  its addresses: gateway 192.0.2.0/24 and 2001:db8:1::/48, clients 198.51.100.0/24 and
  2001:db8:2::/48, pools (virtual IPs) 203.0.113.0/24 and 2001:db8:3::/48 (one original block
  each), the rest 198.18.0.0/15 (RFC 2544) and 2001:db8:R000::/36; link-local stays link-local
  (fe80::/64). A mapped address never equals an address seen in the inputs.
* FQDNs and host names -> host-N (from identity positions, and from free text when shaped like
  a host: see _host_shaped; file, bundle and option names stay), e-mail and user identities,
  EAP/XAuth names -> user-N, certificate DNs -> dn-N (their O/OU -> org-N, other CNs -> name-N),
  serials -> serial-N, journald machine/boot ids -> machine-N.
  A single-label machine name learnt only as a host (syslog/journald host field, `_HOSTNAME`,
  an input's or negotiation's host) is replaced where it stands as a host (see _host_context),
  and elsewhere as a whole word unless it is a common word (log text) or a word of swandiag's
  own wording (explanations, fixes …): see _SHORT_HOST_RULE.
* Secrets (`secret = …`), key material and hex dumps (charon levels 3-4, racoon DEBUG) are
  removed outright.

One Redactor serves one run (all inputs share it); `--map-file` persists the mapping so later
runs agree. The map holds the originals: it stays local and never goes into a report.
"""
from __future__ import annotations

import dataclasses
import functools
import ipaddress
import json
import os
from collections.abc import Iterable
from pathlib import Path

import regex

from ..errors import SwandiagError

TIMEOUT = 2.0
_MEMO_MAX = 200_000  # strings remembered as learnt / redacted (the TUI redacts every line it shows)
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
_V6_WIDE_AREA = ipaddress.ip_network("2001:db8:8000::/33")  # blocks of networks wider than a /48
_LINK_LOCAL_BASE = int(ipaddress.ip_address("fe80::"))
_BITS = {4: 32, 6: 128}
_BLOCK = {4: 24, 6: 48}  # default block: an original /24 (/48) maps onto one mapped /24 (/48)
_WIDEST = {4: 16, 6: 36}  # networks with a shorter prefix cannot fit the documentation ranges: kept
_UNIT = {4: 6, 6: 80}  # occupancy is tracked in IPv4 /26 and IPv6 /48 units

# --- text shapes -------------------------------------------------------------------------
_V4 = regex.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_V6 = regex.compile(r"(?<![\w:.%])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:%[\w.-]+)?(?![\w:])")
# the same with an optional prefix length: `198.51.100.64/26`, `2001:db8:5::/48`
_V4_NET = regex.compile(_V4.pattern + r"(?:/(\d{1,3})(?!\w|\.\d))?")
_V6_NET = regex.compile(_V6.pattern + r"(?:/(\d{1,3})(?![\w:]|\.\d))?")
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
_CONFIG_COMMENT = regex.compile(r"\s+#.*$")
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
# A dotted word met in free text (no identity position: not quoted after `authentication of`, not
# in a `matching A[id]...B[id]` line, not a syslog/journald host, not in a negotiation record) is
# taken for a host name only if it is shaped like one: its last label is a known TLD (_TLDS) and
# * it does not start with a strongSwan configuration namespace: option paths such as
#   `charon.syslog.daemon.app`, `charon-systemd.journal.<group>`, `connections.rw.local.id` are
#   printed by the level advice and the fixes and are settings, not hosts;
# * if its TLD is one of _AMBIGUOUS_TLDS, it has three labels or more and is not a reverse-DNS id
#   (first label one of _REVERSE_DNS_ROOTS): these TLDs double as a file or bundle suffix or a
#   setting key, so a two-label `Name.app` / `local.id` / `Makefile.in` / `updown.pl` is a file,
#   an app bundle or an option, and `net.openvpn.connect.app` is a bundle id, while
#   `vpn.corp.app` is a host. A real two-label host under these TLDs (`myvpn.app`) is still
#   redacted wherever it is also seen in an identity position.
# File names (racoon.log, swanctl.conf, ipsec.secrets, *.pem, *.mobileconfig), bundle ids
# (com.apple.networkextension), versions and algorithm names never end in a TLD and stay as they are.
_OPTION_ROOTS = frozenset({  # strongswan.conf daemon/library sections and swanctl.conf sections
    "charon", "charon-systemd", "charon-nm", "charon-cmd", "charon-svc", "libstrongswan", "libcharon",
    "libimcv", "libtls", "libtnccs", "connections", "secrets", "pools", "authorities"})
_AMBIGUOUS_TLDS = frozenset({
    "app",  # macOS application bundles (Console.app, Settings.app); charon's APP log group
    "id",   # swanctl.conf keys: local.id, remote.id
    "in",   # autoconf templates (strongswan.conf.in, Makefile.in)
    "pl",   # Perl scripts (updown.pl)
})
_REVERSE_DNS_ROOTS = frozenset({"com", "org", "net", "io"})  # bundle / subsystem ids: com.apple.…
# _SHORT_HOST_RULE. A single-label machine name (`host`, `gateway`, `vpn-gw01`, `moon`) learnt only
# from a host position (the syslog/journald host field, `_HOSTNAME`, an input's or a negotiation's
# host) is replaced
# * always where it stands as a host (_host_context): the host field of a syslog/journald line, a
#   report `host` field, after `hostname=` / `_HOSTNAME=` / `host:`, as a whole quoted value
#   ('name', "name"), after `@` or `//`, before `:port`;
# * elsewhere as a whole word in log text unless it is one of _COMMON_WORDS: a machine called
#   `host` or `gateway` does not turn "remote host is behind NAT" into "remote host-1 …", while
#   `moon` or `vpn-gw01` is replaced wherever it appears, as before;
# * elsewhere in swandiag's own text (explanations, fixes, collect hints, missing items, ladder
#   sides: _OWN_FIELDS) unless it is a word of swandiag's own wording (_own_words: _COMMON_WORDS
#   and every word of the bundled patterns' texts and of the report's fixed texts): swandiag's
#   wording is never rewritten, a log value it prints (an input name, a file name) is.
# A name that is also an identity (quoted after `authentication of`, `matching A[id]...B[id]`,
# a configured id …) is replaced everywhere like every identity. FQDNs are replaced everywhere.
_COMMON_WORDS = frozenset("""
host hostname localhost gateway gw client server vpn router firewall proxy peer remote local node edge
core home office lab test testing dev prod main primary secondary backup master slave responder
initiator tunnel daemon charon racoon strongswan ipsec swanctl pluto nat dns dhcp ike ike2 esp
internet network net cloud site hub spoke mobile phone laptop desktop workstation box device system
kernel linux mac macos ios iphone ipad android windows ubuntu debian alpine fedora centos default
unknown none any all left right public private inside outside internal external wan lan dmz
""".split())
_HOST_BEFORE = regex.compile(r"(?:\b_?host(?:_?name)?\s*[=:]|\bhostname\s)\s*[\"']?$", regex.IGNORECASE)
_PORT_AFTER = regex.compile(r":\d{1,5}(?!\d)")
_BOUND_L = r"(?<![A-Za-z0-9_])(?<!\d\.)"
_BOUND_R = r"(?![A-Za-z0-9_])(?!\.\d)"


def _host_shaped(name: str) -> bool:
    """Whether a dotted word seen in free text is a host name (see _AMBIGUOUS_TLDS)."""
    labels = name.rstrip(".").casefold().split(".")
    if len(labels) < 2 or labels[-1] not in _TLDS or labels[0] in _OPTION_ROOTS:
        return False
    if labels[-1] in _AMBIGUOUS_TLDS:
        return len(labels) >= 3 and labels[0] not in _REVERSE_DNS_ROOTS
    return True


@functools.cache
def _own_words() -> frozenset[str]:
    """Every word swandiag's own wording uses: _COMMON_WORDS, the texts of the bundled patterns
    (titles, explanations, fixes, collect hints; placeholders left out) and the fixed texts of the
    missing list, the ladder and the level advice. None of them comes from a user's logs."""
    texts: list[str] = []
    try:
        import tomllib

        from ..rules.loader import signature_files

        for path in signature_files(None):
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            fix = data.get("fix") or {}
            texts += [str(data.get("title", "")), str(data.get("explanation", "")), str(fix.get("summary", ""))]
            texts += [str(c) for c in data.get("collect") or []]
            for side in ("gateway", "client"):
                texts += [f"{k} {v}" for k, v in dict(fix.get(side) or {}).items()]
    except Exception:  # noqa: BLE001 - without the patterns' words the rule only gets stricter
        pass
    from ..parse import levels
    from . import ladder, missing

    for module in (missing, ladder, levels):
        try:
            texts.append(Path(module.__file__).read_text(encoding="utf-8"))
        except OSError:
            pass
    words = set(_COMMON_WORDS)
    for text in texts:
        words.update(w.casefold() for w in regex.findall(r"[A-Za-z]{2,}", regex.sub(r"\{[^{}]*\}", " ", text)))
    return frozenset(words)


def _host_context(line: str, start: int, end: int, host_span: tuple[int, int] | None) -> bool:
    """Whether line[start:end] stands as a host name there (see _SHORT_HOST_RULE)."""
    if host_span == (start, end):
        return True
    before = line[max(0, start - 64):start]
    if before.endswith(("@", "//", "\\\\")):
        return True
    if before[-1:] in ("'", '"') and line[end:end + 1] == before[-1]:
        return True
    if _PORT_AFTER.match(line, end):
        return True
    return _HOST_BEFORE.search(before) is not None


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
        self.slots: dict[str, int] = {}  # "v4|<original network>/<len>" -> mapped base (int); see _block
        self.short_hosts: set[str] = set()  # casefolded single-label hosts: _SHORT_HOST_RULE
        self.roles: dict[str, str] = {}  # original address -> role hint
        self.nets: set[tuple[int, int, int]] = set()  # (version, network, len) of wide networks seen
        self._seen_int: dict[int, set[int]] = {4: set(), 6: set()}
        self._pattern: regex.Pattern | None = None
        # Reports repeat most strings (exchanges, payload lists, notes, refs): each is learnt once
        # and its redaction kept while nothing it depends on changed. `_gen` counts the changes
        # that can alter a redaction already made: a new token, a host becoming an identity.
        self._gen = 0
        self._learned: set[str] = set()
        self._unlearnable: set[str] = set()
        self._memo: dict[tuple[str, bool], tuple[int, str]] = {}
        self.nets24: set[int] = set()  # IPv4 /24s that hold a network seen in the inputs
        self._mapped: dict[int, set[int]] = {4: set(), 6: set()}  # mapped addresses, as integers
        self._occupied: dict[int, set[int]] = {4: set(), 6: set()}  # mapped units (_UNIT) in use
        self._wide_blocks: dict[int, list[tuple[int, int]]] = {4: [], 6: []}  # (original network, host bits)
        self._full: set[tuple[int, int, str]] = set()  # (version, host bits, role) with no free block left
        self._role_index: tuple[int, dict[tuple[int, int], str]] | None = None  # (len(roles), role per /24, /48)
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
        self.short_hosts = {str(k) for k in data.get("short_hosts", [])} & set(self.tokens)
        for original, mapped in self.addresses.items():
            self._see_text(original)
            ip = _parse_ip(mapped)
            if ip is not None:
                self._mapped[ip.version].add(int(ip))
                self._occupy(ip.version, int(ip), 0)  # also keeps the blocks of older map files apart
        for key, base in self.slots.items():
            self._index_slot(key, base)
        self._pattern = None
        self._gen += 1

    def save(self) -> None:
        if not self.map_file:
            return
        data = {"format": MAP_FORMAT, "warning": "holds the original values: keep this file local, never attach it",
                "addresses": dict(sorted(self.addresses.items())), "tokens": dict(sorted(self.tokens.items())),
                "counters": dict(sorted(self.counters.items())), "slots": dict(sorted(self.slots.items())),
                "short_hosts": sorted(self.short_hosts)}
        tmp = self.map_file.with_name(self.map_file.name + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1)
            os.replace(tmp, self.map_file)
        except OSError as exc:
            raise SwandiagError(f"--map-file {self.map_file}: cannot write it ({exc.strerror or exc})") from None

    # --- learning -----------------------------------------------------------------------
    def _see(self, ip) -> None:
        self._seen_int[ip.version].add(int(ip))

    def _see_text(self, text: str) -> None:
        ip = _parse_ip(text)
        if ip is not None:
            self._see(ip)

    def hint_address(self, text: str | None, role: str) -> None:
        if not text:
            return
        ip = _parse_ip(text.split("[", 1)[0].split("/", 1)[0].strip())
        if ip is None or _kept(ip):
            return
        key = str(ip)
        self._see(ip)
        if _ROLE_PRIORITY[role] > _ROLE_PRIORITY[self.roles.get(key, OTHER)] or key not in self.roles:
            self.roles[key] = role
            self._role_index = None

    def learn_identity(self, value: str | None, role: str = OTHER) -> None:
        """Classify an identity and give it a token (or an address role)."""
        if value is None:
            return
        value = value.strip().strip("\"'").strip()
        if value.casefold() in _NOT_IDENTITIES or len(value) < 2:
            return
        if value.startswith("<") and value.endswith(">"):
            return  # a placeholder of a suggested fix (`id = <user>`), never a real identity
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

    def hint_network(self, text: str, length: int) -> None:
        """A network `text/length` seen in the inputs: its addresses will map into one block of its size."""
        ip = _parse_ip(text)
        if ip is None or _kept(ip) or not 0 <= length <= _BITS[ip.version]:
            return
        self._see(ip)
        if ip.version == 6 and ip.is_link_local:
            return
        if _WIDEST[ip.version] <= length < _BLOCK[ip.version]:
            host_bits = _BITS[ip.version] - length
            self.nets.add((ip.version, int(ip) >> host_bits << host_bits, length))
        elif ip.version == 4 and length in (24, 25):
            self.nets24.add(int(ip) >> 8 << 8)  # its /24 maps as one block (_allocate)

    def learn_host(self, name: str | None) -> None:
        """A machine name from a host position (syslog/journald host field, input/negotiation host)."""
        if name and name.casefold() not in _NOT_IDENTITIES and _parse_ip(name) is None and len(name) >= 2:
            name = name.rstrip(".")
            key = name.casefold()
            if "." not in key and key not in self.tokens:
                self.short_hosts.add(key)  # learnt as a host only, so far: _SHORT_HOST_RULE
            self._token(name, "host")

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
        self._learn_once(text)

    def _learn_once(self, text: str) -> bool:
        """Learn a text the first time it is seen; False when its learning ran out of time
        (text() then drops it: what it holds may not be known)."""
        if not text:
            return True
        if text in self._learned:
            return text not in self._unlearnable
        if len(self._learned) >= _MEMO_MAX:
            self._learned.clear()
            self._unlearnable.clear()
        self._learned.add(text)
        try:
            self._learn_text(text)
        except TimeoutError:
            self._unlearnable.add(text)
            return False
        return True

    def _learn_text(self, text: str) -> None:
        for m in _POOL_HINT.finditer(text, timeout=TIMEOUT):
            for part in regex.split(r"[-,]", m.group(1)):
                self.hint_address(part, POOL)
        for m in _V4_NET.finditer(text, timeout=TIMEOUT):
            self.hint_address(m.group(0), OTHER)
            if m.group(1):
                self.hint_network(m.group(0).split("/", 1)[0], int(m.group(1)))
        if ":" in text:
            for m in _V6_NET.finditer(text, timeout=TIMEOUT):
                self.hint_address(m.group(0), OTHER)
                if m.group(1):
                    self.hint_network(m.group(0).split("/", 1)[0].split("%", 1)[0], int(m.group(1)))
        for m in _QUOTED.finditer(text, timeout=TIMEOUT):
            quoted = m.group(1) or m.group(2) or ""
            if _DN_ATTR.search(quoted, timeout=TIMEOUT) and "=" in quoted:
                self.learn_identity(quoted)
        for m in _CONTEXT_IDS.finditer(text, timeout=TIMEOUT):
            self.learn_identity(m.group(1))
        if "=" in text:
            for m in _CONFIG_IDS.finditer(text, timeout=TIMEOUT):
                # a suggested fix may comment its line: `leftid=?   # must be a SAN of leftcert`
                self.learn_identity(_CONFIG_COMMENT.sub("", m.group(1), timeout=TIMEOUT))
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
                if _host_shaped(m.group(0)):
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
        if kind != "host" and key in self.short_hosts:
            self.short_hosts.discard(key)  # also an identity: replaced everywhere
            self._gen += 1
        token = self.tokens.get(key)
        if token is None:
            self.counters[kind] = self.counters.get(kind, 0) + 1
            token = f"{kind}-{self.counters[kind]}"
            self.tokens[key] = token
            self._pattern = None
            self._gen += 1
        return token

    # --- address mapping ----------------------------------------------------------------
    # Every mapping goes through a block. A block maps an original network onto a mapped network of
    # the same size, offset-preserving, so host bits, network addresses and containment survive: an
    # IPv6 /48, an IPv4 /24 that holds a network seen in the inputs, a wider network seen in the
    # inputs (IPv4 /16-/23, IPv6 /36-/47). An IPv4 /24 that holds no /24 or /25 network maps quarter
    # by quarter (/26, offset-preserving) onto the same quarters of one mapped /24 that other such
    # /24s may share (the documentation ranges are small). Blocks never overlap: the mapping is
    # injective.
    def map_address(self, text: str) -> str:
        ip = _parse_ip(text)
        if ip is None or _kept(ip):
            return text
        key = str(ip)
        mapped = self.addresses.get(key)
        if mapped is None:
            self._see(ip)
            if ip.version == 6 and ip.is_link_local:
                mapped = self._allocate_link_local(ip)
            else:
                mapped = self._allocate(ip)
            self._record(key, mapped)
        zone = "%" + text.split("%", 1)[1] if "%" in text else ""
        return mapped + ("%zone" if zone else "")

    def map_network(self, text: str, length: int) -> str:
        """`text/length` (a network, or an interface address with its prefix) -> mapped `addr/length`."""
        ip = _parse_ip(text)
        if ip is None or _kept(ip) or not 0 <= length <= _BITS[ip.version]:
            return f"{self.map_address(text)}/{length}"
        if length < _WIDEST[ip.version] or (ip.version == 6 and ip.is_link_local and length <= 64):
            return f"{text}/{length}"  # wider than the documentation ranges; link-local: kept
        self.hint_network(text, length)
        return f"{self.map_address(text)}/{length}"

    def _record(self, original: str, mapped: str) -> None:
        self.addresses[original] = mapped
        ip = _parse_ip(mapped)
        if ip is not None:
            self._mapped[ip.version].add(int(ip))

    def _index_slot(self, key: str, base: int) -> None:
        """Keep the lookup structures of one allocated block or slot (also for a loaded map file)."""
        head, _, spec = key.partition("|")
        if head == "v4q":  # a quarter of a /24 without /24 or /25 networks: a shared mapped /24
            self._occupy(4, base, 6)
            return
        if head not in ("v4", "v6") or "/" not in spec:
            return  # a map file written before blocks kept host bits: its mapped addresses occupy their units
        net = ipaddress.ip_network(spec, strict=False)
        bits = _BITS[net.version] - net.prefixlen
        self._occupy(net.version, base, bits)
        if net.prefixlen < _BLOCK[net.version]:
            self._wide_blocks[net.version].append((int(net.network_address), bits))

    def _occupy(self, version: int, base: int, host_bits: int) -> None:
        unit = _UNIT[version]
        count = 1 << max(0, host_bits - unit)
        self._occupied[version].update(range(base >> unit, (base >> unit) + count))

    def _is_free(self, version: int, base: int, host_bits: int) -> bool:
        unit = _UNIT[version]
        first = base >> unit
        return not any(u in self._occupied[version] for u in range(first, first + (1 << max(0, host_bits - unit))))

    def _allocate(self, ip) -> str:
        version, value = ip.version, int(ip)
        width = _BITS[version]
        # the widest network holding the address: a learnt wide network, an allocated block, else its /24 (/48)
        host_bits = width - _BLOCK[version]
        for v, net, length in self.nets:
            if v == version and value >> (width - length) == net >> (width - length):
                host_bits = max(host_bits, width - length)
        for net, bits in self._wide_blocks[version]:
            if value >> bits == net >> bits:
                host_bits = max(host_bits, bits)
        net = value >> host_bits << host_bits
        if version == 4 and host_bits == 8 and f"v4|{ipaddress.ip_address(net)}/24" not in self.slots and (
                net not in self.nets24 or any(f"v4q|{ipaddress.IPv4Address(net + 64 * k)}/26" in self.slots
                                              for k in range(4))):
            # (a /24 or /25 network seen only after its /24 went by quarters keeps them: it maps onto
            # their home, which holds its addresses, but which other such /24s may share)
            mapped = self._quarter(value)
        else:
            base = self._block(version, net, host_bits)
            mapped = None if base is None else base + (value - net)
        if mapped is not None and (mapped in self._seen_int[version] or mapped in self._mapped[version]):
            mapped = None  # only for an address first seen after its block was chosen (TUI, map file)
        if mapped is None:  # the documentation ranges are full: an opaque token still hides the address
            return self._token(str(ip), "addr")
        return str(ipaddress.ip_address(mapped))

    def _quarter(self, value: int) -> int | None:
        """An address of an IPv4 /24 without /24 or /25 networks: through its quarter's /26 slot.
        The quarters of one original /24 go to the same places of one mapped /24 (its home),
        chosen when the first is needed with room for every quarter the inputs show."""
        net24, q = value >> 8 << 8, (value >> 6) & 3
        key = f"v4q|{ipaddress.IPv4Address(net24 + 64 * q)}/26"
        base = self.slots.get(key)
        if base is None:
            seen, mapped = self._seen_int[4], self._mapped[4]
            offsets = [s - net24 for s in seen if net24 <= s < net24 + 256]
            homes = [b - 64 * k for k in range(4)
                     if (b := self.slots.get(f"v4q|{ipaddress.IPv4Address(net24 + 64 * k)}/26")) is not None]
            if homes:  # a quarter first seen late: its place in the home if still free, else any /26
                inside = [o - 64 * q for o in offsets if o >> 6 == q]
                cand = homes[0] + 64 * q
                if self._is_free(4, cand, 6) and not any(cand + o in seen or cand + o in mapped for o in inside):
                    base = cand
                else:
                    base = self._find(4, net24 + 64 * q, 6, inside)
                needed = [q] if base is not None else []
                home = None if base is None else base - 64 * q
            else:
                needed = sorted({o >> 6 for o in offsets} | {q})
                home = self._find_home(net24, needed, offsets)
            if home is None:
                return None
            for k in needed:
                slot = f"v4q|{ipaddress.IPv4Address(net24 + 64 * k)}/26"
                self.slots[slot] = home + 64 * k
                self._index_slot(slot, home + 64 * k)
            base = self.slots[key]
        return base + (value & 63)

    def _find_home(self, net24: int, needed: list[int], offsets: list[int]) -> int | None:
        seen, mapped = self._seen_int[4], self._mapped[4]
        for cand in self._candidates(4, 8, self._block_role(4, net24, 8)):
            if all(self._is_free(4, cand + 64 * k, 6) for k in needed) and not any(
                    cand + o in seen or cand + o in mapped for o in offsets):
                return cand
        return None

    def _block(self, version: int, net: int, host_bits: int) -> int | None:
        """The mapped base of the original block `net` (host_bits wide); allocated on first use."""
        key = f"v{version}|{ipaddress.ip_address(net)}/{_BITS[version] - host_bits}"
        if key in self.slots:
            return self.slots[key]
        size = 1 << host_bits
        inside = [s - net for s in self._seen_int[version] if net <= s < net + size]
        base = self._find(version, net, host_bits, inside)
        if base is not None:
            self.slots[key] = base
            self._index_slot(key, base)
        return base

    def _find(self, version: int, net: int, host_bits: int, inside: list[int]) -> int | None:
        """A free aligned block of `host_bits` onto which no address in `inside` (offsets from `net`)
        maps to an address of the inputs or an earlier mapping."""
        role = self._block_role(version, net, max(host_bits, _BITS[version] - _BLOCK[version]))
        full = (version, host_bits, role)
        if full in self._full:
            return None
        seen, mapped = self._seen_int[version], self._mapped[version]
        room = False
        for cand in self._candidates(version, host_bits, role):
            if not self._is_free(version, cand, host_bits):
                continue
            room = True
            if any(cand + off in seen or cand + off in mapped for off in inside):
                continue  # a mapped address would equal an address of the inputs
            return cand
        if not room:
            self._full.add(full)
        return None

    def _block_role(self, version: int, net: int, host_bits: int) -> str:
        """The highest role among the addresses of a block (the range it is mapped into)."""
        if self._role_index is None or self._role_index[0] != len(self.roles):
            index: dict[tuple[int, int], str] = {}
            for addr, r in self.roles.items():
                ip = _parse_ip(addr)
                if ip is not None:
                    bucket = (ip.version, int(ip) >> (_BITS[ip.version] - _BLOCK[ip.version]))
                    if _ROLE_PRIORITY[r] > _ROLE_PRIORITY[index.get(bucket, OTHER)]:
                        index[bucket] = r
            self._role_index = (len(self.roles), index)
        index = self._role_index[1]
        shift = _BITS[version] - _BLOCK[version]
        if host_bits <= shift:
            return index.get((version, net >> shift), OTHER)
        roles = [r for (v, b), r in index.items() if v == version and b >> (host_bits - shift) == net >> host_bits]
        return max(roles, key=_ROLE_PRIORITY.__getitem__, default=OTHER)

    def _candidates(self, version: int, host_bits: int, role: str) -> Iterable[int]:
        size = 1 << host_bits
        if version == 4:
            area = int(_V4_OVERFLOW.network_address)
            if host_bits <= 8:  # a /24 block or a /26 slot: the role's /24, then from the top of 198.18.0.0/15
                if role in _V4_PRIMARY:
                    primary = int(ipaddress.ip_network(_V4_PRIMARY[role]).network_address)
                    yield from range(primary, primary + 256, size)
                yield from range(area + _V4_OVERFLOW.num_addresses - size, area - 1, -size)
            else:  # wide blocks from the bottom
                yield from range(area, area + _V4_OVERFLOW.num_addresses, size)
            return
        if host_bits == 80:
            r = _V6_ROLE[role]
            yield _V6_BASE | (r << 80)  # 2001:db8:r::/48
            for n in range(1, 4096):  # then 2001:db8:r001::/48 …
                yield _V6_BASE | (((r << 12) | n) << 80)
        else:
            area = int(_V6_WIDE_AREA.network_address)
            yield from range(area, area + _V6_WIDE_AREA.num_addresses, size)

    def _allocate_link_local(self, ip) -> str:
        for n in range(1, 1 << 16):
            cand = _LINK_LOCAL_BASE + n
            if cand not in self._seen_int[6] and cand not in self._mapped[6]:
                return str(ipaddress.IPv6Address(cand))
        return self._token(str(ip), "addr")

    # --- applying -----------------------------------------------------------------------
    def _identity_pattern(self) -> regex.Pattern | None:
        if self._pattern is None and self.tokens:
            literals = sorted(self.tokens, key=lambda s: (-len(s), s))
            body = "|".join(regex.escape(s) for s in literals)
            self._pattern = regex.compile(f"{_BOUND_L}(?:{body}){_BOUND_R}", regex.IGNORECASE | regex.V0)
        return self._pattern

    def text(self, text: str | None, own: bool = False) -> str:
        """Redact one piece of text: a log line or log-derived field, or with `own` a piece of
        swandiag's own wording (an explanation, a fix, a hint: see _SHORT_HOST_RULE)."""
        if not text:
            return text or ""
        key = (text, own)
        hit = self._memo.get(key)
        if hit is not None and hit[0] == self._gen:
            return hit[1]
        if not self._learn_once(text):
            return UNREDACTABLE
        try:
            out = self._apply(text, own)
        except TimeoutError:
            return UNREDACTABLE
        if len(self._memo) >= _MEMO_MAX:
            self._memo.clear()
        self._memo[key] = (self._gen, out)
        return out

    def host(self, name: str | None) -> str:
        """A host field (an input's or a negotiation's host): the whole value is a host name."""
        if name and name.rstrip(".").casefold() in self.tokens:
            return self.tokens[name.rstrip(".").casefold()]
        return self.text(name)

    def _identity(self, m, line: str, own: bool, host_span: tuple[int, int] | None) -> str:
        key = m.group(0).casefold()
        token = self.tokens[key]
        if key not in self.short_hosts or _host_context(line, m.start(), m.end(), host_span):
            return token
        if own:  # swandiag's wording: only a value it prints, never one of its words
            return m.group(0) if key in _own_words() else token
        return m.group(0) if key in _COMMON_WORDS else token

    def _map_v4_match(self, m) -> str:
        if m.group(1) is None:
            return self.map_address(m.group(0))
        addr, length = m.group(0).rsplit("/", 1)
        if int(length) > 32:
            return f"{self.map_address(addr)}/{length}"  # not a prefix: `addr/port`
        return self.map_network(addr, int(length))

    def _map_v6_net_match(self, m) -> str:
        whole = m.group(0)
        addr, length = (whole.rsplit("/", 1) if m.group(1) is not None else (whole, None))
        ip = _parse_ip(addr)
        if ip is None or ip.version != 6:
            return whole
        if length is None or int(length) > 128:
            return self.map_address(addr) + ("" if length is None else f"/{length}")
        return self.map_network(addr.split("%", 1)[0], int(length))

    def _apply(self, text: str, own: bool = False) -> str:
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
                host = None if own else _SYSLOG_HOST.match(line, timeout=TIMEOUT)
                span = host.span(1) if host else None
                line = pattern.sub(lambda m: self._identity(m, line, own, span), line, timeout=TIMEOUT)
            line = _V4_NET.sub(self._map_v4_match, line, timeout=TIMEOUT)
            if ":" in line:
                line = _V6_NET.sub(self._map_v6_net_match, line, timeout=TIMEOUT)
            out_lines.append(line)
        return "\n".join(out_lines)

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


# Fields that hold swandiag's own wording (patterns' explanations and fixes, collect hints, missing
# items, level advice, ladder sides and notes): log values in them are replaced, words never
# (_SHORT_HOST_RULE). `host` fields hold one host name.
_OWN_FIELDS = frozenset({"title", "explanation", "fix_summary", "heading", "snippet", "collect", "item", "reason",
                         "level_advice", "unpaired_reason", "pairing_evidence", "side", "sender", "receiver",
                         "exchange", "payloads", "note", "explains", "explained_by", "daemon"})


def _rewrite(obj, red: Redactor, name: str = ""):
    if isinstance(obj, str):
        if name in _KEEP_FIELDS:
            return obj
        if name == "host":
            return red.host(obj)
        return red.text(obj, own=name in _OWN_FIELDS)
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
