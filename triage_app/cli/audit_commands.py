"""``triage audit verify`` and ``triage audit export`` (``audit list`` and the export's
filters and PDF come from :mod:`triage_app.cli.supervision_commands`)."""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from triage_app.audit import chain as audit
from triage_app.audit.chain import verify_rows
from triage_app.cli import supervision_commands
from triage_app.cli.signin import add_user_option, open_session
from triage_app.domain.errors import TriageError
from triage_app.files.atomic import atomic_write_bytes
from triage_app.storage.audit_log import AuditNote
from triage_app.supervision import qa

FIELDS = ("seq", "time_utc", "user", "action", "object", "payload", "prev_hash", "hash")


def register(sub: Any) -> None:
    """Add the audit command group."""
    a = sub.add_parser("audit", help="verify, list or export the audit trail")
    a_sub = a.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    v = a_sub.add_parser("verify", help="check the hash chain; print the head")
    v.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    v.add_argument(
        "--expect-head",
        metavar="SEQ:HASH",
        help="also check against a head printed earlier (on a report or sign-off)",
    )
    add_user_option(v)
    v.set_defaults(func=cmd_verify)
    e = a_sub.add_parser("export", help="write the audit trail to a file")
    e.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    e.add_argument("--out", type=Path, required=True, metavar="FILE")
    e.add_argument(
        "--format",
        choices=("csv", "json", "pdf"),
        default="csv",
        help="csv or json: the whole log as stored; with a filter, or pdf, the supervisor's "
        "review with the filter, the chain's verdict and the head",
    )
    add_user_option(e)
    e.set_defaults(func=cmd_export)
    # Supervisor review: `audit list`, and filters/PDF on `audit export` (supervision).
    supervision_commands.register_audit(a_sub, e)


def _parse_head(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    try:
        return int(seq), digest.strip().lower()
    except ValueError:
        raise TriageError("--expect-head takes SEQ:HASH, e.g. 42:9f86d0...") from None


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify the chain."""
    expect = _parse_head(args.expect_head) if args.expect_head else None
    with open_session(args) as session:
        # Verify what was there before this command signed in, plus its own entries.
        verdict = verify_rows(session.review.audit_rows(), expect)
    if verdict.ok:
        print(f"audit trail intact: {verdict.entries} entries")
        print(f"head {verdict.head_seq} {verdict.head_hash}")
        return 0
    print(f"AUDIT TRAIL BROKEN at entry {verdict.first_bad}: {verdict.problem}")
    print(f"last good head {verdict.head_seq} {verdict.head_hash}")
    return 1


def render(rows: list[dict[str, Any]], fmt: str) -> bytes:
    """The export's bytes."""
    if fmt == "json":
        return (json.dumps(rows, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def cmd_export(args: argparse.Namespace) -> int:
    """Export the log."""
    with open_session(args) as session:
        qa.refuse_if_blind(session, "exporting the audit trail")  # blind QA (supervision)
        rows = [{f: getattr(r, f) for f in FIELDS} for r in session.review.audit_rows()]
        data = render(rows, args.format)
        try:
            atomic_write_bytes(args.out, data)
        except OSError as exc:
            raise TriageError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        digest = hashlib.sha256(data).hexdigest()
        head = (rows[-1]["seq"], rows[-1]["hash"]) if rows else (0, audit.GENESIS)
        session.review.record(
            session.actor,
            [
                AuditNote(
                    audit.EXPORT,
                    f"file {args.out.name}",
                    {
                        "what": "audit trail",
                        "format": args.format,
                        "sha256": digest,
                        "entries": len(rows),
                        "head_seq": head[0],
                        "head_hash": head[1],
                    },
                )
            ],
        )
    print(f"wrote {len(rows)} entries to {args.out}")
    print(f"sha256 {digest}")
    print(f"head {head[0]} {head[1]}")
    return 0
