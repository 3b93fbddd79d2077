"""Supervisor review on the command line: ``stats`` and ``signoff``.

- ``triage stats CASE_DIR [--examiner NAME] [--since D] [--until D] [--bucket day|hour] [--json]``
- ``triage signoff CASE_DIR (--exhibit REF | --case | --list) [--note TEXT] [--json]``

Blind second grading is in :mod:`triage_app.cli.qa_commands`, the audit trail's
review (``audit list``, filtered exports) in :mod:`triage_app.cli.audit_commands`.
Everything but ``signoff --list`` needs a supervisor account (exit code 5
otherwise); the core functions check the role themselves.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from triage_app.cli.audit_filters import dump, filter_from_args
from triage_app.cli.signin import open_session
from triage_app.cli.subcommands import case_command, finish
from triage_app.domain.options import RATE_BUCKETS


def register(sub: Any) -> None:
    """Add ``stats``, ``qa`` and ``signoff``."""
    st = case_command(sub, "stats", "per-examiner statistics from the audit trail (supervisor)")
    st.add_argument("--examiner", metavar="NAME", help="one account (name, ID or label)")
    st.add_argument("--since", metavar="DATE", help="from this UTC date or time")
    st.add_argument("--until", metavar="DATE", help="up to and including this UTC date or time")
    st.add_argument("--bucket", choices=RATE_BUCKETS, default="day", help="grading rate per")
    finish(st, cmd_stats, json=True)

    so = case_command(sub, "signoff", "sign off an exhibit or the case (supervisor)")
    what = so.add_mutually_exclusive_group(required=True)
    what.add_argument("--exhibit", metavar="REF", help="sign off this exhibit")
    what.add_argument("--case", action="store_true", help="sign off the whole case")
    what.add_argument("--list", action="store_true", help="list the sign-offs")
    so.add_argument("--note", metavar="TEXT", help="a remark kept with the sign-off")
    finish(so, cmd_signoff, json=True)


def cmd_stats(args: argparse.Namespace) -> int:
    """Per-examiner statistics."""
    from triage_app.supervision import audit_view

    flt = filter_from_args(args)
    with open_session(args) as session:
        review = audit_view.load_review(session)
    stats = review.stats(flt, bucket=args.bucket)
    if args.json:
        dump(
            {
                "case": review.reference,
                "chain_ok": review.verdict.ok,
                "head": {"seq": review.head[0], "hash": review.head[1]},
                "filter": flt.as_dict(),
                "bucket": args.bucket,
                "examiners": [s.as_dict() for s in stats],
            }
        )
        return 0
    print(review.chain_text())
    for s in stats:
        d = s.as_dict()
        src = ", ".join(f"{k} {v}" for k, v in d["items_graded_by_source"].items())
        print(f"{s.account} ({s.role or 'no account'})")
        print(f"  items graded   {d['items_graded']} ({src})")
        print(f"  amended        {d['grades_amended']}; undone {d['grades_undone']}")
        print(f"  reveals        {d['reveals']}, {d['reveal_seconds']:.1f} s unblurred")
        print(f"  QA second      {d['qa_second_grades']}")
        for rate in d["grading_rate"]:
            print(f"  {rate['period']:<16} {rate['graded']:>6} graded ({rate['by_hand']} by hand)")
    return 0


# -- sign-off ----------------------------------------------------------------------------------


def cmd_signoff(args: argparse.Namespace) -> int:
    """Sign off, or list sign-offs."""
    from triage_app.supervision import signoff

    with open_session(args) as session:
        if args.list:
            rows = signoff.sign_offs(session)
            if args.json:
                dump([signoff.sign_off_dict(r) for r in rows])
                return 0
            if not rows:
                print("no sign-offs")
            for r in rows:
                print(f"{r.time_utc[:19]}  {r.object:<20} by {r.user}; head {r.head_seq} "
                      f"{r.head_hash}")  # fmt: skip
            return 0
        result = signoff.sign_off(session, exhibit=args.exhibit, note=args.note)
    row = result.sign_off
    if args.json:
        dump({**signoff.sign_off_dict(row), "warnings": list(result.warnings)})
        return 0
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"signed off {row.object} as {row.user} (audit entry {row.audit_seq})")
    print(f"head {row.head_seq} {row.head_hash}")
    for ref, c in row.counts.items():
        cats = ", ".join(f"{k} {v}" for k, v in c["by_category"].items()) or "none"
        print(f"exhibit {ref}: found {c['found']} = hashed {c['hashed']} + skipped "
              f"{c['skipped']} + failed {c['failed']}; graded {c['graded']} ({cats}); "
              f"open {c['open']}")  # fmt: skip
    q = row.qa
    print(f"QA: {len(q['rounds'])} rounds, {q['second_graded']} items second-graded, "
          f"{q['agreed']} agreed, {q['open_disagreements']} open disagreements")  # fmt: skip
    return 0
