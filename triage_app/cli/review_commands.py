"""``triage grade``, ``confirm``, ``undo`` and ``status``."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from triage_app.cli.argtypes import item_id, part_number
from triage_app.cli.signin import open_session
from triage_app.cli.subcommands import case_command, finish
from triage_app.domain.errors import TriageError

if TYPE_CHECKING:
    from triage_app.review.grading import GradeOutcome


def register(sub: Any) -> None:
    """Add the grading and status commands."""
    g = case_command(sub, "grade", "grade items (a change of grade needs --reason)")
    g.add_argument("--item", type=item_id, action="append", required=True, metavar="ID")
    g.add_argument("--category", required=True, metavar="CODE")
    g.add_argument("--reason", metavar="TEXT", help="why (required when changing a grade)")
    g.add_argument(
        "--propagate",
        action="store_true",
        help="also grade the rest of each item's duplicate group",
    )
    g.add_argument(
        "--part", type=part_number, metavar="N", help="grade part N (frame/page/segment) only"
    )
    finish(g, cmd_grade)

    c = case_command(sub, "confirm", "accept near-match suggestions as grades")
    c.add_argument("--item", type=item_id, action="append", required=True, metavar="ID")
    c.add_argument("--reason", metavar="TEXT", help="needed if the item already has another grade")
    finish(c, cmd_confirm)

    u = case_command(sub, "undo", "undo a propagation, or an item's latest grade change")
    which = u.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--propagation-from", type=item_id, metavar="ID", help="undo grades copied from ID"
    )
    which.add_argument("--item", type=item_id, metavar="ID", help="revert ID's latest grade change")
    u.add_argument("--reason", default="undone by examiner", metavar="TEXT")
    finish(u, cmd_undo)

    h = case_command(sub, "history", "an item's grade history")
    h.add_argument("--item", type=item_id, required=True, metavar="ID")
    finish(h, cmd_history, json=True)

    s = case_command(sub, "status", "counts: settled by lists, graded, and the review load")
    finish(s, cmd_status, json=True)


def _report(outcome: GradeOutcome) -> None:
    if outcome.graded:
        print(f"graded: {', '.join(map(str, outcome.graded))}")
    if outcome.unchanged:
        print(f"already so graded: {', '.join(map(str, outcome.unchanged))}")
    if outcome.propagated:
        print(f"propagated to: {', '.join(map(str, outcome.propagated))}")
    for conflict in outcome.conflicts:
        print(f"not propagated: {conflict}")


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade items."""
    from triage_app.review import grading

    with open_session(args) as session:
        if args.part is not None:
            if len(args.item) != 1 or args.propagate:
                raise TriageError("--part grades one item at a time, without --propagate")
            worst = grading.grade_part(session, args.item[0], args.part, args.category)
            print(f"item {args.item[0]} part {args.part} graded; item grade is now {worst}")
            return 0
        outcome = grading.grade(
            session, args.item, args.category, reason=args.reason, propagate=args.propagate
        )
    _report(outcome)
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    """Confirm suggestions."""
    from triage_app.review import grading

    with open_session(args) as session:
        outcome = grading.confirm(session, args.item, reason=args.reason)
    _report(outcome)
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    """Undo."""
    from triage_app.review import grading

    with open_session(args) as session:
        if args.propagation_from is not None:
            undone = grading.undo_propagation(session, args.propagation_from)
            print(f"restored {len(undone)} items: {', '.join(map(str, undone)) or '-'}")
        else:
            changed = grading.undo_last(session, args.item, reason=args.reason)
            print("reverted" if changed else "nothing to undo")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Show an item's grade history."""
    from triage_app.review.items import grade_history

    with open_session(args) as session:
        rows = grade_history(session, args.item)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        print(
            f"{r['time']}  {r['user']}: {r['old_category'] or '-'} ({r['old_source'] or '-'}) -> "
            f"{r['new_category'] or '-'} ({r['new_source'] or '-'})"
            + (f"  because: {r['reason']}" if r["reason"] else "")
        )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Case counts."""
    from triage_app.review.groups import status

    with open_session(args) as session:
        counts = status(session)
    if args.json:
        print(json.dumps(counts, indent=2))
        return 0
    for key, value in counts.items():
        print(f"{key.replace('_', ' '):<16} {value}")
    return 0
