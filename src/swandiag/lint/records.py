"""What the lint stage reads from configs, certificates and client profiles.

Every fact keeps a `Loc` (file:line) so a finding can cite the config beside the log.
Secret values (PSKs, passwords, private keys) are never stored in these records: the
readers keep only the structure (which ids have which kind of secret).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(slots=True, frozen=True)
class Loc:
    """Where a fact came from: a file path and a 1-based line (0 = the whole file)."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class FileKind(Enum):
    SWANCTL = "swanctl"
    IPSEC_CONF = "ipsec-conf"
    SECRETS = "secrets"
    STRONGSWAN_CONF = "strongswan-conf"
    CERT = "cert"
    PROFILE = "profile"
    WINDOWS = "windows"
    RACOON_CONF = "racoon-conf"


@dataclass(slots=True)
class LintFile:
    path: str
    kind: FileKind
    sha256: str | None = None


@dataclass(slots=True)
class AuthRound:
    """One `local`/`remote` auth round of a connection (swanctl local<suffix>/remote<suffix>)."""

    name: str  # 'local', 'remote', 'remote-xauth', ...
    auth: str | None = None  # pubkey, psk, eap-mschapv2, xauth, ... (None: strongSwan default = pubkey)
    id: str | None = None
    eap_id: str | None = None
    certs: list[str] = field(default_factory=list)  # file names as configured
    cacerts: list[str] = field(default_factory=list)
    loc: Loc | None = None


@dataclass(slots=True)
class Child:
    name: str
    local_ts: list[str] = field(default_factory=list)  # empty: strongSwan default (dynamic)
    remote_ts: list[str] = field(default_factory=list)
    esp_proposals: list[str] = field(default_factory=list)  # empty: version default
    mode: str | None = None
    dpd_action: str | None = None
    rekey_time: str | None = None
    loc: Loc | None = None
    locs: dict[str, Loc] = field(default_factory=dict)  # setting -> where it is set


@dataclass(slots=True)
class Connection:
    """One connection (swanctl `connections.<name>` or ipsec.conf `conn <name>`)."""

    name: str
    source: str  # 'swanctl' | 'ipsec-conf'
    loc: Loc
    version: int | None = None  # 1, 2, None = any (swanctl version = 0)
    local_addrs: list[str] = field(default_factory=list)
    remote_addrs: list[str] = field(default_factory=list)
    local: list[AuthRound] = field(default_factory=list)
    remote: list[AuthRound] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)  # IKE; empty: version default
    send_cert: str | None = None  # None: default (ifasked)
    send_certreq: str | None = None
    pools: list[str] = field(default_factory=list)
    dpd_delay: str | None = None
    dpd_action: str | None = None  # ipsec.conf keeps it on the conn
    mobike: str | None = None
    fragmentation: str | None = None
    reauth_time: str | None = None
    rekey_time: str | None = None
    unique: str | None = None  # swanctl `unique` / ipsec.conf `uniqueids` (config setup)
    aggressive: str | None = None
    encap: str | None = None
    children: list[Child] = field(default_factory=list)
    rightsourceip: list[str] = field(default_factory=list)  # ipsec.conf inline pools
    locs: dict[str, Loc] = field(default_factory=dict)  # setting -> where it is set

    def at(self, key: str) -> Loc:
        return self.locs.get(key, self.loc)

    @property
    def is_road_warrior(self) -> bool:
        """Accepts any peer address and hands out virtual IPs."""
        anyaddr = not self.remote_addrs or any(a in ("%any", "%any4", "%any6", "0.0.0.0/0", "::/0") for a in self.remote_addrs)
        return anyaddr and bool(self.pools or self.rightsourceip)


@dataclass(slots=True)
class Pool:
    name: str
    addrs: list[str] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)  # dns, nbns, split_include, 25, ...
    loc: Loc | None = None
    locs: dict[str, Loc] = field(default_factory=dict)


@dataclass(slots=True)
class SecretEntry:
    """Structure of one secret: its kind and the ids it applies to. Never its value."""

    kind: str  # 'ike'/'psk', 'eap', 'xauth', 'rsa', 'ecdsa', 'private', 'pin', ...
    ids: list[str] = field(default_factory=list)
    loc: Loc | None = None


@dataclass(slots=True)
class Logger:
    """A charon logger from strongswan.conf and what its lines will look like."""

    kind: str  # 'filelog' | 'syslog' | 'journal'
    name: str  # file path / facility / 'journal'
    default: int | None = None  # None: charon's default (1)
    groups: dict[str, int] = field(default_factory=dict)
    time_format: str | None = None
    ike_name: bool = False
    log_level: bool = False
    json: bool = False
    loc: Loc | None = None

    def level(self, group: str) -> int:
        return self.groups.get(group.lower(), 1 if self.default is None else self.default)


@dataclass(slots=True)
class StrongswanConf:
    path: str
    loggers: list[Logger] = field(default_factory=list)
    plugins_load: list[str] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)  # dotted key -> value (non-secret options)
    locs: dict[str, Loc] = field(default_factory=dict)


