"""Signing in from the command line: ``--user``/``TRIAGE_USER`` and the password."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from triage_app.domain.accounts import MIN_PASSWORD_LENGTH, PASSWORD_ENV, USER_ENV
from triage_app.domain.errors import TriageError

if TYPE_CHECKING:
    from triage_app.case.password_check import PendingSignIn
    from triage_app.case.session import CaseSession

NEW_PASSWORD_ENV = "TRIAGE_NEW_PASSWORD"


def add_user_option(parser: argparse.ArgumentParser) -> None:
    """``--user NAME``: the account to act as (default ``$TRIAGE_USER``)."""
    parser.add_argument(
        "--user",
        metavar="NAME",
        help=f"account name or ID to act as (default: ${USER_ENV}); password from "
        f"${PASSWORD_ENV} or a prompt",
    )


def add_library_option(parser: argparse.ArgumentParser) -> None:
    """``--library PATH`` or ``--library-url URL``: another hash library than the per-user one."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--library",
        type=Path,
        metavar="PATH",
        help="hash library file (default: hashsets.db under $TRIAGE_HOME or the user data dir)",
    )
    group.add_argument(
        "--library-url",
        dest="library",
        metavar="URL",
        help="the lab's shared hash library in PostgreSQL (no password in it; default "
        "$TRIAGE_LIBRARY_URL)",
    )


def _prompt(label: str) -> str:
    if not sys.stdin.isatty():
        raise TriageError(f"no password: set {PASSWORD_ENV} or run in a terminal to be asked")
    return getpass.getpass(label)


def password_from_env_or_prompt(login: str) -> str:
    """The password for ``login`` from ``$TRIAGE_PASSWORD`` or a no-echo prompt."""
    return os.environ.get(PASSWORD_ENV) or _prompt(f"password for {login}: ")


def new_password(env: str, who: str) -> str:
    """A password for a new account: from ``env`` or asked twice without echo."""
    value = os.environ.get(env)
    if value is None:
        if not sys.stdin.isatty():
            raise TriageError(f"no password for {who}: set {env} or run in a terminal")
        value = getpass.getpass(f"new password for {who}: ")
        if getpass.getpass("again: ") != value:
            raise TriageError("the two passwords differ")
    if len(value) < MIN_PASSWORD_LENGTH:
        raise TriageError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return value


def begin_session(
    args: argparse.Namespace,
    case_dir: Path | None = None,
    *,
    on_verified: Callable[[], object] | None = None,
) -> SignIn:
    """Start signing in to the case named on the command line (the password check
    runs while the caller loads what it needs); :meth:`SignIn.finish` completes it.

    ``on_verified`` runs once the password is known to be right, on the checking thread.
    """
    from triage_app.case.password_check import PendingSignIn

    login = getattr(args, "user", None) or os.environ.get(USER_ENV)
    if not login:
        raise TriageError(f"who is acting? give --user NAME or set {USER_ENV}")
    folder = case_dir or args.case_dir
    password = password_from_env_or_prompt(login)
    return SignIn(PendingSignIn(folder, login, password, on_verified))


class SignIn:
    """A sign-in begun by :func:`begin_session`."""

    def __init__(self, pending: PendingSignIn) -> None:
        self.pending = pending

    def finish(self) -> CaseSession:
        """Open the case as the account (logged, or the refusal logged)."""
        from triage_app.case.session import CaseSession

        p = self.pending
        return CaseSession.sign_in(p.case_dir, p.login, p.password, pending=p)


def open_session(args: argparse.Namespace, case_dir: Path | None = None) -> CaseSession:
    """Sign in to the case named on the command line."""
    return begin_session(args, case_dir).finish()
