"""Making a lab database ready: schema by its owner, an application role with least rights.

Two roles work a lab case. The *owner* owns the tables: it runs the
migrations (``triage lab init``, ``triage lab upgrade``) and nothing else.
The *application role*, which the workstations connect as, may read and
write the case's rows, but on the append-only tables (the audit log and the
supervision records) only ``SELECT`` and ``INSERT``; it owns nothing, so it
can neither ``ALTER`` those tables nor disable the triggers that guard them,
and it is granted no ``TRUNCATE`` anywhere. The same statements can be printed
for a DBA to run instead (:func:`setup_sql`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, create_mock_engine, text

from triage_app.domain.errors import CaseError
from triage_app.storage import migrate
from triage_app.storage.engine import make_engine
from triage_app.storage.lab_url import backup_command, lab_url

#: The application role's default name.
APP_ROLE = "triage_app"
#: Tables whose rows are never changed or removed once written (triggers guard them too).
APPEND_ONLY = (
    "audit_log",
    "qa_rounds",
    "qa_items",
    "qa_adjudications",
    "sign_offs",
    "changes_after_sign_off",
)
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
SCRAM_ITERATIONS = 4096


@dataclass(frozen=True, slots=True)
class LabReady:
    """What ``lab init`` or ``lab upgrade`` did."""

    database: str
    owner: str
    app_role: str
    schema_before: str | None
    schema_after: str
    role_created: bool


def quote_ident(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def check_role_name(name: str) -> str:
    """A role name made of lower-case letters, digits and underscores; a CaseError if not."""
    if not _ROLE_NAME.fullmatch(name):
        raise CaseError(
            f"role name {name!r}: use lower-case letters, digits and _ (at most 63 characters)"
        )
    return name


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """PostgreSQL's SCRAM-SHA-256 verifier of ``password`` (the server never sees it)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def role_sql(app_role: str, verifier: str | None) -> list[str]:
    """Create the application role (a login with no other powers)."""
    role = quote_ident(check_role_name(app_role))
    password = f" PASSWORD '{verifier}'" if verifier else ""
    return [
        f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT "
        f"NOREPLICATION NOBYPASSRLS{password}"
    ]


def _history(library: bool) -> migrate.Migrations:
    return migrate.LIBRARY if library else migrate.CASE


def grant_sql(app_role: str, database: str, *, library: bool = False) -> list[str]:
    """The application role's rights on a case's database (after the schema exists), or
    on a lab hash library's (``library``: every examiner imports and removes lists)."""
    role = quote_ident(check_role_name(app_role))
    append_only = ", ".join(APPEND_ONLY)
    return [
        f"GRANT CONNECT ON DATABASE {quote_ident(database)} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        *([] if library else [f"REVOKE UPDATE, DELETE ON {append_only} FROM {role}"]),
        f"REVOKE INSERT, UPDATE, DELETE ON {migrate.VERSION_TABLE} FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]


def schema_sql(*, library: bool = False) -> str:
    """The migrations as SQL for PostgreSQL (Alembic's offline mode; nothing is connected)."""
    from alembic import command

    # "named" parameters: a "%" in a trigger body stays one "%".
    mock = create_mock_engine("postgresql+psycopg://", lambda *_a, **_k: None, paramstyle="named")
    out = io.StringIO()
    cfg = _history(library).config(mock)  # type: ignore[arg-type]
    cfg.output_buffer = out
    command.upgrade(cfg, "head", sql=True)
    return out.getvalue()


def setup_sql(url: str, app_role: str, *, library: bool = False) -> str:
    """Everything ``lab init`` would do, as one SQL script for a DBA (run as the owner)."""
    from sqlalchemy.engine import make_url

    database = make_url(lab_url(url)).database or "DATABASE"
    lines = [
        f"-- triage lab database {database}: run as the role that will own the tables.",
        f"-- The application role {app_role} gets its password from the DBA:",
        f"--   ALTER ROLE {quote_ident(app_role)} PASSWORD '...';  (or \\password in psql)",
        "-- CREATE ROLE needs CREATEROLE: a DBA may run that line apart and skip it here.",
        *(s + ";" for s in role_sql(app_role, None)),
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;  -- the default since PostgreSQL 15",
        schema_sql(library=library).strip(),
        *(s + ";" for s in grant_sql(app_role, database, library=library)),
    ]
    return "\n".join(lines) + "\n"


def _facts(engine: Engine) -> tuple[str, str, bool]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT current_database(), current_user, rolcreaterole OR rolsuper "
                 "FROM pg_roles WHERE rolname = current_user")
        ).one()  # fmt: skip
        return str(row[0]), str(row[1]), bool(row[2])


def _role_exists(engine: Engine, role: str) -> bool:
    with engine.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
        return found.first() is not None


def _run(engine: Engine, statements: list[str]) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def init_lab(
    url: str, app_role: str = APP_ROLE, app_password: str | None = None, *, library: bool = False
) -> LabReady:
    """As the owner at ``url``: the schema (a case's, or a lab hash library's), the
    application role (if missing) and its grants."""
    history = _history(library)
    app_role = check_role_name(app_role)
    engine = make_engine(lab_url(url), writer=True)
    try:
        database, owner, can_create = _facts(engine)
        if owner == app_role:
            raise CaseError(f"connect as the owner role, not as the application role {app_role}")
        before = history.current_revision(engine)
        history.check_revision(before, f"the lab database {database}")
        if before is not None and before != history.head:
            raise CaseError(
                f"the lab database {database} is at schema {before}: use triage lab upgrade"
            )
        exists = _role_exists(engine, app_role)
        if (not exists or app_password) and not can_create:
            raise CaseError(
                f"{owner} may not create or alter roles: ask a DBA to create {app_role} "
                "and set its password (triage lab init --print-sql shows how)"
            )
        verifier = scram_verifier(app_password) if app_password else None
        if not exists:
            _run(engine, role_sql(app_role, verifier))
        elif verifier:
            _run(engine, [f"ALTER ROLE {quote_ident(app_role)} PASSWORD '{verifier}'"])
        if before is None:
            history.upgrade(engine)
        _run(engine, grant_sql(app_role, database, library=library))
        return LabReady(database, owner, app_role, before, history.head, not exists)
    finally:
        engine.dispose()


def upgrade_lab(url: str, app_role: str = APP_ROLE, *, backed_up: bool) -> LabReady:
    """As the owner: bring the schema to this version's and grant the new tables' rights.

    Refused with the backup command to run unless ``backed_up``.
    """
    app_role = check_role_name(app_role)
    url = lab_url(url)
    engine = make_engine(url, writer=True)
    try:
        database, owner, _ = _facts(engine)
        before = migrate.CASE.current_revision(engine)
        if before is None:
            raise CaseError(f"the lab database {database} has no schema: use triage lab init")
        migrate.CASE.check_revision(before, f"the lab database {database}")
        if before != migrate.CASE.head:
            if not backed_up:
                raise CaseError(
                    f"the lab database {database} is at schema {before} and would be upgraded "
                    f"to {migrate.CASE.head}: back it up first ({backup_command(url, before)}), "
                    "then run this again with --backed-up"
                )
            migrate.CASE.upgrade(engine)
        _run(engine, grant_sql(app_role, database))
        return LabReady(database, owner, app_role, before, migrate.CASE.head, False)
    finally:
        engine.dispose()
