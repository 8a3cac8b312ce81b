"""Apple configuration profiles (.mobileconfig), plain XML/binary plist or CMS-signed.

Signed profiles are CMS SignedData with the plist as encapsulated content; a small DER walk
finds it (no signature check: we read, we do not trust). Secret values (SharedSecret,
AuthPassword, PKCS#12 data) are only noted as present, never kept.
"""
from __future__ import annotations

import plistlib
import re

from .defaults import algorithms
from .records import LintProblem, Loc, Profile, ProposalSpec
from .settings import read_bytes

MAX_BYTES = 4 * 1024 * 1024
_VPN_TYPES = ("com.apple.vpn.managed", "com.apple.vpn.managed.applayer")
_OID_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")  # 1.2.840.113549.1.7.2


def looks_like_profile(data: bytes) -> bool:
    head = data[:4096]
    if b"<plist" in head or head.startswith(b"bplist00"):
        return b"PayloadContent" in data or b"PayloadType" in data
    return data[:1] == b"\x30" and _OID_SIGNED_DATA in data[:64] and (b"PayloadContent" in data or b"<plist" in data)


def load(path: str, problems: list[LintProblem]) -> list[Profile]:
    data = read_bytes(path, MAX_BYTES, problems)
    if data is None:
        return []
    if len(data) > MAX_BYTES:
        problems.append(LintProblem(path, "profile larger than 4 MiB, not read"))
        return []
    return load_bytes(data, path, problems)


def load_bytes(data: bytes, path: str, problems: list[LintProblem]) -> list[Profile]:
    signed = False
    if data[:1] == b"\x30":
        inner = signed_content(data)
        if inner is None:
            problems.append(LintProblem(path, "signed profile: no plist found inside the CMS envelope"))
            return []
        data, signed = inner, True
    try:
        root = plistlib.loads(data)
    except Exception:  # noqa: BLE001 - plistlib raises several types on hostile input
        problems.append(LintProblem(path, "not a readable property list"))
        return []
    if not isinstance(root, dict):
        problems.append(LintProblem(path, "property list is not a dictionary"))
        return []
    lines = _KeyLines(data)
    payloads = root.get("PayloadContent")
    candidates = payloads if isinstance(payloads, list) else [root]
    out: list[Profile] = []
    for payload in candidates:
        if isinstance(payload, dict) and payload.get("PayloadType") in _VPN_TYPES:
            out.append(_profile(payload, path, signed, lines))
    if not out:
        problems.append(LintProblem(path, "profile has no VPN payload (com.apple.vpn.managed)"))
    return out


def _profile(payload: dict, path: str, signed: bool, lines: "_KeyLines") -> Profile:
    vpn_type = str(payload.get("VPNType", ""))
    body = payload.get(vpn_type) if isinstance(payload.get(vpn_type), dict) else payload.get("IKEv2") or {}
    if not isinstance(body, dict):
        body = {}
    name = str(payload.get("UserDefinedName") or payload.get("PayloadDisplayName") or payload.get("PayloadIdentifier") or "VPN")
    prof = Profile(path=path, name=name, vpn_type=vpn_type, signed=signed, loc=Loc(path, lines.next("VPNType")))

    def text(key: str) -> str | None:
        value = body.get(key)
        if value is None:
            return None
        prof.locs[key] = Loc(path, lines.next(key))
        return str(value)

    def flag(key: str) -> bool:
        value = body.get(key)
        if value is None:
            return False
        prof.locs[key] = Loc(path, lines.next(key))
        return value in (1, True, "1")

    prof.remote_address = text("RemoteAddress")
    prof.remote_identifier = text("RemoteIdentifier")
    prof.local_identifier = text("LocalIdentifier")
    prof.authentication_method = text("AuthenticationMethod")
    prof.extended_auth = flag("ExtendedAuthEnabled")
    prof.server_cert_issuer_cn = text("ServerCertificateIssuerCommonName")
    prof.server_cert_cn = text("ServerCertificateCommonName")
    prof.certificate_type = text("CertificateType")
    prof.enable_pfs = flag("EnablePFS")
    prof.disable_mobike = flag("DisableMOBIKE")
    prof.dpd_rate = text("DeadPeerDetectionRate")
    # secrets: presence only
    prof.has_shared_secret = "SharedSecret" in body
    prof.has_password = "AuthPassword" in body or "XAuthPassword" in body
    for key, attr in (("IKESecurityAssociationParameters", "ike"), ("ChildSecurityAssociationParameters", "child")):
        params = body.get(key)
        if isinstance(params, dict):
            prof.locs[key] = Loc(path, lines.next(key))
            setattr(prof, attr, _proposal(params))
    if prof.child is None and prof.ike is not None:
        prof.child = ProposalSpec(encryption=prof.ike.encryption, integrity=prof.ike.integrity,
                                  dh_group=prof.ike.dh_group, lifetime_min=None, keywords=_keywords(prof.ike, esp=True))
    return prof


