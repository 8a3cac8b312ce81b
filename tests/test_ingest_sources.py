"""resolve(): files, globs, folders by content, stdin, rotated sets, compression, problems."""
from __future__ import annotations

import gzip
import os
import shutil

from swandiag.ingest.records import Compression
from swandiag.ingest.sources import classify_path, resolve

CORPUS = os.path.join(os.path.dirname(__file__), "fixtures", "corpus")
SCEN = os.path.join(CORPUS, "lab", "no-certreq")


def test_folder_picks_logs_by_content():
    specs, problems = resolve([SCEN])
    names = sorted(os.path.basename(s.name) for s in specs)
    assert names == ["client.log", "client.swanctl-initiate.txt", "gateway.log"]
    assert not problems


def test_classify_path():
    assert classify_path(os.path.join(SCEN, "gateway.log")) == "log"
    assert classify_path(os.path.join(SCEN, "label.json")) == "other"
    confs = [os.path.join(r, f) for r, _, fs in os.walk(os.path.join(SCEN, "configs")) for f in fs]
    kinds = {classify_path(p) for p in confs}
    assert kinds <= {"config", "cert"} and "cert" in kinds and "config" in kinds


def test_missing_path_is_one_problem(tmp_path):
    specs, problems = resolve([str(tmp_path / "nope.log")])
    assert specs == [] and len(problems) == 1 and "no such file" in problems[0].message


def test_glob_and_stdin(tmp_path):
    specs, problems = resolve([os.path.join(SCEN, "*.log"), "-"])
    assert [os.path.basename(s.name) for s in specs] == ["client.log", "gateway.log", "-"]
    assert specs[-1].is_stdin and [s.index for s in specs] == [0, 1, 2]


def test_rotated_set_is_one_input_oldest_first(tmp_path):
    src = os.path.join(SCEN, "gateway.log")
    shutil.copy(src, tmp_path / "charon.log")
    shutil.copy(src, tmp_path / "charon.log.1")
    with open(src, "rb") as fh, gzip.open(tmp_path / "charon.log.2.gz", "wb") as out:
        out.write(fh.read())
    specs, problems = resolve([str(tmp_path)])
    assert len(specs) == 1 and not problems
    members = [os.path.basename(m.path) for m in specs[0].members]
    assert members == ["charon.log.2.gz", "charon.log.1", "charon.log"]
    assert specs[0].members[0].compression is Compression.GZIP


def test_not_a_log_in_folder_is_skipped(tmp_path):
    (tmp_path / "notes.txt").write_text("shopping list\nmilk\n")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 10)
    specs, problems = resolve([str(tmp_path)])
    assert specs == [] and problems and "no log file" in problems[0].message


def test_explicit_non_log_file_is_still_an_input(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("shopping list\n")
    specs, _ = resolve([str(p)])
    assert len(specs) == 1  # named explicitly: parse it and report it as unknown


def test_rotated_set_named_as_separate_arguments_is_one_input(tmp_path):
    """`swandiag charon.log*` arrives as one argument per file after shell expansion."""
    src = os.path.join(SCEN, "gateway.log")
    shutil.copy(src, tmp_path / "charon.log")
    shutil.copy(src, tmp_path / "charon.log.1")
    with open(src, "rb") as fh, gzip.open(tmp_path / "charon.log.2.gz", "wb") as out:
        out.write(fh.read())
    client = os.path.join(SCEN, "client.log")
    args = [str(tmp_path / "charon.log"), str(tmp_path / "charon.log.1"), client, str(tmp_path / "charon.log.2.gz")]
    specs, problems = resolve(args)
    assert not problems and len(specs) == 2
    assert [os.path.basename(m.path) for m in specs[0].members] == ["charon.log.2.gz", "charon.log.1", "charon.log"]
    assert specs[1].name == client and [s.index for s in specs] == [0, 1]
