"""The transformations are faithful: the record model reproduces every corpus filelog byte for
byte, and the 6.x JSON rendering of a lab6 text gateway log matches the JSON filelog charon
wrote in the same run (thread, group, SA tag and message of every record)."""
from __future__ import annotations

import json

import pytest

from metamorphic.render import json6
from metamorphic.scenario import FIXTURES, all_scenarios, data_of, load


@pytest.mark.parametrize("scenario", all_scenarios())
def test_filelog_round_trip_is_exact(scenario):
    for doc in load(scenario).docs:
        if doc.records is not None:
            assert data_of(doc) == (FIXTURES / scenario / doc.name).read_bytes()


@pytest.mark.parametrize("case", ["ok-ikev2-cert", "psk-mismatch", "san-mismatch"])
def test_json6_matches_real_json_filelog(case):
    folder = f"corpus/lab6/{case}"
    ours = [json.loads(x) for x in json6(load(folder).docs[0].records).decode().splitlines()]
    real = [json.loads(x) for x in (FIXTURES / folder / "gateway.json.log").read_text().splitlines()]
    strip = lambda o: (o["thread"], o["group"], o.get("ikesa-uniqueid"), o.get("ikesa-name"), o["msg"])  # noqa: E731
    assert [strip(o) for o in ours] == [strip(o) for o in real]
    assert sum(a["level"] == b["level"] for a, b in zip(ours, real)) / len(real) > 0.95


def test_rotation_splits_at_record_boundaries_and_keeps_every_byte():
    """logrotate semantics: charon.log.2.gz oldest, then .1, then charon.log; concatenated
    oldest first they are the original, and no member starts inside a multi-line record."""
    import gzip

    from metamorphic.transforms import BY_NAME
    from metamorphic.scenario import data_of as bytes_of

    for scenario in ("corpus/lab/ok-ikev1-xauth", "corpus/racoon/h-dpd-peer-dead"):
        scn = load(scenario)
        files = BY_NAME["rotated"].apply(scn).docs[0].files
        assert list(files) == ["charon.log.2.gz", "charon.log.1", "charon.log"]
        parts = [gzip.decompress(files["charon.log.2.gz"]), files["charon.log.1"], files["charon.log"]]
        assert b"".join(parts) == bytes_of(scn.docs[0])
        assert all(p and not p.startswith(b" ") for p in parts)


def test_busy_gateway_clients_are_other_hosts():
    """Background clients of a busy gateway talk to our gateway's address from their own
    addresses: none shares our client's address (that would be one 5-tuple, not two clients)."""
    import re

    from metamorphic.transforms import BACKGROUND, background

    scn = load("corpus/lab/psk-mismatch")
    for k in range(6):
        recs = background(scn, k, BACKGROUND[k % len(BACKGROUND)])
        peers = {m[1]: m[2] for r in recs
                 for m in [re.match(r"received packet: from ([\d.]+)\[\d+\] to ([\d.]+)\[", r.lines[0])] if m}
        assert peers and set(peers.values()) == {"192.0.2.1"} and "192.0.2.10" not in peers
