"""The `explains` relation (rules/ranking.py `Relation`): what a finding explains and what it is
"a symptom of" are one relation read both ways, only about the same negotiation, along
declarations through present findings, without cycles; the engine drops settled meta findings
through that same relation; the loader rejects cycles."""
from __future__ import annotations

import json
import textwrap
import tomllib
from pathlib import Path

import pytest

from swandiag.analysis import Analysis, InputSummary
from swandiag.correlate.records import Correlation
from swandiag.ingest.records import InputSpec
from swandiag.negotiation.records import EventRef, Negotiation, Observation, Role, Side
from swandiag.parse.event import Event, LogFormat
from swandiag.pipeline import analyze
from swandiag.rules.engine import evaluate
from swandiag.rules.loader import load_signatures, parse_signature
from swandiag.rules.ranking import Relation, cycle, rank
from swandiag.rules.records import Finding, Severity
from swandiag.rules.values import SignatureError

ROOT = Path(__file__).resolve().parent.parent


def _input(i: int, name: str) -> InputSummary:
    return InputSummary(spec=InputSpec(index=i, name=name, members=()), format=LogFormat.CHARON_FILELOG, confidence=1.0)


def _neg(nid: str, inp: int, side: Side, *codes: str) -> Negotiation:
    neg = Negotiation(id=nid, input=inp, host=None, daemon="charon", side=side,
                      role=Role.RESPONDER if side is Side.GATEWAY else Role.INITIATOR, ike_version=2)
    for line, code in enumerate(codes, 10 * int(nid[-1])):
        neg.observations.append(Observation(code=code, ts=100.0 + line, ref=EventRef(inp, line)))
        neg.events.append(Event(input=inp, line=line, offset=0, ts=100.0 + line, text=f"text of {code}"))
    return neg


def _analysis(negs: list[Negotiation], pairs: list[tuple[str, str]] = ()) -> Analysis:
    a = Analysis(inputs=[_input(0, "gateway.log"), _input(1, "client.log")], negotiations=negs)
    peer = {}
    for x, y in pairs:
        peer[x], peer[y] = y, x
    a.correlation = Correlation(peer=peer)
    return a


def sig(sid: str, code: str, *, severity: str = "error", explains=(), on: str = "any", extra: str = "", confidence=0.8):
    return parse_signature(tomllib.loads(textwrap.dedent(f'''
        id = "{sid}"
        title = "{sid}"
        severity = "{severity}"
        confidence = {confidence}
        explains = {json.dumps(list(explains))}
        {extra}
        [[when]]
        on = "{on}"
        observation = "{code}"
    ''')), "test")


def _f(fid: str, negs=(), severity=Severity.ERROR, confidence=0.8, inconclusive=False) -> Finding:
    return Finding(id=fid, severity=severity, confidence=confidence, title=fid, explanation="",
                   negotiations=list(negs), inconclusive=inconclusive)


def _consistent(findings: list[Finding]) -> None:
    by_id = {f.id: f for f in findings}
    for f in findings:
        assert set(f.explains) | set(f.explained_by) <= set(by_id), f"{f.id} names an absent finding"
        assert all(f.id in by_id[x].explained_by for x in f.explains), f.id
        assert all(f.id in by_id[x].explains for x in f.explained_by), f.id


# -- the relation ---------------------------------------------------------------------------------

def test_a_cause_of_one_negotiation_is_not_the_cause_of_another_ones_symptom():
    """Two unpaired negotiations: the root cause of #1 explains #1's symptom, not #2's (it used
    to list it in `explains` while #2's symptom did not name it in `explained_by`)."""
    root = sig("root", "mac-mismatch", on="gateway", explains=["symptom"])
    symptom = sig("symptom", "notify-error:AUTHENTICATION_FAILED")
    found = evaluate(_analysis([_neg("gw#1", 0, Side.GATEWAY, "mac-mismatch"),
                                _neg("cl#2", 1, Side.CLIENT, "notify-error:AUTHENTICATION_FAILED")]), [root, symptom])
    by_id = {f.id: f for f in found}
    assert by_id["root"].explains == [] and by_id["symptom"].explained_by == []
    _consistent(found)


