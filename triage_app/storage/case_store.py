"""The case store: a case folder and the database inside it.

This package is the only code that talks SQL. :class:`CaseStore` opens and
creates a case and holds its header and settings; its other parts are one
module per aggregate: the ingest's writes (:mod:`.ingest_store`), the item
reads (:mod:`.item_reads`) and the match runs (:mod:`.match_store`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from triage_app import __version__, audit
from triage_app.domain import safe_json
from triage_app.domain.accounts import account_label
from triage_app.domain.clock import utc_now
from triage_app.domain.errors import CaseError
from triage_app.domain.options import SCHEME_IDS
from triage_app.domain.records import CaseSummary
from triage_app.files.atomic import atomic_write_bytes
from triage_app.storage import migrate
from triage_app.storage.audit_log import AuditNote, append_audit
from triage_app.storage.case_folder import (
    check_database_url,
    new_case_folder,
    private_file,
    tighten,
)
from triage_app.storage.database import exclusive_lock
from triage_app.storage.engine import sqlite_url
from triage_app.storage.ingest_store import IngestStore, totals
from triage_app.storage.item_reads import ItemReads
from triage_app.storage.lab_locks import INGEST, job_lock
from triage_app.storage.lab_url import is_lab_url, lab_url, upgrade_refusal
from triage_app.storage.match_store import MatchStore
from triage_app.storage.models.accounts import User
from triage_app.storage.models.case import CaseInfo, CaseSetting, Exhibit

CASE_MARKER = "case.json"
CASE_DB = "case.db"
INGEST_LOCK = ".ingest.lock"
SCHEMES = SCHEME_IDS


def exhibit_source(exhibit: Exhibit) -> dict[str, Any]:
    """What the case knows of an exhibit's source: kind, path and verification."""
    facts: dict[str, Any] = {}
    if exhibit.source_facts:
        with contextlib.suppress(ValueError):
            facts = json.loads(exhibit.source_facts)
    kind = exhibit.source_kind or "folder"
    return {
        **facts,
        "kind": kind,
        "path": os.fsdecode(exhibit.source_root),
        "verification": facts.get("verification", "not applicable"),
        "stored_md5": facts.get("stored_md5"),
        "computed_md5": facts.get("computed_md5"),
    }


@dataclass(frozen=True, slots=True)
class FirstAccount:
    """An account made with the case (its password already hashed)."""

    name: str
    badge: str | None
    role: str
    password_hash: str


