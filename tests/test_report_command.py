"""`swandiag report` on the command line: formats, -o, --fail-on exit codes, redaction default."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from report_support import CORPUS, stub_analysis  # noqa: E402

from swandiag.cli import main  # noqa: E402
from swandiag.rules.records import Severity  # noqa: E402

FOLDER = CORPUS / "lab" / "eap-wrong-password"
INPUTS = [str(FOLDER / "gateway.log"), str(FOLDER / "client.log")]


@pytest.fixture
def stub(monkeypatch):
    """The pipeline is another stage's work: hand the command a known Analysis."""
    analysis = stub_analysis(FOLDER, ["gateway.log", "client.log"], all_lines_as_evidence=False)
    monkeypatch.setattr("swandiag.pipeline.analyze", lambda paths, options=None: analysis)
    return analysis


def test_json_to_stdout_redacted_by_default(stub, capsys):
    assert main(["report", "--format", "json", *INPUTS]) == 1  # an error finding, --fail-on error
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "swandiag/report/v1" and data["redacted"] is True
    assert "192.0.2.1[" not in json.dumps(data)


def test_no_redact_and_output_file(stub, tmp_path, capsys):
    out = tmp_path / "r.md"
    assert main(["report", "--format", "markdown", "--no-redact", "-o", str(out), *INPUTS]) == 1
    assert capsys.readouterr().out == ""
    assert "192.0.2.1" in out.read_text()


@pytest.mark.parametrize("severity,fail_on,code", [
    (Severity.ERROR, "never", 0), (Severity.WARNING, "error", 0), (Severity.WARNING, "warning", 1),
    (Severity.INFO, "warning", 0)])
def test_fail_on(stub, severity, fail_on, code, capsys):
    stub.findings[0].severity = severity
    assert main(["report", "--fail-on", fail_on, *INPUTS]) == code


def test_inconclusive_exit_code(stub, capsys):
    stub.findings[0].severity = Severity.INFO
    stub.findings[0].inconclusive = True
    assert main(["report", *INPUTS]) == 3


def test_bad_format_is_a_usage_error(stub, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--format", "pdf", *INPUTS])
    assert exc.value.code == 2


def test_text_is_plain_when_piped_and_fits_80_columns(stub, capsys):
    main(["report", *INPUTS])
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
