"""swanctl.conf (with its includes and conf.d/) → connections, pools, secret structure."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import settings
from .records import AuthRound, Child, Connection, LintProblem, Pool, SecretEntry
from .settings import Section, split_list

_CONN_KEYS = {
    "proposals": "proposals", "send_cert": "send_cert", "send_certreq": "send_certreq",
    "dpd_delay": "dpd_delay", "mobike": "mobike", "fragmentation": "fragmentation",
    "reauth_time": "reauth_time", "rekey_time": "rekey_time", "unique": "unique",
    "aggressive": "aggressive", "encap": "encap",
}
_LIST_KEYS = {"proposals", "local_addrs", "remote_addrs", "pools"}
# secrets.<type><suffix>: the section prefix says what kind of secret it is
_SECRET_KINDS = ("ike", "eap", "xauth", "ntlm", "private", "rsa", "ecdsa", "pkcs8", "pkcs12", "token", "ppk")
_POOL_ATTRS = ("dns", "nbns", "dhcp", "netmask", "server", "subnet", "split_include", "split_exclude")


@dataclass(slots=True)
class SwanctlResult:
    connections: list[Connection] = field(default_factory=list)
    pools: list[Pool] = field(default_factory=list)
    secrets: list[SecretEntry] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    problems: list[LintProblem] = field(default_factory=list)


def load(path: str) -> SwanctlResult:
    parsed = settings.parse_file(path)
    return from_tree(parsed.root, parsed.files, parsed.problems)


def load_text(text: str, path: str = "<text>") -> SwanctlResult:
    parsed = settings.parse_text(text, path)
    return from_tree(parsed.root, parsed.files, parsed.problems)


def from_tree(root: Section, files: list[str], problems: list[LintProblem]) -> SwanctlResult:
    out = SwanctlResult(files=list(files), problems=list(problems))
    conns = root.sub("connections")
    if conns:
        for name, sec in conns.sections.items():
            out.connections.append(_connection(name, _resolved(sec, conns)))
    pools = root.sub("pools")
    if pools:
        for name, sec in pools.sections.items():
            out.pools.append(_pool(name, sec))
    secrets = root.sub("secrets")
    if secrets:
        for name, sec in secrets.sections.items():
            out.secrets.append(_secret(name, sec))
    return out


def _resolved(sec: Section, siblings: Section, depth: int = 0) -> Section:
    """Apply `name : base` references (base first, own settings win)."""
    if not sec.refs or depth > 8:
        return sec
    merged = Section(sec.name, sec.loc)
    for ref in sec.refs:
        base = siblings.sub(ref)
        if base is not None and base is not sec:
            _merge(merged, _resolved(base, siblings, depth + 1))
    _merge(merged, sec)
    return merged


def _merge(into: Section, other: Section) -> None:
    into.keys.update(other.keys)
    for name, sub in other.sections.items():
        mine = into.sections.get(name)
        if mine is None:
            mine = into.sections[name] = Section(name, sub.loc)
        _merge(mine, sub)


def _connection(name: str, sec: Section) -> Connection:
    conn = Connection(name=name, source="swanctl", loc=sec.loc)
    for key, value in sec.keys.items():
        conn.locs[key] = value.loc
        if key == "version":
            conn.version = {"1": 1, "2": 2, "ikev1": 1, "ikev2": 2}.get(value.text.strip().lower())
        elif key in ("local_addrs", "remote_addrs", "pools"):
            setattr(conn, key, split_list(value.text))
        elif key == "proposals":
            conn.proposals = split_list(value.text)
        elif key in _CONN_KEYS:
            setattr(conn, _CONN_KEYS[key], value.text.strip())
    for sub_name, sub in sec.sections.items():
        if sub_name.startswith("local"):
            conn.local.append(_auth(sub_name, sub))
        elif sub_name.startswith("remote"):
            conn.remote.append(_auth(sub_name, sub))
        elif sub_name == "children":
            conn.children.extend(_child(cname, csec) for cname, csec in sub.sections.items())
    return conn


def _auth(name: str, sec: Section) -> AuthRound:
    return AuthRound(
        name=name,
        auth=sec.get("auth"),
        id=(sec.get("id") or None),
        eap_id=sec.get("eap_id"),
        certs=split_list(sec.get("certs")),
        cacerts=split_list(sec.get("cacerts")),
        loc=sec.loc,
    )


def _child(name: str, sec: Section) -> Child:
    child = Child(name=name, loc=sec.loc)
    for key, value in sec.keys.items():
        child.locs[key] = value.loc
    child.local_ts = split_list(sec.get("local_ts"))
    child.remote_ts = split_list(sec.get("remote_ts"))
    child.esp_proposals = split_list(sec.get("esp_proposals"))
    child.mode = sec.get("mode")
    child.dpd_action = sec.get("dpd_action")
    child.rekey_time = sec.get("rekey_time")
    return child


def _pool(name: str, sec: Section) -> Pool:
    pool = Pool(name=name, loc=sec.loc)
    for key, value in sec.keys.items():
        pool.locs[key] = value.loc
        if key == "addrs":
            pool.addrs = split_list(value.text)
        elif key in _POOL_ATTRS or key.isdigit():
            pool.attributes[key] = split_list(value.text)
    return pool


def _secret(name: str, sec: Section) -> SecretEntry:
    kind = next((k for k in _SECRET_KINDS if name.startswith(k)), "unknown")
    ids = [v.text for k, v in sec.keys.items() if k.startswith("id")]
    # only the structure: which ids; the secret/file/pin values are never kept
    return SecretEntry(kind=kind, ids=ids, loc=sec.loc)
