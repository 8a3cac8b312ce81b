"""Legacy ipsec.conf (stroke/starter) → connections; ipsec.secrets → structure only.

ipsec.conf: `config setup` and `conn NAME` sections, indented `key=value` lines, `also=`,
`conn %default`, `include`. `left*` is taken as the local side (the usual convention;
starter decides by address, which a lint run cannot know).
ipsec.secrets: `[ids] : TYPE secret` — only the ids and TYPE are kept, never the secret.
"""
from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field

from .records import AuthRound, Child, Connection, LintProblem, Loc, SecretEntry
from .settings import read_text, split_list

MAX_INCLUDE_DEPTH = 10
_SECRET_SEP = re.compile(r"(?:^|\s):(?=\s|$)")
_SECRET_TYPES = {"PSK", "RSA", "ECDSA", "BLISS", "PKCS8", "PRIVATE", "P12", "EAP", "NTLM", "XAUTH", "PIN", "PPK"}


@dataclass(slots=True)
class _Section:
    kind: str  # 'config' | 'conn' | 'ca'
    name: str
    loc: Loc
    keys: dict[str, tuple[str, Loc]] = field(default_factory=dict)


@dataclass(slots=True)
class IpsecConfResult:
    connections: list[Connection] = field(default_factory=list)
    setup: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    problems: list[LintProblem] = field(default_factory=list)


def load(path: str) -> IpsecConfResult:
    out = IpsecConfResult()
    sections: list[_Section] = []
    _read(path, sections, out, depth=0)
    return _build(sections, out)


def load_text(text: str, path: str = "<text>") -> IpsecConfResult:
    out = IpsecConfResult(files=[path])
    sections: list[_Section] = []
    _parse(text, path, sections, out, depth=0)
    return _build(sections, out)


def _read(path: str, sections: list[_Section], out: IpsecConfResult, depth: int) -> None:
    if depth > MAX_INCLUDE_DEPTH:
        out.problems.append(LintProblem(path, "too many nested includes, stopped"))
        return
    text = read_text(path, out.problems)
    if text is None:
        return
    out.files.append(path)
    _parse(text, path, sections, out, depth)


def _parse(text: str, path: str, sections: list[_Section], out: IpsecConfResult, depth: int) -> None:
    current: _Section | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not raw[:1].isspace():
            words = line.split()
            if words[0] == "include" and len(words) > 1:
                base = os.path.dirname(path)
                pattern = words[1] if os.path.isabs(words[1]) else os.path.join(base, words[1])
                for match in sorted(glob.glob(pattern)):
                    _read(match, sections, out, depth + 1)
                current = None
            elif words[0] in ("conn", "ca") and len(words) == 2:
                current = _Section(words[0], words[1], Loc(path, lineno))
                sections.append(current)
            elif words[0] == "config" and words[1:] == ["setup"]:
                current = _Section("config", "setup", Loc(path, lineno))
                sections.append(current)
            elif words[0] == "version":
                continue
            else:
                out.problems.append(LintProblem(path, "expected 'conn NAME', 'ca NAME' or 'config setup'", lineno))
                current = None
            continue
        if current is None:
            continue
        key, sep, value = line.strip().partition("=")
        if not sep:
            out.problems.append(LintProblem(path, "expected key=value", lineno))
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        current.keys[key.strip()] = (value, Loc(path, lineno))


def _build(sections: list[_Section], out: IpsecConfResult) -> IpsecConfResult:
    conns = {s.name: s for s in sections if s.kind == "conn"}
    default = conns.get("%default")
    for s in sections:
        if s.kind == "config":
            out.setup.update({k: v for k, (v, _) in s.keys.items()})
    uniqueids = next((s.keys["uniqueids"] for s in sections if s.kind == "config" and "uniqueids" in s.keys), None)
    for s in sections:
        if s.kind != "conn" or s.name == "%default":
            continue
        keys: dict[str, tuple[str, Loc]] = dict(default.keys) if default else {}
        _apply_also(s, conns, keys, set())
        conn = _connection(s, keys)
        if uniqueids is not None:
            conn.unique = uniqueids[0]
            conn.locs["unique"] = uniqueids[1]
        out.connections.append(conn)
    return out


def _apply_also(s: _Section, conns: dict[str, _Section], keys: dict[str, tuple[str, Loc]], seen: set[str]) -> None:
    seen.add(s.name)
    also = s.keys.get("also")
    if also:
        for ref in also[0].split():
            if ref in conns and ref not in seen:
                _apply_also(conns[ref], conns, keys, seen)
    keys.update({k: v for k, v in s.keys.items() if k != "also"})


