"""Metamorphic robustness, a few representative scenarios × every transformation (IKEv1/IKEv2,
success/failure, racoon, journal, 6.x, several clients). The whole corpus × every transformation
is `-m metamorphic_full` (≈ 90 s, over the default budget; run it with SWANDIAG_FULL_MATRIX=1)."""
from __future__ import annotations

import os

import pytest

from metamorphic.known import check
from metamorphic.scenario import all_scenarios
from metamorphic.transforms import TRANSFORMS

REPRESENTATIVE = ("corpus/lab/psk-mismatch", "corpus/lab/ok-ikev1-xauth", "corpus/lab/no-certreq",
                  "corpus/lab/pool-exhausted", "corpus/lab/dpd-timeout", "corpus/lab6/san-mismatch",
                  "corpus/racoon/e-xauth-wrong-password", "corpus/journal/psk-mismatch",
                  "lab-extra/rekey-failed-pfs")
NAMES = [t.name for t in TRANSFORMS]


@pytest.mark.parametrize("transform", NAMES)
@pytest.mark.parametrize("scenario", REPRESENTATIVE)
def test_representative_scenarios_every_transform(scenario, transform):
    check(scenario, transform)


# collected only when asked for, so a default run does not report ~2000 skips
FULL = [s for s in all_scenarios() if s not in REPRESENTATIVE] if os.environ.get("SWANDIAG_FULL_MATRIX") else []


@pytest.mark.metamorphic_full
@pytest.mark.parametrize("transform", NAMES)
@pytest.mark.parametrize("scenario", FULL)
def test_full_matrix(scenario, transform):
    check(scenario, transform)
