"""The case's graded contents, one per SHA-256: what a VICS export or the lab's list holds.

Rules (the same for both outputs, so they import to identical entries):

- one entry per distinct content (SHA-256) with at least one graded copy; its
  category is the most severe grade among the copies (copies graded
  differently are counted in ``conflicts`` and said so in the entry's note);
- every grade is kept with its category, including "not indecent" (UK ``NI``)
  and "non-pertinent" (Project VIC ``5``): matched in a later case, such an
  entry settles the item as not relevant without anybody looking at it, as an
  ignorable list would, while still showing the examiner's category;
- grades of the scheme's "uncategorised" code (severity 0: UK ``U``, Project
  VIC ``0``) are left out: they carry no knowledge, and an exact hit on one
  would mark a new item as graded when nobody has graded it;
- the empty file is left out (every zero-byte file has its hashes);
- pHash/dHash are given only for images decoded in full that are not
  low-information (blank or near-uniform pictures all hash alike).
"""

from __future__ import annotations

from dataclasses import dataclass

from triage_app.domain.records import STATUS_HASHED
from triage_app.files.digest import EMPTY_SHA256
from triage_app.reports.model import ReportData, ReportItem
from triage_app.review.grading import FROM_LIST


@dataclass(frozen=True, slots=True)
class GradedMedia:
    """One distinct graded content and the files that hold it."""

    md5: str
    sha1: str
    sha256: str
    phash: str | None
    dhash: str | None
    category: str
    size: int | None
    format: str | None
    media_type: str | None
    grade: ReportItem
    copies: tuple[ReportItem, ...]
    conflicting: bool

    @property
    def precategorised(self) -> bool:
        """True when the grade was taken from a hash list."""
        return self.grade.grade_source == FROM_LIST

    @property
    def name(self) -> str:
        """The file name of the copy whose grade is exported."""
        return self.grade.path.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class GradedMediaList:
    """The entries and what was left out."""

    media: tuple[GradedMedia, ...]
    left_out_uncategorised: int
    left_out_empty: int
    conflicts: int

    @property
    def files(self) -> int:
        """Files behind the entries."""
        return sum(len(m.copies) for m in self.media)


def uncategorised_codes(data: ReportData) -> set[str]:
    """The scheme's "not yet graded" codes (severity 0)."""
    return {c.code for c in data.scheme.categories if c.severity == 0}


def graded_media(data: ReportData) -> GradedMediaList:
    """Group the graded items of a report by content (see the module docstring)."""
    skip = uncategorised_codes(data)
    copies: dict[str, list[ReportItem]] = {}
    for item in data.items:
        if item.status == STATUS_HASHED and item.sha256:
            copies.setdefault(item.sha256, []).append(item)
    media: list[GradedMedia] = []
    seen: set[str] = set()
    left_uncat = left_empty = conflicts = 0
    for item in data.listing():
        if item.sha256 is None or item.md5 is None or item.sha1 is None or item.sha256 in seen:
            continue
        seen.add(item.sha256)
        all_copies = copies.get(item.sha256, [item])
        graded = [c for c in all_copies if c.category is not None and c.category not in skip]
        if not graded:
            left_uncat += 1
            continue
        if item.sha256 == EMPTY_SHA256:
            left_empty += 1
            continue
        category = data.scheme.most_severe([c.category for c in graded if c.category])
        grade = next(c for c in graded if c.category == category)
        conflicting = len({c.category for c in graded}) > 1
        conflicts += conflicting
        perceptual = next((c for c in all_copies if c.perceptual_usable), None)
        media.append(
            GradedMedia(
                md5=item.md5,
                sha1=item.sha1,
                sha256=item.sha256,
                phash=perceptual.phash if perceptual else None,
                dhash=perceptual.dhash if perceptual else None,
                category=category,
                size=item.size,
                format=item.format,
                media_type=item.media_type,
                grade=grade,
                copies=tuple(sorted(all_copies, key=lambda c: (c.exhibit, c.path, c.id))),
                conflicting=conflicting,
            )
        )
    return GradedMediaList(tuple(media), left_uncat, left_empty, conflicts)


def provenance_note(data: ReportData, entry: GradedMedia) -> str:
    """Where an entry comes from, for the list's note or the VICS comments."""
    g = entry.grade
    exhibits = sorted({c.exhibit for c in entry.copies})
    note = (
        f"case {data.reference}; exhibit {', '.join(exhibits)}; graded {entry.category} "
        f"({g.grade_source}) by {g.examiner} at {g.graded_at}; {len(entry.copies)} file(s)"
    )
    if entry.conflicting:
        graded = sorted({c.category or "" for c in entry.copies if c.category})
        note += f"; copies graded differently ({', '.join(graded)}): most severe kept"
    return note


def entry_tags(entry: GradedMedia) -> list[str]:
    """The examiners' tags on any copy of an entry, each once whatever its case."""
    seen: dict[str, str] = {}
    for copy in entry.copies:
        for tag in copy.tags:
            seen.setdefault(tag.casefold(), tag)
    return sorted(seen.values(), key=str.casefold)


def annotation_note(entry: GradedMedia) -> str:
    """The examiners' tags, notes and marked frames on the entry's copies, in one line
    ("" when there are none): for the VICS comments."""
    parts = []
    tags = entry_tags(entry)
    if tags:
        parts.append(f"tags: {', '.join(tags)}")
    several = len(entry.copies) > 1
    for copy in entry.copies:
        whose = f" (item {copy.id})" if several else ""
        for n in copy.examiner_notes:
            parts.append(
                f"note{whose} by {n.examiner} at {n.at}: {' '.join((n.text or '').split())}"
            )
        for f in copy.marked_frames:
            said = f": {' '.join(f.text.split())}" if f.text else ""
            parts.append(f"marked frame{whose} at {f.seconds:.3f} s by {f.examiner}{said}")
    return "; ".join(parts)
