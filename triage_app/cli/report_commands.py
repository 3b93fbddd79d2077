"""``triage report`` and ``triage hashset export``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triage_app.cli.signin import open_session
from triage_app.cli.subcommands import case_command, finish
from triage_app.domain.options import LIST_FORMATS, REPORT_FORMATS

if TYPE_CHECKING:
    from triage_app.reports.export import ExportResult


def register(sub: Any) -> None:
    """Add the ``report`` command."""
    r = case_command(
        sub,
        "report",
        "write the case report (pdf, html, csv) or a VICS JSON export of graded items",
    )
    r.add_argument("--format", choices=REPORT_FORMATS, required=True)
    r.add_argument("--out", type=Path, required=True, metavar="FILE")
    r.add_argument(
        "--thumbnails",
        action="store_true",
        help="add blurred greyscale thumbnails of the listed items (pdf and html; off by default)",
    )
    r.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="report even when an exhibit's ingest did not finish (the report says so)",
    )
    finish(r, cmd_report)


def register_hashset_export(hs_sub: Any) -> None:
    """Add ``hashset export`` to the ``hashset`` command group."""
    x = case_command(
        hs_sub, "export", "write a case's graded items as a hash list for the lab's library"
    )
    x.add_argument("--out", type=Path, required=True, metavar="FILE")
    x.add_argument("--format", choices=LIST_FORMATS, default="csv")
    finish(x, cmd_hashset_export)


def _print(result: ExportResult) -> None:
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    pages = f", {result.counts['pages']} pages" if "pages" in result.counts else ""
    print(f"wrote {result.what} {result.path} ({result.format}, {result.size:,} bytes{pages})")
    print(f"sha256 {result.sha256}")
    print(f"audit head in the file {result.audit_head[0]} {result.audit_head[1]}")
    print(f"recorded as audit entry {result.audit_entry}")


def cmd_report(args: argparse.Namespace) -> int:
    """Write a report."""
    from triage_app.reports.export import export_report

    with open_session(args) as session:
        result = export_report(
            session,
            args.format,
            args.out,
            thumbnails=args.thumbnails,
            allow_incomplete=args.allow_incomplete,
        )
    _print(result)
    return 0


def cmd_hashset_export(args: argparse.Namespace) -> int:
    """Write the case's graded items as a hash list."""
    from triage_app.reports.export import export_hash_list

    with open_session(args) as session:
        result = export_hash_list(session, args.out, fmt=args.format)
        scheme = session.scheme.id
    _print(result)
    c = result.counts
    print(
        f"{c['entries']} entries from {c['files']} graded files; left out: "
        f"{c['left_out_uncategorised']} uncategorised, {c['left_out_empty']} empty file; "
        f"{c['conflicting']} with copies graded differently (most severe kept)"
    )
    print(f"to use it: triage hashset import {result.path} --name NAME --scheme {scheme}")
    return 0
