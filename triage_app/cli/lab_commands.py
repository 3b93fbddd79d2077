"""``triage lab ...``: make a PostgreSQL database ready for lab cases, upgrade it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from triage_app.cli.signin import new_password

#: Where ``lab init`` takes the application role's new password from (or a prompt).
APP_PASSWORD_ENV = "TRIAGE_LAB_APP_PASSWORD"
_DEFAULT_ROLE = "triage_app"
_URL_HELP = (
    "the database as its owner role: postgresql://OWNER@HOST[:PORT]/DATABASE or "
    "postgresql:///?service=NAME (no password: libpq reads ~/.pgpass, $PGPASSFILE or the "
    "service file, or asks)"
)


def register(sub: Any) -> None:
    """Add the ``lab`` command group."""
    lab = sub.add_parser("lab", help="lab mode: cases in a shared PostgreSQL database")
    lab_sub = lab.add_subparsers(dest="lab_command", required=True, metavar="ACTION")

    init = lab_sub.add_parser(
        "init", help="create the schema, the application role and its rights (as the owner)"
    )
    init.add_argument("url", metavar="URL", help=_URL_HELP)
    _role_option(init)
    init.add_argument(
        "--print-sql",
        action="store_true",
        help="print the SQL for a DBA to run instead, and connect to nothing",
    )
    init.add_argument(
        "--library",
        action="store_true",
        help="make the database the lab's shared hash library (--library-url) instead of a case's",
    )
    init.add_argument(
        "--no-app-password",
        action="store_true",
        help=f"leave the application role's password alone (else from ${APP_PASSWORD_ENV} "
        "or a prompt)",
    )
    init.set_defaults(func=cmd_init)

    upgrade = lab_sub.add_parser(
        "upgrade", help="bring a lab database's schema up to this version (as the owner)"
    )
    upgrade.add_argument("url", metavar="URL", help=_URL_HELP)
    _role_option(upgrade)
    upgrade.add_argument(
        "--backed-up",
        action="store_true",
        help="the database was backed up (pg_dump) just now: without it the upgrade is refused",
    )
    upgrade.set_defaults(func=cmd_upgrade)


def _role_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--app-role",
        default=_DEFAULT_ROLE,
        metavar="NAME",
        help=f"the role the workstations connect as (default {_DEFAULT_ROLE})",
    )


def cmd_init(args: argparse.Namespace) -> int:
    """Make a lab database ready, or print the SQL that would."""
    from triage_app.case import lab

    if args.print_sql:
        sys.stdout.write(lab.print_sql(args.url, args.app_role, library=args.library))
        return 0
    lab.check_url(args.url)
    password = None
    if not args.no_app_password:
        password = new_password(APP_PASSWORD_ENV, f"the application role {args.app_role}")
    ready = lab.init(args.url, args.app_role, password, library=args.library)
    print(
        f"lab database {ready.database} ready at schema {ready.schema_after} "
        f"(owner {ready.owner}); application role {ready.app_role} "
        + ("created" if ready.role_created else "granted its rights")
    )
    use = "--library-url" if args.library else "triage case create CASE_DIR ... --database-url"
    print(
        f"examiners: {use} 'postgresql://{ready.app_role}@HOST/{ready.database}' "
        "(password in ~/.pgpass)"
    )
    return 0


def cmd_upgrade(args: argparse.Namespace) -> int:
    """Upgrade a lab database's schema (refused unless backed up)."""
    from triage_app.case import lab

    ready = lab.upgrade(args.url, args.app_role, backed_up=args.backed_up)
    if ready.schema_before == ready.schema_after:
        print(f"lab database {ready.database} is already at schema {ready.schema_after}")
    else:
        print(
            f"lab database {ready.database} upgraded from schema {ready.schema_before} "
            f"to {ready.schema_after}"
        )
    return 0
