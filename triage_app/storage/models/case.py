"""The case, its exhibits, ingest runs, items, thumbnails, settings and matches."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from triage_app.storage.models.base import Base


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
    #: folder, ewf, raw, tar or zip (NULL: a folder, from before disk images).
    source_kind: Mapped[str | None] = mapped_column(String(10))
    #: JSON: segments, stored/computed media hashes, verification, unreadable ranges.
    source_facts: Mapped[str | None] = mapped_column(Text)


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
    deleted: Mapped[bool | None] = mapped_column(Boolean)
    container: Mapped[str | None] = mapped_column(Text)
    fs_address: Mapped[str | None] = mapped_column(String(40))
    # PDQ (schema 0006): Meta's 256-bit perceptual hash (64 hex digits) and its quality.
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_quality: Mapped[int | None] = mapped_column(Integer)
    # Video (schema 0007): stream facts; the sampled frames are in ``video_frames``.
    duration_s: Mapped[float | None] = mapped_column(Float)
    fps: Mapped[float | None] = mapped_column(Float)
    codec: Mapped[str | None] = mapped_column(String(40))
    frames_sampled: Mapped[int | None] = mapped_column(Integer)


class VideoFrame(Base):
    """One sampled frame of a video item: its time and hashes (schema 0007)."""

    __tablename__ = "video_frames"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    frame_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    t: Mapped[float] = mapped_column(Float)
    phash: Mapped[str] = mapped_column(String(16))
    dhash: Mapped[str] = mapped_column(String(16))
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_quality: Mapped[int | None] = mapped_column(Integer)
    low_information: Mapped[bool] = mapped_column(Boolean, default=False)


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
