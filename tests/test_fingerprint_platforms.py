"""Client-platform fingerprints from the gateway's view (negotiation/fingerprints.toml).
Corpus gateway logs: racoon scenarios see a racoon client, lab scenarios strongSwan clients.
Apple/Windows tells come from the charon lines quoted in reference/ios-macos-clients.md §4."""
from __future__ import annotations

from pathlib import Path

import pytest

from swandiag.ingest.sources import resolve
from swandiag.negotiation.builder import build
from swandiag.negotiation.fingerprint import (
    Features, annotate_platforms, client_platform, features, platform_from_features, rules,
)
from swandiag.negotiation.records import Direction, EventRef, Message, Negotiation, Side
from swandiag.parse.event import Event
from swandiag.parse.stream import parse_input
from swandiag.parse.templates import split_payloads
from swandiag.pipeline import Options

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
GATEWAYS = {
    "racoon/a-psk-xauth-modecfg-success/gateway.log": "racoon",
    "racoon/c-phase1-no-proposal-chosen/gateway.log": "racoon",
    "racoon/e-xauth-wrong-password/gateway.log": "racoon",
    "racoon/h-dpd-peer-dead/gateway.log": "racoon",
    "lab/ok-ikev2-cert/gateway.log": "strongswan",
    "lab/ok-ikev2-eap/gateway.log": "strongswan",
    "lab/proposal-mismatch-ike/gateway.log": "strongswan",
    "lab/ok-ikev1-xauth-psk/gateway.log": "strongswan",
    "lab/proposal-mismatch-ike-v1/gateway.log": "strongswan",
    "lab/rekey-reauth/gateway.log": "strongswan",
    "lab6/ok-ikev2-cert/gateway.log": "strongswan",
    "journal/psk-mismatch/gateway.journal.short.log": "strongswan",
}


@pytest.fixture(scope="module")
def gateway_negotiations():
    out = {}
    for rel in GATEWAYS:
        specs, problems = resolve([str(CORPUS / rel)])
        parsed = parse_input(specs[0], Options())
        negs = build(parsed.events(), parsed.summary)
        annotate_platforms(negs)
        out[rel] = negs
    return out


@pytest.mark.parametrize("rel", sorted(GATEWAYS))
def test_corpus_gateway_sees_the_right_client(gateway_negotiations, rel):
    negs = gateway_negotiations[rel]
    assert negs, f"{rel}: no negotiation built"
    assert {n.client_platform for n in negs} == {GATEWAYS[rel]}


def test_unreachable_gateway_has_nothing_to_fingerprint():
    specs, _ = resolve([str(CORPUS / "racoon/g-peer-unreachable-timeout/gateway.log")])
    parsed = parse_input(specs[0], Options())
    negs = build(parsed.events(), parsed.summary)
    annotate_platforms(negs)
    assert all(n.client_platform is None for n in negs)


def _gateway_neg(init: str | None = None, auth: str | None = None, vendors: tuple[str, ...] = (),
                 proposals: tuple[str, ...] = ()) -> Negotiation:
    neg = Negotiation(id="gw#1", input=0, host="gw", daemon="charon", side=Side.GATEWAY)
    for exchange, mid, payloads in (("IKE_SA_INIT", 0, init), ("IKE_AUTH", 1, auth)):
        if payloads is not None:
            neg.messages.append(Message(exchange=exchange, mid=mid, direction=Direction.IN, is_request=True,
                                        payloads=tuple(split_payloads(payloads)), ts=None, ref=EventRef(0, mid + 1)))
    for i, vendor in enumerate(vendors, 10):
        neg.events.append(Event(input=0, line=i, offset=0, ts=None, text=f"received {vendor} vendor ID"))
    neg.ike_proposals.received = list(proposals)
    return neg


# reference §4, "iOS / macOS IKEv2 (2017–2023 samples)" and "iOS default proposals (16.5)"
APPLE_INIT = "SA KE No N(REDIR_SUP) N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP)"
APPLE_AUTH = ("IDi N(INIT_CONTACT) IDr CPRQ(ADDR MASK DHCP DNS ADDR6 DHCP6 DNS6 DOMAIN) N(ESP_TFC_PAD_N) "
              "N(NON_FIRST_FRAG) SA TSi TSr N(MOBIKE_SUP)")
IOS_PROPOSALS = ("IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
                 "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256",
                 "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_1536",
                 "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024",
                 "IKE:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024")
STRONGSWAN_INIT = "SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP)"


def test_apple_ikev2_client():
    assert client_platform(_gateway_neg(APPLE_INIT, APPLE_AUTH)) == "apple"
    assert client_platform(_gateway_neg(APPLE_INIT)) == "apple"  # failed before IKE_AUTH
    assert client_platform(_gateway_neg(None, APPLE_AUTH)) == "apple"


def test_ios_default_proposals_name_the_platform():
    assert client_platform(_gateway_neg(APPLE_INIT, APPLE_AUTH, proposals=IOS_PROPOSALS)) == "apple-ios"
    macos = ("IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",)
    assert client_platform(_gateway_neg(APPLE_INIT, APPLE_AUTH, proposals=macos)) == "apple"


def test_windows_vendor_ids():
    neg = _gateway_neg("SA KE No N(NATD_S_IP) N(NATD_D_IP) V V V V",
                       vendors=("MS NT5 ISAKMPOAKLEY", "MS-Negotiation Discovery Capable", "Vid-Initial-Contact"))
    assert client_platform(neg) == "windows"


def test_strongswan_is_not_apple():
    assert client_platform(_gateway_neg(STRONGSWAN_INIT)) == "strongswan"
    f = features(_gateway_neg(STRONGSWAN_INIT))
    assert f.init is not None and "N(HASH_ALG)" in f.init


def test_too_little_evidence_is_none():
    assert platform_from_features(Features()) is None
    assert client_platform(_gateway_neg("SA KE No")) is None
    # equal scores are a tie, not a guess
    tie = Features(init=tuple(split_payloads(APPLE_INIT)), vendors={"MS NT5 ISAKMPOAKLEY"})
    assert platform_from_features(tie) is None


def test_client_side_negotiations_name_their_own_daemon():
    for daemon, expected in (("racoon", "racoon"), ("apple-ikev2", "apple"), ("charon", "strongswan")):
        neg = Negotiation(id="c#1", input=0, host=None, daemon=daemon, side=Side.CLIENT)
        annotate_platforms([neg])
        assert neg.client_platform == expected
    preset = Negotiation(id="c#2", input=0, host=None, daemon="apple-ikev2", side=Side.CLIENT,
                         client_platform="apple-macos")
    annotate_platforms([preset])
    assert preset.client_platform == "apple-macos"


def test_rules_file_loads_with_known_platforms():
    ruleset = rules()
    assert ruleset.rules and ruleset.threshold > 0
    from swandiag.negotiation.fingerprint import PLATFORMS
    assert {r.platform for r in ruleset.rules} | {r.becomes for r in ruleset.refinements} <= set(PLATFORMS)
