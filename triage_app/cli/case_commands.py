"""``triage case ...`` and ``triage user ...``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from triage_app.cli.signin import NEW_PASSWORD_ENV, new_password, open_session
from triage_app.cli.subcommands import case_command, finish
from triage_app.domain import accounts
from triage_app.domain.accounts import PASSWORD_ENV, ROLES
from triage_app.domain.options import SCHEME_IDS

#: Where ``case create --supervisor`` takes the supervisor's password from.
SUPERVISOR_PASSWORD_ENV = "TRIAGE_SUPERVISOR_PASSWORD"


def register(sub: Any) -> None:
    """Add the ``case`` and ``user`` command groups."""
    case = sub.add_parser("case", help="create or describe a case")
    case_sub = case.add_subparsers(dest="case_command", required=True, metavar="ACTION")

    create = case_command(case_sub, "create", "create a new case folder and its first account")
    create.add_argument("--ref", required=True, help="case reference, e.g. OP-ALDER-2026-017")
    create.add_argument("--examiner", required=True, help="name of the first account")
    create.add_argument(
        "--examiner-id", metavar="ID", help="the first account's ID (collar number)"
    )
    create.add_argument("--role", choices=ROLES, default=accounts.EXAMINER, help="its role")
    create.add_argument("--scheme", choices=SCHEME_IDS, default="uk", help="grading scheme (fixed)")
    create.add_argument(
        "--database-url",
        help="keep the case in a lab database (SQLAlchemy URL) instead of SQLite in the folder",
    )
    create.add_argument(
        "--supervisor",
        metavar="NAME",
        help=f"also make NAME the case's supervisor (password from ${SUPERVISOR_PASSWORD_ENV} "
        "or a prompt): only a supervisor can add another one later",
    )
    create.add_argument("--supervisor-id", metavar="ID", help="the supervisor's ID")
    create.set_defaults(func=cmd_create)

    finish(
        case_command(case_sub, "info", "show a case's header and totals"),
        cmd_info,
        json="machine-readable output",
    )

    user = sub.add_parser("user", help="manage a case's accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = case_command(
        user_sub, "add", f"add an account (its password from ${NEW_PASSWORD_ENV} or a prompt)"
    )
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--id", dest="badge", metavar="ID", help="ID such as a collar number")
    finish(add, cmd_user_add)
    finish(case_command(user_sub, "list", "list accounts"), cmd_user_list, json=True)


def cmd_create(args: argparse.Namespace) -> int:
    """Create a case."""
    from triage_app.case.cases import NamedSupervisor, create_case

    password = new_password(PASSWORD_ENV, args.examiner)
    supervisor = None
    if args.supervisor:
        supervisor = NamedSupervisor(
            args.supervisor,
            new_password(SUPERVISOR_PASSWORD_ENV, args.supervisor),
            args.supervisor_id,
        )
    summary = create_case(
        args.case_dir,
        reference=args.ref,
        examiner=args.examiner,
        password=password,
        badge=args.examiner_id,
        role=args.role,
        scheme=args.scheme,
        database_url=args.database_url,
        supervisor=supervisor,
    )
    print(f"created case {summary.reference} ({summary.scheme} scheme) in {args.case_dir}")
    print(f"first account: {args.examiner} ({args.role})")
    if supervisor is not None:
        print(f"supervisor: {supervisor.name}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    """Describe a case."""
    with open_session(args) as session:
        s = session.summary()
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
                    "exhibits": s.sources,
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
    for found in s.sources:
        src = found["source"]
        if src["kind"] != "folder":
            stored, computed = src["stored_md5"] or "-", src["computed_md5"] or "-"
            print(f"  {found['ref']}: {src['kind']} {src['path']}: {src['verification']}"
                  f" (stored MD5 {stored}, computed {computed})")  # fmt: skip
    print(
        f"files     found {t.found} = hashed {t.hashed} + skipped {t.skipped} + failed {t.failed}"
    )
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    """Add an account."""
    from triage_app.case.accounts import add_account

    with open_session(args) as session:
        account = add_account(
            session,
            name=args.name,
            badge=args.badge,
            role=args.role,
            password=new_password(NEW_PASSWORD_ENV, args.name),
        )
    print(f"added {account.label} as {account.role}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    """List accounts."""
    with open_session(args) as session:
        users = session.accounts()
    if args.json:
        print(
            json.dumps(
                [
                    {"name": u.name, "id": u.badge, "role": u.role, "active": u.active}
                    for u in users
                ],
                indent=2,
            )
        )
        return 0
    for u in users:
        print(f"{u.name:<30} {u.badge or '-':<12} {u.role}")
    return 0
