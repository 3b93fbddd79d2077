"""Schema versioning: Alembic upgrades and the refuse-newer check on open.

There are two databases with their own migration histories: the case
database (``migrations/``) and the per-user hash library
(``library_migrations/``).

Opening a database whose revision is the newest this program knows (the
usual case) reads one row and loads none of Alembic: :attr:`Migrations.head`
is written here, and a test checks it against Alembic's own view of the
history. Alembic is imported only to create, upgrade or refuse a database.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, MetaData, inspect, text
from sqlalchemy.exc import DatabaseError

from triage_app import __version__
from triage_app.domain.errors import SchemaTooNewError

if TYPE_CHECKING:
    from alembic.config import Config

_HERE = Path(__file__).parent
VERSION_TABLE = "alembic_version"


class Migrations:
    """One Alembic migration history and the checks made on open."""

    def __init__(self, folder: Path, models: str, base: str, head: str) -> None:
        self.folder = folder
        self._models = (models, base)
        #: The newest revision of this history (checked against Alembic by a test).
        self.head = head

    @property
    def metadata(self) -> MetaData:
        """The ORM schema this history builds (its module is loaded on first use)."""
        module, base = self._models
        metadata: MetaData = getattr(importlib.import_module(module), base).metadata
        return metadata

    def config(self, connection: Connection | None = None) -> Config:
        """Alembic config for this history, bound to ``connection`` if given."""
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(self.folder))
        cfg.attributes["target_metadata"] = self.metadata
        if connection is not None:
            cfg.attributes["connection"] = connection
        return cfg

    def head_revision(self) -> str:
        """Return the newest schema revision this program knows."""
        return self.head

    def alembic_head(self) -> str | None:
        """The newest revision as Alembic reads it from the history's scripts."""
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self.config()).get_current_head()

    def known_revisions(self) -> set[str]:
        """Return every revision id in this history."""
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(self.config())
        return {rev.revision for rev in script.walk_revisions()}

    @staticmethod
    def current_revision(engine: Engine) -> str | None:
        """Return the revision stamped in the database, or None for an empty one."""
        with engine.connect() as conn:
            if not inspect(conn).has_table(VERSION_TABLE):
                return None
            found = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
            return str(found) if found is not None else None

    def open_revision(
        self, engine: Engine, where: str, unreadable: Callable[[str], Exception]
    ) -> str | None:
        """The revision stamped in a database being opened, refused if this program does
        not know it; ``unreadable(why)`` is raised when the file is no database at all."""
        try:
            revision = self.current_revision(engine)
        except DatabaseError as exc:
            raise unreadable(str(getattr(exc, "orig", exc))) from None
        self.check_revision(revision, where)
        return revision

    def check_revision(self, revision: str | None, where: str) -> None:
        """Refuse a database stamped with a revision this program does not know."""
        if revision is None or revision == self.head:
            return
        if revision not in self.known_revisions():
            raise SchemaTooNewError(
                f"{where} uses database schema revision {revision!r}, which this program "
                f"(version {__version__}, schema {self.head}) does not know. It "
                "was probably written by a newer version: open it with that version. "
                "Nothing was changed."
            )

    def upgrade(self, engine: Engine) -> None:
        """Bring the database to the newest revision."""
        from alembic import command

        with engine.begin() as conn:
            command.upgrade(self.config(conn), "head")


CASE = Migrations(_HERE / "migrations", "triage_app.storage.models.all", "Base", head="0008")
LIBRARY = Migrations(
    _HERE / "library_migrations", "triage_app.storage.library_models", "LibraryBase", head="L0003"
)


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
