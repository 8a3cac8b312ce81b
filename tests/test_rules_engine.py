"""The condition language, engine and ranking on hand-built negotiations (no parsing)."""
from __future__ import annotations

import textwrap
import tomllib

import pytest

from swandiag.analysis import Analysis, InputSummary
from swandiag.correlate.records import Correlation
from swandiag.ingest.records import InputSpec
from swandiag.negotiation.records import (
    Direction, EventRef, Message, Negotiation, Observation, Outcome, Role, Side, Stage,
)
from swandiag.parse.event import Event, LogFormat
from swandiag.rules.engine import evaluate
from swandiag.rules.loader import parse_signature
from swandiag.rules.records import Severity
from swandiag.rules.values import SignatureError


def _input(i: int, name: str) -> InputSummary:
    return InputSummary(spec=InputSpec(index=i, name=name, members=()), format=LogFormat.CHARON_FILELOG, confidence=1.0)


def _neg(nid, inp, side, role, observations=(), messages=(), **kw) -> Negotiation:
    neg = Negotiation(id=nid, input=inp, host=None, daemon="charon", side=side, role=role, ike_version=2, **kw)
    for line, code in observations:
        neg.observations.append(Observation(code=code, ts=100.0 + line, ref=EventRef(inp, line)))
        neg.events.append(Event(input=inp, line=line, offset=0, ts=100.0 + line, text=f"text of {code}"))
    neg.messages.extend(messages)
    return neg


def _msg(inp, line, exchange, direction, request, payloads, **kw) -> Message:
    return Message(exchange=exchange, mid=1, direction=direction, is_request=request, payloads=tuple(payloads),
                   ts=100.0 + line, ref=EventRef(inp, line), **kw)


def _analysis(*negs: Negotiation, paired: bool = True) -> Analysis:
    a = Analysis(inputs=[_input(0, "gateway.log"), _input(1, "client.log")], negotiations=list(negs))
    if paired and len(negs) == 2:
        a.correlation = Correlation(peer={negs[0].id: negs[1].id, negs[1].id: negs[0].id})
    return a


def sig(text: str):
    return parse_signature(tomllib.loads(textwrap.dedent(text)), "test")


PSK = sig('''
    id = "psk-mismatch"
    title = "PSK"
    severity = "error"
    explains = ["auth-failed"]
    explanation = "ids {gateway.local_id} / {gateway.remote_id}; peer said {fact.notify}"
    [[when]]
    observation = "mac-mismatch"
    on = "gateway"
    [[when]]
    optional = true
    on = "client"
    observation = "notify-error:*"
''')
AUTH = sig('''
    id = "auth-failed"
    title = "rejected"
    severity = "error"
    confidence = 0.5
    [[when]]
    observation = "notify-error:AUTHENTICATION_FAILED"
''')
INFO = sig('''
    id = "meta"
    title = "info"
    severity = "info"
    explains = ["psk-mismatch", "auth-failed"]
    [[when]]
    present = "gateway"
''')


def psk_pair():
    gw = _neg("gw#1", 0, Side.GATEWAY, Role.RESPONDER, [(10, "mac-mismatch")], local_id="vpn.example.com",
              remote_id="carol@example.com", outcome=Outcome.FAILED, failed_stage=Stage.IKE_AUTH)
    cl = _neg("cl#1", 1, Side.CLIENT, Role.INITIATOR, [(20, "notify-error:AUTHENTICATION_FAILED")])
    cl.observations[0].detail["notify"] = "AUTHENTICATION_FAILED"
    return gw, cl


def test_root_cause_ranks_before_symptom_and_info_last():
    findings = evaluate(_analysis(*psk_pair()), [AUTH, INFO, PSK])
    assert [f.id for f in findings] == ["psk-mismatch", "auth-failed", "meta"]
    top = findings[0]
    assert top.explains == ["auth-failed"]
    assert top.severity is Severity.ERROR
    assert top.negotiations == ["gw#1", "cl#1"]
    assert {(e.input, e.line, e.side) for e in top.evidence} == {("gateway.log", 10, "gateway"), ("client.log", 20, "client")}
    assert top.explanation == "ids vpn.example.com / carol@example.com; peer said AUTHENTICATION_FAILED"


