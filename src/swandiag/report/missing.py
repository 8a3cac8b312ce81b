"""What is missing to be sure, after strongSwan's help-request list (reference anchors.md §C2):
the complete log from daemon start on both sides at adequate levels, the configuration, the
status, firewall rules, routes and addresses. Items specific to this run come first.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..analysis import Analysis
from .sanitize import strip_controls

LOG_SETTINGS = "filelog with ike_name = yes, default = 2 (at least ike = 2, cfg = 2, knl = 2, net = 1, enc = 1)"


@dataclass(slots=True)
class MissingItem:
    item: str  # what to collect
    reason: str  # why it matters here
    side: str  # 'gateway' | 'client' | 'both' | an input name


# The standing list: asked for in every strongSwan help request.
STANDARD: tuple[MissingItem, ...] = (
    MissingItem("configuration: swanctl.conf (or ipsec.conf + ipsec.secrets without the secrets) and strongswan.conf",
                "the signatures can compare the logs with what was configured (swandiag lint)", "gateway"),
    MissingItem("status: `swanctl --list-conns` and `swanctl --list-sas` (or `ipsec statusall`)",
                "shows the loaded connections and the SAs that exist now", "gateway"),
    MissingItem("firewall rules: `iptables-save` and `ip6tables-save` (or `nft list ruleset`)",
                "UDP 500/4500 and ESP must pass; NAT rules must not hit tunnel traffic", "gateway"),
    MissingItem("all routing tables: `ip route show table all`",
                "charon installs routes in table 220; a competing route hides the tunnel", "gateway"),
    MissingItem("all addresses: `ip addr`", "shows which local addresses charon can use", "gateway"),
)


# failure reasons of a client that never sent anything (Apple's client rejected its own profile or
# could not resolve the server name): nothing of the gateway can matter
NOTHING_SENT = {"PROFILE_INVALID", "DNS_FAILED"}


def _is_log(summary) -> bool:
    return summary.kind == "log"


def _nothing_sent(analysis: Analysis) -> bool:
    """Every negotiation is a client's that failed before its first message left the device."""
    negs = analysis.negotiations
    return bool(negs) and all(
        n.side.value == "client" and n.failure_reason in NOTHING_SENT
        and not any(m.direction.value == "out" for m in n.messages) for n in negs)


def what_is_missing(analysis: Analysis) -> list[MissingItem]:
    items: list[MissingItem] = []
    logs = [s for s in analysis.inputs if _is_log(s)]
    sides = {n.side.value for n in analysis.negotiations}
    local_only = _nothing_sent(analysis)
    if local_only:
        items.append(MissingItem(
            "the VPN profile (.mobileconfig) or the VPN settings of the client",
            "the client failed before sending anything: the cause is in its own configuration, not on the gateway",
            "client"))
    elif len(logs) < 2 or not analysis.correlation.peer:
        absent = "the gateway" if "gateway" not in sides and "client" in sides else (
            "the client" if "client" not in sides and "gateway" in sides else "the other peer")
        items.append(MissingItem(
            f"the log of {absent}, covering the same time",
            "only one end of the negotiation is visible; the responder's log names the mismatch the initiator only sees as a notify",
            "both"))
    for s in logs:
        name = strip_controls(s.spec.name)
        if s.level_sufficient is False:
            advice = "; ".join(strip_controls(a) for a in s.level_advice) or LOG_SETTINGS
            items.append(MissingItem(f"{name}: a log at higher levels ({advice})",
                                     "the current levels hide facts the diagnosis needs (proposals, identities, state changes)",
                                     name))
        if s.daemon in (None, "charon") and s.daemon_version is None and s.format.value not in (
                "swanctl-log", "swanctl-control", "stroke"):
            items.append(MissingItem(f"{name}: the log from daemon start ('Starting IKE charon daemon')",
                                     "the start shows version, plugins, loaded certificates, keys and connections",
                                     name))
    for f in analysis.findings:
        for what in f.collect:
            items.append(MissingItem(strip_controls(what), f"to confirm {strip_controls(f.id)}", "both"))
    if analysis.lint is None and not local_only:
        items.extend(MissingItem(i.item, i.reason, i.side) for i in STANDARD)
    # one line per distinct item, first reason wins
    seen: set[str] = set()
    out: list[MissingItem] = []
    for item in items:
        if item.item not in seen:
            seen.add(item.item)
            out.append(item)
    return out
