"""Records produced by the hash-list parsers and the report that goes with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from triage_app.domain.errors import TriageError
from triage_app.domain.options import HASH_LIST_FORMATS

#: Format names accepted by :func:`triage_app.hashsets.parse`.
FORMATS = HASH_LIST_FORMATS

#: How many rejected lines a report keeps in full (all are counted).
REJECTED_KEPT = 1000
#: How many warnings a report keeps (the last one says more were dropped).
WARNINGS_KEPT = 1000
#: Longest text of a rejected line kept in a report.
REJECTED_TEXT_CHARS = 200


class HashListError(TriageError):
    """A hash list cannot be read or used; ``str(err)`` is the message to show."""


@dataclass(frozen=True, slots=True)
class HashEntry:
    """One accepted entry of a hash list.

    Hashes are lower-case hex; ``phash``/``dhash`` are 16 hex digits, as printed
    by ``str(imagehash.phash(img))``. ``category`` is the code exactly as the list
    gives it (whitespace normalised), ``None`` when absent. ``photodna`` is kept
    for the record and never matched. ``extra`` holds further hashes keyed by
    lower-case name (e.g. ``pdq``). ``line`` is the 1-based line of the record
    in the file, or the 1-based media record number for VICS JSON.
    """

    md5: str | None
    sha1: str | None
    sha256: str | None
    phash: str | None
    dhash: str | None
    category: str | None
    name: str | None
    note: str | None
    photodna: str | None
    extra: dict[str, str]
    line: int


class _EntryBuilder:
    """Same slot layout as :class:`HashEntry`, but with plain (fast) assignments.

    A frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, which costs about a microsecond per entry, a tenth
    of the time budget of a 10-million-row import. :func:`new_entry` fills one of
    these and then makes it a :class:`HashEntry` (same layout, so Python allows
    the class change); the result is an ordinary, frozen ``HashEntry``.
    """

    __slots__ = HashEntry.__slots__


def new_entry(
    md5: str | None,
    sha1: str | None,
    sha256: str | None,
    phash: str | None,
    dhash: str | None,
    category: str | None,
    name: str | None,
    note: str | None,
    photodna: str | None,
    extra: dict[str, str],
    line: int,
) -> HashEntry:
    """Build a :class:`HashEntry` quickly; equal to ``HashEntry(...)`` with the same values."""
    entry: Any = object.__new__(_EntryBuilder)
    entry.md5 = md5
    entry.sha1 = sha1
    entry.sha256 = sha256
    entry.phash = phash
    entry.dhash = dhash
    entry.category = category
    entry.name = name
    entry.note = note
    entry.photodna = photodna
    entry.extra = extra
    entry.line = line
    entry.__class__ = HashEntry
    built: HashEntry = entry
    return built


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be loaded, with the reason and (part of) its text."""

    line: int
    reason: str
    text: str


@dataclass(slots=True)
class ParseReport:
    """What a parse found; filled in while the entries are iterated.

    Every data record ends as exactly one of loaded, rejected or dropped, so
    ``records == loaded + rejected_count + dropped`` once ``complete`` is true.
    Blank lines, comments and header lines are not records.
    """

    format: str = ""
    loaded: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rejected_count: int = 0
    warnings: list[str] = field(default_factory=list)
    fingerprint: str | None = None
    #: File name the report is about (for messages).
    source: str = ""
    #: Text encoding the file was read with, e.g. ``"utf-8"`` or ``"utf-16 (BOM)"``.
    encoding: str = ""
    #: VICS data-model version (``"1.3"`` or ``"2.0"``), ``None`` for other formats.
    format_version: str | None = None
    #: VICS 2.0 profile (``"US"``, ``"UK"`` or ``"CUSTOM"``), ``None`` otherwise.
    profile: str | None = None
    #: Data records seen (loaded + rejected + dropped).
    records: int = 0
    #: Records dropped because only excluded hashes (empty-file, blank image) remained.
    dropped: int = 0
    #: Hash values removed from entries, by kind (e.g. ``"empty-file MD5"``).
    excluded: dict[str, int] = field(default_factory=dict)
    #: True once the whole file has been read.
    complete: bool = False

    def add_warning(self, message: str) -> None:
        """Append a warning, keeping at most :data:`WARNINGS_KEPT`."""
        if len(self.warnings) < WARNINGS_KEPT:
            self.warnings.append(message)
        elif len(self.warnings) == WARNINGS_KEPT:
            self.warnings.append("further warnings omitted")

    @property
    def excluded_count(self) -> int:
        """Hash values excluded from entries, all kinds together."""
        return sum(self.excluded.values())


def check_usable(report: ParseReport) -> None:
    """Refuse a list that gave no valid entry.

    Raises:
        HashListError: ``report.loaded == 0``; the message names the first problems.
    """
    if report.loaded > 0:
        return
    where = report.source or "the hash list"
    if report.rejected:
        problems = "; ".join(f"line {r.line}: {r.reason}" for r in report.rejected[:5])
        more = report.rejected_count - min(5, len(report.rejected))
        if more > 0:
            problems += f"; and {more} more"
        raise HashListError(f"no valid entries in {where}; first problems: {problems}")
    if report.dropped:
        raise HashListError(
            f"no valid entries in {where}; first problems: all {report.dropped} entries held "
            "only excluded hashes (empty file or blank image)"
        )
    raise HashListError(f"no valid entries in {where}; first problems: the file holds no hashes")
