"""``triage audit verify | list | export``: the audit trail.

``verify`` checks the hash chain (and a head printed earlier); ``export``
writes the whole log as stored (csv or json), or, with a filter or as pdf, the
supervisor's review of it; ``list`` shows the filtered log (supervisor).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from triage_app.cli.audit_filters import add_filter_options, dump, filter_from_args
from triage_app.cli.signin import open_session
from triage_app.cli.subcommands import case_command, finish
from triage_app.domain.options import REVIEW_FORMATS

#: Longest payload ``audit list`` prints on a line (``--json`` gives it whole).
PAYLOAD_WIDTH = 110


def register(sub: Any) -> None:
    """Add the audit command group."""
    a = sub.add_parser("audit", help="verify, list or export the audit trail")
    a_sub = a.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    v = case_command(a_sub, "verify", "check the hash chain; print the head")
    v.add_argument(
        "--expect-head",
        metavar="SEQ:HASH",
        help="also check against a head printed earlier (on a report or sign-off)",
    )
    finish(v, cmd_verify)

    e = case_command(a_sub, "export", "write the audit trail to a file")
    e.add_argument("--out", type=Path, required=True, metavar="FILE")
    e.add_argument(
        "--format",
        choices=REVIEW_FORMATS,
        default="csv",
        help="csv or json: the whole log as stored; with a filter, or pdf, the supervisor's "
        "review with the filter, the chain's verdict and the head",
    )
    add_filter_options(e)
    finish(e, cmd_export)

    lst = case_command(a_sub, "list", "list the audit trail, filtered (supervisor)")
    add_filter_options(lst)
    finish(lst, cmd_list, json="the entries as a JSON array")


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify the chain."""
    from triage_app.case.trail import parse_head, verify_trail

    expect = parse_head(args.expect_head) if args.expect_head else None
    with open_session(args) as session:
        # Verify what was there before this command signed in, plus its own entries.
        verdict = verify_trail(session, expect)
    chain = verdict.chain
    for note in verdict.notes:
        print(f"note: {note}")
    if verdict.ok:
        print(f"audit trail intact: {chain.entries} entries; the case agrees with it")
        print(f"head {chain.head_seq} {chain.head_hash}")
        return 0
    if not chain.ok:
        print(f"AUDIT TRAIL BROKEN at entry {chain.first_bad}: {chain.problem}")
        print(f"last good head {chain.head_seq} {chain.head_hash}")
        return 1
    print(f"THE CASE DIFFERS FROM ITS AUDIT TRAIL: {verdict.differences[0]}")
    for difference in verdict.differences[1:20]:
        print(f"  also {difference}")
    print(f"audit trail intact: {chain.entries} entries; head {chain.head_seq} {chain.head_hash}")
    return 1


def cmd_export(args: argparse.Namespace) -> int:
    """``audit export``: the plain log, or the filtered/PDF review (supervisor)."""
    flt = filter_from_args(args)
    if flt.empty and args.format != "pdf":
        return _export_plain(args)
    from triage_app.supervision.audit_view import export_filtered

    with open_session(args) as session:
        result = export_filtered(session, flt, args.format, args.out)
    print(f"wrote {result.entries} entries to {result.path} ({result.format})")
    print(f"filter: {flt.describe()}")
    print("chain: " + ("intact" if result.chain_ok else "BROKEN (see 'triage audit verify')"))
    print(f"sha256 {result.sha256}")
    print(f"head {result.head[0]} {result.head[1]}")
    print(f"recorded as audit entry {result.audit_entry}")
    return 0 if result.chain_ok else 1


def _export_plain(args: argparse.Namespace) -> int:
    from triage_app.case.trail import export_trail

    with open_session(args) as session:
        done = export_trail(session, args.out, args.format)
    print(f"wrote {done.entries} entries to {args.out}")
    print(f"sha256 {done.file.sha256}")
    print(f"head {done.head[0]} {done.head[1]}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List the filtered log with the chain's verdict on top."""
    from triage_app.supervision.audit_view import load_review, row_dict

    flt = filter_from_args(args)
    with open_session(args) as session:
        review = load_review(session)
    rows = review.filtered(flt)
    if args.json:
        v = review.verdict
        dump(
            {
                "chain": {"ok": v.ok, "entries": v.entries, "first_bad": v.first_bad,
                          "problem": v.problem},
                "head": {"seq": review.head[0], "hash": review.head[1]},
                "filter": flt.as_dict(),
                "entries": [row_dict(r) for r in rows],
            }
        )  # fmt: skip
        return 0 if v.ok else 1
    print(review.chain_text())
    print(f"filter: {flt.describe()}; {len(rows)} of {len(review.rows)} entries")
    for r in rows:
        payload = r.payload if len(r.payload) <= PAYLOAD_WIDTH else r.payload[:PAYLOAD_WIDTH] + "…"
        print(f"{r.seq:>6}  {r.time_utc[:19]}  {r.user}  [{r.action}]  {r.object}  {payload}")
    print(f"head {review.head[0]} {review.head[1]}")
    return 0 if review.verdict.ok else 1
