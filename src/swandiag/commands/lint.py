"""`swandiag lint PATHS…`: check configs, certificates and client profiles (no logs needed).

Findings come from the same engine and the lint-* signatures in patterns/; text and json are
rendered here, markdown and html by the report renderers. Key material is never printed:
the lint model holds no secret values.
"""
from __future__ import annotations

import argparse
import json
import sys
import textwrap

from ..errors import ExitCode, SwandiagError
from .common import FAIL_ON


def register(sub) -> None:
    p = sub.add_parser("lint", help="check configs, certificates and Apple/Windows client profiles",
                       description="Read swanctl.conf (with includes), ipsec.conf, ipsec.secrets (structure only), "
                       "strongswan.conf, X.509 certificates, .mobileconfig profiles and Windows PowerShell VPN "
                       "commands, and report what would break clients (iOS/macOS above all).")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (picked by content)")
    p.add_argument("--format", dest="lint_format", choices=("text", "json", "markdown", "html"), default="text")
    p.add_argument("--strongswan-version", metavar="VERSION",
                   help="strongSwan version of the gateway (for version-dependent defaults and bugs)")
    p.add_argument("--fail-on", choices=tuple(FAIL_ON), default="error",
                   help="exit 1 when a finding of this severity or worse exists (default: error)")
    p.add_argument("--patterns", action="append", default=[], metavar="DIR", help="extra signature directory")
    p.set_defaults(run=run)


def analyze_lint(paths: list[str], version: str | None = None, pattern_dirs: list[str] | None = None, now=None):
    from .. import lint
    from ..analysis import Analysis
    from ..rules.engine import evaluate
    from ..rules.lint_source import is_lint_signature
    from ..rules.loader import load_signatures

    model = lint.load(paths, strongswan_version=version, now=now)
    analysis = Analysis(lint=model)
    analysis.problems.extend(str(p) for p in model.problems)
    analysis.findings = evaluate(analysis, [s for s in load_signatures(pattern_dirs) if is_lint_signature(s)])
    return analysis


def run(args: argparse.Namespace) -> int:
    analysis = analyze_lint(args.paths, args.strongswan_version, args.patterns)
    model = analysis.lint
    if not model.files:
        raise SwandiagError("; ".join(analysis.problems) or "no config, certificate or profile found in the given paths")
    if args.lint_format == "json":
        out = json.dumps(as_dict(analysis), indent=2) + "\n"
    elif args.lint_format == "text":
        out = as_text(analysis)
    else:
        from ..report import render

        out = render(analysis, args.lint_format, redact=False)
    sys.stdout.write(out)
    threshold = FAIL_ON[args.fail_on]
    if threshold is not None and any(int(f.severity) >= threshold for f in analysis.findings):
        return int(ExitCode.FINDINGS)
    return int(ExitCode.OK)


def _counts(model) -> str:
    kinds: dict[str, int] = {}
    for f in model.files:
        kinds[f.kind.value] = kinds.get(f.kind.value, 0) + 1
    parts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return (f"{len(model.files)} files ({parts}); {len(model.connections)} connections, {len(model.certs)} "
            f"certificates, {len(model.profiles)} profiles, {len(model.windows)} Windows connections")


def as_text(analysis) -> str:
    model = analysis.lint
    lines = [f"swandiag lint: {_counts(model)}", ""]
    if not analysis.findings:
        lines.append("No problems found.")
    for n, f in enumerate(analysis.findings, 1):
        lines.append(f"{n}. {f.severity.label.upper():7} {f.title}  [{f.id}]")
        for para in f.explanation.split("\n\n"):
            lines.extend(textwrap.wrap(" ".join(para.split()), 96, initial_indent="   ", subsequent_indent="   "))
        for e in f.evidence:
            lines.append(f"   at {e.input}:{e.line}  {e.text}" if e.line else f"   at {e.input}  {e.text}")
        if f.fix.summary:
            lines.append(f"   fix: {f.fix.summary}")
        for where, snippet in {**f.fix.gateway, **{f'client {k}': v for k, v in f.fix.client.items()}}.items():
            lines.append(f"     {where}: {snippet}")
        lines.append("")
    for p in analysis.problems:
        lines.append(f"problem: {p}")
    return "\n".join(lines).rstrip() + "\n"


def as_dict(analysis) -> dict:
    model = analysis.lint
    return {
        "files": [{"path": f.path, "kind": f.kind.value, "sha256": f.sha256} for f in model.files],
        "connections": [{
            "name": c.name, "source": c.source, "at": str(c.loc), "version": c.version,
            "local_addrs": c.local_addrs, "remote_addrs": c.remote_addrs,
            "local": [{"auth": r.auth, "id": r.id, "certs": r.certs} for r in c.local],
            "remote": [{"auth": r.auth, "id": r.id, "eap_id": r.eap_id} for r in c.remote],
            "proposals": c.proposals, "send_cert": c.send_cert, "pools": c.pools, "dpd_delay": c.dpd_delay,
            "mobike": c.mobike, "reauth_time": c.reauth_time, "unique": c.unique,
            "children": [{"name": ch.name, "local_ts": ch.local_ts, "remote_ts": ch.remote_ts,
                          "esp_proposals": ch.esp_proposals} for ch in c.children],
        } for c in model.connections],
        "certificates": [{
            "path": c.path, "index": c.index, "subject": c.subject, "issuer": c.issuer, "san_dns": c.san_dns,
            "san_ip": c.san_ip, "san_email": c.san_email, "ekus": c.ekus, "key": f"{c.key_type} {c.key_bits}",
            "not_before": c.not_before, "not_after": c.not_after, "ca": c.is_ca, "chain_complete": c.chain_complete,
        } for c in model.certs],
        "profiles": [{
            "path": p.path, "name": p.name, "vpn_type": p.vpn_type, "remote_address": p.remote_address,
            "remote_identifier": p.remote_identifier, "local_identifier": p.local_identifier,
            "authentication_method": p.authentication_method, "signed": p.signed,
            "server_cert_issuer_cn": p.server_cert_issuer_cn, "ike": p.ike.keywords if p.ike else None,
        } for p in model.profiles],
        "secrets": [{"kind": s.kind, "ids": s.ids, "at": str(s.loc)} for s in model.secrets],  # structure only
        "findings": [{
            "id": f.id, "severity": f.severity.label, "confidence": f.confidence, "title": f.title,
            "explanation": f.explanation,
            "evidence": [{"input": e.input, "line": e.line, "text": e.text, "side": e.side} for e in f.evidence],
            "fix": {"summary": f.fix.summary, "gateway": f.fix.gateway, "client": f.fix.client},
            "references": f.references,
        } for f in analysis.findings],
        "problems": analysis.problems,
    }
