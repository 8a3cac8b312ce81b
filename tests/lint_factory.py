"""Builders for lint tests: certificates (cryptography), profiles (plistlib), configs (text).
Everything is generated at test time into tmp_path."""
from __future__ import annotations

import datetime as dt
import ipaddress
import plistlib
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
IKE_INTERMEDIATE = x509.ObjectIdentifier("1.3.6.1.5.5.8.2.2")
EKUS = {"serverAuth": ExtendedKeyUsageOID.SERVER_AUTH, "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH,
        "ikeIntermediate": IKE_INTERMEDIATE}


@cache
def rsa_key(bits: int = 2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CH"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(cn: str = "Test Root CA"):
    key = rsa_key()
    cert = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(name(cn)).public_key(key.public_key())
            .serial_number(1).not_valid_before(NOW - dt.timedelta(days=365)).not_valid_after(NOW + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return cert, key


def make_cert(cn: str = "vpn.example.com", dns=("vpn.example.com",), ips=(), emails=(), ekus=("serverAuth", "ikeIntermediate"),
              start_days: int = -30, end_days: int = 700, issuer=None, key=None):
    ca_cert, ca_key = issuer or make_ca()
    key = key or rsa_key()
    b = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(ca_cert.subject).public_key(key.public_key())
         .serial_number(x509.random_serial_number()).not_valid_before(NOW + dt.timedelta(days=start_days))
         .not_valid_after(NOW + dt.timedelta(days=end_days)))
    sans = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips] + \
        [x509.RFC822Name(e) for e in emails]
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if ekus:
        b = b.add_extension(x509.ExtendedKeyUsage([EKUS[e] for e in ekus]), critical=False)
    return b.sign(ca_key, hashes.SHA256())


def pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def write_gateway(tmp: Path, swanctl: str, cert=None, ca=True, cert_name: str = "gw.pem") -> Path:
    """A swanctl folder: swanctl.conf, x509/<cert_name>, x509ca/ca.pem."""
    d = tmp / "swanctl"
    (d / "x509").mkdir(parents=True, exist_ok=True)
    (d / "x509ca").mkdir(exist_ok=True)
    (d / "swanctl.conf").write_text(swanctl)
    ca_cert, ca_key = make_ca()
    if cert is not None:
        (d / "x509" / cert_name).write_bytes(pem(cert))
    if ca:
        (d / "x509ca" / "ca.pem").write_bytes(pem(ca_cert))
    return d


def gateway_conf(extra: str = "", local_id: str = "vpn.example.com", child: str = "local_ts = 10.0.0.0/24",
                 pool_addrs: str = "10.10.0.0/24", pool_extra: str = "", remote_id: str = "%any", cert: str = "gw.pem") -> str:
    return f"""connections {{
   rw {{
      version = 2
      local_addrs = 192.0.2.1
      pools = rw-pool
      send_cert = always
      dpd_delay = 300s
{extra}
      local {{
         auth = pubkey
         certs = {cert}
         id = {local_id}
      }}
      remote {{
         auth = eap-mschapv2
         id = {remote_id}
         eap_id = %any
      }}
      children {{
         net {{
            {child}
         }}
      }}
   }}
}}
pools {{
   rw-pool {{
      addrs = {pool_addrs}
{pool_extra}
   }}
}}
secrets {{
   eap-carol {{
      id = carol
      secret = "SUPERSECRET-EAP-VALUE"
   }}
}}
"""


def profile_dict(remote_address="vpn.example.com", remote_id="vpn.example.com", local_id="carol",
                 issuer_cn: str | None = "Test Root CA", ike: dict | None = None, child: dict | None = None) -> dict:
    ikev2 = {"RemoteAddress": remote_address, "RemoteIdentifier": remote_id, "LocalIdentifier": local_id,
             "AuthenticationMethod": "Certificate", "ExtendedAuthEnabled": 1, "AuthName": "carol",
             "AuthPassword": "SUPERSECRET-PROFILE-PW", "SharedSecret": "SUPERSECRET-PROFILE-PSK"}
    if issuer_cn:
        ikev2["ServerCertificateIssuerCommonName"] = issuer_cn
    if ike is not None:
        ikev2["IKESecurityAssociationParameters"] = ike
    if child is not None:
        ikev2["ChildSecurityAssociationParameters"] = child
    return {"PayloadType": "Configuration", "PayloadVersion": 1, "PayloadIdentifier": "test.vpn",
            "PayloadUUID": "00000000-0000-0000-0000-000000000001", "PayloadDisplayName": "Test VPN",
            "PayloadContent": [{"PayloadType": "com.apple.vpn.managed", "PayloadVersion": 1, "PayloadIdentifier": "test.vpn.1",
                                "PayloadUUID": "00000000-0000-0000-0000-000000000002", "UserDefinedName": "Corp VPN",
                                "VPNType": "IKEv2", "IKEv2": ikev2}]}


def write_profile(tmp: Path, signed: bool = False, binary: bool = False, **kw) -> Path:
    fmt = plistlib.FMT_BINARY if binary else plistlib.FMT_XML
    data = plistlib.dumps(profile_dict(**kw), fmt=fmt)
    if signed:
        ca_cert, _ = make_ca("Signer")
        key = ec.generate_private_key(ec.SECP256R1())
        signer = make_cert("signer", dns=(), ekus=(), key=key)
        data = (pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(signer, key, hashes.SHA256())
                .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary]))
    path = tmp / ("signed.mobileconfig" if signed else "vpn.mobileconfig")
    path.write_bytes(data)
    return path
