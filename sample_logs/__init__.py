"""Real corpus log pairs bundled for `swandiag demo` and the README (see each label.json)."""
