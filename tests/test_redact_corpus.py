"""Redaction over the whole corpus: no address, identity, user name, DN, host name or key string
of the inputs survives in any report format, nor in `swandiag redact` copies.

The sensitive values are collected here with this file's own regexes over the raw logs and
the scenario configs, independently of the Redactor.
"""
from __future__ import annotations

import ipaddress
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from report_support import CORPUS, scenarios, stub_analysis  # noqa: E402

from swandiag.report import render_model  # noqa: E402
from swandiag.report.model import build  # noqa: E402
from swandiag.report.redact import Redactor, redact_report  # noqa: E402

FORMATS = ("text", "markdown", "json", "html")
IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d])")
IPV6 = re.compile(r"(?<![\w:])[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}")
CONFIG_ID = re.compile(r"^\s*(?:id|eap_id|xauth_id|aaa_id|leftid|rightid)\s*=\s*\"?([^\"\n#;]+?)\"?\s*$", re.M)
RACOON_ID = re.compile(r"^\s*(?:my|peers)_identifier\s+(?:fqdn|user_fqdn|keyid|asn1dn)\s+\"?([^\";\n]+)\"?", re.M)
QUOTED_ID = re.compile(r"(?:authentication of|EAP identity|for:|found for|XAuth user(?: name)?) '([^']+)'")
DN = re.compile(r"[\"']((?:C|CN|O|OU)=[^\"']+)[\"']")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SECRET = re.compile(r"secret\s*=\s*\"?([^\"\n]+)\"?")
CHARON_DUMP = re.compile(r"\s\d{1,4}: ((?:[0-9A-F]{2} ){8})")
RACOON_HEX = re.compile(r"^([0-9a-f]{8} [0-9a-f]{8})", re.M)
NOT_SECRET_IDS = {"%any", "%any6", "", "address", "keyid"}


def _public(addr: str) -> bool:
    try:
        ip = ipaddress.ip_address(addr.split("%")[0])
    except ValueError:
        return False
    if ip.is_unspecified or ip.is_loopback or ip.is_multicast:
        return False
    return not (ip.version == 4 and int(ip) >> 24 in (0, 255))


def sensitive(folder: Path, inputs: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"address": set(), "identity": set(), "key": set(), "host": set()}
    texts = [(folder / name).read_text(errors="replace") for name in inputs]
    configs = [p.read_text(errors="replace") for p in (folder / "configs").rglob("*")
               if p.is_file() and p.suffix in ("", ".conf", ".txt", ".secrets")] if (folder / "configs").exists() else []
    for text in texts:
        for m in IPV4.finditer(text):
            if _public(m.group(0)):
                found["address"].add(m.group(0))
        for m in IPV6.finditer(text):
            if _public(m.group(0)) and ":" in m.group(0):
                found["address"].add(str(ipaddress.ip_address(m.group(0).split("%")[0])))
        for m in QUOTED_ID.finditer(text):
            found["identity"].add(m.group(1))
        for m in DN.finditer(text):
            found["identity"].add(m.group(1))
        for m in EMAIL.finditer(text):
            found["identity"].add(m.group(0))
        for m in CHARON_DUMP.finditer(text):
            found["key"].add(m.group(1).strip())
        for m in RACOON_HEX.finditer(text):
            found["key"].add(m.group(1))
    for text in configs:
        for m in CONFIG_ID.finditer(text):
            found["identity"].add(m.group(1).strip())
        for m in RACOON_ID.finditer(text):
            found["identity"].add(m.group(1).strip())
        for m in SECRET.finditer(text):
            found["key"].add(m.group(1).strip())
    label = json.loads((folder / "label.json").read_text())
    for fmt in (label.get("log_formats") or {}).values():
        if isinstance(fmt, dict) and fmt.get("hostname"):
            found["host"].add(fmt["hostname"])
    found["identity"] = {i for i in found["identity"] if i.lower() not in NOT_SECRET_IDS and not _public(i)
                         and not i.startswith("%")}
    return found


def leaks(output: str, found: dict[str, set[str]]) -> list[str]:
    """Sensitive values present in `output`: addresses as whole addresses, the rest as words
    ('carol' must not survive, 'carolina' is another word). One alternation per kind keeps it fast."""
    bad = []
    checks = [("address", r"(?<![\w.:])(?:{})(?![\w:]|\.\d)", 0)] + [
        (kind, r"(?<![A-Za-z0-9])(?:{})(?![A-Za-z0-9])", re.I) for kind in ("identity", "key", "host")]
    for kind, shape, flags in checks:
        values = sorted(found[kind], key=len, reverse=True)
        if not values:
            continue
        pattern = re.compile(shape.format("|".join(re.escape(v) for v in values)), flags)
        bad.extend(f"{kind} {m.group(0)!r}" for m in pattern.finditer(output))
    return sorted(set(bad))