def test_both_ends_of_a_pair_share_the_relation():
    """The cause seen on the gateway explains the symptom seen on the client of the same pair."""
    root = sig("root", "mac-mismatch", on="gateway", explains=["symptom"])
    symptom = sig("symptom", "notify-error:AUTHENTICATION_FAILED", on="client", confidence=0.95)
    found = evaluate(_analysis([_neg("gw#1", 0, Side.GATEWAY, "mac-mismatch"),
                                _neg("cl#1", 1, Side.CLIENT, "notify-error:AUTHENTICATION_FAILED")],
                               [("gw#1", "cl#1")]), [symptom, root])
    assert [f.id for f in found] == ["root", "symptom"]
    assert found[0].explains == ["symptom"] and found[1].explained_by == ["root"]


def test_run_scoped_findings_explain_and_are_explained_everywhere():
    ranked = rank([_f("lint-x"), _f("sym", ["gw#1"]), _f("meta", [], Severity.INFO, inconclusive=True)],
                  {"lint-x": ["sym"], "sym": ["meta"]})
    by_id = {f.id: f for f in ranked}
    assert by_id["lint-x"].explains == ["meta", "sym"]
    assert by_id["meta"].explained_by == ["lint-x", "sym"]
    _consistent(ranked)


def test_a_chain_through_a_finding_that_is_not_there_explains_nothing():
    """`cfg` → `mismatch` → `auth-failed`: without a `mismatch` finding, `auth-failed` is no
    symptom of `cfg` (it was shown as one: "a symptom of lint-proposal-default-clients" beside a
    PSK mismatch)."""
    declared = {"cfg": ["mismatch"], "mismatch": ["auth-failed"]}
    ranked = rank([_f("cfg", severity=Severity.INFO), _f("auth-failed", ["gw#1"])], declared)
    assert all(not f.explains and not f.explained_by for f in ranked)
    ranked = rank([_f("cfg", severity=Severity.INFO), _f("auth-failed", ["gw#1"]), _f("mismatch", ["gw#1"])], declared)
    assert {f.id: f.explained_by for f in ranked}["auth-failed"] == ["cfg", "mismatch"]


def test_a_root_cause_ranks_first_even_when_counts_tie():
    """`a` explains `b` (both on #1); `b` also explains `c` of #2, which `a` does not concern:
    both explain one finding, `b` is surer, `a` still comes first."""
    ranked = rank([_f("b", ["gw#1", "gw#2"], confidence=0.9), _f("a", ["gw#1"], confidence=0.5), _f("c", ["gw#2"])],
                  {"a": ["b", "c"], "b": ["c"]})
    assert [f.id for f in ranked] == ["a", "b", "c"]
    assert ranked[0].explains == ["b"] and ranked[2].explained_by == ["b"]


def test_explaining_a_meta_finding_weighs_nothing():
    """The dpd-timeout shape: the cause of #1 (no symptom of its own) before the symptom of #2
    that only explains #2's `one-side-only`."""
    ranked = rank([_f("peer-unreachable", ["cl#2"], confidence=0.8), _f("dpd-dead-peer", ["gw#1", "cl#1"], confidence=0.85),
                   _f("one-side-only", ["cl#2"], Severity.INFO, 0.9, inconclusive=True)],
                  {"dpd-dead-peer": ["one-side-only"], "peer-unreachable": ["one-side-only"]})
    assert [f.id for f in ranked] == ["dpd-dead-peer", "peer-unreachable", "one-side-only"]
    assert ranked[2].explained_by == ["peer-unreachable"]


