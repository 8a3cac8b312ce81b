"""Properties of the signature loader and the condition language: whatever a signature file
holds, loading it either works or fails with one SignatureError naming the file, and evaluating
any loadable signature over hand-built negotiations never raises."""
from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swandiag.analysis import Analysis, InputSummary
from swandiag.correlate.records import Correlation
from swandiag.ingest.records import InputSpec
from swandiag.negotiation.records import (
    Delete, Direction, EventRef, Message, Negotiation, Observation, Outcome, Role, Side, Stage,
)
from swandiag.parse.event import Event, LogFormat
from swandiag.rules.conditions import COLLECTIONS
from swandiag.rules.engine import evaluate
from swandiag.rules.loader import load_file, parse_signature
from swandiag.rules.values import OPERATORS, SignatureError

WHERE = "patterns/generated.toml"

# -- strategies: values a TOML table can hold ---------------------------------------------------
scalars = st.one_of(st.text(max_size=12), st.integers(-3, 5), st.booleans(), st.floats(allow_nan=False, width=32))
toml_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                           max_leaves=8)

FIELDS = ["exchange", "direction", "is_request", "payloads", "code", "kind", "text", "facts.notify",
          "size", "retransmits", "what", "reason", "outcome", "failed_stage", "remote_id", "bogus"]
OPERANDS = st.one_of(st.sampled_from(["IKE_AUTH", "in", "out", "N(AUTH_FAILED)", "mac-mismatch", "5.5.1",
                                      "(?P<x>.+)", "([", "*", "failed", ""]),
                     st.integers(-1, 3), st.booleans(), st.lists(st.sampled_from(["SA", "CERT", "N(*", "x"]), max_size=3))
field_tests = st.one_of(
    OPERANDS,
    st.dictionaries(st.sampled_from(sorted(OPERATORS) + ["no-such-op"]), OPERANDS, min_size=1, max_size=2),
)
FACT_PATHS = ["outcome", "failed_stage", "local_id", "remote_id", "ike_proposals.selected", "ike_proposals.received",
              "input.level_sufficient", "input.own_identities", "input.local_ids", "messages.size", "nope.deeper"]
ON = st.sampled_from(["gateway", "client", "any", "both", "lint", "nowhere"])


def _leaf(junk: bool = True):
    observation = st.fixed_dictionaries({"observation": st.one_of(st.sampled_from(["mac-mismatch", "notify-error:*", "dpd-sent"]),
                                                                   st.lists(st.text(max_size=6), max_size=2))},
                                        optional={"on": ON, "max": st.integers(-1, 2), "min": st.integers(-1, 2),
                                                  "direction": field_tests})
    collection = st.sampled_from(COLLECTIONS).flatmap(lambda name: st.fixed_dictionaries(
        {name: st.dictionaries(st.sampled_from(FIELDS), field_tests, max_size=3)},
        optional={"on": ON, "min": st.integers(0, 2), "max": st.integers(0, 2), "same": st.sampled_from(["remote_id", "x"])}))
    fact = st.fixed_dictionaries({"fact": st.sampled_from(FACT_PATHS)},
                                 optional={"equals": OPERANDS, "matches": st.sampled_from(["MODP", "(?P<v>.+)", "(unclosed"]),
                                           "not-in": st.lists(st.text(max_size=5), max_size=2),
                                           "not-in-fact": st.sampled_from(["input.own_identities", "remote_id", "x.y"]),
                                           "in-fact": st.sampled_from(["local_id", "input.local_ids"]),
                                           "count-min": OPERANDS, "on": ON, "cite": st.booleans()})
    present = st.fixed_dictionaries({"present": st.one_of(st.sampled_from(["gateway", "client", "both", "lint", "x"]), st.booleans())})
    return st.one_of(observation, collection, fact, present, *([toml_values] if junk else []))


def _tree(leaf):
    return st.recursive(leaf, lambda inner: st.one_of(
    st.fixed_dictionaries({"all": st.lists(inner, max_size=3)}),
    st.fixed_dictionaries({"any": st.lists(inner, max_size=3)}),
    st.fixed_dictionaries({"sequence": st.lists(inner, max_size=3)}),
    st.fixed_dictionaries({"not": inner}),
    st.fixed_dictionaries({"optional": st.just(True), "all": st.lists(inner, min_size=1, max_size=2)}),
    ), max_leaves=6)


