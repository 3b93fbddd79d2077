"""Counts for the prosecution summary, following UK practice.

Per exhibit (and for the case as a whole) every hashed file is counted once,
in a row for its category and a column for its kind of media:

- rows: the scheme's categories, most severe first, then "not graded". For
  the UK scheme the indecent-image categories A, B and C come first with
  their subtotal; prohibited non-photographic images (PNP) and extreme
  pornography (XP) are separate offences and have rows of their own, never
  added into the A-C subtotal;
- columns: still images, moving images (videos) and other files, each twice:
  ``files`` counts every file found, so duplicates count each time they
  occur; ``unique`` counts distinct contents by SHA-256, so a file found three
  times counts once.

A content found more than once whose copies carry different grades is
counted (as unique) once, under the most severe of its grades, and listed
as an inconsistency; its files are each counted under their own grade. The
case total counts a content found on several exhibits once, so the case's
unique counts can be smaller than the sum of the exhibits'.

Every hashed file is in exactly one row, so the "all hashed files" row's
``files`` equals the exhibit's hashed count in the accounting line.

Moving images also carry their total running time: the sum of the known
durations of the cell's files (duplicates each time, as ``files`` counts them),
and how many of them have no known duration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from triage_app.config.schemes import Scheme

STILL = "still"
MOVING = "moving"
OTHER = "other"
#: Kinds of media, in column order.
MEDIA = (STILL, MOVING, OTHER)
MEDIA_LABELS = {STILL: "Still images", MOVING: "Moving images", OTHER: "Other files"}

#: Row key for hashed files without a grade.
NOT_GRADED = "-"
#: Pseudo-rows.
INDECENT_TOTAL = "indecent"
ALL_FILES = "all"

#: Categories that are separate offences, reported apart from the indecent-image
#: categories (UK: Coroners and Justice Act 2009 s.62; Criminal Justice and
#: Immigration Act 2008 s.63).
SEPARATE_OFFENCES: dict[str, tuple[str, ...]] = {"uk": ("PNP", "XP")}
#: Titles of the row groups.
INDECENT_GROUP = {"uk": "Indecent images of children"}
SEPARATE_GROUP = "Separate offences, reported separately"
OTHER_GROUP = "Other"


def media_of(media_type: str | None) -> str:
    """The column of an item: still (any image format), moving (video) or other."""
    if media_type == "image":
        return STILL
    if media_type == "video":
        return MOVING
    return OTHER


@dataclass(frozen=True, slots=True)
class Countable:
    """What counting needs of one hashed file."""

    item_id: int
    exhibit: str
    sha256: str | None
    media: str
    category: str | None
    #: A video's running time in seconds (None: not a video, or not known).
    duration_s: float | None = None


@dataclass(slots=True)
class Cell:
    """Files and unique contents in one row and column, and the files' running time."""

    files: int = 0
    unique: int = 0
    #: The total of the files' known durations (seconds; moving images only).
    duration_s: float = 0.0
    #: Moving images among ``files`` whose duration is not known.
    no_duration: int = 0

    def add_file(self, item: Countable) -> None:
        """Count one file (and its duration, if it is a moving image)."""
        self.files += 1
        if item.media == MOVING:
            if item.duration_s is None:
                self.no_duration += 1
            else:
                self.duration_s += item.duration_s


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a count table."""

    key: str
    label: str
    kind: str  # "category", "subtotal", "not graded", "total"
    group: str
    cells: dict[str, Cell]

    @property
    def total(self) -> Cell:
        """All media together."""
        cells = self.cells.values()
        return Cell(
            sum(c.files for c in cells),
            sum(c.unique for c in cells),
            sum(c.duration_s for c in cells),
            sum(c.no_duration for c in cells),
        )


@dataclass(frozen=True, slots=True)
class Inconsistency:
    """Copies of one content graded differently."""

    sha256: str
    grades: dict[str, list[int]]  # category -> item ids
    counted_as: str


@dataclass(frozen=True, slots=True)
class CountTable:
    """The counts of one exhibit or of the whole case."""

    scope: str
    rows: list[Row]
    inconsistencies: list[Inconsistency] = field(default_factory=list)

    def row(self, key: str) -> Row:
        """The row for a category code, ``NOT_GRADED``, ``INDECENT_TOTAL`` or ``ALL_FILES``."""
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)


def row_order(scheme: Scheme) -> list[tuple[str, str, str, str]]:
    """(key, label, kind, group) of the rows, in order."""
    cats = sorted(scheme.categories, key=lambda c: -c.severity)
    indecent = [c for c in cats if c.indecent]
    separate = set(SEPARATE_OFFENCES.get(scheme.id, ()))
    first = INDECENT_GROUP.get(scheme.id, "Categories of concern")
    rows: list[tuple[str, str, str, str]] = []
    for c in indecent:
        rows.append((c.code, c.label, "category", first))
    if indecent:
        codes = "+".join(c.code for c in indecent)
        rows.append((INDECENT_TOTAL, f"Total {codes}", "subtotal", first))
    for c in cats:
        if not c.indecent and c.code in separate:
            rows.append((c.code, c.label, "category", SEPARATE_GROUP))
    for c in cats:
        if not c.indecent and c.code not in separate:
            rows.append((c.code, c.label, "category", OTHER_GROUP))
    rows.append((NOT_GRADED, "Not graded", "not graded", OTHER_GROUP))
    rows.append((ALL_FILES, "All hashed files", "total", ""))
    return rows


def running_time(seconds: float) -> str:
    """A running time as ``H:MM:SS`` (rounded to the second)."""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def count(scope: str, items: Iterable[Countable], scheme: Scheme) -> CountTable:
    """Count ``items`` (hashed files of one scope) as described in the module docstring."""
    order = row_order(scheme)
    cells: dict[str, dict[str, Cell]] = {row[0]: {m: Cell() for m in MEDIA} for row in order}
    indecent = {c.code for c in scheme.categories if c.indecent}
    by_content: dict[str, list[Countable]] = {}
    for item in items:
        key = item.category if item.category is not None else NOT_GRADED
        if key not in cells:
            raise ValueError(f"item {item.item_id}: {key!r} is not a category of {scheme.id}")
        cells[key][item.media].add_file(item)
        if key in indecent:
            cells[INDECENT_TOTAL][item.media].add_file(item)
        cells[ALL_FILES][item.media].add_file(item)
        content = item.sha256 if item.sha256 else f"item:{item.item_id}"
        by_content.setdefault(content, []).append(item)
    inconsistencies: list[Inconsistency] = []
    for content, copies in by_content.items():
        graded = [c.category for c in copies if c.category is not None]
        key = scheme.most_severe(graded) if graded else NOT_GRADED
        if len(set(graded)) > 1:
            grades: dict[str, list[int]] = {}
            for c in copies:
                if c.category is not None:
                    grades.setdefault(c.category, []).append(c.item_id)
            inconsistencies.append(Inconsistency(content, grades, key))
        media = copies[0].media
        cells[key][media].unique += 1
        if key in indecent:
            cells[INDECENT_TOTAL][media].unique += 1
        cells[ALL_FILES][media].unique += 1
    rows = [Row(key, label, kind, group, cells[key]) for key, label, kind, group in order]
    return CountTable(scope, rows, inconsistencies)


def count_all(
    items: Sequence[Countable], exhibits: Sequence[str], scheme: Scheme
) -> tuple[list[CountTable], CountTable]:
    """One table per exhibit (in the order given) and one for the case."""
    per = [count(ref, (i for i in items if i.exhibit == ref), scheme) for ref in exhibits]
    return per, count("All exhibits", items, scheme)
