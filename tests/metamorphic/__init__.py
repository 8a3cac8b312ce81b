"""Metamorphic robustness harness: rewrite the real corpus logs into the other forms charon,
journald, rsyslog and friends really print (reference: /work/shared/reference/*.md) and check
that swandiag's diagnosis and pairing do not change."""
