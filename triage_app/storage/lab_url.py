"""Lab database URLs: checked, normalised, never holding a password.

A lab case lives in PostgreSQL, reached with psycopg (3). The URL names the
server, the database and the role; the password comes from where libpq looks
for it (a service file, ``PGPASSFILE`` or ``~/.pgpass``) or from a prompt,
never from the URL, so it is neither on a command line nor in ``case.json``.
Every problem is a one-line :class:`~triage_app.domain.errors.CaseError`.
"""

from __future__ import annotations

import getpass
import importlib.util
import os
import shlex
import sys
from collections.abc import Callable
from typing import Any

from triage_app.domain.errors import CaseError

#: The dialect and driver every lab URL is normalised to.
DRIVER = "postgresql+psycopg"
#: Spellings accepted for it ("postgres" is the libpq/Heroku alias).
_ALIASES = ("postgres", "postgresql", "postgresql+psycopg")
#: Query keys that would carry a secret on a command line or in case.json.
_SECRET_KEYS = ("password", "sslpassword")
#: Where libpq finds a password instead (said in messages).
PASSWORD_HINT = (
    "put the password in ~/.pgpass or the file $PGPASSFILE names (mode 0600), "
    "or use a libpq service (postgresql:///?service=NAME)"
)
INSTALL_HINT = (
    "lab databases need the PostgreSQL driver, which is not installed: "
    "pip install 'triage-workstation[lab]'"
)


#: A lab's shared hash library, used when no other library is named.
LIBRARY_URL_ENV = "TRIAGE_LIBRARY_URL"


def library_url_from_env() -> str | None:
    """The lab hash library ``$TRIAGE_LIBRARY_URL`` names, if set."""
    return os.environ.get(LIBRARY_URL_ENV) or None


def is_lab_url(url: str) -> bool:
    """Whether ``url`` names a lab (PostgreSQL) database rather than SQLite."""
    return not url.startswith("sqlite")


def check_driver() -> None:
    """Refuse in one line when psycopg is not installed."""
    if importlib.util.find_spec("psycopg") is None:
        raise CaseError(INSTALL_HINT)


def lab_url(url: str, *, what: str = "--database-url") -> str:
    """``url`` checked and normalised to ``postgresql+psycopg://``; a CaseError if unusable."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = url.strip()
    try:
        parsed = make_url(text)
        port = parsed.port
    except ArgumentError:
        raise CaseError(
            f"{what} is not a database URL: expected postgresql://ROLE@HOST[:PORT]/DATABASE"
        ) from None
    except ValueError:
        raise CaseError(f"{what} has a port that is not a number") from None
    if parsed.drivername not in _ALIASES:
        if parsed.drivername.startswith(("postgresql+", "postgres+")):
            raise CaseError(
                f"{what} names the driver {parsed.drivername.split('+', 1)[1]!r}: lab "
                "databases are reached with psycopg (postgresql:// or postgresql+psycopg://)"
            )
        raise CaseError(
            f"{what} must name a PostgreSQL lab database (postgresql://...), "
            f"not {parsed.drivername!r}"
        )
    if port is not None and not 0 < port < 65536:
        raise CaseError(f"{what} has port {port}, outside 1-65535")
    if parsed.password is not None or any(k in parsed.query for k in _SECRET_KEYS):
        raise CaseError(f"{what} must not hold a password: {PASSWORD_HINT}")
    if not (parsed.database or "service" in parsed.query or "dbname" in parsed.query):
        raise CaseError(f"{what} names no database (postgresql://ROLE@HOST/DATABASE)")
    check_driver()
    return parsed.set(drivername=DRIVER).render_as_string(hide_password=False)


def role_of(url: str) -> str | None:
    """The role a lab URL connects as (None: libpq's default or the service's)."""
    from sqlalchemy.engine import make_url

    return make_url(url).username


def backup_command(url: str, revision: str) -> str:
    """A ``pg_dump`` command line that backs up the database ``url`` names."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    parts = ["pg_dump", "--format=custom"]
    name = parsed.database or parsed.query.get("dbname") or "lab"
    parts.append(f"--file={name}-before-{revision}.dump")
    conninfo = {
        "host": parsed.host or parsed.query.get("host"),
        "port": parsed.port,
        "user": parsed.username,
        "dbname": parsed.database,
        "service": parsed.query.get("service"),
    }
    info = " ".join(f"{k}={v}" for k, v in conninfo.items() if v)
    parts.append(shlex.quote(info))
    return " ".join(map(str, parts))


def _tty_prompt(where: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"database password for {where}: ")


#: Asks for a password libpq could not find (None: do not ask); tests replace it.
password_prompt: Callable[[str], str | None] = _tty_prompt
_asked: dict[str, str] = {}


def connect_asking(url: str, dialect: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
    """Connect; when libpq finds no password, ask once (not echoed) and remember it."""
    import psycopg

    if url in _asked:
        cparams["password"] = _asked[url]
    try:
        return dialect.connect(*cargs, **cparams)
    except psycopg.OperationalError as exc:
        if "no password supplied" not in str(exc) or "password" in cparams:
            raise
        answer = password_prompt(role_of(url) or "the lab database")
        if not answer:
            raise CaseError(f"the lab database asks for a password: {PASSWORD_HINT}") from None
        cparams["password"] = answer
        connection = dialect.connect(*cargs, **cparams)
        _asked[url] = answer
        return connection


def upgrade_refusal(url: str, revision: str, head: str) -> str:
    """Why a lab database at an older schema is not upgraded on open, and what to do."""
    return (
        f"the lab database is at schema {revision} and this version needs {head}; nothing "
        f"was changed. Its owner backs it up ({backup_command(url, revision)}, as the owner "
        "role) and then runs: triage lab upgrade OWNER_URL --backed-up"
    )