def _connection(s: _Section, keys: dict[str, tuple[str, Loc]]) -> Connection:
    def get(k: str) -> str | None:
        return keys[k][0] if k in keys else None

    conn = Connection(name=s.name, source="ipsec-conf", loc=s.loc)
    conn.locs = {k: loc for k, (_, loc) in keys.items()}
    kx = (get("keyexchange") or "ikev2").lower()  # 5.x starter default: ike → IKEv2 when initiating
    conn.version = {"ikev1": 1, "ikev2": 2}.get(kx)
    conn.local_addrs = [a for a in split_list(get("left")) if a not in ("%defaultroute",)]
    conn.remote_addrs = split_list(get("right"))
    conn.proposals = split_list((get("ike") or "").rstrip("!"))
    conn.send_cert = {"always": "always", "ifasked": "ifasked", "never": "never", "yes": "always", "no": "never"}.get(
        (get("leftsendcert") or "").lower()) if get("leftsendcert") else None
    conn.send_certreq = get("rightsendcert")
    conn.dpd_delay = get("dpddelay") if (get("dpdaction") or "none") != "none" else None
    conn.dpd_action = get("dpdaction")
    conn.mobike = get("mobike")
    conn.fragmentation = get("fragmentation")
    conn.aggressive = get("aggressive")
    conn.encap = get("forceencaps")
    lifetime = get("ikelifetime") or "3h"
    if (get("reauth") or "yes").lower() == "no":
        conn.reauth_time, conn.rekey_time = "0", lifetime
        if "reauth" in keys:
            conn.locs["reauth_time"] = keys["reauth"][1]
    else:
        conn.reauth_time = lifetime  # ipsec.conf reauthenticates by default (reauth=yes)
        conn.locs["reauth_time"] = keys["reauth"][1] if "reauth" in keys else s.loc
    conn.rightsourceip = split_list(get("rightsourceip"))
    conn.pools = [p for p in conn.rightsourceip if not _is_addr_range(p)]
    for side, prefix in (("local", "left"), ("remote", "right")):
        rounds = getattr(conn, side)
        rounds.append(AuthRound(
            name=side, auth=get(f"{prefix}auth"), id=get(f"{prefix}id"),
            eap_id=get("eap_identity") if side == "remote" else None,
            certs=split_list(get(f"{prefix}cert")), cacerts=split_list(get(f"{prefix}ca")),
            loc=keys.get(f"{prefix}id", (None, s.loc))[1]))
        if get(f"{prefix}auth2"):
            rounds.append(AuthRound(name=f"{side}-2", auth=get(f"{prefix}auth2"), loc=keys[f"{prefix}auth2"][1]))
    child = Child(name=s.name, loc=s.loc)
    child.local_ts = split_list(get("leftsubnet"))
    child.remote_ts = split_list(get("rightsubnet"))
    child.esp_proposals = split_list((get("esp") or "").rstrip("!"))
    child.mode = get("type")
    for key, field_ in (("leftsubnet", "local_ts"), ("rightsubnet", "remote_ts"), ("esp", "esp_proposals")):
        if key in keys:
            child.locs[field_] = keys[key][1]
    conn.children.append(child)
    for key, field_ in (("ike", "proposals"), ("leftsendcert", "send_cert"), ("dpddelay", "dpd_delay"),
                        ("mobike", "mobike"), ("rightsourceip", "pools"), ("keyexchange", "version"),
                        ("left", "local_addrs"), ("right", "remote_addrs")):
        if key in keys:
            conn.locs[field_] = keys[key][1]
    return conn


def _is_addr_range(value: str) -> bool:
    return any(ch.isdigit() for ch in value[:1]) or ":" in value or value.startswith("%")


def load_secrets(path: str) -> tuple[list[SecretEntry], list[LintProblem]]:
    problems: list[LintProblem] = []
    text = read_text(path, problems)
    if text is None:
        return [], problems
    return secrets_from_text(text, path), problems


def secrets_from_text(text: str, path: str) -> list[SecretEntry]:
    """ipsec.secrets lines, or racoon's psk.txt (`ID  KEY`). Values are dropped here."""
    out: list[SecretEntry] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#") or raw[:1].isspace():
            continue
        if raw.startswith("include "):
            continue
        m = _SECRET_SEP.search(raw)
        if m:
            ids = raw[: m.start()].split()
            rest = raw[m.end():].split()
            kind = rest[0].upper() if rest and rest[0].upper() in _SECRET_TYPES else "PSK"
            out.append(SecretEntry(kind=kind.lower(), ids=ids, loc=Loc(path, lineno)))
        else:  # racoon psk.txt: identifier, whitespace, key
            first = raw.split(None, 1)[0]
            out.append(SecretEntry(kind="psk", ids=[first], loc=Loc(path, lineno)))
    return out
