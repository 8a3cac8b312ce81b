"""Client-platform fingerprinting: which implementation is the client of a negotiation.

On the gateway's side the tells are the client's first messages (payload order, notifies, the
configuration request, vendor IDs, proposals); the rules are data in fingerprints.toml. A
negotiation rebuilt from a client's own log names its platform by the daemon that wrote it.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import regex

from ..parse.event import Daemon
from ..parse.templates import split_payloads
from .records import Direction, Negotiation, Side
from ..limits import REGEX_TIMEOUT

# charon: `received XAuth vendor ID`, `received draft-ietf-ipsec-nat-t-ike-02\n vendor ID`
_VENDOR = regex.compile(r"^\s*received (?P<vendor>.+?) vendor ID\s*$")
_RULE_KEYS = {"platform", "weight", "init_exact", "init_has", "init_lacks", "auth_has", "v1_has",
              "v1_exact", "vendor", "vendor_lacks", "note"}
_OWN_PLATFORM = {Daemon.RACOON.value: "racoon", Daemon.APPLE_IKEV2.value: "apple",
                 Daemon.APPLE_NE.value: "apple"}
PLATFORMS = ("apple", "apple-ios", "apple-macos", "windows", "android-strongswan", "strongswan", "racoon")


@dataclass(slots=True, frozen=True)
class Rule:
    platform: str
    weight: int
    init_exact: tuple[str, ...] | None = None
    init_has: tuple[str, ...] = ()
    init_lacks: tuple[str, ...] = ()
    auth_has: tuple[str, ...] = ()
    v1_has: tuple[str, ...] = ()
    v1_exact: tuple[str, ...] | None = None
    vendor: str | None = None
    vendor_lacks: str | None = None


@dataclass(slots=True, frozen=True)
class Refinement:
    platform: str
    becomes: str
    proposals_all: tuple[str, ...]


@dataclass(slots=True)
class RuleSet:
    threshold: int = 3
    rules: list[Rule] = field(default_factory=list)
    refinements: list[Refinement] = field(default_factory=list)


@dataclass(slots=True)
class Features:
    """What the gateway saw of the client, in the form the rules test."""

    init: tuple[str, ...] | None = None  # IKE_SA_INIT request payloads
    auth: tuple[str, ...] | None = None  # first IKE_AUTH request payloads
    v1: list[tuple[str, ...]] = field(default_factory=list)  # IKEv1 phase-1 requests received
    vendors: set[str] = field(default_factory=set)
    proposals: list[str] = field(default_factory=list)


def _payloads(text: str) -> tuple[str, ...]:
    return tuple(split_payloads(text))


def _rule(raw: dict) -> Rule:
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise ValueError(f"fingerprints.toml: unknown keys {sorted(unknown)}")
    return Rule(
        platform=raw["platform"], weight=int(raw["weight"]),
        init_exact=_payloads(raw["init_exact"]) if "init_exact" in raw else None,
        init_has=tuple(raw.get("init_has", ())), init_lacks=tuple(raw.get("init_lacks", ())),
        auth_has=tuple(raw.get("auth_has", ())), v1_has=tuple(raw.get("v1_has", ())),
        v1_exact=_payloads(raw["v1_exact"]) if "v1_exact" in raw else None,
        vendor=raw.get("vendor"), vendor_lacks=raw.get("vendor_lacks"),
    )


@lru_cache(maxsize=1)
def rules() -> RuleSet:
    data = tomllib.loads(resources.files(__package__).joinpath("fingerprints.toml").read_text("utf-8"))
    return RuleSet(
        threshold=int(data.get("threshold", 3)),
        rules=[_rule(r) for r in data.get("rule", [])],
        refinements=[Refinement(r["platform"], r["becomes"], tuple(r["proposals_all"]))
                     for r in data.get("refine", [])],
    )


def features(neg: Negotiation) -> Features:
    """The client's first messages and vendor IDs as this (gateway) side logged them."""
    f = Features(proposals=list(neg.ike_proposals.received))
    for msg in neg.messages:
        if msg.direction is not Direction.IN or not msg.is_request:
            continue
        if msg.exchange == "IKE_SA_INIT" and f.init is None:
            f.init = tuple(msg.payloads)
        elif msg.exchange == "IKE_AUTH" and f.auth is None and not _fragment(msg.payloads):
            f.auth = tuple(msg.payloads)
        elif msg.exchange in ("ID_PROT", "AGGRESSIVE") and not _fragment(msg.payloads):
            f.v1.append(tuple(msg.payloads))
    for ev in neg.events:
        text = getattr(ev, "text", "")
        if "vendor ID" not in text:
            continue
        try:
            m = _VENDOR.match(text, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            continue
        if m:
            f.vendors.add(m.group("vendor"))
    return f


def _fragment(payloads: tuple[str, ...]) -> bool:
    return any(p.startswith(("EF(", "FRAG(")) for p in payloads)


def _holds(rule: Rule, f: Features) -> bool:
    if rule.init_exact is not None and f.init != rule.init_exact:
        return False
    if rule.init_has and (f.init is None or not set(rule.init_has) <= set(f.init)):
        return False
    if rule.init_lacks and (f.init is None or set(rule.init_lacks) & set(f.init)):
        return False
    if rule.auth_has and (f.auth is None or not set(rule.auth_has) <= set(f.auth)):
        return False
    if rule.v1_has and not any(set(rule.v1_has) <= set(p) for p in f.v1):
        return False
    if rule.v1_exact is not None and rule.v1_exact not in f.v1:
        return False
    if rule.vendor is not None and rule.vendor not in f.vendors:
        return False
    if rule.vendor_lacks is not None and (not f.vendors or rule.vendor_lacks in f.vendors):
        return False
    return True


def score(f: Features, ruleset: RuleSet | None = None) -> dict[str, int]:
    ruleset = ruleset or rules()
    totals: dict[str, int] = {}
    for rule in ruleset.rules:
        if _holds(rule, f):
            totals[rule.platform] = totals.get(rule.platform, 0) + rule.weight
    return totals


def platform_from_features(f: Features, ruleset: RuleSet | None = None) -> str | None:
    ruleset = ruleset or rules()
    totals = sorted(score(f, ruleset).items(), key=lambda kv: -kv[1])
    if not totals or totals[0][1] < ruleset.threshold:
        return None
    if len(totals) > 1 and totals[1][1] == totals[0][1]:
        return None  # a tie says nothing
    best = totals[0][0]
    text = " ".join(f.proposals)
    for ref in ruleset.refinements:
        if ref.platform == best and all(p in text for p in ref.proposals_all):
            return ref.becomes
    return best


def client_platform(neg: Negotiation) -> str | None:
    """'apple', 'apple-ios', 'apple-macos', 'windows', 'android-strongswan', 'strongswan',
    'racoon' or None (not enough evidence)."""
    if neg.side is Side.CLIENT or neg.daemon in _OWN_PLATFORM:
        own = _OWN_PLATFORM.get(neg.daemon)
        if own is not None:
            return neg.client_platform or own
        if neg.side is Side.CLIENT:
            return neg.client_platform or "strongswan"
    return platform_from_features(features(neg))


def annotate_platforms(negotiations: list[Negotiation]) -> None:
    """Set Negotiation.client_platform where it is not set yet (the pipeline calls this after
    building). Never raises: a negotiation without evidence keeps None."""
    for neg in negotiations:
        if neg.client_platform is None:
            neg.client_platform = client_platform(neg)
    # a rekeyed/reauthenticated IKE_SA has no IKE_SA_INIT of its own: it is its predecessor's client
    by_id = {n.id: n for n in negotiations}
    for neg in negotiations:
        seen: set[str] = set()
        cur = neg
        while neg.client_platform is None and cur.predecessor in by_id and cur.predecessor not in seen:
            seen.add(cur.predecessor)
            cur = by_id[cur.predecessor]
            neg.client_platform = cur.client_platform
