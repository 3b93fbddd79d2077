"""Schema versioning: Alembic upgrades and the refuse-newer check on open.

There are two databases with their own migration histories: the case
database (``migrations/``) and the per-user hash library
(``library_migrations/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData

from triage_app import __version__
from triage_app.domain.errors import SchemaTooNewError
from triage_app.storage import library_models
from triage_app.storage import models as case_models

_HERE = Path(__file__).parent


class Migrations:
    """One Alembic migration history and the checks made on open."""

    def __init__(self, folder: Path, metadata: MetaData) -> None:
        self.folder = folder
        self.metadata = metadata

    def config(self, connection: Connection | None = None) -> Config:
        """Alembic config for this history, bound to ``connection`` if given."""
        cfg = Config()
        cfg.set_main_option("script_location", str(self.folder))
        cfg.attributes["target_metadata"] = self.metadata
        if connection is not None:
            cfg.attributes["connection"] = connection
        return cfg

    def head_revision(self) -> str:
        """Return the newest schema revision this program knows."""
        head = ScriptDirectory.from_config(self.config()).get_current_head()
        assert head is not None
        return head

    def known_revisions(self) -> set[str]:
        """Return every revision id in this history."""
        script = ScriptDirectory.from_config(self.config())
        return {rev.revision for rev in script.walk_revisions()}

    @staticmethod
    def current_revision(engine: Engine) -> str | None:
        """Return the revision stamped in the database, or None for an empty one."""
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def check_revision(self, revision: str | None, where: str) -> None:
        """Refuse a database stamped with a revision this program does not know."""
        if revision is not None and revision not in self.known_revisions():
            raise SchemaTooNewError(
                f"{where} uses database schema revision {revision!r}, which this program "
                f"(version {__version__}, schema {self.head_revision()}) does not know. It "
                "was probably written by a newer version: open it with that version. "
                "Nothing was changed."
            )

    def upgrade(self, engine: Engine) -> None:
        """Bring the database to the newest revision."""
        with engine.begin() as conn:
            command.upgrade(self.config(conn), "head")


CASE = Migrations(_HERE / "migrations", case_models.Base.metadata)
LIBRARY = Migrations(_HERE / "library_migrations", library_models.LibraryBase.metadata)


def run_env(context: Any) -> None:
    """The body of both histories' ``env.py``: migrate the connection the store passed in."""
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only reached when alembic is run by hand
        raise RuntimeError("run migrations through triage_app.storage.migrate, not alembic")
    context.configure(
        connection=connection,
        target_metadata=config.attributes["target_metadata"],
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