conditions = _tree(_leaf())
# well-formed keys, operator names and operands: mostly loadable, so evaluation gets exercised
VALID_TESTS = st.one_of(st.sampled_from(["IKE_AUTH", "in", "out", "failed", "mac-mismatch"]), st.integers(0, 3), st.booleans(),
                        st.fixed_dictionaries({}, optional={"has-any": st.lists(st.sampled_from(["N(AUTH_FAILED)", "N(*", "SA"]), max_size=2),
                                                            "matches": st.sampled_from(["MODP", "(?P<v>.+)", "AUTH"]),
                                                            "min": st.integers(0, 100), "not-in": st.lists(st.text(max_size=4), max_size=2)}))
valid_leaf = st.one_of(
    st.fixed_dictionaries({"observation": st.sampled_from(["mac-mismatch", "notify-error:*", "dpd-sent", "socket-error"])},
                          optional={"on": st.sampled_from(["gateway", "client", "any", "both"]), "max": st.integers(0, 2)}),
    st.sampled_from(["messages", "events", "observations", "deletes", "siblings"]).flatmap(lambda name: st.fixed_dictionaries(
        {name: st.dictionaries(st.sampled_from(FIELDS), VALID_TESTS, max_size=2)},
        optional={"on": st.sampled_from(["gateway", "client", "any", "both"]), "min": st.integers(0, 2)})),
    st.fixed_dictionaries({"fact": st.sampled_from(FACT_PATHS)},
                          optional={"not-in-fact": st.sampled_from(["input.own_identities", "remote_id", "x.y"]),
                                    "matches": st.sampled_from(["MODP", "(?P<v>.+)"]), "present": st.booleans()}
                          ).filter(lambda d: len(d) > 1),
    st.fixed_dictionaries({"present": st.sampled_from(["gateway", "client", "both"])}),
)
valid_signature_dicts = st.fixed_dictionaries(
    {"id": st.just("generated"), "title": st.just("Generated"), "severity": st.sampled_from(["error", "warning", "info"]),
     "when": st.lists(_tree(valid_leaf), min_size=1, max_size=3)},
    optional={"explanation": st.sampled_from(["{gateway.local_id} {fact.v}", "{client.loaded_certs} {any.configured_local_ids}"]),
              "explains": st.just(["auth-failed"])})

signature_dicts = st.fixed_dictionaries(
    {"id": st.one_of(st.just("generated"), toml_values),
     "title": st.one_of(st.just("Generated"), toml_values),
     "severity": st.one_of(st.sampled_from(["error", "warning", "info", "fatal"]), toml_values),
     "when": st.one_of(st.lists(conditions, max_size=3), conditions, toml_values)},
    optional={"confidence": st.one_of(st.floats(-1, 2, allow_nan=False), toml_values),
              "explanation": st.one_of(st.sampled_from(["{gateway.local_id} {fact.x}", "{gateway.nope}", "{client.loaded_certs}"]), toml_values),
              "applies-to": st.one_of(st.fixed_dictionaries({}, optional={"ike": st.lists(st.integers(0, 3), max_size=2),
                                                                           "platform": st.lists(st.text(max_size=5), max_size=2)}), toml_values),
              "fix": toml_values, "fixtures": toml_values, "explains": toml_values, "scope": st.sampled_from(["case", "run", "x"]),
              "unknown-key": toml_values})


def _loads_or_names_the_file(data: dict) -> object | None:
    try:
        return parse_signature(data, WHERE)
    except SignatureError as exc:
        assert str(exc).startswith(WHERE), str(exc)
        assert "\n" not in str(exc)
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signature_dicts)
def test_any_signature_dict_loads_or_fails_with_one_clear_error(data):
    _loads_or_names_the_file(data)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_file_text_loads_or_fails_naming_the_file(tmp_path_factory, text):
    path = Path(tmp_path_factory.mktemp("sig")) / "user.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_file(path)
    except SignatureError as exc:
        assert str(exc).startswith(str(path)), str(exc)


# -- evaluation over hand-built negotiations -------------------------------------------------------
def _summary(i: int, name: str) -> InputSummary:
    s = InputSummary(spec=InputSpec(index=i, name=name, members=()), format=LogFormat.CHARON_FILELOG, confidence=1.0)
    s.local_ids, s.loaded_certs, s.own_identities = ["vpn.example.org"], ["C=CH, CN=vpn.example.org"], ["vpn.example.org"]
    return s


