"""The template engine: dispatch, typing, hostile text, and malformed template files."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from swandiag.parse import templates as T
from swandiag.parse.event import Daemon, Event


def _event(text: str, group: str | None = "IKE") -> Event:
    return Event(input=0, line=1, offset=0, ts=None, text=text, daemon=Daemon.CHARON, group=group)


def test_classify_sets_kind_and_typed_facts_once():
    ev = _event("parsed IKE_AUTH request 1 [ IDi N(INIT_CONTACT) CPRQ(ADDR DNS) SA TSi TSr ]", "ENC")
    assert T.classify(ev) == "enc.message"
    assert ev.facts == {"dir": "in", "exchange": "IKE_AUTH", "kind": "request", "mid": 1,
                        "payloads": ["IDi", "N(INIT_CONTACT)", "CPRQ(ADDR DNS)", "SA", "TSi", "TSr"]}
    ev.facts["mid"] = 99
    assert T.classify(ev) == "enc.message" and ev.facts["mid"] == 99  # not classified twice


def test_unknown_body_is_classified_empty():
    ev = _event("queueing IKE_AUTH task")
    assert T.classify(ev) == "" and ev.facts is None


def test_group_filter_and_indented_bodies():
    hit = T.match_text('  using trusted ca certificate "C=CH, CN=Root"', group="CFG")
    assert hit == ("cfg.using_cert", {"trust": "trusted ca certificate", "subject": "C=CH, CN=Root"})


def test_longest_prefix_wins_and_wording_variants():
    assert T.match_text("received proposals unacceptable")[0] == "ike.proposals_unacceptable"
    assert T.match_text("received proposals inacceptable")[0] == "ike.proposals_unacceptable"
    kind, facts = T.match_text("received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024, IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256")
    assert kind == "cfg.received_proposals" and len(facts["proposals"]) == 2
    assert T.match_text("received AUTHENTICATION_FAILED notify error")[1]["notify"] == "AUTHENTICATION_FAILED"
    assert T.match_text("received INVALID_ID_INFORMATION error notify")[0] == "ike.error_notify"


def test_observation_code_substitutes_facts():
    ev = _event("received NO_PROPOSAL_CHOSEN notify error")
    assert T.observation_for(ev) == "notify-error:NO_PROPOSAL_CHOSEN"


@pytest.mark.parametrize(("raw", "kind", "value"), [
    ("192.0.2.1[4500]", "endpoint", ["192.0.2.1", 4500]),
    ("2001:db8::1[500]", "endpoint", ["2001:db8::1", 500]),
    ("%any", "endpoint", ["%any", None]),
    ("0xC7A1B2C3", "hex", "c7a1b2c3"),
    ("12x", "int", "12x"),
    ("N(A) CPRQ(ADDR DNS)  EF(1/2)", "payloads", ["N(A)", "CPRQ(ADDR DNS)", "EF(1/2)"]),
    ("10.0.0.0/24 10.1.0.0/16", "ts", ["10.0.0.0/24", "10.1.0.0/16"]),
    ("192.0.2.1[vpn.example.com]", "idpair", ["192.0.2.1", "vpn.example.com"]),
])
def test_fact_types(raw, kind, value):
    assert T.convert(raw, kind) == value


def test_malformed_template_files_are_one_clear_error(tmp_path):
    cases = {
        "noid.toml": '[[template]]\nprefix = "x"\nregex = "x"\n',
        "badre.toml": '[[template]]\nid = "a.b"\ndaemon = "charon"\nprefix = "x"\nregex = "(unclosed"\n',
        "typo.toml": '[[template]]\nid = "a.b"\ndaemon = "charon"\nprefix = "x"\nregex = "x"\nobserv = "y"\n',
        "badtype.toml": '[[template]]\nid = "a.b"\ndaemon = "charon"\nprefix = "x"\nregex = "(?P<n>x)"\ntypes = { n = "float" }\n',
        "notoml.toml": "[[template\n",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(T.TemplateError) as err:
            T.load_file(path, T.Table())
        assert name in str(err.value)


def test_duplicate_ids_are_rejected(tmp_path):
    path = tmp_path / "dup.toml"
    path.write_text('[file]\ndaemon = "charon"\n' + '[[template]]\nid = "a.b"\nprefix = "x"\nregex = "x"\n' * 2)
    with pytest.raises(T.TemplateError, match="already defined"):
        T.load_file(path, T.Table())


def test_long_hostile_line_is_cheap_and_safe():
    text = "received packet: from " + "1" * 200_000 + " to x (12 bytes)" + "[" * 1000
    ev = _event(text, "NET")
    assert T.classify(ev) in ("", "net.packet")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_classify_never_raises(text):
    for prefix in ("", "received ", "IKE_SA ", "parsed ", "CHILD_SA "):
        ev = _event(prefix + text)
        kind = T.classify(ev)
        assert isinstance(kind, str)
        assert (ev.facts is None) == (kind == "")


@pytest.mark.parametrize("raw,want", [
    ("192.0.2.1[4500]", ["192.0.2.1", 4500]), ("%any", ["%any", None]), (" 10.0.0.1[500] ", ["10.0.0.1", 500]),
    ("2001:db8::1[4500]", ["2001:db8::1", 4500]), ("a[1][2]", ["a[1]", 2]), ("x[1a]", ["x[1a]", None]),
    ("x[]", ["x[]", None]), ("a[1]b", ["a[1]b", None]), ("", ["", None]),
])
def test_endpoint_splits_only_a_trailing_port(raw, want):
    assert T.parse_endpoint(raw) == want
