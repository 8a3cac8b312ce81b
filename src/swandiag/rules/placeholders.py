"""Fills `{side.name}` / `{fact.name}` placeholders in explanations, fixes and collect lists.

A tiny substitution over a fixed whitelist: `side` is gateway, client or any (the first side
that has a value); `fact.NAME` is a fact captured by the conditions that matched (named regex
groups, event facts, observation details). Nothing is evaluated; an unknown or empty name
becomes '?'.
"""
from __future__ import annotations

from typing import Any, Callable

import regex

from ..negotiation.records import Negotiation
from .case import SIDES, Case
from .values import REGEX_TIMEOUT, norm

_PLACEHOLDER = regex.compile(r"\{(gateway|client|any|fact)\.([a-z0-9_]+)\}")
MISSING = "?"


def _ep(e) -> str | None:
    if e.addr is None:
        return None
    return f"{e.addr}[{e.port}]" if e.port else e.addr


def _join(items) -> str | None:
    items = [str(norm(i)) for i in items if i not in (None, "")]
    return ", ".join(items) if items else None


# a key exchange transform in strongSwan's proposal notation (%P): MODP_2048, ECP_256, CURVE_25519,
# ECP_256_BP, ML_KEM_768, and strongSwan 6's additional ones (KE1_ML_KEM_768)
_KE = regex.compile(r"^(?:KE[1-7]_)?(?:MODP|ECP|CURVE|ML_KEM|NTRU|NEWHOPE|BRAINPOOL)_")


def _split_ke(proposal: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """'ESP:AES_GCM_16_128/MODP_2048/NO_EXT_SEQ' -> ('ESP', ('AES_GCM_16_128', 'NO_EXT_SEQ'), ('MODP_2048',))."""
    proto, _, rest = str(proposal).partition(":")
    algs, kes = [], []
    for t in rest.split("/"):
        (kes if _KE.match(t, timeout=REGEX_TIMEOUT) else algs).append(t)
    return proto, tuple(algs), tuple(kes)


def esp_dh_difference(n: Negotiation) -> str:
    """One sentence for explanations and fixes: whether the ESP proposals received and configured
    differ only in their DH group (PFS), or in algorithms; never empty."""
    got = [_split_ke(p) for p in n.esp_proposals.received]
    mine = [_split_ke(p) for p in n.esp_proposals.configured]
    mine_kes = sorted({k for _, _, kes in mine for k in kes})
    if not got:
        if mine_kes:
            return (f"The proposals configured here require PFS ({', '.join(mine_kes)}); a peer that rekeys "
                    "without PFS, or with another group, refuses them — the other end's log shows its list.")
        return "The other end's log shows the proposals it allows."
    if not mine:
        return "The proposals configured on the refusing end are not in this log (charon logs them with cfg level 1)."
    same = [(g, m) for g in got for m in mine if g[0] == m[0] and g[1] == m[1] and g[2] != m[2]]
    if same and not any(g[:3] == m[:3] for g in got for m in mine):
        g, m = same[0]
        offered = ", ".join(g[2]) or "no DH group (no PFS)"
        wanted = ", ".join(m[2]) or "no DH group (no PFS)"
        return (f"The algorithms match ({'/'.join(g[1])}); only the DH group (PFS) differs: one end offers "
                f"{offered}, the other requires {wanted}. Make PFS the same on both ends (or optional on the "
                "gateway: add the proposal without the group, e.g. aes128gcm16-modp2048-modpnone).")
    return "The encryption/integrity algorithms differ, not only the DH group: add one of the offered proposals."


FIELDS: dict[str, Callable[[Negotiation], Any]] = {
    "id": lambda n: n.id,
    "conn": lambda n: n.conn,
    "host": lambda n: n.host,
    "role": lambda n: norm(n.role),
    "ike_version": lambda n: f"IKEv{n.ike_version}" if n.ike_version else None,
    "local_id": lambda n: n.local_id,
    "remote_id": lambda n: n.remote_id,
    "local": lambda n: _ep(n.local),
    "remote": lambda n: _ep(n.remote),
    "client_platform": lambda n: n.client_platform,
    "daemon": lambda n: n.daemon,
    "daemon_version": lambda n: n.daemon_version,
    "outcome": lambda n: norm(n.outcome),
    "failed_stage": lambda n: norm(n.failed_stage),
    "failure_reason": lambda n: n.failure_reason,
    "mode": lambda n: n.mode,
    "eap_identity": lambda n: n.eap_identity,
    "xauth_user": lambda n: n.xauth_user,
    "ike_received": lambda n: _join(n.ike_proposals.received),
    "ike_configured": lambda n: _join(n.ike_proposals.configured),
    "ike_selected": lambda n: n.ike_proposals.selected,
    "esp_received": lambda n: _join(n.esp_proposals.received),
    "esp_configured": lambda n: _join(n.esp_proposals.configured),
    "esp_selected": lambda n: n.esp_proposals.selected,
    "esp_dh_difference": esp_dh_difference,
    "certs_received": lambda n: _join(c.subject for c in n.certs if norm(c.direction) == "in"),
    "certs_sent": lambda n: _join(c.subject for c in n.certs if norm(c.direction) == "out"),
    "certreqs_received": lambda n: _join(n.certreqs_received),
    "certreqs_sent": lambda n: _join(n.certreqs_sent),
    "vips_requested": lambda n: _join(n.vips_requested),
    "vips_assigned": lambda n: _join(n.vips_assigned),
    "children": lambda n: _join(c.name for c in n.children),
    "child_ts": lambda n: _join(f"{c.ts_local} === {c.ts_remote}" for c in n.children if c.ts_local or c.ts_remote),
    "auth_methods": lambda n: _join(sorted({a.method for a in n.auth if a.method})),
}


# From the side's input summary: what the daemon logged about itself when it loaded its configuration.
INPUT_FIELDS: dict[str, Callable[[Any], Any]] = {
    "configured_local_ids": lambda s: _join(s.local_ids),
    "loaded_certs": lambda s: "; ".join(s.loaded_certs) or None,  # DNs contain commas
}


def known(text: str) -> list[str]:
    """Placeholders in `text` that are not in the whitelist (for the loader's checks)."""
    bad = []
    for m in regex.finditer(r"\{([a-z_]+\.[a-z0-9_]+)\}", text, timeout=REGEX_TIMEOUT):
        inner = _PLACEHOLDER.fullmatch("{" + m.group(1) + "}", timeout=REGEX_TIMEOUT)
        if not inner or (inner.group(1) != "fact" and inner.group(2) not in FIELDS and inner.group(2) not in INPUT_FIELDS):
            bad.append(m.group(0))
    return bad


def fill(text: str, case: Case, facts: dict[str, Any]) -> str:
    def value(m: regex.Match) -> str:
        scope, name = m.group(1), m.group(2)
        if scope == "fact":
            v = facts.get(name)
            if isinstance(v, (list, tuple)):
                v = _join(v)
            return MISSING if v in (None, "") else str(norm(v))
        sides = SIDES if scope == "any" else (scope,)
        for side in sides:
            if name in INPUT_FIELDS:
                summary = case.input_summary(side)
                v = INPUT_FIELDS[name](summary) if summary is not None else None
            elif name in FIELDS:
                neg = case.negotiation(side)
                v = FIELDS[name](neg) if neg is not None else None
            else:
                return MISSING
            if v not in (None, ""):
                return str(v)
        return MISSING

    try:
        return _PLACEHOLDER.sub(value, text, timeout=REGEX_TIMEOUT * 10)
    except TimeoutError:
        return text
