"""Metamorphic robustness, every labelled scenario (corpus + lab-extra) × the forms most often
pasted: rewritten as charon/journald/rsyslog really print them (tests/metamorphic/), each keeps
its diagnosis, its pairing and its clock offset."""
from __future__ import annotations

import pytest

from metamorphic.known import check
from metamorphic.scenario import all_scenarios

CORE = ("syslog-charon-pid", "journal-short", "json6", "skew-3h", "rename-ipv6-outer")


@pytest.mark.parametrize("transform", CORE)
@pytest.mark.parametrize("scenario", all_scenarios())
def test_every_scenario_keeps_its_diagnosis(scenario, transform):
    check(scenario, transform)
