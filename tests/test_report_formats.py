"""Report formats: JSON schema for every corpus scenario, determinism, hostile log text."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from report_support import CORPUS, scenarios, stub_analysis  # noqa: E402

from swandiag.report import render, render_model  # noqa: E402
from swandiag.report.model import build  # noqa: E402
from swandiag.report.sanitize import strip_controls  # noqa: E402
from swandiag.rules.records import Evidence  # noqa: E402

SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "report-schema.json").read_text())
SCENARIOS = scenarios()
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="http://192.0.2.99/x.png" onerror="alert(2)">',
    "&lt;b&gt;entity&amp;",
    "\x1b]0;pwned-title\x07 osc title",
    "\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[31mred\x1b[0m \x1b[2J clear",
    "nul\x00 bell\x07 bs\x08 del\x7f c1\x9b2J",
    "```\n# heading\n[x](javascript:alert(3)) | pipe | ~~strike~~ *em* _u_",
    "[bold]rich markup[/bold] \u202eRTL override",
]


@pytest.mark.parametrize("folder,spec", SCENARIOS, ids=[str(f.relative_to(CORPUS)) for f, _ in SCENARIOS])
def test_json_validates_for_every_scenario(folder, spec):
    analysis = stub_analysis(folder, spec["inputs"], all_lines_as_evidence=False)
    for redact in (False, True):
        data = json.loads(render(analysis, "json", redact=redact, patterns="test"))
        jsonschema.validate(data, SCHEMA)
        assert [i["path"] for i in data["inputs"]] == spec["inputs"]
        assert data["redacted"] is redact


def test_schema_rejects_a_broken_report():
    analysis = stub_analysis(CORPUS / "lab" / "psk-mismatch", ["gateway.log", "client.log"], all_lines_as_evidence=False)
    data = json.loads(render(analysis, "json", redact=False, patterns="test"))
    data["findings"][0]["severity"] = "catastrophic"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_json_is_deterministic_and_has_pairing_fields():
    folder = CORPUS / "lab" / "psk-mismatch"
    a = render(stub_analysis(folder, ["gateway.log", "client.log"]), "json", redact=True, patterns="t")
    b = render(stub_analysis(folder, ["gateway.log", "client.log"]), "json", redact=True, patterns="t")
    assert a == b
    data = json.loads(a)
    negs = {n["id"]: n for n in data["negotiations"]}
    assert negs["gateway.log#1"]["peer"] == "client.log#1" and negs["gateway.log#1"]["pairing_evidence"]
    assert data["clock_offsets"][0]["from"] == "gateway.log"
    ladder = negs["gateway.log#1"]["ladder"]
    assert ladder and all(r["sent"] or r["received"] for r in ladder)
    assert any(r["sent"] and r["received"] for r in ladder)  # both sides of one message on one row
    assert any(m["item"].startswith("status:") for m in data["missing"])


@pytest.fixture(scope="module")
def hostile_outputs():
    analysis = stub_analysis(CORPUS / "lab" / "eap-wrong-password", ["gateway.log", "client.log"],
                             all_lines_as_evidence=False)
    finding = analysis.findings[0]
    finding.title = HOSTILE[0] + HOSTILE[3]
    finding.explanation = "\n".join(HOSTILE)
    finding.evidence = [Evidence("gateway.log", n, text, "gateway") for n, text in enumerate(HOSTILE, 1)]
    analysis.negotiations[0].local_id = HOSTILE[1]
    report = build(analysis, patterns="test")
    return {fmt: render_model(report, fmt, color=(fmt == "text")) for fmt in ("text", "markdown", "html")} | {
        "plain": render_model(report, "text", color=False)}


@pytest.mark.parametrize("fmt", ["text", "plain", "markdown", "html"])
def test_hostile_text_has_no_control_characters(hostile_outputs, fmt):
    out = hostile_outputs[fmt]
    assert "\x1b]" not in out and "\x9b" not in out and "\x07" not in out and "\x00" not in out
    assert "\u202e" not in out and "\x08" not in out
    assert "osc title" in out and "red" in out  # the text is kept, only the sequences go
    if fmt != "text":
        assert "\x1b" not in out
    else:  # colour on: only rich's own SGR sequences, never the log's
        assert "\x1b[2J" not in out and not re.search(r"\x1b\[[0-9;]*[^0-9;m]", out)


def test_hostile_html_is_inert(hostile_outputs):
    out = hostile_outputs["html"]
    body = out.split("</style>", 1)[1]
    assert "<script" not in body.lower() and "<img" not in body.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&amp;lt;b&amp;gt;entity&amp;amp;" in body  # entities shown as typed
    assert "javascript:" not in re.sub(r">[^<]*<", "><", body)  # never inside a tag
    import html
    assert "Content-Security-Policy" in out and "default-src 'none'" in html.unescape(out)


def test_hostile_markdown_is_inert(hostile_outputs):
    out = hostile_outputs["markdown"]
    fence_open = False
    fence = ""
    for line in out.splitlines():
        stripped = line.strip()
        if fence_open:
            if stripped == fence:
                fence_open = False
            continue
        m = re.match(r"^(`{3,}|~{3,})", stripped)
        if m:
            fence_open, fence = True, m.group(1)
            continue
        # outside code: no raw HTML and no live link syntax
        assert "<script" not in line and "<img" not in line, line
        assert not re.search(r"(?<!\\)\]\(javascript:", line), line
    assert not fence_open
    assert "&lt;script&gt;" in out


def test_strip_controls_examples():
    assert strip_controls("a\x1b[31mb\x1b[0mc") == "abc"
    assert strip_controls("x\x1b]0;title\x07y") == "xy"
    assert strip_controls("tab\there\nnew") == "tab here new"
    assert strip_controls("é ü 中文 [bold]") == "é ü 中文 [bold]"
    assert strip_controls("\u202eevil\u200b") == "evil"
