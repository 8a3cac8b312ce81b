"""Windows built-in client settings from PowerShell lines:
`Add-VpnConnection -Name … -ServerAddress … -TunnelType Ikev2 …` and
`Set-VpnConnectionIPsecConfiguration -ConnectionName … -EncryptionMethod … -DHGroup …`.
Nothing is executed; the lines are tokenised. `-L2tpPsk` values are never kept."""
from __future__ import annotations

import re
import shlex

from .defaults import algorithms
from .records import LintProblem, Loc, ProposalSpec, WindowsClient
from .settings import read_text

_CMDLET = re.compile(r"^\s*(Add-VpnConnection|Set-VpnConnectionIPsecConfiguration|Set-VpnConnection)\b", re.I)
_SECRET_PARAMS = {"-l2tppsk", "-password"}


def looks_like_windows(text: str) -> bool:
    return any(_CMDLET.match(line) for line in text.splitlines()[:400])


def load(path: str, problems: list[LintProblem]) -> list[WindowsClient]:
    text = read_text(path, problems)
    return [] if text is None else from_text(text, path)


def _statements(text: str):
    """Logical lines: PowerShell continues a line ending in a backtick."""
    buf, start = "", 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not buf:
            start = lineno
        line = raw.rstrip()
        if line.endswith("`"):
            buf += line[:-1] + " "
            continue
        yield start, buf + line
        buf = ""
    if buf:
        yield start, buf


def _params(statement: str) -> dict[str, str]:
    try:
        tokens = shlex.split(statement, posix=True)
    except ValueError:
        tokens = statement.split()
    out: dict[str, str] = {}
    key = None
    for tok in tokens[1:]:
        if tok.startswith("-") and len(tok) > 1 and not tok[1].isdigit():
            key = tok.lower().rstrip(":")
            out[key] = "true"  # a switch until a value follows
        elif key:
            out[key] = "" if key in _SECRET_PARAMS else tok
            key = None
    for secret in _SECRET_PARAMS:
        if secret in out:
            out[secret] = ""
    return out


def from_text(text: str, path: str) -> list[WindowsClient]:
    clients: dict[str, WindowsClient] = {}
    tables = algorithms()
    for lineno, stmt in _statements(text):
        m = _CMDLET.match(stmt)
        if not m:
            continue
        cmd = m.group(1).lower()
        p = _params(stmt)
        name = p.get("-name") or p.get("-connectionname") or "VPN"
        client = clients.setdefault(name, WindowsClient(name=name, loc=Loc(path, lineno)))
        if cmd in ("add-vpnconnection", "set-vpnconnection"):
            client.server = p.get("-serveraddress", client.server)
            client.tunnel_type = p.get("-tunneltype", client.tunnel_type)
            client.auth_method = p.get("-authenticationmethod", client.auth_method)
            client.locs["server"] = Loc(path, lineno)
        else:
            enc = p.get("-encryptionmethod")
            integ = p.get("-integritycheckmethod")
            dh = p.get("-dhgroup")
            spec = ProposalSpec(encryption=enc, integrity=integ)
            parts = [tables["windows_encryption"].get(enc or "", ""),
                     tables["windows_integrity"].get(integ or "", ""),
                     tables["windows_dh"].get(dh or "", "")]
            spec.keywords = "-".join(x for x in parts if x)
            group = tables["windows_dh"].get(dh or "")
            if group:
                spec.dh_group = next((int(k) for k, v in tables["dh_groups"].items()
                                      if tables["keywords"].get(group, ["", ""])[1] == v), None)
            client.ike = spec
            client.pfs_group = p.get("-pfsgroup")
            client.locs["ipsec"] = Loc(path, lineno)
    return list(clients.values())
