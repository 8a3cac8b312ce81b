"""One module per sub-command; each defines `register(subparsers)` and `run(args) -> int`."""

COMMANDS = ("inspect", "report", "redact", "patterns", "lint", "demo", "tui")