def test_side_conditions_need_that_side():
    gw, _ = psk_pair()
    findings = evaluate(_analysis(gw, paired=False), [PSK])
    assert [f.id for f in findings] == ["psk-mismatch"]
    assert all(e.side == "gateway" for e in findings[0].evidence)  # optional client part absent, still fires
    _, cl = psk_pair()
    assert evaluate(_analysis(cl, paired=False), [PSK]) == []


def test_absence_and_payload_tests():
    missing_cert = sig('''
        id = "missing-certreq"
        title = "t"
        severity = "warning"
        [[when]]
        on = "gateway"
        messages = { exchange = "IKE_AUTH", direction = "out", is_request = false, payloads = { lacks = ["CERT"] } }
        [[when]]
        on = "gateway"
        messages = { exchange = "IKE_AUTH", direction = "in", payloads = { has = ["CERTREQ"] } }
        max = 0
    ''')
    def gw(resp, req):
        return _neg("gw", 0, Side.GATEWAY, Role.RESPONDER, messages=[
            _msg(0, 5, "IKE_AUTH", Direction.IN, True, req), _msg(0, 9, "IKE_AUTH", Direction.OUT, False, resp)])
    assert evaluate(_analysis(gw(["IDr", "AUTH", "SA"], ["IDi", "CERT", "IDr", "AUTH"])), [missing_cert])
    assert not evaluate(_analysis(gw(["IDr", "CERT", "AUTH"], ["IDi", "IDr"])), [missing_cert])
    assert not evaluate(_analysis(gw(["IDr", "AUTH"], ["IDi", "CERTREQ", "IDr"])), [missing_cert])


def test_sequence_fact_regex_and_version():
    s = sig('''
        id = "x"
        title = "t"
        severity = "warning"
        explanation = "version {gateway.daemon_version} peer {fact.peer}"
        [[when]]
        fact = "daemon_version"
        version-below = "5.5.1"
        on = "gateway"
        [[when]]
        on = "gateway"
        sequence = [ { observation = "dpd-sent" }, { observation = "retransmit-giveup" } ]
        [[when]]
        on = "gateway"
        events = { text = { matches = 'of (?P<peer>dpd)' } }
    ''')
    ok = _neg("gw", 0, Side.GATEWAY, Role.RESPONDER, [(3, "dpd-sent"), (7, "retransmit-giveup")], daemon_version="5.3.5")
    [f] = evaluate(_analysis(ok), [s])
    assert f.explanation == "version 5.3.5 peer dpd"
    wrong_order = _neg("gw", 0, Side.GATEWAY, Role.RESPONDER, [(7, "dpd-sent"), (3, "retransmit-giveup")], daemon_version="5.3.5")
    assert evaluate(_analysis(wrong_order), [s]) == []
    new = _neg("gw", 0, Side.GATEWAY, Role.RESPONDER, [(3, "dpd-sent"), (7, "retransmit-giveup")], daemon_version="5.9.8")
    assert evaluate(_analysis(new), [s]) == []


def test_siblings_and_not():
    s = sig('''
        id = "dup"
        title = "t"
        severity = "warning"
        [[when]]
        on = "gateway"
        siblings = { outcome = "established" }
        same = "remote_id"
        min = 2
        [[when]]
        not = { observation = "pool-full" }
    ''')
    a = _neg("gw#1", 0, Side.GATEWAY, Role.RESPONDER, remote_id="carol", outcome=Outcome.ESTABLISHED)
    b = _neg("gw#2", 0, Side.GATEWAY, Role.RESPONDER, remote_id="carol", outcome=Outcome.ESTABLISHED)
    c = _neg("gw#3", 0, Side.GATEWAY, Role.RESPONDER, remote_id="dave", outcome=Outcome.ESTABLISHED)
    [f] = evaluate(_analysis(a, b, c, paired=False), [s])
    assert f.negotiations == ["gw#1", "gw#2"]  # one finding, merged over both cases
    assert evaluate(_analysis(a, c, paired=False), [s]) == []


