"""How a log arrived when a user pasted it: decorations around an otherwise known format.

Forum posts, tickets, mails and chats wrap log lines in things no logger printed: markdown or
e-mail quoting (`> `, `>> `, `> > `), line numbers from editors and pastebins (`12: `,
`12 | `, `  12  `), indentation (a code block), `journalctl`'s own header/footer lines
(`-- Logs begin at … --`, `-- Boot 0a1b… --`, `-- No entries --`) and lines hard-wrapped by a
mail client. The decoration is detected ONCE per input from the sniff sample
(`detect_decoration`) and removed per line with plain string operations (`Decoration.strip`);
physical line numbers and byte offsets are untouched, so findings still cite the real line.
"""
from __future__ import annotations

from dataclasses import dataclass, field

_MIN_SHARE = 0.8  # share of the sample's non-empty lines that must carry a decoration


def is_journal_marker(line: str) -> bool:
    """journalctl's own lines: `-- Logs begin at … --`, `-- Boot <id> --`, `-- No entries --`,
    `-- Reboot --`, `-- Journal begins at … --`, and the unit's state that `systemctl status`
    prints above its journal lines (never log messages)."""
    return (line.startswith("-- ") and line.rstrip().endswith(" --")) or is_systemctl_status(line)


_STATUS_FIELDS = ("Loaded:", "Active:", "Process:", "Main PID:", "Status:", "Tasks:", "Memory:", "CPU:", "CGroup:",
                  "Docs:", "TriggeredBy:", "Drop-In:", "Invocation:", "IP:", "IO:", "Mem peak:")


def is_systemctl_status(line: str) -> bool:
    """`● strongswan.service - strongSwan IPsec …`, `   Active: active (running) since …`,
    `           └─63658 /usr/sbin/charon-systemd` (systemctl status, above the journal lines)."""
    if line[:2] in ("\u25cf ", "\u25cb ", "\u00d7 ") and (".service" in line or ".socket" in line):
        return True
    body = line.lstrip(" ")
    if len(line) - len(body) < 1:
        return False
    return body.startswith(_STATUS_FIELDS) or body[:2] in ("\u2514\u2500", "\u251c\u2500", "\u2502 ")


def is_prompt(line: str) -> bool:
    """A shell prompt with the command a user ran before pasting its output: `$ ipsec up x`,
    `root@gw:~# swanctl --initiate …`, `[root@gw ~]# sudo ipsec up x`."""
    for mark in ("$ ", "# ", "% "):
        k = line.find(mark, 0, 80)
        if k < 0:
            continue
        head, cmd = line[:k], line[k + 2:].lstrip()
        if cmd.startswith("sudo "):
            cmd = cmd[5:].lstrip()
        if cmd.startswith(("ipsec ", "swanctl ", "charon-cmd", "strongswan ")) and (
                not head or head.endswith(("~", "]", "/")) or "@" in head or ":" in head):
            return True
    return False


def is_journal_catalog(line: str) -> bool:
    """`journalctl -x` explanation lines under an entry: `░░ Subject: …` (systemd 246 and
    later), `-- Subject: …` and a bare `--` before (the markers above excepted)."""
    if line.startswith("\u2591\u2591"):
        return True
    if line.startswith("-- "):
        return not line.rstrip().endswith(" --")
    return line.rstrip() == "--"


@dataclass(slots=True)
class Decoration:
    """Per-line prefixes to remove, outermost first. `layers` are ("quote", None),
    ("numbers", separator) or ("indent", prefix)."""

    layers: list[tuple[str, str | None]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.layers)

    def describe(self) -> str:
        out = []
        for kind, arg in self.layers:
            if kind == "quote":
                out.append("quote '>'")
            elif kind == "numbers":
                out.append(f"line numbers {('N' + (arg or '')).strip()!r}")
            else:
                out.append(f"indent {len(arg or '')} {'tab' if arg and arg[0] == chr(9) else 'space'}(s)")
        return ", ".join(out)

    def strip(self, line: str) -> str:
        for kind, arg in self.layers:
            if kind == "quote":
                line = _unquote(line)
            elif kind == "numbers":
                line = _unnumber(line, arg or "")
            elif line.startswith(arg):  # indent
                line = line[len(arg):]  # type: ignore[arg-type]
            elif not line.strip():
                line = ""
        return line


def _unquote(line: str) -> str:
    i = 0
    n = len(line)
    while i < n and line[i] == " " and i < 3:
        i += 1
    if i >= n or line[i] != ">":
        return line
    while i < n and line[i] == ">":
        i += 1
        if i < n and line[i] == " ":
            i += 1
            if i < n and line[i] == ">":  # `> > ` nested quoting
                continue
            break
    return line[i:]


def _number_split(line: str) -> tuple[int, str, int] | None:
    """(number, separator, index after it) of a `  12: `-style prefix, or None."""
    i = 0
    n = len(line)
    while i < n and line[i] == " ":
        i += 1
    j = i
    while j < n and "0" <= line[j] <= "9":
        j += 1
    if j == i or j - i > 7:
        return None
    num = int(line[i:j])
    rest = line[j:j + 4]
    for sep in (": ", " | ", " |", "| ", "|", "\t", "  ", " ", ":"):
        if rest.startswith(sep):
            return num, sep, j + len(sep)
    if j == n:
        return num, "", j  # a numbered empty line
    return None


