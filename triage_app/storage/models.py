"""The case database schema as SQLAlchemy typed ORM classes.

Every change here needs an Alembic revision under ``migrations/versions``;
``tests/test_storage.py`` checks that the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a deterministic constraint naming scheme."""

    metadata = MetaData(naming_convention=NAMING)


class CaseInfo(Base):
    """The single row describing the case."""

    __tablename__ = "case_info"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(200))
    scheme: Mapped[str] = mapped_column(String(40))
    examiner: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))
    created_by_version: Mapped[str] = mapped_column(String(40))


class Exhibit(Base):
    """A seized medium (device, card, folder) with its source root."""

    __tablename__ = "exhibits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(200), unique=True)
    source_root: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[str] = mapped_column(String(40))

    runs: Mapped[list[IngestRun]] = relationship(back_populates="exhibit")


class IngestRun(Base):
    """One invocation of ``triage ingest`` on an exhibit."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(ForeignKey("exhibits.id"))
    started_at: Mapped[str] = mapped_column(String(40))
    finished_at: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))
    workers: Mapped[int] = mapped_column(Integer)
    app_version: Mapped[str] = mapped_column(String(40))
    pillow_version: Mapped[str] = mapped_column(String(40))
    imagehash_version: Mapped[str] = mapped_column(String(40))
    atime_preserved: Mapped[bool | None] = mapped_column(Boolean)
    files_processed: Mapped[int] = mapped_column(Integer, default=0)

    exhibit: Mapped[Exhibit] = relationship(back_populates="runs")


class Item(Base):
    """One entry found in an exhibit: a file, link, special file or unreadable folder."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("exhibit_id", "path", name="uq_items_exhibit_path"),
        Index("ix_items_sha256", "sha256"),
        Index("ix_items_md5", "md5"),
        Index("ix_items_sha1", "sha1"),
        Index("ix_items_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(ForeignKey("exhibits.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("ingest_runs.id"))
    path: Mapped[bytes] = mapped_column(LargeBinary)
    entry_kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(BigInteger)
    mtime_ns: Mapped[int | None] = mapped_column(BigInteger)
    nlink: Mapped[int | None] = mapped_column(Integer)
    md5: Mapped[str | None] = mapped_column(String(32))
    sha1: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str | None] = mapped_column(String(64))
    atime_preserved: Mapped[bool | None] = mapped_column(Boolean)
    media_type: Mapped[str | None] = mapped_column(String(10))
    format: Mapped[str | None] = mapped_column(String(20))
    decode_status: Mapped[str | None] = mapped_column(String(20))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    frames: Mapped[int | None] = mapped_column(Integer)
    phash: Mapped[str | None] = mapped_column(String(16))
    dhash: Mapped[str | None] = mapped_column(String(16))
    low_information: Mapped[bool | None] = mapped_column(Boolean)
    draft_scale: Mapped[int | None] = mapped_column(Integer)
    exif_datetime: Mapped[str | None] = mapped_column(String(40))
    camera_make: Mapped[str | None] = mapped_column(String(200))
    camera_model: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[str] = mapped_column(String(40))
    hash_bundle: Mapped[str | None] = mapped_column(Text)


class Thumbnail(Base):
    """A reduced copy of an image (longest side 256 px) for the gallery."""

    __tablename__ = "thumbnails"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CaseSetting(Base):
    """A per-case setting (for example the near-match threshold)."""

    __tablename__ = "case_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class MatchRun(Base):
    """One matching of the case against the hash library."""

    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[str] = mapped_column(String(40))
    finished_at: Mapped[str | None] = mapped_column(String(40))
    hash_sets: Mapped[str] = mapped_column(Text)
    thresholds: Mapped[str] = mapped_column(Text)
    counts: Mapped[str | None] = mapped_column(Text)
    app_version: Mapped[str] = mapped_column(String(40))


class Match(Base):
    """The best match of an item against the hash library, from the latest run."""

    __tablename__ = "matches"
    __table_args__ = (Index("ix_matches_kind", "kind"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"))
    kind: Mapped[str] = mapped_column(String(20))
    hash_set: Mapped[str] = mapped_column(String(200))
    set_fingerprint: Mapped[str | None] = mapped_column(String(64))
    entry_id: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(40))
    list_category: Mapped[str | None] = mapped_column(String(40))
    distance: Mapped[int] = mapped_column(Integer)
    matched_on: Mapped[str] = mapped_column(String(40))
    flagged: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)


