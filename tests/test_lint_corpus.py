"""lint on the corpus configs (the ones the lab daemons ran with), the lint command, the
mixed report, and the rule that key material is never printed."""
from __future__ import annotations

import glob
import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from lint_factory import NOW, gateway_conf, make_cert, write_gateway, write_profile

from swandiag import lint
from swandiag.cli import main
from swandiag.commands.lint import analyze_lint

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
CONFIGS = sorted(glob.glob(str(CORPUS / "*" / "*" / "configs")))
LAB_TIME = NOW.timestamp()
REPO = Path(__file__).parent.parent


@pytest.mark.parametrize("configs", CONFIGS, ids=lambda p: "/".join(Path(p).parts[-3:-1]))
def test_corpus_configs_load(configs):
    model = lint.load([configs], now=LAB_TIME)
    assert not model.problems, [str(p) for p in model.problems]
    assert model.connections, "every scenario has at least one connection"
    kinds = {f.kind.value for f in model.files}
    assert kinds & {"swanctl", "ipsec-conf"}


def _ids(path: str) -> dict[str, str]:
    analysis = analyze_lint([path], now=LAB_TIME)
    return {f.id: f.severity.label for f in analysis.findings}


def test_corpus_certificates_diagnosed():
    assert _ids(str(CORPUS / "lab/no-serverauth-eku/configs")).get("lint-server-cert-eku") == "warning"
    assert _ids(str(CORPUS / "lab/san-only-dn/configs")).get("lint-cert-only-dn") == "warning"
    assert "lint-cert-san" in _ids(str(CORPUS / "lab/san-mismatch/configs"))
    assert "lint-cert-expired" in _ids(str(CORPUS / "lab/expired-cert/configs"))
    clean = _ids(str(CORPUS / "lab/ok-ikev2-cert/configs"))
    assert not {i for i, sev in clean.items() if sev in ("error", "warning")}, clean


def test_every_check_has_a_signature_and_back():
    source = (REPO / "src/swandiag/lint/checks.py").read_text()
    produced = set(re.findall(r'_issue\("([a-z0-9-]+)"', source)) | set(re.findall(r'else "([a-z0-9-]+-info)"', source))
    selected = {}
    for f in (REPO / "patterns").glob("lint-*.toml"):
        data = tomllib.loads(f.read_text())
        selected[data["when"][0]["where"]["check"]] = data["id"]
    assert produced == set(selected), (produced ^ set(selected))


SECRETS = ("SUPERSECRET-EAP-VALUE", "SUPERSECRET-PROFILE-PW", "SUPERSECRET-PROFILE-PSK", "RACOON-PSK-VALUE",
           "IPSEC-SECRETS-VALUE", "MIIBPRIVATEKEYBODY")


def _secret_folder(tmp_path: Path) -> Path:
    d = write_gateway(tmp_path, gateway_conf(), make_cert(dns=()))
    write_profile(tmp_path, issuer_cn=None)
    (tmp_path / "ipsec.secrets").write_text(': PSK "IPSEC-SECRETS-VALUE"\ncarol : EAP IPSEC-SECRETS-VALUE\n')
    (tmp_path / "psk.txt").write_text("192.0.2.1\tRACOON-PSK-VALUE\n")
    (d / "private").mkdir()
    (d / "private" / "gw.key").write_text("-----BEGIN PRIVATE KEY-----\nMIIBPRIVATEKEYBODY\n-----END PRIVATE KEY-----\n")
    # a hostile config line that is only a secret must not be echoed in a problem message
    (tmp_path / "broken.conf").write_text("connections {\n  IPSEC-SECRETS-VALUE\n}\n")
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_lint_never_prints_key_material(tmp_path, capsys, fmt):
    folder = _secret_folder(tmp_path)
    rc = main(["lint", "--format", fmt, str(folder)])
    out = capsys.readouterr()
    assert rc in (0, 1)
    assert "lint-cert-only-dn" in out.out
    for secret in SECRETS:
        assert secret not in out.out and secret not in out.err


def test_lint_json_shape(tmp_path, capsys):
    rc = main(["lint", "--format", "json", str(CORPUS / "lab/no-serverauth-eku/configs")])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0  # warnings only, --fail-on error
    finding = next(f for f in data["findings"] if f["id"] == "lint-server-cert-eku")
    assert any(e["input"].endswith("gw-noeku.pem") and e["line"] == 1 for e in finding["evidence"])
    assert any(e["input"].endswith("swanctl.conf") and e["line"] > 0 for e in finding["evidence"])


def test_lint_bad_input_is_one_line(tmp_path, capsys):
    (tmp_path / "x.log").write_text(
        "Nov 29 22:15:50 13[IKE] initiating IKE_SA home[1] to 192.0.2.1\n"
        "Nov 29 22:15:51 13[NET] sending packet: from 192.0.2.10[500] to 192.0.2.1[500] (464 bytes)\n")
    assert main(["lint", str(tmp_path / "nothing-here"), str(tmp_path / "x.log")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("swandiag: ") and err.count("\n") == 1


def _report(paths: list[str], capsys) -> dict:
    main(["report", "--format", "json", "--no-redact", *paths])
    return json.loads(capsys.readouterr().out)


def test_report_mixed_inputs_cites_config_beside_logs(tmp_path, capsys):
    scenario = tmp_path / "san-only-dn"
    shutil.copytree(CORPUS / "lab/san-only-dn", scenario)
    alone = _report([str(scenario / "gateway.log"), str(scenario / "client.log")], capsys)
    mixed = _report([str(scenario / "gateway.log"), str(scenario / "client.log"), str(scenario / "configs")], capsys)
    top_alone, top_mixed = alone["findings"][0], mixed["findings"][0]
    assert top_alone["id"] == top_mixed["id"] == "san-mismatch"
    sides = {e["side"] for e in top_mixed["evidence"]}
    assert {"gateway", "client", "config"} <= sides
    assert any(e["input"].endswith("gw-dnonly.pem") for e in top_mixed["evidence"])


def test_report_scenario_folder_no_serverauth_eku(tmp_path, capsys):
    scenario = tmp_path / "no-serverauth-eku"
    shutil.copytree(CORPUS / "lab/no-serverauth-eku", scenario)
    data = _report([str(scenario)], capsys)
    ids = [f["id"] for f in data["findings"]]
    assert "lint-server-cert-eku" in ids or "server-cert-eku" in ids
    finding = next(f for f in data["findings"] if f["id"] in ("lint-server-cert-eku", "server-cert-eku"))
    assert any(e["input"].endswith("gw-noeku.pem") for e in finding["evidence"])


def test_report_never_prints_key_material(tmp_path, capsys):
    folder = _secret_folder(tmp_path)
    shutil.copy(CORPUS / "lab/san-only-dn/gateway.log", folder / "gateway.log")
    for redact in ("--redact", "--no-redact"):
        main(["report", redact, str(folder)])
        out = capsys.readouterr()
        assert "lint-" in out.out  # the configs were read and reported on
        for secret in SECRETS:
            assert secret not in out.out and secret not in out.err
