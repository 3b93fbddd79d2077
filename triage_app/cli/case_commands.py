"""``triage case ...`` commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from triage_app.storage.case_store import SCHEMES, CaseStore


def register(sub: Any) -> None:
    """Add the ``case`` command group."""
    case = sub.add_parser("case", help="create or describe a case")
    case_sub = case.add_subparsers(dest="case_command", required=True, metavar="ACTION")

    create = case_sub.add_parser("create", help="create a new case folder")
    create.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    create.add_argument("--ref", required=True, help="case reference, e.g. OP-ALDER-2026-017")
    create.add_argument("--examiner", required=True, help="name of the first examiner")
    create.add_argument("--scheme", choices=SCHEMES, default="uk", help="grading scheme (fixed)")
    create.add_argument(
        "--database-url",
        help="keep the case in a lab database (SQLAlchemy URL) instead of SQLite in the folder",
    )
    create.set_defaults(func=cmd_create)

    info = case_sub.add_parser("info", help="show a case's header and totals")
    info.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.set_defaults(func=cmd_info)


def cmd_create(args: argparse.Namespace) -> int:
    """Create a case."""
    with CaseStore.create(
        args.case_dir,
        reference=args.ref,
        examiner=args.examiner,
        scheme=args.scheme,
        database_url=args.database_url,
    ) as store:
        summary = store.summary()
    print(f"created case {summary.reference} ({summary.scheme} scheme) in {args.case_dir}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    """Describe a case."""
    with CaseStore.open(args.case_dir) as store:
        s = store.summary()
    t = s.totals
    if args.json:
        print(
            json.dumps(
                {
                    "reference": s.reference,
                    "scheme": s.scheme,
                    "examiner": s.examiner,
                    "created_at": s.created_at,
                    "schema_revision": s.schema_revision,
                    "exhibits": s.exhibits,
                    "totals": {
                        "found": t.found,
                        "hashed": t.hashed,
                        "skipped": t.skipped,
                        "failed": t.failed,
                    },
                },
                indent=2,
            )
        )
        return 0
    print(f"case      {s.reference}")
    print(f"scheme    {s.scheme}")
    print(f"examiner  {s.examiner}")
    print(f"created   {s.created_at}")
    print(f"exhibits  {', '.join(s.exhibits) or '(none)'}")
    print(
        f"files     found {t.found} = hashed {t.hashed} + skipped {t.skipped} + failed {t.failed}"
    )
    return 0