@pytest.mark.parametrize("bad, message", [
    ('id="x"\ntitle="t"\nseverity="fatal"\n[[when]]\npresent="gateway"', "severity"),
    ('id="x"\ntitle="t"\nseverity="error"\nbogus=1\n[[when]]\npresent="gateway"', "unknown key"),
    ('id="x"\ntitle="t"\nseverity="error"\n[[when]]\nobservation="a"\nfact="b"\nequals=1', "exactly one"),
    ('id="x"\ntitle="t"\nseverity="error"\n[[when]]\nevents={text={matches="("}}', "bad regex"),
    ('id="x"\ntitle="t"\nseverity="error"\nexplanation="{gateway.password}"\n[[when]]\npresent="gateway"', "placeholder"),
    ('id="x"\ntitle="t"\nseverity="error"\n[[when]]\nfact="outcome"\nlike="x"', "unknown operator"),
    ('id="x"\ntitle="t"\nseverity="error"\n[[when]]\non="peer"\npresent="gateway"', "on ="),
])
def test_malformed_signatures_are_one_line_errors(bad, message):
    with pytest.raises(SignatureError, match=message):
        parse_signature(tomllib.loads(bad), "bad.toml")


def test_placeholders_never_evaluate():
    s = sig('''
        id = "x"
        title = "t"
        severity = "info"
        explanation = "{fact.code} {any.remote_id} {{gateway.conn}}"
        [[when]]
        events = { text = { matches = '(?P<code>__import__\\S*)' } }
    ''')
    neg = _neg("gw", 0, Side.GATEWAY, Role.RESPONDER, remote_id="{fact.code}")
    neg.events.append(Event(input=0, line=1, offset=0, ts=1.0, text="__import__('os').system('id')"))
    [f] = evaluate(_analysis(neg), [s])
    assert f.explanation.startswith("__import__('os').system('id') {fact.code}")


# -- comparing a fact with another fact of the same side (in-fact / not-in-fact) ---------------
OWN_ID = sig('''
    id = "idr-not-own"
    title = "IDr is none of the gateway's identities"
    severity = "error"
    explanation = "asked for {fact.expected}; gateway has {gateway.configured_local_ids} / {gateway.loaded_certs}"
    [[when]]
    on = "gateway"
    fact = "local_id"
    not-in-fact = "input.own_identities"
    matches = "(?P<expected>.+)"
''')


def _own(local_id: str, own: list[str]) -> Analysis:
    gw = _neg("gw#1", 0, Side.GATEWAY, Role.RESPONDER, observations=[(5, "no-peer-config")], local_id=local_id)
    a = _analysis(gw, paired=False)
    a.inputs[0].own_identities = own
    a.inputs[0].local_ids = [x for x in own if "=" not in x]
    a.inputs[0].loaded_certs = [x for x in own if "=" in x]
    return a


def test_not_in_fact_compares_with_the_sides_input_summary_ignoring_case():
    assert evaluate(_own("VPN.example.org", ["vpn.example.org", "C=CH, CN=vpn.example.org"]), [OWN_ID]) == []
    [f] = evaluate(_own("vpn.example.net", ["vpn.example.org", "C=CH, CN=vpn.example.org"]), [OWN_ID])
    assert f.explanation == "asked for vpn.example.net; gateway has vpn.example.org / C=CH, CN=vpn.example.org"
    # no identities known: nothing to compare with, the value is 'not in' an empty pool
    assert evaluate(_own("vpn.example.net", []), [OWN_ID])


def test_in_fact_needs_one_path_of_the_same_side():
    for bad in ({"in-fact": 3}, {"in-fact": "a", "not-in-fact": "b"}, {"in-fact": "a", "on": "lint"}):
        with pytest.raises(SignatureError):
            parse_signature({"id": "x", "title": "x", "severity": "error", "when": [{"fact": "local_id", **bad}]}, "t")