def test_cycles_are_ignored_by_ranking_and_rejected_by_the_loader(tmp_path):
    assert cycle({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == ["a", "b", "c", "a"]
    assert cycle({"a": ["a"]}) == ["a", "a"]
    assert cycle({"a": ["b", "c"], "b": ["c"]}) is None
    ranked = rank([_f("a", ["gw#1"]), _f("b", ["gw#1"]), _f("d", ["gw#1"])], {"a": ["b"], "b": ["a"], "d": ["a", "b"]})
    by_id = {f.id: f for f in ranked}
    assert by_id["a"].explains == [] and by_id["b"].explains == [] and by_id["d"].explains == ["a", "b"]
    assert ranked[0].id == "d"
    (tmp_path / "auth-failed.toml").write_text(textwrap.dedent('''
        id = "auth-failed"
        title = "t"
        severity = "error"
        explains = ["psk-mismatch"]
        [[when]]
        observation = "x"
    '''))
    with pytest.raises(SignatureError, match=r"auth-failed\.toml.*cycle (auth-failed -> psk-mismatch -> auth-failed|psk-mismatch -> auth-failed -> psk-mismatch)"):
        load_signatures([str(tmp_path)])


def test_bundled_signatures_form_no_cycle():
    sigs = load_signatures([])
    declared = {s.id: s.explains for s in sigs}
    assert cycle(declared) is None
    assert Relation(declared).edges == {k: tuple(dict.fromkeys(v)) for k, v in declared.items()}  # nothing ignored


# -- the engine's settled meta findings use the same relation ---------------------------------------

META = sig("one-side-only", "notify-error:*", severity="info", on="client", extra="inconclusive = true")


def test_a_root_cause_in_this_log_settles_the_meta_finding_of_its_own_case_only():
    root = sig("root", "ts-unacceptable", on="client", explains=["one-side-only"])
    negs = [_neg("cl#1", 1, Side.CLIENT, "ts-unacceptable", "notify-error:TS_UNACCEPTABLE"),
            _neg("cl#2", 1, Side.CLIENT, "notify-error:AUTHENTICATION_FAILED")]
    found = evaluate(_analysis(negs), [root, META])
    by_id = {f.id: f for f in found}
    assert by_id["one-side-only"].negotiations == ["cl#2"]  # dropped for #1, kept for #2
    assert by_id["root"].explains == [] and by_id["one-side-only"].explained_by == []
    _consistent(found)


def test_only_a_conclusive_root_settles_a_meta_finding():
    symptom = sig("auth-failed", "notify-error:AUTHENTICATION_FAILED", explains=["one-side-only"])
    root = sig("psk-mismatch", "mac-mismatch", on="gateway", explains=["auth-failed", "one-side-only"])
    unsure = sig("unsure", "notify-error:AUTHENTICATION_FAILED", explains=["one-side-only"],
                 extra='collect = ["the other log"]')
    found = evaluate(_analysis([_neg("cl#1", 1, Side.CLIENT, "notify-error:AUTHENTICATION_FAILED")]),
                     [symptom, root, unsure, META])
    by_id = {f.id: f for f in found}
    assert "one-side-only" in by_id  # a symptom (auth-failed) and a finding that wants more keep it
    assert sorted(by_id["one-side-only"].explained_by) == ["auth-failed", "unsure"]
    _consistent(found)


def test_a_root_settles_through_a_present_symptom():
    """`root` → `mid` → `one-side-only`, all in the client's log of #1: the relation says root
    explains one-side-only, so the engine drops it (one mechanism)."""
    root = sig("root", "ts-unacceptable", on="client", explains=["mid"])
    mid = sig("mid", "notify-error:TS_UNACCEPTABLE", explains=["one-side-only"])
    found = evaluate(_analysis([_neg("cl#1", 1, Side.CLIENT, "ts-unacceptable", "notify-error:TS_UNACCEPTABLE")]),
                     [root, mid, META])
    assert [f.id for f in found] == ["root", "mid"]
    assert found[0].explains == ["mid"] and found[1].explained_by == ["root"]


# -- the corpus ----------------------------------------------------------------------------------

CORPUS = ["corpus/lab/dpd-timeout", "corpus/lab/psk-mismatch", "corpus/lab6/san-mismatch", "corpus/lab/expired-cert",
          "corpus/lab/no-matching-peer-config", "lab-extra/socket-error", "corpus/lab/peer-unreachable"]


def _inputs(scenario: str) -> list[str]:
    """The whole folder: its logs and its configs (lint findings take part in the relation)."""
    return [str(ROOT / "tests" / "fixtures" / scenario)]


@pytest.mark.parametrize("scenario", CORPUS)
def test_corpus_rules_stage_relation_is_consistent(scenario):
    analysis = analyze(_inputs(scenario))
    found = evaluate(analysis, load_signatures([]))
    _consistent(found)
    position = {f.id: n for n, f in enumerate(found)}
    for f in found:
        for x in f.explains:
            assert (f.severity is Severity.INFO) != (found[position[x]].severity is Severity.INFO) or position[f.id] < position[x]


def test_reported_findings_name_present_findings_only():
    _consistent(analyze(_inputs("corpus/lab6/san-mismatch")).findings)
