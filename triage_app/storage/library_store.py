"""The per-user hash library: imported lists and their entries.

Only this module (within the storage package) talks SQL to the library. Bulk
imports go straight to the driver's ``executemany`` in batches, one
transaction per batch, with the set marked ``importing`` until the end; an
import that dies half-way is cleaned up the next time the library is opened
for writing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, cast

from sqlalchemy import delete, func, select, update

from triage_app import __version__
from triage_app.config.settings import library_path
from triage_app.domain.clock import utc_now
from triage_app.domain.errors import TriageError
from triage_app.domain.record_fields import fields_from
from triage_app.storage import migrate
from triage_app.storage.database import Database, exclusive_lock, in_chunks
from triage_app.storage.engine import sqlite_url
from triage_app.storage.lab_locks import LIBRARY_IMPORT, job_lock
from triage_app.storage.lab_url import lab_url, library_url_from_env
from triage_app.storage.library_models import Entry, HashSet

IMPORTING = "importing"
READY = "ready"

#: Column order of rows passed to ``add_entries``.
ENTRY_COLUMNS = (
    "id", "md5", "sha1", "sha256", "phash", "dhash", "category", "name", "note", "photodna",
    "extra", "line", "pdq", "pdq_quality",
)  # fmt: skip


class LibraryError(TriageError):
    """The hash library cannot do what was asked."""


@dataclass(frozen=True, slots=True)
class HashSetInfo:
    """What the library records about an imported list."""

    id: int
    name: str
    role: str
    format: str
    profile: str | None
    scheme: str | None
    source_name: str
    source_sha256: str
    fingerprint: str | None
    imported_at: str
    state: str
    loaded: int
    rejected: int
    excluded: int
    warnings: list[str]
    active: bool

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the shape ``triage hashset list --json`` prints): every
        field but the id, the import state and the warnings."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("id", "state", "warnings")
        }


def _info(row: HashSet) -> HashSetInfo:
    warnings = json.loads(row.warnings) if row.warnings else []
    return HashSetInfo(**fields_from(row, HashSetInfo, warnings=warnings))


def default_library_path() -> Path:
    """The library file under the per-user home (``$TRIAGE_HOME``)."""
    return library_path()


class LibraryStore(Database):
    """Open handle on a hash library database.

    The library is a per-user SQLite file, or a lab library shared by all
    examiners in PostgreSQL (``url``): then ``path`` only names where this
    workstation keeps its copy of the per-set indexes.
    """

    def __init__(self, path: Path, url: str | None = None) -> None:
        self.path = Path(path)
        self.lab = url is not None
        super().__init__(url or sqlite_url(str(self.path)))

    @classmethod
    def open(cls, library: Path | str | None = None) -> LibraryStore:
        """Open (creating if needed) the library at ``library`` (a file, or a lab
        library's URL), else ``$TRIAGE_LIBRARY_URL``'s or the per-user one."""
        if library is None:
            library = library_url_from_env()
        if isinstance(library, str):
            url = lab_url(library, what="--library-url")
            key = hashlib.sha256(url.encode()).hexdigest()[:16]
            path = default_library_path().parent / "lab-libraries" / key / "hashsets"
            where = f"lab hash library {url}"
        else:
            path = Path(library) if library is not None else default_library_path()
            if path.exists() and not path.is_file():
                raise LibraryError(f"{path} is not a hash library file")
            url, where = None, f"hash library {path}"
        path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(path, url)
        try:
            revision = migrate.LIBRARY.open_revision(
                store._reader,
                where,
                lambda why: LibraryError(f"cannot open the {where}: {why}"),
            )
            if revision != migrate.LIBRARY.head_revision():
                migrate.LIBRARY.upgrade(store._writer)
        except BaseException:
            store.close()
            raise
        return store

    @property
    def index_dir(self) -> Path:
        """Folder holding the persisted per-set indexes."""
        return self.path.with_name(self.path.name + ".indexes")

    @contextlib.contextmanager
    def import_lock(self) -> Iterator[None]:
        """Hold the library's import lock (one import at a time) and tidy dead imports.

        A lab library holds it in the database, across workstations.
        """
        busy = f"another import into the hash library {self.path} is running"
        lock = (
            job_lock(self._reader, LIBRARY_IMPORT, busy.replace(str(self.path), "of the lab"))
            if self.lab
            else exclusive_lock(self.path.with_name(self.path.name + ".lock"), busy)
        )
        with lock:
            self._remove_dead_imports()
            yield

    def _remove_dead_imports(self) -> None:
        with self.write_session() as session:
            dead = list(session.scalars(select(HashSet.id).where(HashSet.state == IMPORTING)))
            for set_id in dead:
                session.execute(delete(Entry).where(Entry.set_id == set_id))
                session.execute(delete(HashSet).where(HashSet.id == set_id))

    # -- import ---------------------------------------------------------------

    def begin_import(
        self,
        *,
        name: str,
        role: str,
        fmt: str,
        source_name: str,
        source_sha256: str,
        profile: str | None,
        scheme: str | None,
    ) -> int:
        """Create a set in the ``importing`` state and return its id."""
        with self.write_session() as session:
            if session.scalar(select(HashSet.id).where(HashSet.name == name)) is not None:
                raise LibraryError(
                    f"a hash set named {name!r} is already in the library; remove it first "
                    "or import under another --name"
                )
            row = HashSet(
                name=name,
                role=role,
                format=fmt,
                profile=profile,
                scheme=scheme,
                source_name=source_name,
                source_sha256=source_sha256,
                imported_at=utc_now(),
                imported_by_version=__version__,
                state=IMPORTING,
                loaded=0,
                rejected=0,
                excluded=0,
                active=True,
            )
            session.add(row)
            session.flush()
            return row.id

    def next_entry_id(self) -> int:
        """The id the next entry will get (ids are assigned by the one importer at a time)."""
        with self.read_session() as session:
            return int(session.scalar(select(func.max(Entry.id))) or 0) + 1

    def add_entries(self, set_id: int, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert entry rows (columns as ``ENTRY_COLUMNS``, id first) in one transaction."""
        if not rows:
            return
        columns = ", ".join(("id", "set_id", *ENTRY_COLUMNS[1:]))
        marks = ", ".join([self._mark] * (len(ENTRY_COLUMNS) + 1))
        sql = f"INSERT INTO entries ({columns}) VALUES ({marks})"
        with self._writer.begin() as conn:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.executemany(sql, [(row[0], set_id, *row[1:]) for row in rows])
            finally:
                cursor.close()

    def finish_import(
        self,
        set_id: int,
        *,
        loaded: int,
        rejected: int,
        excluded: int,
        fingerprint: str,
        warnings: list[str],
        profile: str | None,
        scheme: str | None,
    ) -> HashSetInfo:
        """Mark an import complete and record its counts."""
        with self.write_session() as session:
            session.execute(
                update(HashSet)
                .where(HashSet.id == set_id)
                .values(
                    state=READY,
                    loaded=loaded,
                    rejected=rejected,
                    excluded=excluded,
                    fingerprint=fingerprint,
                    warnings=json.dumps(warnings[:200]),
                    profile=profile,
                    scheme=scheme,
                )
            )
            row = session.get(HashSet, set_id)
            assert row is not None
            return _info(row)

    def abort_import(self, set_id: int) -> None:
        """Remove a set whose import failed, with its entries."""
        with self.write_session() as session:
            session.execute(delete(Entry).where(Entry.set_id == set_id))
            session.execute(delete(HashSet).where(HashSet.id == set_id))

    @property
    def _mark(self) -> str:
        """The driver's parameter mark (sqlite3 ``?``, psycopg ``%s``)."""
        return "%s" if self.lab else "?"

    # -- reading --------------------------------------------------------------

    def sets(self, *, include_incomplete: bool = False) -> list[HashSetInfo]:
        """All sets, oldest first."""
        with self.read_session() as session:
            query = select(HashSet).order_by(HashSet.id)
            if not include_incomplete:
                query = query.where(HashSet.state == READY)
            return [_info(row) for row in session.scalars(query)]

    def get_set(self, name: str) -> HashSetInfo:
        """The set called ``name``."""
        with self.read_session() as session:
            row = session.scalar(select(HashSet).where(HashSet.name == name))
            if row is None or row.state != READY:
                known = ", ".join(s.name for s in self.sets()) or "none"
                raise LibraryError(f"no hash set named {name!r} in the library (sets: {known})")
            return _info(row)

    def remove_set(self, name: str) -> HashSetInfo:
        """Delete a set and its entries."""
        info = self.get_set(name)
        with self.write_session() as session:
            session.execute(delete(Entry).where(Entry.set_id == info.id))
            session.execute(delete(HashSet).where(HashSet.id == info.id))
        return info

    def set_active(self, name: str, active: bool) -> HashSetInfo:
        """Include or exclude a set from matching."""
        info = self.get_set(name)
        with self.write_session() as session:
            session.execute(update(HashSet).where(HashSet.id == info.id).values(active=active))
        return self.get_set(name)

    def iter_columns(
        self, set_id: int, columns: Sequence[str], *, chunk: int = 200_000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Yield ``(id, *columns)`` rows of a set in chunks, in id order."""
        allowed = {"md5", "sha1", "sha256", "phash", "dhash", "extra", "category", "pdq"}
        if not set(columns) <= allowed:
            raise ValueError(f"unknown columns {columns}")
        sql = (
            f"SELECT id, {', '.join(columns)} FROM entries WHERE set_id = {self._mark} ORDER BY id"
        )
        with self._reader.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            # PostgreSQL: a server-side cursor, so a 10-million-row set streams.
            cursor = raw.cursor(name="triage_entries") if self.lab else raw.cursor()
            try:
                cursor.execute(sql, (set_id,))
                while rows := cursor.fetchmany(chunk):
                    yield cast(list[tuple[Any, ...]], rows)
            finally:
                cursor.close()

    def entries(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Fetch entries by id."""
        out: dict[int, dict[str, Any]] = {}
        with self.read_session() as session:
            for part in in_chunks(ids):
                for row in session.scalars(select(Entry).where(Entry.id.in_(part))):
                    out[row.id] = {
                        "id": row.id,
                        "set_id": row.set_id,
                        "md5": row.md5.hex() if row.md5 else None,
                        "sha1": row.sha1.hex() if row.sha1 else None,
                        "sha256": row.sha256.hex() if row.sha256 else None,
                        "phash": row.phash,
                        "dhash": row.dhash,
                        "category": row.category,
                        "name": row.name,
                        "note": row.note,
                        "extra": json.loads(row.extra) if row.extra else {},
                        "line": row.line,
                        "pdq": row.pdq.hex() if row.pdq else None,
                        "pdq_quality": row.pdq_quality,
                    }
        return out
