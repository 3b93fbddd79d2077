"""The per-user hash library schema (a database of its own, beside no case).

Entries keep their hashes as raw bytes (MD5 16, SHA-1 20, SHA-256 32) and
perceptual hashes as signed 64-bit integers. Lookups do not go through SQL
indexes: each set has persisted numpy indexes (see
``triage_app.library.set_index``), which keeps a 10-million-row import fast.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from triage_app.storage.models.base import NAMING


class LibraryBase(DeclarativeBase):
    """Declarative base of the hash library."""

    metadata = MetaData(naming_convention=NAMING)


class HashSet(LibraryBase):
    """One imported list."""

    __tablename__ = "hash_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(20))
    profile: Mapped[str | None] = mapped_column(String(40))
    scheme: Mapped[str | None] = mapped_column(String(40))
    source_name: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    imported_at: Mapped[str] = mapped_column(String(40))
    imported_by_version: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))
    loaded: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    excluded: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Entry(LibraryBase):
    """One entry of a list."""

    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_set_id", "set_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("hash_sets.id", ondelete="CASCADE"))
    md5: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha1: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[bytes | None] = mapped_column(LargeBinary)
    phash: Mapped[int | None] = mapped_column(BigInteger)
    dhash: Mapped[int | None] = mapped_column(BigInteger)
    category: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    photodna: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[str | None] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    #: PDQ (32 bytes) and its quality when the list gives one (L0002).
    pdq: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdq_quality: Mapped[int | None] = mapped_column(Integer)


class EntryFrame(LibraryBase):
    """One sampled frame of a known video entry: its time and hashes (L0003).

    pHash/dHash as signed 64-bit integers like an entry's, PDQ as 32 bytes.
    """

    __tablename__ = "entry_frames"
    __table_args__ = (Index("ix_entry_frames_set_id", "set_id"),)

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    frame_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("hash_sets.id", ondelete="CASCADE"))
    t: Mapped[float] = mapped_column(Float)
    phash: Mapped[int] = mapped_column(BigInteger)
    dhash: Mapped[int] = mapped_column(BigInteger)
    pdq: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdq_quality: Mapped[int | None] = mapped_column(Integer)
