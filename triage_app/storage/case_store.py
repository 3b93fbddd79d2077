"""The case store: a case folder and the database inside it.

This module (with the rest of ``triage_app.storage``) is the only code that
talks SQL. Callers get plain records and dictionaries back.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from triage_app import __version__, audit
from triage_app.domain.accounts import account_label
from triage_app.domain.clock import utc_now
from triage_app.domain.errors import CaseError, IngestError
from triage_app.domain.options import SCHEME_IDS
from triage_app.domain.records import (
    STATUS_FAILED,
    STATUS_HASHED,
    STATUS_SKIPPED,
    CaseSummary,
    FileRecord,
    MatchRecord,
    Totals,
)
from triage_app.files.atomic import atomic_write_bytes
from triage_app.storage import migrate
from triage_app.storage.audit_log import AuditNote, append_audit
from triage_app.storage.database import Database, exclusive_lock
from triage_app.storage.engine import sqlite_url
from triage_app.storage.models.accounts import User
from triage_app.storage.models.case import (
    CaseInfo,
    CaseSetting,
    Exhibit,
    IngestRun,
    Item,
    Match,
    MatchRun,
    Thumbnail,
)

CASE_MARKER = "case.json"
CASE_DB = "case.db"
INGEST_LOCK = ".ingest.lock"
SCHEMES = SCHEME_IDS

_ITEM_COLUMNS = [c.name for c in Item.__table__.columns]


class CaseStore(Database):
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
    ) -> CaseStore:
        """Create a new case folder and its database, with its first account.

        The case record, the first account and the "case created" audit entry
        are written in one transaction.
        """
        case_dir = Path(case_dir)
        if scheme not in SCHEMES:
            raise CaseError(f"unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
        if not reference.strip():
            raise CaseError("a case reference is required")
        if not examiner.strip():
            raise CaseError("an examiner name is required")
        if case_dir.exists() and (not case_dir.is_dir() or any(case_dir.iterdir())):
            raise CaseError(f"{case_dir} already exists and is not an empty folder")
        case_dir.mkdir(parents=True, exist_ok=True)
        marker: dict[str, Any] = {"format": "triage-case", "version": 1}
        if database_url:
            marker["database_url"] = database_url
        else:
            marker["database"] = CASE_DB
        store = cls(case_dir, database_url or sqlite_url(str(case_dir / CASE_DB)))
        if migrate.CASE.current_revision(store._writer) is not None:
            store.close()
            raise CaseError(f"the database for {case_dir} already holds a case")
        migrate.CASE.upgrade(store._writer)
        with store.write_session() as session:
            session.add(
                CaseInfo(
                    id=1,
                    reference=reference.strip(),
                    scheme=scheme,
                    examiner=examiner.strip(),
                    created_at=utc_now(),
                    created_by_version=__version__,
                )
            )
            session.add(
                User(
                    name=examiner.strip(),
                    badge=badge.strip() if badge else None,
                    role=role,
                    password_hash=password_hash,
                    created_at=utc_now(),
                    active=True,
                )
            )
            label = account_label(examiner.strip(), badge.strip() if badge else None)
            append_audit(
                session,
                label,
                [
                    AuditNote(
                        audit.CASE_CREATED,
                        f"case {reference.strip()}",
                        {
                            "reference": reference.strip(),
                            "scheme": scheme,
                            "first_account": label,
                            "role": role,
                            "version": __version__,
                        },
                    )
                ],
            )
        atomic_write_bytes(case_dir / CASE_MARKER, json.dumps(marker, indent=2).encode())
        return store

    @classmethod
    def open(cls, case_dir: Path) -> CaseStore:
        """Open an existing case, refusing a newer schema and upgrading an older one."""
        case_dir = Path(case_dir)
        marker_path = case_dir / CASE_MARKER
        try:
            marker = json.loads(marker_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CaseError(f"{case_dir} is not a case folder (no {CASE_MARKER})") from None
        except (OSError, ValueError) as exc:
            raise CaseError(f"cannot read {marker_path}: {exc}") from exc
        if not isinstance(marker, dict) or marker.get("format") != "triage-case":
            raise CaseError(f"{marker_path} is not a triage case marker")
        if marker.get("database_url"):
            url = str(marker["database_url"])
        else:
            db_path = case_dir / str(marker.get("database", CASE_DB))
            if not db_path.is_file():
                raise CaseError(f"the case database {db_path} is missing")
            url = sqlite_url(str(db_path))
        store = cls(case_dir, url)
        try:
            try:
                revision = migrate.CASE.current_revision(store._reader)
            except DatabaseError as exc:
                raise CaseError(
                    f"cannot open the case database of {case_dir}: {getattr(exc, 'orig', exc)}"
                ) from None
            migrate.CASE.check_revision(revision, f"case {case_dir}")
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
        if not self.url.startswith("sqlite"):
            return
        target = self.case_dir / f"{CASE_DB}.before-{revision}.bak"
        if target.exists():
            return
        with self._writer.connect() as conn:
            conn.exec_driver_sql("COMMIT") if conn.in_transaction() else None
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("VACUUM INTO ?", (str(target),))

    @contextlib.contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Hold the case's ingest lock; a second ingest on the same case is refused."""
        with exclusive_lock(
            self.case_dir / INGEST_LOCK,
            f"another ingest is running on {self.case_dir}; wait for it to finish",
        ):
            yield

    # -- case facts -----------------------------------------------------------

    def summary(self) -> CaseSummary:
        """Return the case header and its totals."""
        with self.read_session() as session:
            info = session.get(CaseInfo, 1)
            if info is None:
                raise CaseError(f"{self.case_dir} has no case record")
            refs = list(session.scalars(select(Exhibit.reference).order_by(Exhibit.id)))
            totals = self._totals(session, None)
            revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return CaseSummary(
            reference=info.reference,
            scheme=info.scheme,
            examiner=info.examiner,
            created_at=info.created_at,
            schema_revision=str(revision),
            exhibits=refs,
            totals=totals,
        )

    def integrity_check(self) -> str:
        """Run SQLite's integrity check and return its verdict ("ok" when sound)."""
        with self._reader.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())

    # -- ingest ---------------------------------------------------------------

    def exhibit_for_ingest(self, reference: str, source_root: bytes) -> int:
        """Return the exhibit id for ``reference``, creating it for a first ingest.

        An exhibit is bound to the folder it was first ingested from; a
        different folder under the same reference is refused.
        """
        with self.write_session() as session:
            exhibit = session.scalar(select(Exhibit).where(Exhibit.reference == reference))
            if exhibit is None:
                exhibit = Exhibit(reference=reference, source_root=source_root, added_at=utc_now())
                session.add(exhibit)
                session.flush()
            elif exhibit.source_root != source_root:
                raise IngestError(
                    f"exhibit {reference} was ingested from "
                    f"{os.fsdecode(exhibit.source_root)!r}, not {os.fsdecode(source_root)!r}; "
                    "use another exhibit reference for another source"
                )
            return exhibit.id

    def start_run(
        self,
        exhibit_id: int,
        *,
        workers: int,
        versions: dict[str, str],
        actor: str,
        source: str,
    ) -> int:
        """Record (and log) the start of an ingest; earlier runs left 'running' become
        'interrupted'."""
        with self.write_session() as session:
            session.execute(
                update(IngestRun)
                .where(IngestRun.exhibit_id == exhibit_id, IngestRun.state == "running")
                .values(state="interrupted")
            )
            run = IngestRun(
                exhibit_id=exhibit_id,
                started_at=utc_now(),
                state="running",
                workers=workers,
                app_version=__version__,
                pillow_version=versions["pillow"],
                imagehash_version=versions["imagehash"],
                files_processed=0,
            )
            session.add(run)
            session.flush()
            exhibit = session.get(Exhibit, exhibit_id)
            assert exhibit is not None
            append_audit(
                session,
                actor,
                [
                    AuditNote(
                        audit.INGEST_STARTED,
                        f"exhibit {exhibit.reference}",
                        {"run": run.id, "source": source, "workers": workers, **versions},
                    )
                ],
            )
            return run.id

    def finish_run(
        self, run_id: int, *, state: str, atime_preserved: bool | None, actor: str
    ) -> Totals:
        """Record (and log) how an ingest ended, with the exhibit's totals."""
        with self.write_session() as session:
            run = session.get(IngestRun, run_id)
            assert run is not None
            run.state = state
            run.finished_at = utc_now()
            run.atime_preserved = atime_preserved
            totals = self._totals(session, run.exhibit_id)
            append_audit(
                session,
                actor,
                [
                    AuditNote(
                        audit.INGEST_FINISHED,
                        f"exhibit {run.exhibit.reference}",
                        {
                            "run": run_id,
                            "state": state,
                            "recorded_this_run": run.files_processed,
                            "found": totals.found,
                            "hashed": totals.hashed,
                            "skipped": totals.skipped,
                            "failed": totals.failed,
                            "atime_preserved": atime_preserved,
                        },
                    )
                ],
            )
            return totals

    def runs(self, exhibit_id: int) -> list[dict[str, Any]]:
        """Return the exhibit's ingest runs, oldest first."""
        with self.read_session() as session:
            rows = session.scalars(
                select(IngestRun).where(IngestRun.exhibit_id == exhibit_id).order_by(IngestRun.id)
            )
            return [{c.name: getattr(r, c.name) for c in IngestRun.__table__.columns} for r in rows]

    def recorded_paths(self, exhibit_id: int) -> set[bytes]:
        """Return the paths already recorded for an exhibit (resume skips them)."""
        with self.read_session() as session:
            return set(session.scalars(select(Item.path).where(Item.exhibit_id == exhibit_id)))

    def add_records(self, exhibit_id: int, run_id: int, records: Iterable[FileRecord]) -> int:
        """Store a batch of records and their thumbnails in one transaction.

        Records whose path is already stored for the exhibit are ignored, so a
        batch replayed after a crash cannot duplicate anything.
        """
        records = list(records)
        if not records:
            return 0
        now = utc_now()
        added = 0
        with self.write_session() as session:
            existing = set(
                session.scalars(
                    select(Item.path).where(
                        Item.exhibit_id == exhibit_id, Item.path.in_([r.path for r in records])
                    )
                )
            )
            for rec in records:
                if rec.path in existing:
                    continue
                existing.add(rec.path)
                item = Item(
                    exhibit_id=exhibit_id,
                    run_id=run_id,
                    path=rec.path,
                    entry_kind=rec.entry_kind,
                    status=rec.status,
                    reason=rec.reason,
                    size=rec.size,
                    mtime_ns=rec.mtime_ns,
                    nlink=rec.nlink,
                    md5=rec.md5,
                    sha1=rec.sha1,
                    sha256=rec.sha256,
                    atime_preserved=rec.atime_preserved,
                    media_type=rec.media_type,
                    format=rec.format,
                    decode_status=rec.decode_status,
                    width=rec.width,
                    height=rec.height,
                    frames=rec.frames,
                    phash=rec.phash,
                    dhash=rec.dhash,
                    low_information=rec.low_information,
                    draft_scale=rec.draft_scale,
                    exif_datetime=rec.exif_datetime,
                    camera_make=rec.camera_make,
                    camera_model=rec.camera_model,
                    notes=json.dumps(rec.notes) if rec.notes else None,
                    processed_at=now,
                    hash_bundle=json.dumps(rec.hash_bundle, sort_keys=True)
                    if rec.hash_bundle
                    else None,
                )
                session.add(item)
                session.flush()
                if rec.thumbnail is not None and rec.thumbnail_size is not None:
                    session.add(
                        Thumbnail(
                            item_id=item.id,
                            width=rec.thumbnail_size[0],
                            height=rec.thumbnail_size[1],
                            mime="image/jpeg",
                            data=rec.thumbnail,
                        )
                    )
                added += 1
            session.execute(
                update(IngestRun)
                .where(IngestRun.id == run_id)
                .values(files_processed=IngestRun.files_processed + added)
            )
        return added

    def exhibit_totals(self, exhibit_id: int) -> Totals:
        """Return the accounting totals for one exhibit."""
        with self.read_session() as session:
            return self._totals(session, exhibit_id)

    @staticmethod
    def _totals(session: Session, exhibit_id: int | None) -> Totals:
        query = select(Item.status, func.count()).group_by(Item.status)
        if exhibit_id is not None:
            query = query.where(Item.exhibit_id == exhibit_id)
        counts = {status: int(n) for status, n in session.execute(query)}
        return Totals(
            found=sum(counts.values()),
            hashed=counts.get(STATUS_HASHED, 0),
            skipped=counts.get(STATUS_SKIPPED, 0),
            failed=counts.get(STATUS_FAILED, 0),
        )

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

    # -- matching -------------------------------------------------------------

    def matchable_items(self) -> list[dict[str, Any]]:
        """Hashed items with what matching needs (hashes, perceptual hashes, flags)."""
        query = select(
            Item.id,
            Item.md5,
            Item.sha1,
            Item.sha256,
            Item.phash,
            Item.dhash,
            Item.low_information,
            Item.decode_status,
            Item.hash_bundle,
        ).where(Item.status == STATUS_HASHED)
        with self.read_session() as session:
            return [
                {
                    "id": r.id,
                    "md5": r.md5,
                    "sha1": r.sha1,
                    "sha256": r.sha256,
                    "phash": r.phash,
                    "dhash": r.dhash,
                    "low_information": bool(r.low_information),
                    "decode_status": r.decode_status,
                    "bundle": json.loads(r.hash_bundle) if r.hash_bundle else {},
                }
                for r in session.execute(query)
            ]

    def record_match_run(
        self,
        *,
        started_at: str,
        hash_sets: list[dict[str, Any]],
        thresholds: dict[str, Any],
        matches: list[MatchRecord],
        actor: str,
    ) -> tuple[int, dict[str, int]]:
        """Replace the case's matches with a new run's results, in one transaction.

        Logs each hash set used for the first time in this case ("hash set
        attached", with its fingerprint) and the run itself.
        """
        counts: dict[str, int] = {}
        for m in matches:
            counts[m.kind] = counts.get(m.kind, 0) + 1
        with self.write_session() as session:
            seen: set[tuple[str, str]] = set()
            for (old_sets,) in session.execute(select(MatchRun.hash_sets)):
                seen |= {(s["name"], s["fingerprint"]) for s in json.loads(old_sets)}
            notes = [
                AuditNote(
                    audit.HASH_SET_ATTACHED,
                    f"hash set {s['name']}",
                    {
                        k: s.get(k)
                        for k in ("name", "fingerprint", "role", "entries", "source_sha256")
                    },
                )
                for s in hash_sets
                if (s["name"], s["fingerprint"]) not in seen
            ]
            run = MatchRun(
                started_at=started_at,
                finished_at=utc_now(),
                hash_sets=json.dumps(hash_sets),
                thresholds=json.dumps(thresholds),
                counts=json.dumps(counts),
                app_version=__version__,
            )
            session.add(run)
            session.flush()
            session.execute(delete(Match))
            session.add_all(
                Match(
                    item_id=m.item_id,
                    run_id=run.id,
                    kind=m.kind,
                    hash_set=m.hash_set,
                    set_fingerprint=m.set_fingerprint,
                    entry_id=m.entry_id,
                    category=m.category,
                    list_category=m.list_category,
                    distance=m.distance,
                    matched_on=m.matched_on,
                    flagged=json.dumps(m.flagged) if m.flagged else None,
                    details=json.dumps(m.details, sort_keys=True) if m.details else None,
                )
                for m in matches
            )
            notes.append(
                AuditNote(
                    audit.MATCH_RUN,
                    f"match run {run.id}",
                    {
                        "run": run.id,
                        "hash_sets": [s["name"] for s in hash_sets],
                        "thresholds": thresholds,
                        "counts": counts,
                    },
                )
            )
            append_audit(session, actor, notes)
            return run.id, counts

    # -- reading items --------------------------------------------------------

    @staticmethod
    def _items_query() -> Any:
        return (
            select(
                Item,
                Exhibit.reference,
                IngestRun.pillow_version,
                IngestRun.imagehash_version,
                Match,
            )
            .join(Exhibit, Exhibit.id == Item.exhibit_id)
            .join(IngestRun, IngestRun.id == Item.run_id)
            .outerjoin(Match, Match.item_id == Item.id)
        )

    @staticmethod
    def _item_row(
        item: Item, exhibit_ref: str, pil_v: str, ih_v: str, match: Match | None
    ) -> dict[str, Any]:
        row = {name: getattr(item, name) for name in _ITEM_COLUMNS}
        row["exhibit"] = exhibit_ref
        row["pillow_version"] = pil_v
        row["imagehash_version"] = ih_v
        row["match"] = _match_dict(match) if match is not None else None
        return row

    def iter_items(self, *, batch: int = 2000) -> Iterator[dict[str, Any]]:
        """Yield every item as a dict of its columns plus its exhibit and tool versions."""
        query = self._items_query().order_by(Item.id).execution_options(yield_per=batch)
        with self.read_session() as session:
            for found in session.execute(query):
                yield self._item_row(*found)

    def item(self, item_id: int) -> dict[str, Any] | None:
        """One item as :meth:`iter_items` yields it, or None if there is no such item."""
        with self.read_session() as session:
            found = session.execute(self._items_query().where(Item.id == item_id)).first()
            return self._item_row(*found) if found is not None else None

    def thumbnail(self, item_id: int) -> bytes | None:
        """Return an item's stored thumbnail (JPEG bytes), if it has one."""
        with self.read_session() as session:
            return session.scalar(select(Thumbnail.data).where(Thumbnail.item_id == item_id))


def _match_dict(match: Match) -> dict[str, Any]:
    return {
        "kind": match.kind,
        "hash_set": match.hash_set,
        "set_fingerprint": match.set_fingerprint,
        "entry_id": match.entry_id,
        "category": match.category,
        "list_category": match.list_category,
        "distance": match.distance,
        "matched_on": match.matched_on,
        "flags": json.loads(match.flagged) if match.flagged else [],
        "details": json.loads(match.details) if match.details else {},
    }
