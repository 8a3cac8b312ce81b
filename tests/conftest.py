"""Hypothesis profiles: the README's test command is reproducible, exploring is a choice.

The default profile derandomises the property tests, so a CI run and a developer's run draw the
same examples and a red run can always be replayed. `HYPOTHESIS_PROFILE=explore` draws new random
examples on each run (add `--hypothesis-seed=N` to replay one); run it before changing a parser,
the clock or redaction.
"""
from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("default", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
