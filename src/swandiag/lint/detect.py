"""Which kind of lint input a file is, by content (names only break ties).

The authority for non-log files: ingest asks `classify(path)` and hands anything that is not
None to lint instead of the log parser. Private-key files classify as 'secrets' so they are
never read as logs and never printed.
"""
from __future__ import annotations

import os
import re

from .certs import looks_like_cert
from .profiles import looks_like_profile
from .windows import looks_like_windows

HEAD_BYTES = 65536
_SWANCTL = re.compile(r"^\s*(connections|secrets|pools|authorities)\s*\{", re.M)
_STRONGSWAN = re.compile(r"^\s*(charon|charon-systemd|charon-nm|libstrongswan|starter|swanctl|libcharon|pki)\s*\{", re.M)
_IPSEC_CONN = re.compile(r"^(conn\s+\S+|config\s+setup|ca\s+\S+)\s*$", re.M)
_IPSEC_KEY = re.compile(r"^[ \t]+\w+\s*=", re.M)
_SECRETS_LINE = re.compile(r"^[^#\s][^\n]*?(?:^|\s):\s*(PSK|RSA|ECDSA|EAP|XAUTH|NTLM|P12|PIN|PKCS8|PRIVATE|BLISS|PPK)\b", re.M | re.I)
_SECRETS_ONLY = re.compile(r"^\s*:\s*(PSK|RSA|ECDSA|EAP|XAUTH|P12|PKCS8|PRIVATE)\b", re.M | re.I)
_RACOON = re.compile(r"^\s*(remote\s+\S+(\s+\[\d+\])?\s*\{|sainfo\s|path\s+(pre_shared_key|certificate)\s)", re.M)
_PRIVATE_KEY = re.compile(rb"-----BEGIN (?:RSA |EC |ENCRYPTED |OPENSSH |DSA )?PRIVATE KEY-----")
_LOG_LINE = re.compile(r"^\S.{0,40}?\d\d:\d\d:\d\d", re.M)


def classify(path: str) -> str | None:
    """'swanctl' | 'ipsec-conf' | 'secrets' | 'strongswan-conf' | 'cert' | 'profile' | 'windows'
    | 'racoon-conf' | None (not a lint input: maybe a log)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return None
    return classify_bytes(head, os.path.basename(path))


def classify_bytes(head: bytes, name: str = "") -> str | None:
    if not head:
        return None
    if looks_like_cert(head):
        return "cert"
    if _PRIVATE_KEY.search(head):
        return "secrets"
    if looks_like_profile(head):
        return "profile"
    if b"\x00" in head[:4096]:
        return None  # binary: compressed logs and the like
    text = head.decode("utf-8", errors="replace")
    if _looks_like_log(text):
        return None
    if looks_like_windows(text):
        return "windows"
    if _SWANCTL.search(text):
        return "swanctl"
    if _STRONGSWAN.search(text):
        return "strongswan-conf"
    if _IPSEC_CONN.search(text) and _IPSEC_KEY.search(text):
        return "ipsec-conf"
    if _SECRETS_LINE.search(text) or _SECRETS_ONLY.search(text):
        return "secrets"
    if _RACOON.search(text):
        return "racoon-conf"
    if _looks_like_racoon_psk(text, name):
        return "secrets"
    return None


def _looks_like_log(text: str) -> bool:
    """Most non-comment lines carry a time stamp: a log, whatever words it contains."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip() and not ln.lstrip().startswith("#")]
    if len(lines) < 2:
        return False
    stamped = sum(1 for ln in lines if _LOG_LINE.match(ln))
    return stamped * 2 > len(lines)


def _looks_like_racoon_psk(text: str, name: str) -> bool:
    """racoon's pre_shared_key file: `IDENTIFIER<whitespace>KEY` lines (named psk.txt by convention)."""
    if "psk" not in name.lower():
        return False
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return bool(lines) and all(len(ln.split()) == 2 for ln in lines[:50])
