"""The lint checks: the mechanism that turns a LintModel into LintIssues.

Each check is a function adding issues with a stable `check` id; patterns/lint-*.toml select
issues by that id and carry the title, explanation and fix (the knowledge). Secrets are never
read here: the model holds none.
"""
from __future__ import annotations

import ipaddress
import time
from typing import Callable, Iterator

from . import defaults
from .proposals import Proposal, first_match, parse_any, parse_keywords, selected
from .records import CertInfo, Connection, LintIssue, LintModel, Loc

DAY = 86400.0
SOON_DAYS = 30
_ANY = {"%any", "%any4", "%any6", "0.0.0.0/0", "::/0", "*"}


def run(model: LintModel) -> list[LintIssue]:
    issues: list[LintIssue] = []
    for check in CHECKS:
        issues.extend(check(model))
    model.issues = issues
    return issues


# --- helpers ---------------------------------------------------------------------------

def gateways(model: LintModel) -> list[Connection]:
    """Connections that answer unknown peers (responders: no or wildcard remote address)."""
    return [c for c in model.connections if not c.remote_addrs or any(a in _ANY or "/" in a for a in c.remote_addrs)]


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def certs_of(model: LintModel, conn: Connection) -> list[CertInfo]:
    names = {_basename(c) for r in conn.local for c in r.certs}
    return [c for c in model.certs if _basename(c.path) in names and c.index == 0]


def gateway_certs(model: LintModel) -> list[tuple[CertInfo, Connection | None]]:
    """Server certificates: those gateway connections load; without configs, end-entity
    certificates that look like a server's (serverAuth, a DNS/IP SAN or a host-name CN)."""
    out: list[tuple[CertInfo, Connection | None]] = []
    if model.connections:
        for conn in gateways(model):
            out.extend((c, conn) for c in certs_of(model, conn) if all(c is not o for o, _ in out))
        return out
    for c in model.certs:
        if c.is_ca or c.self_signed:
            continue
        cn = c.subject_cn or ""
        serverish = "serverAuth" in c.ekus or c.san_dns or c.san_ip or ("." in cn and "@" not in cn and " " not in cn)
        if serverish and c.ekus != ["clientAuth"]:
            out.append((c, None))
    return out