def _unnumber(line: str, sep: str) -> str:
    r = _number_split(line)
    if r is not None and r[1].strip() == sep.strip():
        return line[r[2]:]
    return line


def _numbers(lines: list[str]) -> str | None:
    """The separator when (nearly) every line starts with an increasing line number."""
    seps: dict[str, int] = {}
    nums: list[int] = []
    for line in lines:
        r = _number_split(line)
        if r is None:
            continue
        nums.append(r[0])
        if r[1]:
            seps[r[1]] = seps.get(r[1], 0) + 1
    if len(nums) < max(2, _MIN_SHARE * len(lines)) or not seps:
        return None
    up = sum(1 for a, b in zip(nums, nums[1:]) if b == a + 1)
    if up < 0.8 * (len(nums) - 1):
        return None
    sep = max(seps, key=lambda k: seps[k])
    if sep == " " and up < len(nums) - 1:  # a bare single space is only a number prefix if it counts strictly
        return None
    return sep


def _indent(lines: list[str]) -> str | None:
    prefix = None
    for line in lines:
        k = len(line) - len(line.lstrip(" \t"))
        lead = line[:k]
        if prefix is None:
            prefix = lead
        else:
            m = 0
            while m < len(prefix) and m < len(lead) and prefix[m] == lead[m]:
                m += 1
            prefix = prefix[:m]
        if not prefix:
            return None
    return prefix or None


def detect_decoration(sample: list[str]) -> Decoration:
    """The decoration layers of this input's first lines (none for a clean log)."""
    dec = Decoration()
    lines = [x for x in sample if x.strip()]
    if len(lines) < 1:
        return dec
    for _ in range(4):
        body = [x for x in lines if not is_journal_marker(x)] or lines
        quoted = sum(1 for x in body if x.lstrip(" ")[:1] == ">" and not x.lstrip(" ").startswith(">>>"))
        if quoted >= _MIN_SHARE * len(body) and not any(k == "quote" for k, _ in dec.layers):
            dec.layers.append(("quote", None))
        elif (sep := _numbers(body)) is not None and not any(k == "numbers" for k, _ in dec.layers):
            dec.layers.append(("numbers", sep))
        elif (lead := _indent(body)) is not None:
            dec.layers.append(("indent", lead))
        else:
            break
        last = Decoration([dec.layers[-1]])
        lines = [y for y in (last.strip(x) for x in lines) if y.strip()]
        if not lines:
            break
    return dec


def wrap_width(lines: list[str], parse) -> int | None:
    """The width a mail client hard-wrapped these lines at, or None: no line much longer than
    ~100 characters, and lines the format's parser rejects that are the rest of a line which
    had no room for their first word."""
    width = wrap_candidate(lines)
    if width is None:
        return None
    wrapped = failed = 0
    prev = ""
    for line in lines:
        if not line.strip():
            prev = ""
            continue
        if is_journal_marker(line):
            prev = line
            continue
        r = parse(line)
        if r is None or (type(r) is str and not line.startswith((" ", "\t"))):
            if r is None:
                failed += 1
            if continues(prev, line, width):
                wrapped += 1
        prev = line
    if wrapped >= 1 and wrapped >= 0.6 * max(failed, 1):
        return width
    return None


def wrap_candidate(lines: list[str]) -> int | None:
    """The width these lines may have been hard-wrapped at, judged by shape alone (at least
    two non-empty lines, hardly any line much over 100 characters, a width of 50 or more),
    or None."""
    lengths = [len(x.rstrip()) for x in lines if x.strip()]
    if len(lengths) < 2 or too_long(lines) > 0.02 * len(lengths):
        return None
    width = wrap_guess(lines)
    return width if width >= 50 else None


def too_long(lines: list[str]) -> int:
    """Lines a mail client would have wrapped (a space past column 100; a single word longer
    than the line, such as a certificate blob, stays whole)."""
    return sum(1 for x in lines if len(x) > 100 and " " in x[100:].rstrip())


def wrap_guess(lines: list[str]) -> int:
    """The longest line that could have been broken (a line that is one long word, such as a
    hex blob, sticks out of any wrap width)."""
    return max((len(x.rstrip()) for x in lines if " " in x.strip() and len(x.rstrip()) <= 100), default=0)


def continues(prev: str, line: str, width: int, indented: bool = False) -> bool:
    """Is `line` the rest of `prev`, cut by a wrap at `width` (its first word did not fit)?
    `indented`: the line may start with blanks (a wrap inside a run of spaces; only for
    lines the format's parser rejected, never for its own indented continuations)."""
    if not prev or not line.strip():
        return False
    body = line.lstrip(" \t")
    lead = len(line) - len(body)
    if lead and not indented:
        return False
    word = body.split(" ", 1)[0]
    room = len(prev) if lead else len(prev.rstrip())
    return room + 1 + lead + len(word) > width and (room >= width * 0.5 or len(word) > width * 0.5)


def join(prev_text: str, part: str) -> str:
    """Undo a wrap: the line break replaced one space (or kept it at the end of the line)."""
    if prev_text.endswith(" "):
        return prev_text + part
    return prev_text + " " + part