def _negotiation(nid: str, inp: int, side: Side, role: Role, codes: list[str], outcome: Outcome) -> Negotiation:
    n = Negotiation(id=nid, input=inp, host=None, daemon="charon", side=side, role=role, ike_version=2,
                    outcome=outcome, failed_stage=Stage.IKE_AUTH, local_id="vpn.example.net", remote_id="carol")
    for line, code in enumerate(codes, 1):
        n.observations.append(Observation(code=code, ts=float(line), ref=EventRef(inp, line), detail={"notify": code}))
        n.events.append(Event(input=inp, line=line, offset=0, ts=float(line), text=f"{code} text", kind="x", facts={"notify": code}))
    n.messages.append(Message("IKE_AUTH", 1, Direction.OUT, False, ("N(AUTH_FAILED)",), 1.0, EventRef(inp, 1), size=80))
    n.deletes.append(Delete("IKE_SA", Direction.IN, "peer", 2.0, EventRef(inp, 2)))
    n.ike_proposals.received = ["IKE:AES_CBC_256/MODP_1536"]
    return n


CODES = st.lists(st.sampled_from(["mac-mismatch", "dpd-sent", "socket-error", "notify-error:AUTHENTICATION_FAILED", "no-peer-config"]), max_size=4)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(valid_signature_dicts, signature_dicts), CODES, CODES, st.sampled_from(list(Outcome)), st.booleans())
def test_evaluation_never_raises(data, gw_codes, cl_codes, outcome, paired):
    sig = _loads_or_names_the_file(data)
    if sig is None:
        return
    gw = _negotiation("gw#1", 0, Side.GATEWAY, Role.RESPONDER, gw_codes, outcome)
    cl = _negotiation("cl#1", 1, Side.CLIENT, Role.INITIATOR, cl_codes, Outcome.FAILED)
    a = Analysis(inputs=[_summary(0, "gateway.log"), _summary(1, "client.log")], negotiations=[gw, cl])
    if paired:
        a.correlation = Correlation(peer={"gw#1": "cl#1", "cl#1": "gw#1"})
    for finding in evaluate(a, [sig]):
        assert finding.id == sig.id


def test_the_generators_reach_both_outcomes():
    """The properties above are only worth something if the strategies produce loadable and
    broken signatures alike (a generator that only made broken ones would test nothing)."""
    good = tomllib.loads('id = "g"\ntitle = "G"\nseverity = "error"\n[[when]]\nfact = "local_id"\nnot-in-fact = "input.own_identities"\n')
    assert parse_signature(good, WHERE).id == "g"
    assert _loads_or_names_the_file({**good, "when": [{"fact": "local_id", "in-fact": 3}]}) is None
    assert _loads_or_names_the_file({**good, "when": [{"fact": "x", "not-in-fact": "a", "in-fact": "b"}]}) is None


# -- the explains relation: one relation, read both ways ------------------------------------------
from swandiag.rules.ranking import Relation, rank  # noqa: E402
from swandiag.rules.records import Finding, Severity  # noqa: E402

REL_IDS = ["a", "b", "c", "d", "e", "f"]
REL_NEGS = ["gw#1", "cl#1", "gw#2", "cl#2"]
declarations = st.dictionaries(st.sampled_from(REL_IDS), st.lists(st.sampled_from(REL_IDS), max_size=4), max_size=6)
# a finding per present id: its negotiations ([] = run-scoped / lint), severity, confidence, meta or not
relation_findings = st.dictionaries(
    st.sampled_from(REL_IDS),
    st.tuples(st.one_of(st.just([]), st.sampled_from([["gw#1", "cl#1"], ["gw#2", "cl#2"], ["gw#1"], ["cl#2"],
                                                      ["gw#1", "cl#1", "gw#2"]])),
              st.sampled_from(list(Severity)), st.sampled_from([0.4, 0.5, 0.9]), st.booleans()),
    max_size=6)


def _reachable(graph: dict[str, list[str]], start: str) -> set[str]:
    """The oracle, computed another way than ranking's walk: grow the set of ids reached in
    k steps until it stops changing."""
    reached = set(graph.get(start, ()))
    while True:
        more = reached | {y for x in reached for y in graph.get(x, ())}
        if more == reached:
            return reached
        reached = more


