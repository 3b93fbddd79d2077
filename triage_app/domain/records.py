"""Plain records passed between the ingest, the store and the outputs.

One record per ingested entry travels the whole way: a worker fills a
:class:`FileRecord` (its file facts and, for an image, the :class:`ImageFacts`
group the decoder produces), the store writes its fields to the matching
columns and reads them back as a :class:`StoredItem` (the same record with
the item's id, exhibit, tool versions and match), from which the JSON and the
reports are built. They hold no database or Qt objects so that worker
processes can pickle them and every layer can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

STATUS_HASHED = "hashed"
STATUS_SKIPPED = "skipped"
STATUS_FAILED = "failed"

# How far an item's picture was decoded (``decode_status``).
DECODED = "decoded"
PARTIAL = "partial"
DECODE_FAILED = "failed"
NOT_DECODED = "not decoded"


@dataclass(slots=True, kw_only=True)
class ImageFacts:
    """What decoding an image learned: the image group of a file's record.

    ``reason``, ``format`` and ``notes`` are what the decoder says about them;
    :meth:`FileRecord.take_image` folds them into the file's own.
    """

    decode_status: str | None = None
    reason: str | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    frames: int | None = None
    phash: str | None = None
    dhash: str | None = None
    #: PDQ (64 hex digits) and its quality (0-100).
    pdq: str | None = None
    pdq_quality: int | None = None
    low_information: bool | None = None
    draft_scale: int | None = None
    exif_datetime: str | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    thumbnail: bytes | None = None
    thumbnail_size: tuple[int, int] | None = None
    hash_bundle: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FrameHash:
    """One sampled frame of a video: its place among the samples, time and hashes."""

    index: int
    t: float
    phash: str
    dhash: str
    pdq: str | None = None
    pdq_quality: int | None = None
    low_information: bool = False


#: The image group's fields that :meth:`FileRecord.take_image` copies as they are.
_COPIED = tuple(f.name for f in fields(ImageFacts) if f.name not in ("reason", "format", "notes"))


@dataclass(slots=True)
class FileRecord(ImageFacts):
    """What the ingest learned about one entry of an exhibit: file facts + the image group.

    The image group's fields are keyword-only (``FileRecord(path, kind, status,
    size=..., phash=...)``).
    """

    path: bytes
    entry_kind: str
    status: str
    size: int | None = None
    mtime_ns: int | None = None
    nlink: int | None = None
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    atime_preserved: bool | None = None
    media_type: str | None = None
    #: Set for a file the file system marks deleted (recovered from a disk image).
    deleted: bool | None = None
    #: The chain from the exhibit to the file, e.g. ``card.E01 > partition 1 (FAT32)``.
    container: str | None = None
    #: The file system's address of the file (inode or MFT entry number).
    fs_address: str | None = None
    # Video (schema 0007): stream facts, and the sampled frames' hashes (their own table).
    duration_s: float | None = None
    fps: float | None = None
    codec: str | None = None
    frames_sampled: int | None = None
    video_frames: list[FrameHash] = field(default_factory=list)

    def take_image(self, facts: ImageFacts) -> None:
        """Fold a decoder's findings in: its facts replace ours, its notes add to ours."""
        for name in _COPIED:
            setattr(self, name, getattr(facts, name))
        if facts.format:
            self.format = facts.format
        if facts.reason:
            self.reason = facts.reason
        self.notes.extend(facts.notes)


@dataclass(slots=True)
class MatchRecord:
    """The best match of one item against the hash library (written and read back)."""

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
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The public shape of a match (the ``match`` field of ``triage items --json``):
        every field but the item's id, ``flagged`` named ``flags``."""
        return {
            ("flags" if f.name == "flagged" else f.name): getattr(self, f.name)
            for f in fields(self)
            if f.name != "item_id"
        }


@dataclass(frozen=True, slots=True)
class StoredItem:
    """An item as the case holds it: its ingest record and what the store adds.

    ``record`` is this read's own copy (its thumbnail is not loaded: see
    ``CaseStore.thumbnail``).
    """

    id: int
    exhibit: str
    record: FileRecord
    processed_at: str
    pillow_version: str
    imagehash_version: str
    match: MatchRecord | None = None


@dataclass(frozen=True, slots=True)
class HashedItem:
    """A hashed item with what matching, grouping and grading need (no path, no picture)."""

    id: int
    md5: str | None
    sha1: str | None
    sha256: str | None
    phash: str | None
    dhash: str | None
    low_information: bool
    decode_status: str | None
    bundle: dict[str, Any]
    media_type: str | None
    width: int | None
    height: int | None
    frames: int | None
    match_kind: str | None
    match_category: str | None
    pdq: str | None = None
    pdq_quality: int | None = None

    @property
    def pixels(self) -> int:
        """Width times height (0 when unknown)."""
        return (self.width or 0) * (self.height or 0)


@dataclass(frozen=True, slots=True)
class IngestRunRecord:
    """One ingest of an exhibit, as stored."""

    id: int
    started_at: str
    finished_at: str | None
    state: str
    app_version: str
    pillow_version: str
    imagehash_version: str
    workers: int
    atime_preserved: bool | None
    files_processed: int


@dataclass(frozen=True, slots=True)
class ChangeAfterSignOffFacts:
    """A grade change made after a sign-off that covered the item (the store's row and
    the report's line add where the item is and which sign-off it was)."""

    item_id: int
    exhibit: str
    old_category: str | None
    old_source: str | None
    new_category: str | None
    new_source: str | None
    user: str
    time_utc: str
    reason: str | None
    audit_seq: int | None
    sign_off_by: str
    sign_off_time: str
    sign_off_seq: int | None


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
    #: Per exhibit, in order: ``{"ref": ..., "source": {"kind", "path", "verification",
    #: "stored_md5", "computed_md5", ...}}``.
    sources: list[dict[str, Any]] = field(default_factory=list)
