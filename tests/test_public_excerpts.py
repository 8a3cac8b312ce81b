"""A paste of a few decisive lines, with no tag and nothing that opens an SA, is still a
negotiation and is still diagnosed. Real excerpts from resolved public threads
(tests/fixtures/public/README.md names each thread and the cause it found)."""
from __future__ import annotations

from pathlib import Path

import pytest

from swandiag.pipeline import analyze

HERE = Path(__file__).parent / "fixtures" / "public"


@pytest.mark.parametrize(("name", "top"), [
    ("diag-01.log", "kernel-install-failed"),  # OpenWrt without its kernel crypto modules
    ("diag-06.log", "ike-proposal-mismatch"),  # an iOS client's manual proposals
    ("diag-08.log", "no-private-key"),  # one line: `no private key found for '…'`
    ("diag-10.log", "kernel-install-failed"),  # 64-bit kernel, 32-bit userland: SPI allocation
    ("diag-14.log", "kernel-algorithm-missing"),  # a kernel without XFRM (address family)
    ("diag-20.log", "ts-unacceptable"),  # `received TS_UNACCEPTABLE notify` (swanctl --initiate)
])
def test_decisive_lines_alone_are_diagnosed(name, top):
    analysis = analyze([str(HERE / name)])
    assert len(analysis.negotiations) == 1
    assert analysis.findings and analysis.findings[0].id == top, [f.id for f in analysis.findings]


def test_lines_after_a_negotiation_began_stay_unclaimed(tmp_path):
    """Only what comes before any line went to a negotiation makes one: later unclaimed lines of
    a busy log (another SA's, a stale thread's) are not gathered into a phantom."""
    lines = (HERE / "gh-06.log").read_text().splitlines() + (HERE / "diag-08.log").read_text().splitlines()
    path = tmp_path / "mixed.log"
    path.write_text("\n".join(lines) + "\n")
    alone = analyze([str(HERE / "gh-06.log")])
    mixed = analyze([str(path)])
    assert len(mixed.negotiations) == len(alone.negotiations)
