"""The command line on hostile or useless input: one inert line and a documented exit code."""
from __future__ import annotations

import os

from swandiag.cli import main


def test_not_a_log_is_one_line_and_exit_2(tmp_path, capsys):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(4096) + b"\x1b]0;owned\x07\x1b[2J")
    assert main(["report", str(junk)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "not a log format" in err
    assert "\x1b" not in err


def test_not_a_log_still_gets_a_json_report(tmp_path, capsys):
    """A program reading `--format json` finds the input and the problem there (and exit 2)."""
    import json

    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(4096))
    assert main(["report", "--format", "json", str(junk)]) == 2
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert [i["format"] for i in doc["inputs"]] == ["unknown"] and doc["findings"] == []
    assert any("not a log format" in p for p in doc["problems"]) and "not a log format" in err


def test_inspect_shows_unrecognised_lines_without_terminal_escapes(tmp_path, capsys):
    evil = tmp_path / "evil.log"
    evil.write_bytes(b"not a log \x1b]0;retitled\x07 line\n\x1b[31mred\x1b[0m \x9b2J again\n")
    assert main(["inspect", str(evil)]) == 0
    out, _ = capsys.readouterr()
    assert "unrecognised" in out and "not a log" in out and "again" in out  # the text stays, the escapes go
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out


def test_missing_path_and_file_name_with_escapes(tmp_path, capsys):
    assert main(["report", str(tmp_path / "no\x1b[2Jsuch.log")]) == 2
    _, err = capsys.readouterr()
    assert "\x1b" not in err and "such.log" in err
