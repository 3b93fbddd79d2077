"""The audit-trail filters shared by ``audit list``, ``audit export`` and ``stats``."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from triage_app.cli.argtypes import item_id

if TYPE_CHECKING:
    from triage_app.supervision.audit_view import AuditFilter


def add_filter_options(parser: argparse.ArgumentParser, *, item: bool = True) -> None:
    """The audit filters: account, action, dates, item."""
    parser.add_argument("--examiner", metavar="NAME", help="entries of this account")
    parser.add_argument(
        "--action", action="append", default=[], metavar="ACTION", help="this action (repeatable)"
    )
    parser.add_argument("--since", metavar="DATE", help="from this UTC date or time")
    parser.add_argument("--until", metavar="DATE", help="up to and including this UTC date/time")
    if item:
        parser.add_argument("--item", type=item_id, metavar="ID", help="entries about this item")


def filter_from_args(args: argparse.Namespace) -> AuditFilter:
    """The filter the options describe."""
    from triage_app.supervision.audit_view import AuditFilter

    return AuditFilter.from_text(
        examiner=getattr(args, "examiner", None),
        actions=getattr(args, "action", None) or (),
        since=args.since,
        until=args.until,
        item=getattr(args, "item", None),
    )


def dump(value: Any) -> None:
    """Print ``value`` as indented JSON (non-ASCII kept)."""
    print(json.dumps(value, indent=2, ensure_ascii=False))
