"""Make log text inert for display: no terminal escapes, no control characters.

Log lines are hostile: a peer can put ESC sequences into an identity or an EAP
user name, and charon copies them into the log. Shown raw on a terminal they
could move the cursor, retitle the window (OSC) or hide text; so every piece of
log text goes through `strip_controls` before any renderer or the TUI shows it.
"""
from __future__ import annotations

import unicodedata

import regex

from ..limits import REGEX_TIMEOUT as _TIMEOUT

# Order matters: whole sequences first (so their parameters go too), then lone bytes.
_SEQUENCES = regex.compile(
    r"""
      \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?     # OSC ... BEL/ST (or unterminated)
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?          # DCS / SOS / PM / APC ... ST
    | \x1b\[[0-?]*[ -/]*[@-~]?                         # CSI (7-bit)
    | \x9b[0-?]*[ -/]*[@-~]?                           # CSI (8-bit)
    | \x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?        # OSC (8-bit)
    | [\x90\x98\x9e\x9f][^\x1b\x9c]*(?:\x1b\\|\x9c)?   # DCS/SOS/PM/APC (8-bit)
    | \x1b[ -/]*[0-~]?                                 # other ESC sequences (nF, Fp, Fe, Fs)
    """,
    regex.VERBOSE,
)


def _is_control(ch: str) -> bool:
    cat = unicodedata.category(ch)
    # Cc: C0/C1 controls; Cf: bidi overrides & zero-width tricks (U+202E, U+2066...);
    # Zl/Zp: line/paragraph separators that would break a one-line excerpt.
    return cat in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


def strip_controls(text: str) -> str:
    """Return `text` without terminal escape sequences and control characters.

    Tabs and newlines become single spaces (an excerpt is one line); everything
    else in categories Cc/Cf/Zl/Zp/Cs/Co/Cn is dropped. Printable text, including
    non-ASCII letters, is kept unchanged.
    """
    if not text:
        return ""
    if text.isprintable():
        return text
    try:
        text = _SEQUENCES.sub("", text, timeout=_TIMEOUT)
    except TimeoutError:
        pass  # the per-character pass below still removes every ESC byte
    out: list[str] = []
    for ch in text:
        if ch in "\t\n\r\v\f":
            out.append(" ")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif not _is_control(ch):
            out.append(ch)  # e.g. other separators: harmless
    return "".join(out)
