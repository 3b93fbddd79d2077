"""Blind second grading on the command line: ``triage qa ...``.

- ``triage qa sample CASE_DIR --examiner NAME --second-grader NAME
  (--percent P | --count CAT=N ...) [--seed N] [--exhibit REF] [--json]``
- ``triage qa list CASE_DIR [--json]`` (a second grader sees only the rounds given to them)
- ``triage qa grade CASE_DIR --round R [--item ID --category CODE] [--json]`` (blind)
- ``triage qa report CASE_DIR --round R [--json]``
- ``triage qa adjudicate CASE_DIR --round R --item ID --category CODE --reason TEXT [--propagate]``
- ``triage qa verify CASE_DIR --round R``: draw the sample again from its seed

Everything but ``qa grade`` and ``qa list`` needs a supervisor account.
"""

from __future__ import annotations

import argparse
from typing import Any

from triage_app.cli.argtypes import MAX_ID, int_range, item_id
from triage_app.cli.audit_filters import dump
from triage_app.cli.signin import open_session
from triage_app.cli.subcommands import case_command, finish
from triage_app.domain.accounts import SUPERVISOR
from triage_app.domain.errors import TriageError


def register(sub: Any) -> None:
    """Add the ``qa`` command group."""
    q = sub.add_parser("qa", help="blind second grading of a sample of an examiner's grades")
    q_sub = q.add_subparsers(dest="qa_command", required=True, metavar="ACTION")
    s = case_command(q_sub, "sample", "draw a sample for blind second grading (supervisor)")
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
    s.add_argument(
        "--seed", type=int_range(0, MAX_ID), metavar="N", help="random seed (default: a fresh one)"
    )
    s.add_argument("--exhibit", metavar="REF", help="only grades of items of this exhibit")
    finish(s, cmd_qa_sample, json=True)

    ls = case_command(q_sub, "list", "QA rounds (a second grader sees their own only)")
    finish(ls, cmd_qa_list, json=True)

    g = _round_command(
        q_sub, "grade", "the blind sample to grade; with --item and --category, record a grade"
    )
    g.add_argument("--item", type=item_id, metavar="ID")
    g.add_argument("--category", metavar="CODE")
    finish(g, cmd_qa_grade, json=True)

    r = _round_command(
        q_sub, "report", "agreement per category, Cohen's kappa, disagreements (supervisor)"
    )
    finish(r, cmd_qa_report, json=True)

    a = _round_command(
        q_sub, "adjudicate", "record the final grade of a disagreement, with a reason (supervisor)"
    )
    a.add_argument("--item", type=item_id, required=True, metavar="ID")
    a.add_argument("--category", required=True, metavar="CODE", help="the final grade")
    a.add_argument("--reason", required=True, metavar="TEXT")
    a.add_argument("--propagate", action="store_true", help="also grade the item's duplicate group")
    finish(a, cmd_qa_adjudicate)

    v = _round_command(q_sub, "verify", "draw a round's sample again from its seed and compare")
    finish(v, cmd_qa_verify)


def _round_command(q_sub: Any, name: str, help: str) -> argparse.ArgumentParser:
    """``qa NAME CASE_DIR --round R``."""
    parser = case_command(q_sub, name, help)
    parser.add_argument("--round", type=item_id, required=True, metavar="R")
    return parser


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
    from triage_app.supervision import qa

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
        dump(
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
    from triage_app.supervision import qa

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
        dump(rows)
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
    from triage_app.supervision import qa

    if (args.item is None) != (args.category is None):
        raise TriageError("give both --item and --category to record a grade, or neither to list")
    with open_session(args) as session:
        if args.item is not None:
            progress = qa.record_second_grade(session, args.round, args.item, args.category)
            if args.json:
                dump(
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
        dump(
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
    from triage_app.supervision import qa

    with open_session(args) as session:
        report = qa.qa_report(session, args.round)
    if args.json:
        dump(report.as_dict())
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
            f"final {d.final_category} by {d.pair.adjudicated_by}: {d.pair.adjudication_reason}"
            if d.adjudicated
            else "OPEN"
        )
        print(f"  item {d.item_id}: first {d.pair.first_category} ({d.pair.first_user}), second "
              f"{d.second_category}, now {d.current_category or '-'}; {state}")  # fmt: skip
    return 0


def cmd_qa_adjudicate(args: argparse.Namespace) -> int:
    """Record a final grade."""
    from triage_app.supervision import qa

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
    from triage_app.supervision import qa

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