class User(Base):
    """An account of the case: examiner or supervisor."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    badge: Mapped[str | None] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditEntry(Base):
    """One entry of the append-only, hash-chained audit log."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    time_utc: Mapped[str] = mapped_column(String(40))
    user: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    object: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Grade(Base):
    """The current grade of an item."""

    __tablename__ = "grades"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    time_utc: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    propagated_from: Mapped[int | None] = mapped_column(Integer)


class GradeChange(Base):
    """One change to an item's grade: old and new value, who, when, why."""

    __tablename__ = "grade_history"
    __table_args__ = (Index("ix_grade_history_item_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    old_category: Mapped[str | None] = mapped_column(String(40))
    old_source: Mapped[str | None] = mapped_column(String(60))
    new_category: Mapped[str | None] = mapped_column(String(40))
    new_source: Mapped[str | None] = mapped_column(String(60))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    time_utc: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    audit_seq: Mapped[int | None] = mapped_column(Integer)


class PartGrade(Base):
    """The grade of one part (frame, page or segment) of a multi-part item."""

    __tablename__ = "part_grades"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    time_utc: Mapped[str] = mapped_column(String(40))


class ClusterMember(Base):
    """Membership of an item in a duplicate group."""

    __tablename__ = "clusters"
    __table_args__ = (Index("ix_clusters_cluster_id", "cluster_id"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    cluster_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    representative: Mapped[bool] = mapped_column(Boolean)
    distance: Mapped[int] = mapped_column(Integer)


# -- supervision (issue 7): blind second grading and sign-off --------------------------


class QaRound(Base):
    """A blind second grading: a seeded random sample of one examiner's manual grades.

    The population is the examiner's manual grades as they stood at audit entry
    ``head_seq`` (read from the grade history), so the sample can be drawn again
    from ``seed`` and checked at any time.
    """

    __tablename__ = "qa_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    examiner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    second_grader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    exhibit_id: Mapped[int | None] = mapped_column(ForeignKey("exhibits.id"))
    method: Mapped[str] = mapped_column(String(20))
    parameters: Mapped[str] = mapped_column(Text)
    seed: Mapped[int] = mapped_column(BigInteger)
    head_seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    population: Mapped[int] = mapped_column(Integer)
    population_sha256: Mapped[str] = mapped_column(String(64))
    audit_seq: Mapped[int | None] = mapped_column(Integer)


class QaItem(Base):
    """An item drawn into a QA round, with the first grade as it stood when drawn.

    ``position`` is the (shuffled) order in which the second grader sees the
    sample. The ``first_*`` columns are never read by the second grader's queries.
    """

    __tablename__ = "qa_items"

    round_id: Mapped[int] = mapped_column(ForeignKey("qa_rounds.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    first_category: Mapped[str] = mapped_column(String(40))
    first_source: Mapped[str] = mapped_column(String(60))
    first_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    first_time: Mapped[str] = mapped_column(String(40))


class QaSecondGrade(Base):
    """The second grader's blind grade of a sampled item (not a grade of the item)."""

    __tablename__ = "qa_second_grades"
    __table_args__ = (
        ForeignKeyConstraint(["round_id", "item_id"], ["qa_items.round_id", "qa_items.item_id"]),
    )

    round_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    time_utc: Mapped[str] = mapped_column(String(40))
    audit_seq: Mapped[int | None] = mapped_column(Integer)


class QaAdjudication(Base):
    """A supervisor's final grade for a disagreement of a QA round, and why."""

    __tablename__ = "qa_adjudications"
    __table_args__ = (
        ForeignKeyConstraint(["round_id", "item_id"], ["qa_items.round_id", "qa_items.item_id"]),
    )

    round_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    time_utc: Mapped[str] = mapped_column(String(40))
    grade_audit_seq: Mapped[int | None] = mapped_column(Integer)
    audit_seq: Mapped[int | None] = mapped_column(Integer)


class SignOffRecord(Base):
    """A supervisor's sign-off of an exhibit or of the whole case."""

    __tablename__ = "sign_offs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    exhibit_id: Mapped[int | None] = mapped_column(ForeignKey("exhibits.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    time_utc: Mapped[str] = mapped_column(String(40))
    head_seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    counts: Mapped[str] = mapped_column(Text)
    qa: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    audit_seq: Mapped[int | None] = mapped_column(Integer)


class ChangeAfterSignOff(Base):
    """A grade change made to an item of an exhibit after it was signed off."""

    __tablename__ = "changes_after_sign_off"
    __table_args__ = (Index("ix_changes_after_sign_off_item_id", "item_id"),)

    change_id: Mapped[int] = mapped_column(ForeignKey("grade_history.id"), primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(ForeignKey("sign_offs.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