SCENARIOS = scenarios()


def test_collector_finds_sensitive_values():
    """The independent collector itself works: a known scenario yields its known values."""
    folder = CORPUS / "lab" / "eap-wrong-password"
    found = sensitive(folder, ["gateway.log", "client.log"])
    assert {"192.0.2.1", "192.0.2.10"} <= found["address"]
    assert {"carol", "carol@example.com", "vpn.example.com"} <= found["identity"]
    assert "C=CH, O=Example Lab A, CN=vpn.example.com" in found["identity"]
    assert "Carol-EAP-pass1" in found["key"]


@pytest.mark.parametrize("folder,spec", SCENARIOS, ids=[str(f.relative_to(CORPUS)) for f, _ in SCENARIOS])
def test_no_sensitive_value_in_any_format(folder, spec):
    found = sensitive(folder, spec["inputs"])
    assert found["address"], "every scenario has addresses: the collector is broken"
    analysis = stub_analysis(folder, spec["inputs"])
    report = build(analysis, patterns="test")
    redact_report(report, Redactor(), analysis)
    problems = {}
    for fmt in FORMATS:
        bad = leaks(render_model(report, fmt), found)
        if bad:
            problems[fmt] = sorted(bad)[:10]
    assert not problems, problems


def test_unredacted_report_does_show_them():
    """Guard against a vacuous pass: without redaction the same values are there."""
    folder = CORPUS / "lab" / "eap-wrong-password"
    found = sensitive(folder, ["gateway.log", "client.log"])
    analysis = stub_analysis(folder, ["gateway.log", "client.log"])
    out = render_model(build(analysis, patterns="test"), "json")
    assert len(leaks(out, found)) >= 5


def test_redact_command_copies(tmp_path):
    """`swandiag redact` over a two-sided racoon scenario and a journal one: same line count,
    no sensitive value left, mapping consistent across the files of the run."""
    from swandiag.cli import main

    for rel, inputs in (("racoon/e-xauth-wrong-password", ["gateway.log", "racoon.log"]),
                        ("journal/psk-mismatch", ["gateway.journal.short.log", "client.log"]),
                        ("lab/psk-mismatch", ["gateway.log", "client.log"])):
        folder = CORPUS / rel
        out = tmp_path / rel.replace("/", "_")
        mapfile = tmp_path / f"{out.name}.map.json"
        rc = main(["redact", *[str(folder / i) for i in inputs], "-o", str(out), "--map-file", str(mapfile)])
        assert rc == 0
        found = sensitive(folder, inputs)
        for name in inputs:
            original = (folder / name).read_text(errors="replace").splitlines()
            copy = (out / name).read_text().splitlines()
            assert len(copy) == len(original), name
            assert not leaks("\n".join(copy), found), (name, leaks("\n".join(copy), found)[:5])
        # the map file is local and holds the originals; a second run reproduces the same copies
        data = json.loads(mapfile.read_text())
        assert any(a in data["addresses"] for a in found["address"])
        first = (out / inputs[0]).read_text()
        rc = main(["redact", *[str(folder / i) for i in inputs], "-o", str(out), "--map-file", str(mapfile), "--force"])
        assert rc == 0 and (out / inputs[0]).read_text() == first


@pytest.mark.parametrize("rel", ["lab/eap-wrong-password", "journal/psk-mismatch", "racoon/e-xauth-wrong-password",
                                 "lab6/san-mismatch"])
def test_real_pipeline_report_is_redacted_and_valid(rel):
    """The same guarantees on the real pipeline's Analysis (not only the hand-built one)."""
    import jsonschema

    from swandiag.pipeline import Options, analyze
    from swandiag.report import render

    folder = CORPUS / rel
    spec = json.loads((folder / "label.json").read_text())["swandiag"]
    analysis = analyze([str(folder / i) for i in spec["inputs"]], Options())
    found = sensitive(folder, spec["inputs"])
    schema = json.loads((Path(__file__).parent.parent / "docs" / "report-schema.json").read_text())
    for fmt in FORMATS:
        out = render(analysis, fmt, redact=True)
        assert not leaks(out, found), (fmt, leaks(out, found)[:5])
        if fmt == "json":
            data = json.loads(out)
            jsonschema.validate(data, schema)
            assert len(data["inputs"]) == len(spec["inputs"]) and data["redacted"] is True
