"""Plain records passed between the ingest, the store and the outputs.

They hold no database or Qt objects so that worker processes can pickle them
and every layer can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUS_HASHED = "hashed"
STATUS_SKIPPED = "skipped"
STATUS_FAILED = "failed"

# How far an item's picture was decoded (``decode_status``).
DECODED = "decoded"
PARTIAL = "partial"
DECODE_FAILED = "failed"
NOT_DECODED = "not decoded"


@dataclass(slots=True)
class FileRecord:
    """What the ingest learned about one entry of an exhibit."""

    path: bytes
    entry_kind: str
    status: str
    reason: str | None = None
    size: int | None = None
    mtime_ns: int | None = None
    nlink: int | None = None
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    atime_preserved: bool | None = None
    media_type: str | None = None
    format: str | None = None
    decode_status: str | None = None
    width: int | None = None
    height: int | None = None
    frames: int | None = None
    phash: str | None = None
    dhash: str | None = None
    low_information: bool | None = None
    draft_scale: int | None = None
    exif_datetime: str | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    notes: list[str] = field(default_factory=list)
    thumbnail: bytes | None = None
    thumbnail_size: tuple[int, int] | None = None
    hash_bundle: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Totals:
    """The accounting identity for an exhibit or a case: found = hashed + skipped + failed."""

    found: int
    hashed: int
    skipped: int
    failed: int

    @property
    def balanced(self) -> bool:
        """True when every entry found is accounted for."""
        return self.found == self.hashed + self.skipped + self.failed


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """Header facts about a case."""

    reference: str
    scheme: str
    examiner: str
    created_at: str
    schema_revision: str
    exhibits: list[str]
    totals: Totals


@dataclass(slots=True)
class MatchRecord:
    """The best match of one item against the hash library."""

    item_id: int
    kind: str
    hash_set: str
    set_fingerprint: str | None
    entry_id: int | None
    category: str | None
    list_category: str | None
    distance: int
    matched_on: str
    flagged: list[str] = field(default_factory=list)
    details: dict[str, object] = field(default_factory=dict)
