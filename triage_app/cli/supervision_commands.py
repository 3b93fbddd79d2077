"""Supervisor review on the command line: ``stats``, ``qa ...``, ``signoff`` and ``audit list``.

- ``triage stats CASE_DIR [--examiner NAME] [--since D] [--until D] [--bucket day|hour] [--json]``
- ``triage qa sample CASE_DIR --examiner NAME --second-grader NAME
  (--percent P | --count CAT=N ...) [--seed N] [--exhibit REF] [--json]``
- ``triage qa list CASE_DIR [--json]`` (a second grader sees only the rounds given to them)
- ``triage qa grade CASE_DIR --round R [--item ID --category CODE] [--json]`` (blind)
- ``triage qa report CASE_DIR --round R [--json]``
- ``triage qa adjudicate CASE_DIR --round R --item ID --category CODE --reason TEXT [--propagate]``
- ``triage qa verify CASE_DIR --round R``: draw the sample again from its seed
- ``triage signoff CASE_DIR (--exhibit REF | --case | --list) [--note TEXT] [--json]``
- ``triage audit list CASE_DIR [filters] [--json]`` and ``triage audit export`` with the
  same filters or ``--format pdf``; filters are ``--examiner NAME``, ``--action ACTION``
  (repeatable), ``--since D``, ``--until D`` (``YYYY-MM-DD`` or a UTC time), ``--item ID``.

Everything but ``qa grade``, ``qa list`` and ``signoff --list`` needs a supervisor
account (exit code 5 otherwise); the core functions check the role themselves.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from triage_app.cli.signin import add_user_option, open_session
from triage_app.domain.accounts import SUPERVISOR
from triage_app.domain.errors import TriageError
from triage_app.supervision import audit_view, qa, signoff
from triage_app.supervision.audit_view import AuditFilter

#: Longest payload ``audit list`` prints on a line (``--json`` gives it whole).
PAYLOAD_WIDTH = 110


def register(sub: Any) -> None:
    """Add ``stats``, ``qa`` and ``signoff``."""
    st = sub.add_parser("stats", help="per-examiner statistics from the audit trail (supervisor)")
    st.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    st.add_argument("--examiner", metavar="NAME", help="one account (name, ID or label)")
    st.add_argument("--since", metavar="DATE", help="from this UTC date or time")
    st.add_argument("--until", metavar="DATE", help="up to and including this UTC date or time")
    st.add_argument("--bucket", choices=audit_view.BUCKETS, default="day", help="grading rate per")
    st.add_argument("--json", action="store_true")
    add_user_option(st)
    st.set_defaults(func=cmd_stats)

    q = sub.add_parser("qa", help="blind second grading of a sample of an examiner's grades")
    q_sub = q.add_subparsers(dest="qa_command", required=True, metavar="ACTION")
    s = q_sub.add_parser("sample", help="draw a sample for blind second grading (supervisor)")
    s.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    s.add_argument("--examiner", required=True, metavar="NAME", help="whose manual grades")
    s.add_argument("--second-grader", required=True, metavar="NAME", help="who grades blind")
    how = s.add_mutually_exclusive_group(required=True)
    how.add_argument("--percent", metavar="P", help="this percentage of the grades (rounded up)")
    how.add_argument(
        "--count",
        action="append",
        metavar="CAT=N",
        help="N grades of category CAT (repeat for each category)",
    )
    s.add_argument("--seed", type=int, metavar="N", help="random seed (default: a fresh one)")
    s.add_argument("--exhibit", metavar="REF", help="only grades of items of this exhibit")
    s.add_argument("--json", action="store_true")
    add_user_option(s)
    s.set_defaults(func=cmd_qa_sample)

    ls = q_sub.add_parser("list", help="QA rounds (a second grader sees their own only)")
    ls.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    ls.add_argument("--json", action="store_true")
    add_user_option(ls)
    ls.set_defaults(func=cmd_qa_list)

    g = q_sub.add_parser(
        "grade", help="the blind sample to grade; with --item and --category, record a grade"
    )
    g.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    g.add_argument("--round", type=int, required=True, metavar="R")
    g.add_argument("--item", type=int, metavar="ID")
    g.add_argument("--category", metavar="CODE")
    g.add_argument("--json", action="store_true")
    add_user_option(g)
    g.set_defaults(func=cmd_qa_grade)

    r = q_sub.add_parser(
        "report", help="agreement per category, Cohen's kappa, disagreements (supervisor)"
    )
    r.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    r.add_argument("--round", type=int, required=True, metavar="R")
    r.add_argument("--json", action="store_true")
    add_user_option(r)
    r.set_defaults(func=cmd_qa_report)

    a = q_sub.add_parser(
        "adjudicate", help="record the final grade of a disagreement, with a reason (supervisor)"
    )
    a.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    a.add_argument("--round", type=int, required=True, metavar="R")
    a.add_argument("--item", type=int, required=True, metavar="ID")
    a.add_argument("--category", required=True, metavar="CODE", help="the final grade")
    a.add_argument("--reason", required=True, metavar="TEXT")
    a.add_argument("--propagate", action="store_true", help="also grade the item's duplicate group")
    add_user_option(a)
    a.set_defaults(func=cmd_qa_adjudicate)

    v = q_sub.add_parser("verify", help="draw a round's sample again from its seed and compare")
    v.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    v.add_argument("--round", type=int, required=True, metavar="R")
    add_user_option(v)
    v.set_defaults(func=cmd_qa_verify)

    so = sub.add_parser("signoff", help="sign off an exhibit or the case (supervisor)")
    so.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    what = so.add_mutually_exclusive_group(required=True)
    what.add_argument("--exhibit", metavar="REF", help="sign off this exhibit")
    what.add_argument("--case", action="store_true", help="sign off the whole case")
    what.add_argument("--list", action="store_true", help="list the sign-offs")
    so.add_argument("--note", metavar="TEXT", help="a remark kept with the sign-off")
    so.add_argument("--json", action="store_true")
    add_user_option(so)
    so.set_defaults(func=cmd_signoff)


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """The audit filters: account, action, dates, item."""
    parser.add_argument("--examiner", metavar="NAME", help="entries of this account")
    parser.add_argument(
        "--action", action="append", default=[], metavar="ACTION", help="this action (repeatable)"
    )
    parser.add_argument("--since", metavar="DATE", help="from this UTC date or time")
    parser.add_argument("--until", metavar="DATE", help="up to and including this UTC date/time")
    parser.add_argument("--item", type=int, metavar="ID", help="entries about this item")


def register_audit(a_sub: Any, export: argparse.ArgumentParser) -> None:
    """Add ``audit list`` and the filters (and PDF) of ``audit export``."""
    lst = a_sub.add_parser("list", help="list the audit trail, filtered (supervisor)")
    lst.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    add_filter_options(lst)
    lst.add_argument("--json", action="store_true", help="the entries as a JSON array")
    add_user_option(lst)
    lst.set_defaults(func=cmd_audit_list)
    add_filter_options(export)
    export.set_defaults(func=cmd_audit_export)


def _filter(args: argparse.Namespace) -> AuditFilter:
    return AuditFilter.from_text(
        examiner=getattr(args, "examiner", None),
        actions=getattr(args, "action", None) or (),
        since=args.since,
        until=args.until,
        item=getattr(args, "item", None),
    )


def _dump(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


# -- audit -----------------------------------------------------------------------------------


def cmd_audit_list(args: argparse.Namespace) -> int:
    """List the filtered log with the chain's verdict on top."""
    flt = _filter(args)
    with open_session(args) as session:
        review = audit_view.load_review(session)
    rows = review.filtered(flt)
    if args.json:
        v = review.verdict
        _dump(
            {
                "chain": {"ok": v.ok, "entries": v.entries, "first_bad": v.first_bad,
                          "problem": v.problem},
                "head": {"seq": review.head[0], "hash": review.head[1]},
                "filter": flt.as_dict(),
                "entries": [audit_view.row_dict(r) for r in rows],
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


def cmd_audit_export(args: argparse.Namespace) -> int:
    """``audit export``: the plain log as before, or the filtered/PDF review (supervisor)."""
    flt = _filter(args)
    if flt.empty and args.format != "pdf":
        from triage_app.cli import audit_commands

        return audit_commands.cmd_export(args)
    with open_session(args) as session:
        result = audit_view.export_filtered(session, flt, args.format, args.out)
    print(f"wrote {result.entries} entries to {result.path} ({result.format})")
    print(f"filter: {flt.describe()}")
    print("chain: " + ("intact" if result.chain_ok else "BROKEN (see 'triage audit verify')"))
    print(f"sha256 {result.sha256}")
    print(f"head {result.head[0]} {result.head[1]}")
    print(f"recorded as audit entry {result.audit_entry}")
    return 0 if result.chain_ok else 1


# -- stats -----------------------------------------------------------------------------------


def cmd_stats(args: argparse.Namespace) -> int:
    """Per-examiner statistics."""
    flt = _filter(args)
    with open_session(args) as session:
        review = audit_view.load_review(session)
    stats = review.stats(flt, bucket=args.bucket)
    if args.json:
        _dump(
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


# -- qa --------------------------------------------------------------------------------------


def _counts(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        cat, sep, n = value.partition("=")
        if not sep or not cat.strip():
            raise TriageError(f"--count takes CATEGORY=N, e.g. A=5, not {value!r}")
        try:
            out[cat.strip()] = int(n)
        except ValueError:
            raise TriageError(f"--count {value!r}: N must be a whole number") from None
    return out


def cmd_qa_sample(args: argparse.Namespace) -> int:
    """Draw a sample."""
    with open_session(args) as session:
        draw = qa.draw_sample(
            session,
            examiner=args.examiner,
            second_grader=args.second_grader,
            percent=args.percent,
            counts=_counts(args.count) if args.count else None,
            seed=args.seed,
            exhibit=args.exhibit,
        )
    if args.json:
        _dump(
            {
                "round": draw.round_id,
                "examiner": draw.examiner,
                "second_grader": draw.second_grader,
                "exhibit": draw.exhibit,
                "method": draw.method,
                "parameters": draw.parameters,
                "seed": draw.seed,
                "head": {"seq": draw.head[0], "hash": draw.head[1]},
                "population": draw.population,
                "population_sha256": draw.population_sha256,
                "items": list(draw.items),
                "drawn_per_category": draw.drawn_per_category,
            }
        )
        return 0
    per = ", ".join(f"{c} {n}" for c, n in draw.drawn_per_category.items())
    print(f"QA round {draw.round_id}: {len(draw.items)} of {draw.population} manual grades by "
          f"{draw.examiner} ({per})")  # fmt: skip
    print(f"second grader {draw.second_grader} grades them blind: triage qa grade CASE_DIR "
          f"--round {draw.round_id}")  # fmt: skip
    print(f"seed {draw.seed}; population as of audit entry {draw.head[0]}, "
          f"sha256 {draw.population_sha256}")  # fmt: skip
    print("items: " + " ".join(map(str, draw.items)))
    return 0


def cmd_qa_list(args: argparse.Namespace) -> int:
    """List rounds: all for a supervisor, the assigned ones (blind form) for anyone else."""
    with open_session(args) as session:
        supervisor = session.account.role == SUPERVISOR
        rounds = qa.list_rounds(session) if supervisor else []
        assigned = qa.assigned_rounds(session)
    if supervisor:
        rows: list[dict[str, Any]] = [
            {"round": r.id, "created_at": r.created_at, "examiner": r.examiner,
             "second_grader": r.second_grader, "exhibit": r.exhibit, "method": r.method,
             "parameters": r.parameters, "seed": r.seed, "sample": r.items, "graded": r.graded,
             "adjudicated": r.adjudicated}
            for r in rounds
        ]  # fmt: skip
    else:
        rows = [
            {"round": b.id, "created_at": b.created_at, "exhibit": b.exhibit, "sample": b.size,
             "graded": b.graded, "complete": b.complete}
            for b in assigned
        ]  # fmt: skip
    if args.json:
        _dump(rows)
        return 0
    if not rows:
        print("no QA rounds" if supervisor else "no QA rounds to grade")
    for row in rows:
        who = f"  {row['examiner']} -> {row['second_grader']}" if supervisor else ""
        print(f"round {row['round']}  {row['created_at'][:19]}  graded {row['graded']} of "
              f"{row['sample']}{who}")  # fmt: skip
    return 0


def cmd_qa_grade(args: argparse.Namespace) -> int:
    """Show the blind sample, or record a second grade."""
    if (args.item is None) != (args.category is None):
        raise TriageError("give both --item and --category to record a grade, or neither to list")
    with open_session(args) as session:
        if args.item is not None:
            progress = qa.record_second_grade(session, args.round, args.item, args.category)
            if args.json:
                _dump(
                    {"round": progress.round_id, "item": progress.item_id,
                     "your_grade": progress.category, "graded": progress.graded,
                     "sample": progress.size, "complete": progress.complete}
                )  # fmt: skip
                return 0
            print(f"item {progress.item_id}: your grade {progress.category} recorded "
                  f"({progress.graded} of {progress.size} graded)")  # fmt: skip
            if progress.complete:
                print("the sample is complete: your answers are final")
            return 0
        blind, items = qa.blind_worklist(session, args.round)
    if args.json:
        _dump(
            {"round": blind.id, "exhibit": blind.exhibit, "sample": blind.size,
             "graded": blind.graded, "complete": blind.complete,
             "items": [{"position": i.position, "item": i.item_id, "exhibit": i.exhibit,
                        "media_type": i.media_type, "your_grade": i.your_grade} for i in items]}
        )  # fmt: skip
        return 0
    print(f"QA round {blind.id}: {blind.graded} of {blind.size} graded (blind: earlier grades "
          "are not shown)")  # fmt: skip
    for i in items:
        print(f"{i.position:>4}  item {i.item_id:<8} {i.exhibit:<12} {i.media_type or '-':<6} "
              f"your grade {i.your_grade or '-'}")  # fmt: skip
    return 0


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def cmd_qa_report(args: argparse.Namespace) -> int:
    """Agreement, kappa and the adjudication queue."""
    with open_session(args) as session:
        report = qa.qa_report(session, args.round)
    if args.json:
        _dump(report.as_dict())
        return 0
    r, a = report.round, report.agreement
    print(f"QA round {r.id}: {r.examiner}'s manual grades, second grader {r.second_grader}")
    print(f"sample {r.items} of {r.population} (seed {r.seed}); second-graded {r.graded}"
          + ("" if report.complete else " (NOT COMPLETE: figures are provisional)"))  # fmt: skip
    kappa = "undefined" if a.kappa is None else f"{float(a.kappa):.3f}"
    observed = "-" if a.observed is None else f"{100 * float(a.observed):.1f}%"
    print(f"agreement {a.agreed} of {a.n} ({observed}); Cohen's kappa {kappa}")
    print(f"{'category':<10} {'first':>6} {'second':>7} {'agreed':>7} {'agreement':>10}")
    for c in a.per_category:
        if c.first or c.second:
            print(f"{c.category:<10} {c.first:>6} {c.second:>7} {c.agreed:>7} "
                  f"{_pct(c.agreement):>10}")  # fmt: skip
    print(f"disagreements: {len(report.disagreements)} ({report.open_disagreements} open)")
    for d in report.disagreements:
        state = (
            f"final {d.final_category} by {d.adjudicated_by}: {d.reason}"
            if d.adjudicated
            else "OPEN"
        )
        print(f"  item {d.item_id}: first {d.first_category} ({d.first_user}), second "
              f"{d.second_category}, now {d.current_category or '-'}; {state}")  # fmt: skip
    return 0


def cmd_qa_adjudicate(args: argparse.Namespace) -> int:
    """Record a final grade."""
    with open_session(args) as session:
        done = qa.adjudicate(
            session, args.round, args.item, args.category, args.reason, propagate=args.propagate
        )
    change = (
        f"grade amended (audit entry {done.grade_audit_seq})"
        if done.grade_changed
        else "the item's grade already was this"
    )
    print(f"item {done.item_id}: final grade {done.category}; {change}; recorded as audit "
          f"entry {done.audit_seq}")  # fmt: skip
    if done.propagated:
        print(f"propagated to: {', '.join(map(str, done.propagated))}")
    return 0


def cmd_qa_verify(args: argparse.Namespace) -> int:
    """Draw a round's sample again."""
    with open_session(args) as session:
        check = qa.verify_sample(session, args.round)
    if check.ok:
        print(f"QA round {check.round_id}: the sample is reproduced from seed {check.seed} "
              f"({len(check.items)} items of {check.population})")  # fmt: skip
        return 0
    print(f"QA round {check.round_id}: NOT REPRODUCED")
    for problem in check.problems:
        print(f"  {problem}")
    return 1


# -- sign-off --------------------------------------------------------------------------------


def cmd_signoff(args: argparse.Namespace) -> int:
    """Sign off, or list sign-offs."""
    with open_session(args) as session:
        if args.list:
            rows = signoff.sign_offs(session)
            if args.json:
                _dump([signoff.sign_off_dict(r) for r in rows])
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
        _dump({**signoff.sign_off_dict(row), "warnings": list(result.warnings)})
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