@settings(max_examples=400, deadline=None)
@given(declarations, relation_findings)
def test_explains_and_explained_by_are_one_relation(declared, specs):
    findings = [Finding(id=i, severity=sev, confidence=conf, title=i, explanation="", negotiations=list(negs),
                        inconclusive=meta) for i, (negs, sev, conf, meta) in specs.items()]
    ranked = rank(findings, declared)
    by_id = {f.id: f for f in ranked}
    assert sorted(by_id) == sorted(specs)  # nothing lost, nothing added
    for f in ranked:
        # both directions agree, and name present findings only
        assert set(f.explains) <= set(by_id) and set(f.explained_by) <= set(by_id)
        for x in f.explains:
            assert f.id in by_id[x].explained_by
        for x in f.explained_by:
            assert f.id in by_id[x].explains
        for x in f.explains:
            g = by_id[x]
            # only about a shared negotiation (or a run-wide finding), only along declarations
            assert not f.negotiations or not g.negotiations or set(f.negotiations) & set(g.negotiations)
            assert x in _reachable(declared, f.id) and f.id not in _reachable(declared, x)
        # a declared, non-cyclic edge between present findings of one negotiation is never lost
        for x in declared.get(f.id, ()):
            g = by_id.get(x)
            if g is not None and f.id not in _reachable(declared, x) and \
                    (not f.negotiations or not g.negotiations or set(f.negotiations) & set(g.negotiations)):
                assert x in f.explains
    # no cycles: a topological order exists (the ranked order itself, within info / non-info)
    position = {f.id: n for n, f in enumerate(ranked)}
    shown = {g.id: g.explains for g in ranked}
    for f in ranked:
        assert f.id not in _reachable(shown, f.id), "a cycle of explains"
        for x in f.explains:
            if (f.severity is Severity.INFO) == (by_id[x].severity is Severity.INFO):
                assert position[f.id] < position[x], "a symptom ranked before its root cause"
    infos = [f.severity is Severity.INFO for f in ranked]
    assert infos == sorted(infos), "info above error/warning"
    # the relation object and rank agree (one function computes it)
    assert Relation(declared).among(findings) == {f.id: set(f.explains) for f in ranked}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["error", "warning", "info"]),
                         st.sampled_from(["mac-mismatch", "dpd-sent", "socket-error", "notify-error:AUTHENTICATION_FAILED"]),
                         st.sampled_from(["gateway", "client", "any"]), st.booleans(), st.sampled_from(["case", "run"])),
                min_size=1, max_size=5),
       declarations, CODES, CODES, st.booleans())
def test_engine_findings_keep_the_relation_consistent(specs, declared, gw_codes, cl_codes, paired):
    """Through the engine (cases, paired sides, run scope, merging, dropping settled meta
    findings): what a finding explains and what explains it agree, and name present findings."""
    sigs = []
    for n, (severity, code, on, meta, scope) in enumerate(specs):
        sid = REL_IDS[n]
        when = [{"observation": code, "on": on}] if scope == "case" else [{"on": "run", "items": "negotiations"}]
        sigs.append(parse_signature({"id": sid, "title": sid, "severity": severity, "when": when, "scope": scope,
                                     "inconclusive": meta, "explains": list(declared.get(sid, []))}, WHERE))
    gw = _negotiation("gw#1", 0, Side.GATEWAY, Role.RESPONDER, gw_codes, Outcome.FAILED)
    cl = _negotiation("cl#1", 1, Side.CLIENT, Role.INITIATOR, cl_codes, Outcome.FAILED)
    gw2 = _negotiation("gw#2", 0, Side.GATEWAY, Role.RESPONDER, cl_codes[:1], Outcome.FAILED)
    a = Analysis(inputs=[_summary(0, "gateway.log"), _summary(1, "client.log")], negotiations=[gw, cl, gw2])
    if paired:
        a.correlation = Correlation(peer={"gw#1": "cl#1", "cl#1": "gw#1"})
    found = evaluate(a, sigs)
    by_id = {f.id: f for f in found}
    assert len(by_id) == len(found)
    for f in found:
        assert set(f.explains) <= set(by_id) and set(f.explained_by) <= set(by_id)
        assert all(f.id in by_id[x].explained_by for x in f.explains)
        assert all(f.id in by_id[x].explains for x in f.explained_by)
        assert f.id not in f.explains
