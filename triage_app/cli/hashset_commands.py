"""``triage hashset ...`` and ``triage match``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triage_app.cli import report_commands
from triage_app.cli.argtypes import int_range
from triage_app.cli.signin import open_session
from triage_app.cli.subcommands import case_command, finish
from triage_app.domain.options import (
    HASH_LIST_FORMATS,
    HASH_SET_ROLES,
    MAX_NEAR_THRESHOLD,
    SCHEME_IDS,
)

if TYPE_CHECKING:
    from triage_app.library.case_matcher import MatchSummary
    from triage_app.review.refresh import RefreshResult


def register(sub: Any) -> None:
    """Add the hashset command group and the match command."""
    hs = sub.add_parser("hashset", help="manage the per-user hash library")
    hs_sub = hs.add_subparsers(dest="hashset_command", required=True, metavar="ACTION")

    imp = hs_sub.add_parser("import", help="import a known-hash list into the library")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--name", help="name of the set (default: the file name without extension)")
    imp.add_argument("--format", choices=("auto", *HASH_LIST_FORMATS), default="auto")
    imp.add_argument(
        "--role", choices=HASH_SET_ROLES, help="known (default) or ignorable (NSRL default)"
    )
    imp.add_argument(
        "--scheme",
        choices=SCHEME_IDS,
        help="scheme the list's category codes are written in (default: inferred)",
    )
    finish(imp, cmd_import, json="print the import report as JSON", library=True, user=False)

    lst = hs_sub.add_parser("list", help="list the sets in the library")
    finish(lst, cmd_list, json=True, library=True, user=False)

    rm = hs_sub.add_parser("remove", help="remove a set from the library")
    rm.add_argument("name", metavar="NAME")
    finish(rm, cmd_remove, library=True, user=False)

    for action, active in (("disable", False), ("enable", True)):
        p = hs_sub.add_parser(action, help=f"{action} a set for matching")
        p.add_argument("name", metavar="NAME")
        finish(p, cmd_toggle, library=True, user=False, active=active)

    # `hashset export` (a case's graded items as a list) lives with the report commands.
    report_commands.register_hashset_export(hs_sub)

    match = case_command(sub, "match", "match a case against every active hash set")
    match.add_argument(
        "--threshold",
        type=int_range(0, MAX_NEAR_THRESHOLD),
        metavar="BITS",
        help=f"set the case's pHash near-match threshold (0-{MAX_NEAR_THRESHOLD}) before matching",
    )
    finish(match, cmd_match, json="print the summary as JSON", library=True)


def cmd_import(args: argparse.Namespace) -> int:
    """Import a list."""
    from triage_app.library.service import import_list

    result = import_list(
        args.library, args.file, name=args.name, fmt=args.format, role=args.role, scheme=args.scheme
    )
    info, report = result.info, result.report
    if args.json:
        out = info.as_json()
        out["seconds"] = round(result.seconds, 3)
        out["rejected_lines"] = [
            {"line": r.line, "reason": r.reason} for r in report.rejected[:1000]
        ]
        out["warnings"] = report.warnings
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"imported {info.name!r} ({info.format}{', ' + info.profile if info.profile else ''}, "
        f"role {info.role}, scheme {info.scheme or 'unknown'}): {info.loaded} entries loaded, "
        f"{info.rejected} lines rejected, {info.excluded} hashes excluded "
        f"in {result.seconds:.1f} s"
    )
    print(f"file sha256 {info.source_sha256}")
    print(f"fingerprint {info.fingerprint}")
    for rejected in report.rejected[:20]:
        print(f"  line {rejected.line}: {rejected.reason}", file=sys.stderr)
    if report.rejected_count > 20:
        print(f"  ... and {report.rejected_count - 20} more rejected lines", file=sys.stderr)
    for warning in report.warnings[:20]:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List sets."""
    from triage_app.library.service import list_sets

    sets = list_sets(args.library)
    if args.json:
        print(json.dumps([s.as_json() for s in sets], indent=2))
        return 0
    if not sets:
        print("the hash library is empty")
        return 0
    for s in sets:
        state = "" if s.active else "  (disabled)"
        print(
            f"{s.name:<30} {s.role:<9} {s.format:<5} {s.loaded:>11,} entries  "
            f"imported {s.imported_at[:19]}  fingerprint {(s.fingerprint or '')[:16]}{state}"
        )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove a set."""
    from triage_app.library.service import remove_set

    info = remove_set(args.library, args.name)
    print(f"removed {info.name!r} ({info.loaded} entries)")
    return 0


def cmd_toggle(args: argparse.Namespace) -> int:
    """Enable or disable a set."""
    from triage_app.library.service import set_active

    info = set_active(args.library, args.name, args.active)
    print(f"{info.name!r} is now {'enabled' if info.active else 'disabled'} for matching")
    return 0


def print_match_summary(summary: MatchSummary) -> None:
    """One line per kind of match."""
    counts = summary.counts
    print(
        f"matched {summary.items} items against {len(summary.sets)} hash sets "
        f"(pHash threshold {summary.thresholds['phash']}): "
        f"exact {counts.get('exact', 0)}, near {counts.get('near', 0)}, "
        f"ignorable {counts.get('ignorable', 0)}"
    )


def print_refresh(result: RefreshResult) -> None:
    """Summarise a match + list-grading + grouping refresh."""
    if result.match is not None:
        print_match_summary(result.match)
    if result.list_grades is not None and (
        result.list_grades.graded or result.list_grades.conflicts
    ):
        print(f"graded from hash lists: {len(result.list_grades.graded)} items")
        for conflict in result.list_grades.conflicts[:20]:
            print(f"  kept the examiner's grade: {conflict}")
    g = result.groups
    print(
        f"duplicate groups: {g.groups} ({g.exact_groups} exact, {g.near_groups} near) "
        f"holding {g.grouped_items} items"
    )


def cmd_match(args: argparse.Namespace) -> int:
    """Match a case."""
    from triage_app.review.refresh import refresh, set_near_threshold

    with open_session(args) as session:
        if args.threshold is not None:
            set_near_threshold(session, args.threshold)
        result = refresh(session, args.library)
        summary = result.match
    if summary is None:
        print("the hash library holds no sets: nothing to match against")
        return 0
    if args.json:
        print(
            json.dumps(
                {
                    "run_id": summary.run_id,
                    "hash_sets": summary.sets,
                    "items": summary.items,
                    "counts": summary.counts,
                    "thresholds": summary.thresholds,
                },
                indent=2,
            )
        )
    else:
        print_refresh(result)
    return 0
