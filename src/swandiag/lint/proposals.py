"""Proposals as sets of transforms per type, from strongSwan keywords (`aes256-sha256-modp2048`)
or charon's log notation (`IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048`),
and whether two proposal lists share an acceptable proposal."""
from __future__ import annotations

from dataclasses import dataclass, field

from .defaults import algorithms

TYPES = ("enc", "integ", "prf", "ke", "esn")
_AEAD = ("GCM", "CCM", "CHACHA20_POLY1305", "NULL_AES_GMAC")


@dataclass(slots=True)
class Proposal:
    protocol: str  # 'IKE' | 'ESP' | 'AH'
    transforms: dict[str, list[str]] = field(default_factory=dict)  # type -> names, preferred first
    text: str = ""  # as written
    unknown: list[str] = field(default_factory=list)  # keywords not in the table

    def names(self, kind: str) -> list[str]:
        return self.transforms.get(kind, [])

    def log_form(self) -> str:
        parts = [n for t in TYPES for n in self.transforms.get(t, [])]
        return f"{self.protocol}:" + "/".join(parts)


def parse_keywords(text: str, protocol: str) -> Proposal:
    table = algorithms()["keywords"]
    prop = Proposal(protocol=protocol, text=text)
    for kw in text.strip().rstrip("!").lower().split("-"):
        if not kw:
            continue
        hit = table.get(kw)
        if hit is None:
            prop.unknown.append(kw)
            continue
        kind, name = hit
        names = prop.transforms.setdefault(kind, [])
        if name not in names:
            names.append(name)
    if protocol == "IKE" and "prf" not in prop.transforms:
        implied = algorithms()["implied_prf"]
        prfs = [implied[i] for i in prop.names("integ") if i in implied]
        if prfs:
            prop.transforms["prf"] = prfs
    if protocol != "IKE":
        prop.transforms.setdefault("esn", ["NO_EXT_SEQ"])
    return prop


def parse_log(text: str) -> Proposal:
    protocol, _, rest = text.strip().partition(":")
    prop = Proposal(protocol=protocol.upper() or "IKE", text=text)
    for name in rest.split("/"):
        name = name.strip()
        if name:
            prop.transforms.setdefault(_kind_of(name), []).append(name)
    return prop


def _kind_of(name: str) -> str:
    if name.startswith("PRF_"):
        return "prf"
    if name.startswith(("HMAC_", "AES_XCBC", "AES_CMAC")):
        return "integ"
    if name.startswith(("MODP_", "ECP_", "CURVE_", "KE_NONE", "ML_KEM", "KE1_", "KE2_")):
        return "ke"
    if name in ("NO_EXT_SEQ", "EXT_SEQ"):
        return "esn"
    return "enc"


def parse_any(text: str, protocol: str) -> Proposal:
    return parse_log(text) if ":" in text and text.split(":", 1)[0].isupper() else parse_keywords(text, protocol)


def _compatible(a: Proposal, b: Proposal) -> bool:
    for kind in ("enc", "integ", "prf", "ke"):
        x, y = set(a.names(kind)), set(b.names(kind))
        if kind == "ke" and a.protocol != "IKE":
            continue  # the first CHILD_SA (in IKE_AUTH) is created without a key exchange
        if kind == "integ" and _aead(a) and _aead(b):
            continue
        if (x or y) and not (x & y):
            return False
    return True


def _aead(p: Proposal) -> bool:
    return any(n.startswith(_AEAD) or any(t in n for t in _AEAD) for n in p.names("enc"))


def first_match(ours: list[Proposal], theirs: list[Proposal]) -> tuple[Proposal, Proposal] | None:
    """The first (responder-order) pair that shares one algorithm of every type, or None."""
    for mine in ours:
        for other in theirs:
            if _compatible(mine, other):
                return mine, other
    return None


def selected(mine: Proposal, other: Proposal) -> str:
    """What charon would log as the selected proposal (first common algorithm of each type)."""
    parts = []
    for kind in TYPES:
        common = [n for n in mine.names(kind) if n in other.names(kind)]
        if common:
            parts.append(common[0])
    return f"{mine.protocol}:" + "/".join(parts)
