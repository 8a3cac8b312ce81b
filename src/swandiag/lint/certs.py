"""X.509 certificates (PEM bundles or DER) → CertInfo: names, SANs, EKUs, validity, key, chain.

Private keys in the same files are skipped, never parsed or kept."""
from __future__ import annotations

import hashlib
import re

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .records import CertInfo, LintProblem, Loc
from .settings import read_bytes

MAX_BYTES = 2 * 1024 * 1024
_PEM_CERT = re.compile(rb"-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----.*?-----END (?:X509 |TRUSTED )?CERTIFICATE-----", re.S)
_EKU_NAMES = {
    ExtendedKeyUsageOID.SERVER_AUTH.dotted_string: "serverAuth",
    ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string: "clientAuth",
    "1.3.6.1.5.5.8.2.2": "ikeIntermediate",
    "1.3.6.1.5.5.7.3.17": "ipsecIKE",
    "1.3.6.1.5.5.7.3.9": "ocspSigning",
    "2.5.29.37.0": "anyExtendedKeyUsage",
}
# strongSwan prints DN attributes with these short names
_DN_NAMES = {NameOID.COUNTRY_NAME: "C", NameOID.ORGANIZATION_NAME: "O", NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
             NameOID.COMMON_NAME: "CN", NameOID.LOCALITY_NAME: "L", NameOID.STATE_OR_PROVINCE_NAME: "ST",
             NameOID.EMAIL_ADDRESS: "E", NameOID.SERIAL_NUMBER: "serialNumber", NameOID.DOMAIN_COMPONENT: "DC"}


def looks_like_cert(data: bytes) -> bool:
    if _PEM_CERT.search(data[:65536]) or b"-----BEGIN CERTIFICATE-----" in data[:65536]:
        return True
    if data[:1] == b"\x30":
        try:
            x509.load_der_x509_certificate(data)
            return True
        except (ValueError, TypeError):
            return False
    return False


def load(path: str, problems: list[LintProblem], objects: dict[str, x509.Certificate] | None = None) -> list[CertInfo]:
    data = read_bytes(path, MAX_BYTES, problems)
    if data is None:
        return []
    return load_bytes(data[:MAX_BYTES], path, problems, objects)


def load_bytes(data: bytes, path: str, problems: list[LintProblem],
               objects: dict[str, x509.Certificate] | None = None) -> list[CertInfo]:
    """`objects` (fingerprint → certificate) collects the parsed certificates for link_chains."""
    out: list[CertInfo] = []
    objects = {} if objects is None else objects
    blocks = list(_PEM_CERT.finditer(data))
    if blocks:
        for index, m in enumerate(blocks):
            line = data.count(b"\n", 0, m.start()) + 1
            try:
                cert = x509.load_pem_x509_certificate(m.group(0))
            except (ValueError, TypeError):
                problems.append(LintProblem(path, "a PEM certificate block could not be parsed", line))
                continue
            out.append(describe(cert, path, index, line))
            objects[out[-1].fingerprint] = cert
        return out
    try:
        cert = x509.load_der_x509_certificate(data)
        out.append(describe(cert, path, 0, 0))
        objects[out[-1].fingerprint] = cert
    except (ValueError, TypeError):
        problems.append(LintProblem(path, "not a readable X.509 certificate (PEM or DER)"))
    return out


def dn(name: x509.Name) -> str:
    """The DN in strongSwan's order and spelling: `C=CH, O=Example, CN=vpn.example.com`."""
    parts = []
    for attr in name:
        key = _DN_NAMES.get(attr.oid) or attr.oid.dotted_string
        value = attr.value if isinstance(attr.value, str) else attr.value.hex()
        parts.append(f"{key}={value}")
    return ", ".join(parts)


def _cn(name: x509.Name) -> str | None:
    cns = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(cns[-1].value) if cns else None


def describe(cert: x509.Certificate, path: str, index: int, line: int) -> CertInfo:
    info = CertInfo(
        path=path, index=index, subject=dn(cert.subject), issuer=dn(cert.issuer),
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc.timestamp(), not_after=cert.not_valid_after_utc.timestamp(),
        subject_cn=_cn(cert.subject), issuer_cn=_cn(cert.issuer),
        fingerprint=hashlib.sha256(cert.public_bytes(_der())).hexdigest(),
        self_signed=cert.subject == cert.issuer, loc=Loc(path, line),
    )
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        info.san_dns = [str(v) for v in san.get_values_for_type(x509.DNSName)]
        info.san_ip = [str(v) for v in san.get_values_for_type(x509.IPAddress)]
        info.san_email = [str(v) for v in san.get_values_for_type(x509.RFC822Name)]
        info.san_uri = [str(v) for v in san.get_values_for_type(x509.UniformResourceIdentifier)]
    except (x509.ExtensionNotFound, ValueError):
        pass
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        info.ekus = [_EKU_NAMES.get(o.dotted_string, o.dotted_string) for o in eku]
    except (x509.ExtensionNotFound, ValueError):
        pass
    try:
        info.is_ca = bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except (x509.ExtensionNotFound, ValueError):
        info.is_ca = False
    try:
        key = cert.public_key()
    except (ValueError, TypeError, NotImplementedError):
        key = None
    if isinstance(key, rsa.RSAPublicKey):
        info.key_type, info.key_bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        info.key_type, info.key_bits, info.curve = "ECDSA", key.key_size, key.curve.name
    elif isinstance(key, ed25519.Ed25519PublicKey):
        info.key_type, info.key_bits = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        info.key_type, info.key_bits = "Ed448", 456
    elif isinstance(key, dsa.DSAPublicKey):
        info.key_type, info.key_bits = "DSA", key.key_size
    return info


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def link_chains(certs: list[CertInfo], objects: dict[str, x509.Certificate]) -> None:
    """Find each certificate's issuers among the given ones (name match + signature check)."""
    by_subject: dict[str, list[CertInfo]] = {}
    for c in certs:
        by_subject.setdefault(c.subject, []).append(c)
    for c in certs:
        chain: list[str] = []
        cur = c
        seen = {c.fingerprint}
        complete = cur.self_signed
        while not cur.self_signed and len(chain) < 10:
            parent = next((p for p in by_subject.get(cur.issuer, []) if _signed_by(cur, p, objects)), None)
            if parent is None or parent.fingerprint in seen:
                break
            chain.append(parent.fingerprint)
            seen.add(parent.fingerprint)
            cur = parent
            complete = cur.self_signed
        c.chain = chain
        c.chain_complete = complete


def _signed_by(child: CertInfo, parent: CertInfo, objects: dict[str, x509.Certificate]) -> bool:
    a, b = objects.get(child.fingerprint), objects.get(parent.fingerprint)
    if a is None or b is None:
        return True
    try:
        a.verify_directly_issued_by(b)
        return True
    except (ValueError, TypeError, AttributeError):
        return False
    except Exception:  # noqa: BLE001 - InvalidSignature and friends: not this issuer
        return False
