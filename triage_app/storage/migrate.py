"""Schema versioning: Alembic upgrades and the refuse-newer check on open."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from triage_app import __version__
from triage_app.errors import SchemaTooNewError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """Return the newest schema revision this program knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Return every revision id in this program's migration history."""
    script = ScriptDirectory.from_config(_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """Return the revision stamped in the database, or None for an empty one."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_revision(revision: str | None, where: str) -> None:
    """Refuse a database stamped with a revision this program does not know."""
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNewError(
            f"{where} uses database schema revision {revision!r}, which this program "
            f"(version {__version__}, schema {head_revision()}) does not know. It was "
            "probably written by a newer version: open it with that version. "
            "Nothing was changed."
        )


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision."""
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
