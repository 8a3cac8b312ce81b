"""Turning hostile log text into inert, highlighted Rich `Text` (never markup strings)."""
from __future__ import annotations

import regex
from rich.style import Style
from rich.text import Text

from ..limits import UI_REGEX_TIMEOUT as REGEX_TIMEOUT
from ..report.sanitize import strip_controls

# What an admin scans a charon/racoon line for. Order: first match wins a span.
_HIGHLIGHTS: tuple[tuple[str, regex.Pattern], ...] = tuple(
    (style, regex.compile(pattern))
    for style, pattern in (
        ("bold red", r"(?i)\b(?:fail(?:ed|ure)?|error|unable|invalid|mismatch|unacceptable|"
         r"no (?:trusted|matching|acceptable|proposal|peer config|shared key|private key)\w*|"
         r"not (?:found|supported|allowed)|rejected|refused|expired|timeout|timed out|giving up|"
         r"retransmit\w*|dead|deleting|AUTHENTICATION_FAILED|NO_PROPOSAL_CHOSEN|TS_UNACCEPTABLE|"
         r"INVALID_\w+|FAILED_\w+|ERROR)\b"),
        ("green", r"(?i)\b(?:established|successfully|installed|authentication of .{1,80}? successful)\b"),
        ("cyan", r"\b(?:\d{1,3}\.){3}\d{1,3}(?:\[\d+\])?"
                 r"|(?<![\w:])(?:[0-9a-fA-F]{1,4}:){1,7}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?(?:\[\d+\])?"
                 r"|\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b"),
        ("magenta", r"'[^']{1,200}'|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\b(?:CN|O|C|OU)=[^,']{1,80}"),
        ("yellow", r"\b(?:SPIs?|cookie)[: ]*[0-9a-fA-F]{8}(?:_[io])?\b|\b[0-9a-f]{16}\b|\b[0-9a-f]{8}_[io]\b"),
    )
)
ERROR_WORDS = _HIGHLIGHTS[0][1]


def clean(text: str) -> str:
    """Strip terminal control sequences and control characters (log text is hostile)."""
    return strip_controls(text)


def is_error_line(text: str) -> bool:
    try:
        return ERROR_WORDS.search(text, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        return False


def highlighted(text: str, extra: regex.Pattern | None = None, style: Style | str = "") -> Text:
    """`text` (already cleaned) as a Text with addresses, identities, SPIs and error words
    styled; matches of `extra` (the current search) get a reverse highlight."""
    out = Text(text, style=style, no_wrap=True, overflow="ellipsis")
    taken: list[tuple[int, int]] = []
    for style, pattern in _HIGHLIGHTS:
        try:
            for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
                a, b = m.span()
                if a == b or any(a < y and x < b for x, y in taken):
                    continue
                taken.append((a, b))
                out.stylize(style, a, b)
        except TimeoutError:
            continue
    if extra is not None:
        try:
            for m in extra.finditer(text, timeout=REGEX_TIMEOUT):
                if m.start() != m.end():
                    out.stylize("reverse bold", m.start(), m.end())
        except TimeoutError:
            pass
    return out


def compile_user_regex(pattern: str) -> regex.Pattern | None:
    """A search/filter regex typed by the user (case-insensitive unless it has capitals);
    None when it does not compile."""
    flags = 0 if any(c.isupper() for c in pattern) else regex.IGNORECASE
    try:
        return regex.compile(pattern, flags)
    except (regex.error, ValueError, OverflowError):
        return None


def search(pattern: regex.Pattern, text: str) -> bool:
    try:
        return pattern.search(text, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        return False