def _ident(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().strip('"')
    if value.startswith("@#"):
        return None  # hex KEY_ID
    return value[1:] if value.startswith("@") else value


def _is_dn(name: str) -> bool:
    return "=" in name and ("," in name or "/" in name or name.upper().startswith(("CN=", "C=", "O=")))


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def _dn_norm(name: str) -> str:
    parts = [p.strip() for p in name.replace("/", ",").split(",") if p.strip()]
    return ",".join(p.replace(" ", "").lower() for p in parts)


def cert_has_name(cert: CertInfo, name: str) -> bool:
    if _is_dn(name):
        return _dn_norm(name) == _dn_norm(cert.subject)
    low = name.lower()
    if _is_ip(name):
        ip = ipaddress.ip_address(name)
        return any(_same_ip(ip, s) for s in cert.san_ip) or low in (d.lower() for d in cert.san_dns)
    if "@" in name:
        return low in (e.lower() for e in cert.san_email)
    for dns in cert.san_dns:
        d = dns.lower()
        if d == low or (d.startswith("*.") and low.endswith(d[1:]) and low.count(".") == d.count(".")):
            return True
    return False


def _same_ip(ip, text: str) -> bool:
    try:
        return ipaddress.ip_address(text) == ip
    except ValueError:
        return False


def apple_known(model: LintModel) -> bool:
    """Apple clients are known to use this gateway: a profile was given or the logs show one."""
    return bool(model.profiles) or any(p.startswith("apple") for p in model.client_platforms)


def _now(model: LintModel) -> float:
    return model.now if model.now is not None else time.time()


def _duration(text: str | None) -> float | None:
    """strongSwan time values: 30, 30s, 10m, 1h, 1d → seconds; None when unset or unreadable."""
    if text is None:
        return None
    text = text.strip().lower()
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(text[-1:], None)
    num = text[:-1] if unit else text
    try:
        return float(num) * (unit or 1)
    except ValueError:
        return None


def _date(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def _issue(check: str, name: str, loc: Loc, about: str = "", **facts: str) -> LintIssue:
    return LintIssue(check=check, name=name, loc=loc, subject=about, facts={k: str(v) for k, v in facts.items()})


def _cert_loc(c: CertInfo) -> Loc:
    return c.loc or Loc(c.path)


def _names_clients_use(model: LintModel, conn: Connection | None) -> Iterator[tuple[str, Loc, str]]:
    """(name, where it comes from, what it is) for every name a client checks the server against."""
    for p in model.profiles:
        for key in ("ServerCertificateCommonName", "RemoteIdentifier", "RemoteAddress"):
            value = {"ServerCertificateCommonName": p.server_cert_cn, "RemoteIdentifier": p.remote_identifier,
                     "RemoteAddress": p.remote_address}[key]
            if value and not _is_dn(value):
                yield value, p.at(key), f"profile {p.name!r} {key}"
                if key == "ServerCertificateCommonName":
                    break  # it replaces RemoteIdentifier for the certificate check
    for w in model.windows:
        if w.server:
            yield w.server, w.locs.get("server", w.loc or Loc("")), f"Windows connection {w.name!r} ServerAddress"
    for li in model.log_identities:
        if li.idr and li.idr not in _ANY and (conn is None or li.conn in (None, conn.name)):
            yield li.idr, Loc(li.input, li.line), "identity the client asked for in the log"
    if conn is not None:
        for r in conn.local:
            ident = _ident(r.id)
            if ident and ident not in _ANY:
                yield ident, r.loc or conn.loc, f"local.id of connection {conn.name!r}"


# --- certificate checks ----------------------------------------------------------------

def check_cert_names(model: LintModel) -> Iterator[LintIssue]:
    for cert, conn in gateway_certs(model):
        if not cert.has_san:
            names = sorted({n for n, _, _ in _names_clients_use(model, conn) if not _is_dn(n)})
            issue = _issue("cert-only-dn", f"{_basename(cert.path)}: no subjectAltName, the identity is only in the DN "
                           f"({cert.subject})", _cert_loc(cert), cert.path, cert=_basename(cert.path),
                           subject=cert.subject, names=", ".join(names) or cert.subject_cn or "?")
            for n, loc, what in _names_clients_use(model, conn):
                if not _is_dn(n):
                    issue.evidence.append((loc, f"{what}: {n}"))
            yield issue
            continue
        missing: dict[str, list[tuple[Loc, str]]] = {}
        for name, loc, what in _names_clients_use(model, conn):
            if not cert_has_name(cert, name):
                missing.setdefault(name, []).append((loc, f"{what}: {name}"))
        if missing:
            sans = ", ".join(cert.san_dns + cert.san_ip + cert.san_email) or "none"
            issue = _issue("cert-san-missing-name",
                           f"{_basename(cert.path)}: subjectAltName ({sans}) lacks {', '.join(missing)}",
                           _cert_loc(cert), cert.path, cert=_basename(cert.path), sans=sans, names=", ".join(missing))
            for places in missing.values():
                issue.evidence.extend(places)
            yield issue


def check_cert_ekus(model: LintModel) -> Iterator[LintIssue]:
    for cert, conn in gateway_certs(model):
        ekus = ", ".join(cert.ekus) or "no extendedKeyUsage extension"
        if "serverAuth" not in cert.ekus and "anyExtendedKeyUsage" not in cert.ekus:
            issue = _issue("cert-no-serverauth", f"{_basename(cert.path)}: no serverAuth EKU ({ekus})",
                           _cert_loc(cert), cert.path, cert=_basename(cert.path), ekus=ekus)
            if conn is not None:
                issue.evidence.append((conn.loc, f"connection {conn.name!r} sends this certificate"))
            yield issue
        elif "ikeIntermediate" not in cert.ekus:
            yield _issue("cert-no-ike-intermediate", f"{_basename(cert.path)}: serverAuth but no iKEIntermediate EKU",
                         _cert_loc(cert), cert.path, cert=_basename(cert.path), ekus=ekus)


def check_cert_validity(model: LintModel) -> Iterator[LintIssue]:
    now = _now(model)
    for cert in model.certs:
        base = _basename(cert.path)
        if cert.not_after < now:
            yield _issue("cert-expired", f"{base}: {cert.subject} expired on {_date(cert.not_after)}",
                         _cert_loc(cert), cert.path, cert=base, subject=cert.subject, date=_date(cert.not_after))
        elif cert.not_before > now:
            yield _issue("cert-not-yet-valid", f"{base}: {cert.subject} not valid before {_date(cert.not_before)}",
                         _cert_loc(cert), cert.path, cert=base, subject=cert.subject, date=_date(cert.not_before))
        elif cert.not_after - now < SOON_DAYS * DAY:
            days = int((cert.not_after - now) // DAY)
            yield _issue("cert-expiring", f"{base}: {cert.subject} expires in {days} days ({_date(cert.not_after)})",
                         _cert_loc(cert), cert.path, cert=base, subject=cert.subject, date=_date(cert.not_after),
                         days=str(days))


def check_cert_chain(model: LintModel) -> Iterator[LintIssue]:
    for cert in model.certs:
        if cert.self_signed or cert.chain_complete:
            continue
        base = _basename(cert.path)
        yield _issue("cert-chain-incomplete", f"{base}: issuer {cert.issuer} not among the certificates given",
                     _cert_loc(cert), cert.path, cert=base, subject=cert.subject, issuer=cert.issuer)


def check_cert_key(model: LintModel) -> Iterator[LintIssue]:
    apple = bool(model.profiles)
    for cert, _conn in gateway_certs(model):
        base = _basename(cert.path)
        if cert.key_type == "RSA" and cert.key_bits < 2048:
            yield _issue("cert-weak-key", f"{base}: RSA key of {cert.key_bits} bits", _cert_loc(cert), cert.path,
                         cert=base, key=f"RSA {cert.key_bits}")
        if cert.key_type == "ECDSA" and apple and any(not p.certificate_type or p.certificate_type == "RSA"
                                                      for p in model.profiles):
            yield _issue("cert-ecdsa-apple", f"{base}: ECDSA server key ({cert.curve}) with Apple clients",
                         _cert_loc(cert), cert.path, cert=base, key=f"ECDSA {cert.curve}")


# --- connection checks -----------------------------------------------------------------

def _uses_pubkey(conn: Connection) -> bool:
    return any((r.auth or "pubkey").startswith(("pubkey", "rsa", "ecdsa")) for r in conn.local[:1]) and \
        (bool(conn.local and conn.local[0].certs) or conn.source == "swanctl")


def check_send_cert(model: LintModel) -> Iterator[LintIssue]:
    no_cn = [p for p in model.profiles if p.vpn_type == "IKEv2" and not p.server_cert_issuer_cn]
    for conn in gateways(model):
        if conn.version == 1 or not _uses_pubkey(conn) or not any(r.certs for r in conn.local):
            continue
        mode = (conn.send_cert or "ifasked").lower()
        if mode != "ifasked":
            continue
        if not no_cn and conn.send_cert is None:
            continue  # default, and no Apple client known to skip CERTREQ
        apple = bool(no_cn) or (apple_known(model) and not model.profiles)
        issue = _issue("send-cert-ifasked" if apple else "send-cert-ifasked-info", f"connection {conn.name!r}: send_cert = ifasked"
                       + (" (default)" if conn.send_cert is None else ""),
                       conn.at("send_cert"), conn.name, conn=conn.name)
        for p in no_cn:
            issue.evidence.append((p.loc or Loc(p.path), f"profile {p.name!r} has no ServerCertificateIssuerCommonName"))
        yield issue


def _gateway_ike(model: LintModel, conn: Connection) -> list[Proposal]:
    if conn.proposals and conn.proposals != ["default"]:
        props = []
        for text in conn.proposals:
            if text == "default":
                props.extend(parse_any(t, "IKE") for t in defaults.strongswan_default("ike", model.strongswan_version))
            else:
                props.append(parse_keywords(text, "IKE"))
        return props
    return [parse_any(t, "IKE") for t in defaults.strongswan_default("ike", model.strongswan_version)]


def _gateway_esp(model: LintModel, conn: Connection) -> list[Proposal]:
    texts = [p for ch in conn.children for p in ch.esp_proposals]
    if texts:
        return [parse_keywords(t, "ESP") for t in texts if t != "default"] or \
            [parse_any(t, "ESP") for t in defaults.strongswan_default("esp", model.strongswan_version)]
    return [parse_any(t, "ESP") for t in defaults.strongswan_default("esp", model.strongswan_version)]


def _clients(model: LintModel) -> Iterator[tuple[str, Loc, list[Proposal], list[Proposal], str]]:
    """(label, where, IKE proposals, ESP proposals, kind) of each client whose proposals are known."""
    for p in model.profiles:
        if p.vpn_type != "IKEv2" or p.ike is None:
            continue
        esp = [parse_keywords(p.child.keywords, "ESP")] if p.child else []
        yield (f"profile {p.name!r}", p.at("IKESecurityAssociationParameters"),
               [parse_keywords(p.ike.keywords, "IKE")], esp, "profile")
    for w in model.windows:
        if w.ike is not None and w.ike.keywords:
            yield (f"Windows connection {w.name!r}", w.locs.get("ipsec", w.loc or Loc("")),
                   [parse_keywords(w.ike.keywords, "IKE")], [], "windows")


def check_proposals(model: LintModel) -> Iterator[LintIssue]:
    rws = [c for c in gateways(model) if c.version in (None, 2)]
    for conn in rws:
        ike, esp = _gateway_ike(model, conn), _gateway_esp(model, conn)
        for label, loc, c_ike, c_esp, _kind in _clients(model):
            if first_match(ike, c_ike) is None:
                issue = _issue("proposal-no-match", f"{label}: IKE {c_ike[0].log_form()} not accepted by connection "
                               f"{conn.name!r}", loc, conn.name, conn=conn.name, client=label, proto="IKE",
                               client_proposal=c_ike[0].log_form(), gateway_proposal=_summary(conn.proposals, "default"))
                issue.evidence.append((conn.at("proposals"), f"connection {conn.name!r} proposals = "
                                       f"{_summary(conn.proposals, 'default')}"))
                yield issue
            elif c_esp and first_match(esp, c_esp) is None:
                gw_esp = _summary([p for ch in conn.children for p in ch.esp_proposals], "default")
                issue = _issue("proposal-no-match", f"{label}: ESP {c_esp[0].log_form()} not accepted by connection "
                               f"{conn.name!r}", loc, conn.name, conn=conn.name, client=label, proto="ESP",
                               client_proposal=c_esp[0].log_form(), gateway_proposal=gw_esp)
                child = conn.children[0] if conn.children else None
                issue.evidence.append(((child.locs.get("esp_proposals", child.loc) if child else None) or conn.loc,
                                       f"esp_proposals = {gw_esp}"))
                yield issue
        road_warrior = conn.is_road_warrior or any((r.auth or "").startswith("eap") for r in conn.remote)
        if not road_warrior:
            continue
        for kind, known in defaults.clients().items():
            k_ike = [parse_any(t, "IKE") for t in known["ike"]]
            match = first_match(ike, k_ike)
            if match is None:
                yield _issue("proposal-default-client", f"connection {conn.name!r} accepts none of the IKE proposals "
                             f"of the {known['label']}", conn.at("proposals"), conn.name, conn=conn.name,
                             client=known["label"], gateway_proposal=_summary(conn.proposals, "default"),
                             client_proposal=", ".join(known["ike"]))
            elif kind == "ios-manual" and "MODP_1536" in selected(*match):
                yield _issue("modp1536-trap", f"connection {conn.name!r} would select {selected(*match)} with an iOS "
                             "manual configuration", conn.at("proposals"), conn.name, conn=conn.name,
                             selected=selected(*match))
    for p in model.profiles:
        if p.ike is not None and p.ike.dh_group == 5:
            yield _issue("modp1536-trap", f"profile {p.name!r}: DiffieHellmanGroup = 5 (MODP_1536)",
                         p.at("IKESecurityAssociationParameters"), p.name, conn=p.name, selected="MODP_1536")


def _summary(items: list[str], empty: str) -> str:
    return ", ".join(items) if items else empty


def _pool_addrs(model: LintModel, conn: Connection) -> list[tuple[str, Loc]]:
    out = []
    for name in conn.pools:
        pool = model.pool(name)
        if pool is not None:
            out.extend((a, pool.locs.get("addrs", pool.loc or conn.loc)) for a in pool.addrs)
    out.extend((a, conn.at("pools")) for a in conn.rightsourceip if a[:1].isdigit() or ":" in a)
    return out


def check_ipv6_pool(model: LintModel) -> Iterator[LintIssue]:
    for conn in gateways(model):
        v6 = [(a, loc) for a, loc in _pool_addrs(model, conn) if ":" in a]
        if not v6 or not conn.children:
            continue
        ts = [t for ch in conn.children for t in ch.local_ts]
        if any(t.split("[")[0] in ("::/0", "%any", "%any6") for t in ts) or not ts:
            continue  # empty local_ts = dynamic (own address): nothing routed, a different problem
        child = conn.children[0]
        issue = _issue("ipv6-pool-no-default-ts", f"connection {conn.name!r}: IPv6 pool {v6[0][0]} but local_ts = "
                       f"{', '.join(ts)} has no ::/0", child.locs.get("local_ts", child.loc or conn.loc), conn.name,
                       conn=conn.name, pool=v6[0][0], local_ts=", ".join(ts))
        issue.evidence.append((v6[0][1], f"IPv6 pool addresses {v6[0][0]}"))
        yield issue


def check_mobike_dpd_version(model: LintModel) -> Iterator[LintIssue]:
    version = defaults.version_tuple(model.strongswan_version)
    if version is None or version >= (5, 5, 1):
        return
    for conn in gateways(model):
        dpd = _duration(conn.dpd_delay)
        if conn.version == 1 or not dpd or (conn.mobike or "yes").lower() == "no":
            continue
        yield _issue("mobike-dpd-old-strongswan", f"connection {conn.name!r}: MOBIKE and dpd_delay = {conn.dpd_delay} "
                     f"on strongSwan {model.strongswan_version}", conn.at("dpd_delay"), conn.name, conn=conn.name,
                     version=str(model.strongswan_version), dpd_delay=str(conn.dpd_delay))


def check_reauth_dpd(model: LintModel) -> Iterator[LintIssue]:
    for conn in gateways(model):
        if conn.version == 1:
            continue
        reauth = _duration(conn.reauth_time)
        if reauth:
            yield _issue("responder-reauth" if apple_known(model) else "responder-reauth-info", f"connection {conn.name!r}: reauth_time = {conn.reauth_time} on an IKEv2 "
                         "responder", conn.at("reauth_time"), conn.name, conn=conn.name, reauth_time=str(conn.reauth_time))
        if (conn.is_road_warrior or conn.source == "swanctl" and conn.pools) and not _duration(conn.dpd_delay):
            yield _issue("dpd-unset", f"connection {conn.name!r}: no dpd_delay for road-warrior clients",
                         conn.loc, conn.name, conn=conn.name)


def check_split_dns(model: LintModel) -> Iterator[LintIssue]:
    done: set[str] = set()
    for conn in gateways(model):
        if conn.version == 1:
            continue  # INTERNAL_DNS_DOMAIN is an IKEv2 attribute (IKEv1 clients use Unity)
        for name in conn.pools:
            pool = model.pool(name)
            if pool is None or pool.name in done:
                continue
            done.add(pool.name)
            domains = pool.attributes.get("25")
            if domains:
                yield _issue("split-dns-domain", f"pool {pool.name!r} sends INTERNAL_DNS_DOMAIN {', '.join(domains)}",
                             pool.locs.get("25", pool.loc or conn.loc), pool.name, pool=pool.name,
                             domains=", ".join(domains), conn=conn.name)
            elif pool.attributes.get("dns"):
                ts = [t for ch in conn.children for t in ch.local_ts]
                if ts and not any(t in ("0.0.0.0/0", "::/0") for t in ts):
                    yield _issue("split-dns-missing", f"pool {pool.name!r} sends DNS servers to a split tunnel "
                                 f"({', '.join(ts)}) without a DNS domain", pool.locs.get("dns", pool.loc or conn.loc),
                                 pool.name, pool=pool.name, conn=conn.name, local_ts=", ".join(ts))


_UNIQUE_IPSEC = {"yes": "replace", "replace": "replace", "no": "no", "never": "never", "keep": "keep"}


def check_unique(model: LintModel) -> Iterator[LintIssue]:
    for conn in gateways(model):
        if not (conn.is_road_warrior or conn.pools):
            continue
        raw = (conn.unique or "").lower()
        policy = _UNIQUE_IPSEC.get(raw, raw) if conn.source == "ipsec-conf" else (raw or "no")
        if policy == "keep":
            yield _issue("unique-keep", f"connection {conn.name!r}: unique = keep for road warriors",
                         conn.at("unique"), conn.name, conn=conn.name, unique=policy)
        elif policy == "never":
            yield _issue("unique-never", f"connection {conn.name!r}: unique = never for road warriors",
                         conn.at("unique"), conn.name, conn=conn.name, unique=policy)


def _accepts(pattern: str | None, ident: str | None) -> bool:
    """Does a configured id (may be %any or carry '*' wildcards) accept this identity?"""
    pattern = _ident(pattern)
    if pattern is None or pattern in _ANY:
        return True
    if ident is None:
        return False
    if _is_dn(pattern) and _is_dn(ident):
        return _dn_norm(pattern) == _dn_norm(ident)
    if "*" in pattern:
        head, _, tail = pattern.lower().partition("*")
        return ident.lower().startswith(head) and ident.lower().endswith(tail.replace("*", ""))
    return pattern.lower() == ident.lower()


def _gateway_id(model: LintModel, conn: Connection) -> tuple[str | None, str]:
    """The identity the gateway answers with, and why."""
    for r in conn.local[:1]:
        ident = _ident(r.id)
        certs = certs_of(model, conn)
        if ident:
            if certs and not _is_dn(ident) and not cert_has_name(certs[0], ident):
                return certs[0].subject, f"local.id {ident} is not in the certificate, strongSwan falls back to its DN"
            return ident, "local.id"
        if certs:
            return certs[0].subject, "certificate subject (no local.id)"
    return (conn.local_addrs[0] if conn.local_addrs else None), "local address (no local.id)"


def check_identities(model: LintModel) -> Iterator[LintIssue]:
    gws = [c for c in gateways(model)]
    if not gws:
        return
    clients: list[tuple[str, Loc, str | None, str | None]] = []
    for p in model.profiles:
        clients.append((f"profile {p.name!r}", p.at("RemoteIdentifier"), p.remote_identifier, p.local_identifier))
    for li in model.log_identities:
        if li.idr and li.idr not in _ANY:
            clients.append(("client in the log", Loc(li.input, li.line), li.idr, li.idi))
    seen: set[tuple[str | None, str | None]] = set()
    for label, loc, idr, idi in clients:
        if (idr, idi) in seen:
            continue
        seen.add((idr, idi))
        best: tuple[int, Connection, str] | None = None
        for conn in gws:
            gw_id, why = _gateway_id(model, conn)
            ok_r = idr is None or (gw_id is not None and _accepts(gw_id, idr) and not (_is_dn(idr) and label.startswith("profile")))
            ok_i = any(_accepts(r.id, idi) for r in conn.remote[:1]) if conn.remote else True
            if ok_r and ok_i:
                best = None
                break
            score = int(ok_r) + int(ok_i)
            reason = (f"the client sends IDr {idr!r}, connection {conn.name!r} answers as {gw_id!r} ({why})" if not ok_r
                      else f"the client sends IDi {idi!r}, connection {conn.name!r} accepts remote.id "
                           f"{conn.remote[0].id!r}")
            if best is None or score > best[0]:
                best = (score, conn, reason)
        else:
            if best is None:
                continue
            _, conn, reason = best
            if idr and _is_dn(idr) and label.startswith("profile"):
                reason += "; Apple clients send a DN as an FQDN-type identity, so it never matches a DN"
            issue = _issue("identity-no-match", f"{label}: no connection accepts IDr {idr!r} / IDi {idi!r}", loc,
                           conn.name, conn=conn.name, idr=str(idr), idi=str(idi), reason=reason)
            issue.evidence.append(((conn.local[0].loc if conn.local else None) or conn.loc, reason))
            yield issue


def check_conn_certs_loaded(model: LintModel) -> Iterator[LintIssue]:
    """A connection names a certificate that was not among the inputs (only when some certs were)."""
    if not model.certs:
        return
    have = {_basename(c.path) for c in model.certs}
    for conn in gateways(model):
        for r in conn.local:
            for name in r.certs:
                if _basename(name) not in have:
                    yield _issue("cert-not-given", f"connection {conn.name!r} loads {name}, which was not given",
                                 r.loc or conn.loc, conn.name, conn=conn.name, cert=name)


CHECKS: list[Callable[[LintModel], Iterator[LintIssue]]] = [
    check_cert_names, check_cert_ekus, check_cert_validity, check_cert_chain, check_cert_key,
    check_send_cert, check_proposals, check_ipv6_pool, check_mobike_dpd_version, check_reauth_dpd,
    check_split_dns, check_unique, check_identities, check_conn_certs_loaded,
]
