"""`swandiag patterns list|show ID|test`: the signature knowledge base."""
from __future__ import annotations

import sys

from ..errors import ExitCode, SwandiagError


def register(sub) -> None:
    p = sub.add_parser("patterns", help="list, show or test the failure signatures (patterns/*.toml)")
    p.add_argument("action", choices=("list", "show", "test"), help="list all, show one, or run each on its fixtures")
    p.add_argument("id", nargs="?", help="signature id (show; optional filter for test)")
    p.add_argument("--patterns", action="append", default=[], metavar="DIR", help="extra signature directory")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..rules.loader import load_signatures

    sigs = sorted(load_signatures(args.patterns), key=lambda s: s.id)
    if args.action == "list":
        for s in sigs:
            print(f"{s.id:28} {s.severity.label:7} {s.title}")
        print(f"{len(sigs)} signatures")
        return int(ExitCode.OK)
    if args.action == "show":
        if not args.id:
            raise SwandiagError("patterns show needs a signature id (see: swandiag patterns list)")
        sig = next((s for s in sigs if s.id == args.id), None)
        if sig is None:
            raise SwandiagError(f"no signature {args.id!r} (see: swandiag patterns list)")
        _show(sig)
        return int(ExitCode.OK)
    return _test([s for s in sigs if not args.id or s.id == args.id])


def _show(sig) -> None:
    print(f"{sig.id}  [{sig.severity.label}, confidence {sig.confidence:.2f}]  {sig.source}")
    print(sig.title)
    print()
    print(sig.explanation.strip())
    if sig.explains:
        print(f"\nexplains: {', '.join(sig.explains)}")
    for side, snippets in (("gateway", sig.fix.gateway), ("client", sig.fix.client)):
        for name, text in snippets.items():
            print(f"\nfix ({side}, {name}):\n  " + text.strip().replace("\n", "\n  "))
    for ref in sig.references:
        print(f"see: {ref}")
    print(f"\nfixtures: match {', '.join(sig.fixtures.match) or '-'}; no-match {', '.join(sig.fixtures.no_match) or '-'}")


def _test(sigs) -> int:
    from ..rules.fixtures import run_fixtures

    results = run_fixtures(sigs)
    bad = 0
    width = max((len(r.signature) for r in results), default=10)
    print(f"{'signature':{width}}  {'expect':8}  {'got':8}  fixture")
    for r in results:
        got = "error" if r.matched is None else ("match" if r.matched else "no-match")
        mark = "ok  " if r.ok else "FAIL"
        bad += not r.ok
        print(f"{r.signature:{width}}  {'match' if r.expect_match else 'no-match':8}  {got:8}  {r.fixture}  {mark}"
              + (f"  ({r.problem})" if r.problem else ""))
    without = [s.id for s in sigs if not s.fixtures.match]
    for sid in without:
        print(f"{sid:{width}}  {'match':8}  {'-':8}  (no fixture)  FAIL")
    total = len(results) + len(without)
    print(f"{total - bad - len(without)}/{total} fixture checks passed", file=sys.stdout)
    return int(ExitCode.OK if not bad and not without else ExitCode.FINDINGS)
