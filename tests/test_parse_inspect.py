"""`swandiag inspect`: text and JSON output, exit codes."""
from __future__ import annotations

import json
import os

from swandiag.cli import main

CORPUS = os.path.join(os.path.dirname(__file__), "fixtures", "corpus")


def test_inspect_text(capsys):
    rc = main(["inspect", os.path.join(CORPUS, "journal", "psk-mismatch", "client.log"),
               os.path.join(CORPUS, "lab", "no-certreq", "gateway.log")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "charon-filelog (confidence 1.00)" in out
    assert "charon.filelog.<name>.cfg = 2" in out  # the level-1 client
    assert "enough for a diagnosis" in out and "2517 = 2517 events" in out


def test_inspect_json_and_unrecognised(tmp_path, capsys):
    log = tmp_path / "mixed.log"
    with open(os.path.join(CORPUS, "lab", "psk-mismatch", "gateway.log"), "rb") as fh:
        head = fh.read().split(b"\n")[:30]
    log.write_bytes(b"\n".join(head[:10] + [b"this is not charon"] + head[10:]) + b"\n")
    rc = main(["inspect", "--show-unrecognised", "3", "--format", "json", str(log)])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0
    (entry,) = data["inputs"]
    assert entry["format"] == "charon-filelog" and entry["unrecognised_lines"] == 1
    assert entry["unrecognised_sample"] == [{"line": 11, "text": "this is not charon"}]
    assert entry["lines"] == entry["events"] + entry["continuation_lines"] + 1


def test_inspect_missing_path_exit_2(tmp_path, capsys):
    rc = main(["inspect", str(tmp_path / "nope.log")])
    err = capsys.readouterr().err
    assert rc == 2 and "no such file" in err and "Traceback" not in err