def _proposal(params: dict) -> ProposalSpec:
    enc = params.get("EncryptionAlgorithm", "AES-256")
    integ = params.get("IntegrityAlgorithm", "SHA2-256")
    try:
        dh = int(params.get("DiffieHellmanGroup", 14))
    except (TypeError, ValueError):
        dh = None
    try:
        life = int(params["LifeTimeInMinutes"]) if "LifeTimeInMinutes" in params else None
    except (TypeError, ValueError):
        life = None
    spec = ProposalSpec(encryption=str(enc), integrity=str(integ), dh_group=dh, lifetime_min=life)
    spec.keywords = _keywords(spec, esp=False)
    return spec


def _keywords(spec: ProposalSpec, esp: bool) -> str:
    """The strongSwan proposal that accepts exactly what the profile sends."""
    tables = algorithms()
    enc = tables["apple_encryption"].get(spec.encryption or "", "")
    parts = [enc] if enc else []
    if "gcm" not in enc and "poly1305" not in enc:
        integ = tables["apple_integrity"].get(spec.integrity or "", "")
        if integ:
            parts.append(integ)
    elif not esp:
        prf = {"SHA2-384": "prfsha384", "SHA2-512": "prfsha512", "SHA1-96": "prfsha1"}.get(spec.integrity or "", "prfsha256")
        parts.append(prf)
    if not esp and spec.dh_group is not None:
        dh = tables["dh_groups"].get(str(spec.dh_group))
        kw = next((k for k, (t, n) in tables["keywords"].items() if t == "ke" and n == dh), None)
        if kw:
            parts.append(kw)
    return "-".join(parts)


class _KeyLines:
    """Line numbers of `<key>NAME</key>` in an XML plist, consumed in document order."""

    def __init__(self, data: bytes) -> None:
        self._lines: dict[str, list[int]] = {}
        if data.startswith(b"bplist"):
            return
        for m in re.finditer(rb"<key>([^<]{1,128})</key>", data):
            key = m.group(1).decode("utf-8", "replace")
            self._lines.setdefault(key, []).append(data.count(b"\n", 0, m.start()) + 1)

    def next(self, key: str) -> int:
        lines = self._lines.get(key)
        return lines.pop(0) if lines else 0


def signed_content(data: bytes) -> bytes | None:
    """The encapsulated content of a CMS SignedData (DER, or BER with indefinite lengths)."""
    try:
        content = _walk_signed(data)
    except (IndexError, ValueError):
        content = None
    if content:
        return content
    # last resort: the plist text is stored verbatim inside the envelope
    start = data.find(b"<?xml")
    if start < 0:
        start = data.find(b"<plist")
    end = data.find(b"</plist>", start)
    if start >= 0 and end > start:
        return data[start:end + len(b"</plist>")]
    return None


def _tlv(data: bytes, i: int) -> tuple[int, int, int, int]:
    """(tag, content start, content end or -1 for indefinite, next index) of the TLV at i."""
    tag = data[i]
    i += 1
    length = data[i]
    i += 1
    if length == 0x80:
        return tag, i, -1, -1
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4:
            raise ValueError("bad length")
        length = int.from_bytes(data[i:i + n], "big")
        i += n
    if i + length > len(data):
        raise ValueError("truncated")
    return tag, i, i + length, i + length


def _walk_signed(data: bytes) -> bytes | None:
    tag, start, _end, _ = _tlv(data, 0)  # ContentInfo SEQUENCE
    if tag != 0x30:
        return None
    tag, s, e, nxt = _tlv(data, start)  # contentType OID
    if tag != 0x06 or data[s:e] != _OID_SIGNED_DATA:
        return None
    tag, s, _e, _ = _tlv(data, nxt)  # [0] EXPLICIT
    tag, s, _e, _ = _tlv(data, s)  # SignedData SEQUENCE
    i = s
    for _ in range(2):  # version INTEGER, digestAlgorithms SET
        _t, _s, _e2, i = _tlv(data, i)
        if i < 0:
            return None
    tag, s, _e, _ = _tlv(data, i)  # encapContentInfo SEQUENCE
    tag, s2, e2, nxt = _tlv(data, s)  # eContentType OID
    if nxt < 0:
        return None
    tag, s3, _e3, _ = _tlv(data, nxt)  # [0] EXPLICIT eContent
    if tag != 0xA0:
        return None
    return _octets(data, s3)


def _octets(data: bytes, i: int, depth: int = 0) -> bytes | None:
    """An OCTET STRING, primitive or constructed (chunks), definite or indefinite length."""
    if depth > 8:
        return None
    tag, s, e, _ = _tlv(data, i)
    if tag == 0x04:
        return data[s:e]
    if tag != 0x24:
        return None
    out = bytearray()
    j = s
    while j < len(data) and (e < 0 or j < e):
        if data[j] == 0 and data[j + 1] == 0:  # end-of-contents
            break
        t, cs, ce, nj = _tlv(data, j)
        if t == 0x04 and ce >= 0:
            out += data[cs:ce]
            j = nj
        else:
            chunk = _octets(data, j, depth + 1)
            if chunk is None:
                return None
            out += chunk
            return bytes(out)  # nested indefinite chunks: stop after it (rare)
    return bytes(out)