@dataclass(slots=True)
class CertInfo:
    """One X.509 certificate as read from a file (a PEM bundle yields several)."""

    path: str
    index: int  # position within the file (0-based)
    subject: str
    issuer: str
    serial: str
    not_before: float  # epoch seconds
    not_after: float
    san_dns: list[str] = field(default_factory=list)
    san_ip: list[str] = field(default_factory=list)
    san_email: list[str] = field(default_factory=list)
    san_uri: list[str] = field(default_factory=list)
    ekus: list[str] = field(default_factory=list)  # 'serverAuth', 'clientAuth', 'ikeIntermediate', dotted OID
    key_type: str = ""  # 'RSA', 'ECDSA', 'Ed25519', 'Ed448', 'DSA'
    key_bits: int = 0
    curve: str | None = None
    is_ca: bool = False
    self_signed: bool = False
    subject_cn: str | None = None
    issuer_cn: str | None = None
    fingerprint: str = ""  # sha256 hex
    chain: list[str] = field(default_factory=list)  # fingerprints of issuers found, nearest first
    chain_complete: bool = False  # reaches a self-signed certificate that was given
    loc: Loc | None = None

    @property
    def has_san(self) -> bool:
        return bool(self.san_dns or self.san_ip or self.san_email or self.san_uri)


@dataclass(slots=True)
class ProposalSpec:
    """A client's proposal set from a profile or Windows config (one proposal)."""

    encryption: str | None = None  # profile/Windows spelling, as given
    integrity: str | None = None
    dh_group: int | None = None
    lifetime_min: int | None = None
    keywords: str = ""  # the strongSwan proposal keyword string it corresponds to


@dataclass(slots=True)
class Profile:
    """One Apple `com.apple.vpn.managed` IKEv2 (or IPSec) payload."""

    path: str
    name: str
    vpn_type: str  # 'IKEv2' | 'IPSec' | ...
    remote_address: str | None = None
    remote_identifier: str | None = None
    local_identifier: str | None = None
    authentication_method: str | None = None
    extended_auth: bool = False
    server_cert_issuer_cn: str | None = None
    server_cert_cn: str | None = None
    certificate_type: str | None = None
    ike: ProposalSpec | None = None  # None: no IKESecurityAssociationParameters
    child: ProposalSpec | None = None
    enable_pfs: bool = False
    disable_mobike: bool = False
    dpd_rate: str | None = None
    has_shared_secret: bool = False  # never the value
    has_password: bool = False
    signed: bool = False
    loc: Loc | None = None
    locs: dict[str, Loc] = field(default_factory=dict)

    def at(self, key: str) -> Loc:
        return self.locs.get(key, self.loc or Loc(self.path))


@dataclass(slots=True)
class WindowsClient:
    """A Windows built-in VPN connection from Add-VpnConnection / Set-VpnConnectionIPsecConfiguration."""

    name: str
    server: str | None = None
    tunnel_type: str | None = None
    auth_method: str | None = None
    ike: ProposalSpec | None = None  # None: Windows defaults (modp1024)
    pfs_group: str | None = None
    loc: Loc | None = None
    locs: dict[str, Loc] = field(default_factory=dict)


@dataclass(slots=True)
class LintProblem:
    path: str
    message: str
    line: int = 0

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(slots=True, frozen=True)
class LogIdentity:
    """The identities one negotiation used, as a log showed them."""

    idr: str | None  # the gateway identity the client asked for (or the gateway used)
    idi: str | None  # the client identity
    input: str
    line: int
    conn: str | None = None


@dataclass(slots=True)
class LintIssue:
    """One problem a check found. `check` is what patterns/lint-*.toml select on; `name` is the
    one-line statement cited as evidence at `loc`; `evidence` adds more places (file:line, text);
    `facts` fill the signature's {fact.*} placeholders. Never holds a secret value."""

    check: str
    name: str
    loc: Loc
    evidence: list[tuple[Loc, str]] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)
    subject: str = ""  # what it is about: a connection name, a certificate file, a profile


@dataclass(slots=True)
class LintModel:
    files: list[LintFile] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    pools: list[Pool] = field(default_factory=list)
    secrets: list[SecretEntry] = field(default_factory=list)
    strongswan_confs: list[StrongswanConf] = field(default_factory=list)
    certs: list[CertInfo] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    windows: list[WindowsClient] = field(default_factory=list)
    problems: list[LintProblem] = field(default_factory=list)
    strongswan_version: str | None = None  # given (--strongswan-version) or from a log banner
    now: float | None = None  # evaluation time (tests pin it); None = time.time()
    # identities seen in logs, filled by the pipeline when logs are given
    log_identities: list["LogIdentity"] = field(default_factory=list)
    issues: list["LintIssue"] = field(default_factory=list)  # what the checks found (lint.checks)
    client_platforms: list[str] = field(default_factory=list)  # from the logs' fingerprints ('apple-ios', ...)

    def pool(self, name: str) -> Pool | None:
        return next((p for p in self.pools if p.name == name), None)