class CaseStore(IngestStore, ItemReads, MatchStore):
    """Open handle on one case: its folder, its database and its engines."""

    def __init__(self, case_dir: Path, url: str) -> None:
        super().__init__(url)
        self.case_dir = case_dir

    # -- opening and creating -------------------------------------------------

    @classmethod
    def create(
        cls,
        case_dir: Path,
        *,
        reference: str,
        examiner: str,
        password_hash: str,
        scheme: str = "uk",
        badge: str | None = None,
        role: str = "examiner",
        database_url: str | None = None,
        extra: tuple[FirstAccount, ...] = (),
    ) -> CaseStore:
        """Create a new case folder and its database, with its first account(s).

        The case record, the first account (and ``extra`` ones, such as the
        case's supervisor) and their audit entries are written in one
        transaction. The folder is private (0700, the database 0600); a failed
        creation leaves nothing behind.
        """
        case_dir = Path(case_dir)
        reference, examiner, badge = reference.strip(), examiner.strip(), (badge or "").strip()
        if scheme not in SCHEMES:
            raise CaseError(f"unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
        if not reference:
            raise CaseError("a case reference is required")
        if not examiner:
            raise CaseError("an examiner name is required")
        if database_url:
            database_url = check_database_url(database_url)
        with new_case_folder(case_dir):
            marker: dict[str, Any] = {"format": "triage-case", "version": 1}
            if database_url:
                marker["database_url"] = database_url
            else:
                marker["database"] = CASE_DB
                private_file(case_dir / CASE_DB)
            store = cls(case_dir, database_url or sqlite_url(str(case_dir / CASE_DB)))
            try:
                store._make_case(reference, scheme, examiner, badge, role, password_hash, extra)
                atomic_write_bytes(case_dir / CASE_MARKER, json.dumps(marker, indent=2).encode())
            except BaseException:
                store.close()
                raise
        return store

    def _make_case(
        self,
        reference: str,
        scheme: str,
        examiner: str,
        badge: str,
        role: str,
        password_hash: str,
        extra: tuple[FirstAccount, ...],
    ) -> None:
        """The schema, the case record and its first accounts, logged, in one transaction."""
        revision = migrate.CASE.current_revision(self._writer)
        if revision is None:
            migrate.CASE.upgrade(self._writer)
        elif not (is_lab_url(self.url) and revision == migrate.CASE.head and self._no_case()):
            # A lab database made ready by ``triage lab init`` has the schema and no case.
            raise CaseError(f"the database for {self.case_dir} already holds a case")
        now = utc_now()
        with self.write_session() as session:
            session.add(
                CaseInfo(id=1, reference=reference, scheme=scheme, examiner=examiner,
                         created_at=now, created_by_version=__version__)
            )  # fmt: skip
            session.add(
                User(name=examiner, badge=badge or None, role=role, password_hash=password_hash,
                     created_at=now, active=True)
            )  # fmt: skip
            label = account_label(examiner, badge or None)
            payload = {"reference": reference, "scheme": scheme, "first_account": label,
                       "role": role, "version": __version__}  # fmt: skip
            notes = [AuditNote(audit.CASE_CREATED, f"case {reference}", payload)]
            for other in extra:
                session.add(
                    User(name=other.name, badge=other.badge, role=other.role,
                         password_hash=other.password_hash, created_at=now, active=True)
                )  # fmt: skip
                notes.append(
                    AuditNote(
                        audit.USER_ADDED,
                        f"user {account_label(other.name, other.badge)}",
                        {"name": other.name, "badge": other.badge, "role": other.role},
                    )
                )
            append_audit(session, label, notes)

    def _no_case(self) -> bool:
        with self.read_session() as session:
            return session.get(CaseInfo, 1) is None

    @classmethod
    def open(cls, case_dir: Path) -> CaseStore:
        """Open an existing case, refusing a newer schema and upgrading an older one."""
        case_dir = Path(case_dir)
        marker_path = case_dir / CASE_MARKER
        try:
            marker = safe_json.loads(marker_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CaseError(f"{case_dir} is not a case folder (no {CASE_MARKER})") from None
        except (OSError, ValueError) as exc:
            raise CaseError(f"cannot read {marker_path}: {exc}") from exc
        if not isinstance(marker, dict) or marker.get("format") != "triage-case":
            raise CaseError(f"{marker_path} is not a triage case marker")
        if marker.get("database_url"):
            url = lab_url(str(marker["database_url"]), what=f"the database_url in {marker_path}")
        else:
            db_path = case_dir / str(marker.get("database", CASE_DB))
            if not db_path.is_file():
                raise CaseError(f"the case database {db_path} is missing")
            url = sqlite_url(str(db_path))
            tighten(case_dir, (db_path.name,))
        store = cls(case_dir, url)
        try:
            revision = migrate.CASE.open_revision(
                store._reader,
                f"case {case_dir}",
                lambda why: CaseError(f"cannot open the case database of {case_dir}: {why}"),
            )
            if revision is None:
                raise CaseError(f"the case database in {case_dir} has no schema")
            if revision != migrate.CASE.head_revision():
                store._backup_before_upgrade(revision)
                migrate.CASE.upgrade(store._writer)
        except BaseException:
            store.close()
            raise
        return store

    def _backup_before_upgrade(self, revision: str) -> None:
        if is_lab_url(self.url):
            # The application role cannot alter the schema: the owner backs up and upgrades.
            raise CaseError(upgrade_refusal(self.url, revision, migrate.CASE.head))
        target = self.case_dir / f"{CASE_DB}.before-{revision}.bak"
        if target.exists():
            return
        with self._writer.connect() as conn:
            conn.exec_driver_sql("COMMIT") if conn.in_transaction() else None
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("VACUUM INTO ?", (str(target),))
        target.chmod(0o600)  # the backup holds what the case holds

    @contextlib.contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Hold the case's ingest lock; a second ingest on the same case is refused.

        A lab case holds it in the database (an advisory lock), so it holds across
        workstations; an SQLite case in a file beside its database.
        """
        busy = f"another ingest is running on {self.case_dir}; wait for it to finish"
        if is_lab_url(self.url):
            with job_lock(self._reader, INGEST, busy):
                yield
            return
        with exclusive_lock(self.case_dir / INGEST_LOCK, busy):
            yield

    # -- case facts -----------------------------------------------------------

    def summary(self) -> CaseSummary:
        """Return the case header and its totals."""
        with self.read_session() as session:
            info = session.get(CaseInfo, 1)
            if info is None:
                raise CaseError(f"{self.case_dir} has no case record")
            rows = list(session.scalars(select(Exhibit).order_by(Exhibit.id)))
            refs = [e.reference for e in rows]
            sources = [{"ref": e.reference, "source": exhibit_source(e)} for e in rows]
            case_totals = totals(session, None)
            revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return CaseSummary(
            reference=info.reference,
            scheme=info.scheme,
            examiner=info.examiner,
            created_at=info.created_at,
            schema_revision=str(revision),
            exhibits=refs,
            totals=case_totals,
            sources=sources,
        )

    def integrity_check(self) -> str:
        """Run SQLite's integrity check and return its verdict ("ok" when sound)."""
        with self._reader.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())

    # -- settings -------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        """A per-case setting, or ``default``."""
        with self.read_session() as session:
            row = session.get(CaseSetting, key)
            return row.value if row is not None else default

    def set_setting(self, key: str, value: str, *, actor: str | None = None) -> str | None:
        """Set a per-case setting; return the previous value.

        With ``actor`` the change is logged ("setting changed") in the same transaction.
        """
        with self.write_session() as session:
            row = session.get(CaseSetting, key)
            old = row.value if row is not None else None
            if row is None:
                session.add(CaseSetting(key=key, value=value))
            else:
                row.value = value
            if actor is not None:
                note = AuditNote(audit.SETTING_CHANGED, key, {"before": old, "after": value})
                append_audit(session, actor, [note])
            return old
