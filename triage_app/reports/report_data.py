"""What a report says: its items, exhibits, accounts, match runs, sign-offs (no Qt, no layout).

:class:`ReportData` is read once from a case (:func:`triage_app.reports.model.build_report_data`)
and every output (PDF, HTML, CSV, VICS, the lab's list) is rendered from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from triage_app.config.schemes import Scheme
from triage_app.domain.grade_sources import CONFIRMED, FROM_LIST, is_propagated
from triage_app.domain.records import (
    STATUS_FAILED,
    STATUS_HASHED,
    STATUS_SKIPPED,
    ChangeAfterSignOffFacts,
    IngestRunRecord,
    Totals,
)
from triage_app.reports.counts import CountTable

#: Decode states for which an image's picture could not be (fully) seen.
_NOT_DECODED = ("failed", "partial")


@dataclass(frozen=True, slots=True)
class ReportNote:
    """An examiner's note on an item, or a marked frame of a video (``seconds``)."""

    text: str | None
    examiner: str
    at: str
    seconds: float | None = None


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One entry of an exhibit with its grade and match, as the report shows it."""

    id: int
    exhibit: str
    path: str
    path_hex: str | None
    entry_kind: str
    status: str
    reason: str | None
    size: int | None
    md5: str | None
    sha1: str | None
    sha256: str | None
    media_type: str | None
    media: str
    format: str | None
    decode_status: str | None
    low_information: bool
    frames: int | None
    phash: str | None
    dhash: str | None
    exif_datetime: str | None
    modified_utc: str | None
    category: str | None
    category_label: str | None
    grade_source: str | None
    examiner: str | None
    graded_at: str | None
    grade_reason: str | None
    match_kind: str | None
    match_set: str | None
    match_on: str | None
    match_distance: int | None
    #: The item's grade was changed after a sign-off that covered it (supervision).
    changed_after_sign_off: bool = False
    #: A video's running time in seconds (None: not a video, or not known).
    duration_s: float | None = None
    #: The examiners' current tags, notes and marked frames (oldest first; frames by time).
    tags: tuple[str, ...] = ()
    examiner_notes: tuple[ReportNote, ...] = ()
    marked_frames: tuple[ReportNote, ...] = ()

    @property
    def graded(self) -> bool:
        """True when the item has a grade."""
        return self.category is not None

    @property
    def how_graded(self) -> str:
        """The grade source in words, with the match behind it where there is one."""
        source = self.grade_source or ""
        if source == FROM_LIST and self.match_kind == "exact":
            return f"hash-list exact ({(self.match_on or '').upper()}, set {self.match_set})"
        if source == CONFIRMED and self.match_kind == "near":
            return (
                f"near match confirmed (pHash distance {self.match_distance}, set {self.match_set})"
            )
        return source

    @property
    def perceptual_usable(self) -> bool:
        """True when the pHash/dHash describe the whole picture and are worth sharing."""
        return bool(
            self.phash
            and self.dhash
            and not self.low_information
            and self.decode_status == "decoded"
        )


@dataclass(frozen=True, slots=True)
class ExhibitInfo:
    """An exhibit, its ingests and its accounting totals."""

    reference: str
    source: str
    source_raw: bytes
    added_at: str
    runs: tuple[IngestRunRecord, ...]
    totals: Totals
    #: The source's kind and verification in one line ("" for a folder).
    verification: str = ""

    @property
    def complete(self) -> bool:
        """True when the exhibit's last ingest finished."""
        return bool(self.runs) and self.runs[-1].state == "finished"


@dataclass(frozen=True, slots=True)
class HashSetUse:
    """A hash set used by one or more match runs of the case."""

    name: str
    fingerprint: str
    role: str
    entries: int | None
    source_sha256: str | None
    imported_at: str | None
    runs: tuple[int, ...]
    in_latest_run: bool


@dataclass(frozen=True, slots=True)
class MatchRunInfo:
    """One matching of the case against the hash library."""

    id: int
    started_at: str
    finished_at: str | None
    app_version: str
    sets: tuple[str, ...]
    thresholds: dict[str, Any]
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """An account of the case and the grades it holds now."""

    label: str
    role: str
    active: bool
    grades_held: int
    first_graded: str | None
    last_graded: str | None


@dataclass(frozen=True, slots=True)
class SignOff:
    """A sign-off entry of the audit trail."""

    seq: int
    time_utc: str
    user: str
    object: str


@dataclass(frozen=True, slots=True)
class ChangeAfterSignOff(ChangeAfterSignOffFacts):
    """A grade change made after a sign-off that covered the item, as the report lists it."""

    path: str
    sign_off_object: str


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything a report says."""

    reference: str
    scheme: Scheme
    case_created_at: str
    case_created_by: str
    case_created_by_version: str
    generated_at: str
    generated_by: str
    tool_version: str
    runtime_versions: dict[str, str]
    exhibits: tuple[ExhibitInfo, ...]
    accounts: tuple[AccountInfo, ...]
    match_runs: tuple[MatchRunInfo, ...]
    hash_sets: tuple[HashSetUse, ...]
    near_threshold_now: int | None
    items: tuple[ReportItem, ...]
    exhibit_counts: tuple[CountTable, ...]
    case_counts: CountTable
    audit_head: tuple[int, str]
    audit_entries: int
    sign_offs: tuple[SignOff, ...]
    warnings: tuple[str, ...]
    #: Grade changes made after a sign-off (supervision), oldest first.
    changes_after_sign_off: tuple[ChangeAfterSignOff, ...] = ()

    @property
    def totals(self) -> Totals:
        """The case's accounting totals."""
        return Totals(
            found=sum(e.totals.found for e in self.exhibits),
            hashed=sum(e.totals.hashed for e in self.exhibits),
            skipped=sum(e.totals.skipped for e in self.exhibits),
            failed=sum(e.totals.failed for e in self.exhibits),
        )

    def listing(self) -> list[ReportItem]:
        """Graded items: by exhibit, most severe category first, then by path."""
        order = {e.reference: i for i, e in enumerate(self.exhibits)}
        return sorted(
            (i for i in self.items if i.graded),
            key=lambda i: (
                order.get(i.exhibit, len(order)),
                -self.scheme.severity(i.category or ""),
                i.path,
                i.id,
            ),
        )

    def not_processed(self) -> list[ReportItem]:
        """Entries that failed or were skipped, by exhibit and path."""
        return self._problems((STATUS_FAILED, STATUS_SKIPPED))

    def not_decoded(self) -> list[ReportItem]:
        """Hashed images whose picture could not be decoded in full."""
        return sorted(
            (
                i
                for i in self.items
                if i.status == STATUS_HASHED
                and i.media_type == "image"
                and i.decode_status in _NOT_DECODED
            ),
            key=lambda i: (i.exhibit, i.path),
        )

    def _problems(self, statuses: Iterable[str]) -> list[ReportItem]:
        wanted = set(statuses)
        order = {e.reference: n for n, e in enumerate(self.exhibits)}
        return sorted(
            (i for i in self.items if i.status in wanted),
            key=lambda i: (order.get(i.exhibit, len(order)), i.status, i.path),
        )

    def grade_sources(self) -> dict[str, int]:
        """How many current grades came from each source (propagations together)."""
        out: dict[str, int] = {}
        for item in self.items:
            if item.grade_source is None:
                continue
            key = "propagated" if is_propagated(item.grade_source) else item.grade_source
            out[key] = out.get(key, 0) + 1
        return out
