"""Bookkeeping shared by all parsers: exclusions, rejections, counts and the fingerprint."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import triage_app.hashsets.pdq_fields as pdq_fields
from triage_app.files.digest import EMPTY_MD5, EMPTY_SHA1, EMPTY_SHA256
from triage_app.hashsets.model import (
    REJECTED_KEPT,
    REJECTED_TEXT_CHARS,
    HashEntry,
    ParseReport,
    Rejected,
    new_entry,
)

#: Perceptual hashes of blank or uniform images: they match everything alike.
DEGENERATE_PERCEPTUAL = frozenset({"0" * 16, "f" * 16})

#: Lines a warning names of the records it is about.
LINES_NAMED = 5

#: A record as read: its text, its CSV fields, or a function giving its text.
Record = str | list[str] | Callable[[], str]
_FLUSH_EVERY = 8192


class LineTally:
    """How many records something happened to, and the first few of their lines."""

    __slots__ = ("count", "lines")

    def __init__(self) -> None:
        self.count = 0
        self.lines: list[int] = []

    def add(self, line: int) -> None:
        """Count one more record, at ``line``."""
        self.count += 1
        if len(self.lines) < LINES_NAMED:
            self.lines.append(line)

    def where(self) -> str:
        """The lines for a warning: ``"3, 7, 9"``, with ``", …"`` if there were more."""
        text = ", ".join(str(n) for n in self.lines)
        return text + ", …" if self.count > len(self.lines) else text


def _is_degenerate_extra(value: str) -> bool:
    """All-zero or all-one value of another hash (e.g. a blank image's PDQ)."""
    first = value[0]
    return first in "0f" and value.count(first) == len(value)


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


class Collector:
    """Applies the import rules to candidate entries and keeps the report up to date.

    The fingerprint is the SHA-256 of one canonical line per accepted entry, in
    file order: ``md5|sha1|sha256|phash|dhash|category`` plus ``\\n``, each hash
    lower-case hex or empty, the category as normalised (empty when ``None``),
    all UTF-8; an entry with a PDQ hash adds ``|pdq`` before the newline (so
    lists without PDQ keep their fingerprints). Excluded hashes are left out;
    names, notes, PhotoDNA and other extra hashes do not count.
    """

    __slots__ = (
        "_dropped", "_excluded", "_hasher", "_pdq_problems", "_pending", "_replaced",
        "delimiter", "report",
    )  # fmt: skip

    def __init__(self, report: ParseReport) -> None:
        self.report = report
        self._hasher = hashlib.sha256()
        self._pending: list[str] = []
        self._excluded: dict[str, LineTally] = {}
        self._dropped = LineTally()
        self._replaced = LineTally()
        self._pdq_problems: dict[str, LineTally] = {}
        #: Joins the fields of a rejected CSV record back into text.
        self.delimiter = ","

    def reject(self, line: int, reason: str, record: Record) -> None:
        """Count a record that cannot be loaded.

        ``record`` is its text, its CSV fields, or a function giving its text
        (only called while rejected records are still stored in full).
        """
        report = self.report
        report.records += 1
        report.rejected_count += 1
        if len(report.rejected) < REJECTED_KEPT:
            if isinstance(record, str):
                text = record
            elif isinstance(record, list):
                text = self.delimiter.join(record)
            else:
                text = record()
            text = text.rstrip("\r\n")
            if len(text) > REJECTED_TEXT_CHARS:
                text = text[: REJECTED_TEXT_CHARS - 1] + "…"
            report.rejected.append(Rejected(line, reason, text))

    def _exclude(self, kind: str, line: int) -> None:
        excluded = self.report.excluded
        excluded[kind] = excluded.get(kind, 0) + 1
        self._excluded.setdefault(kind, LineTally()).add(line)

    def accept(
        self,
        line: int,
        record: Record,
        md5: str | None,
        sha1: str | None,
        sha256: str | None,
        phash: str | None,
        dhash: str | None,
        category: str | None,
        name: str | None = None,
        note: str | None = None,
        photodna: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> HashEntry | None:
        """Apply exclusions and return the entry, or ``None`` if nothing matchable is left.

        Hashes must already be validated and lower-case. ``record`` is the record
        as read (see :meth:`reject`), for the report if it is rejected.
        """
        excluded = False
        if md5 == EMPTY_MD5:
            md5, excluded = None, True
            self._exclude("empty-file MD5", line)
        if sha1 == EMPTY_SHA1:
            sha1, excluded = None, True
            self._exclude("empty-file SHA-1", line)
        if sha256 == EMPTY_SHA256:
            sha256, excluded = None, True
            self._exclude("empty-file SHA-256", line)
        if phash is not None and phash in DEGENERATE_PERCEPTUAL:
            self._exclude(f"blank-image pHash {phash}", line)
            phash, excluded = None, True
        if dhash is not None and dhash in DEGENERATE_PERCEPTUAL:
            self._exclude(f"blank-image dHash {dhash}", line)
            dhash, excluded = None, True
        pdq: str | None = None
        if extra:
            for problem in pdq_fields.settle(extra):
                self._pdq_problems.setdefault(problem, LineTally()).add(line)
            for key in [
                k
                for k, v in extra.items()
                if v and k != pdq_fields.PDQ_QUALITY and _is_degenerate_extra(v)
            ]:
                del extra[key]
                excluded = True
                self._exclude(f"all-zero/all-one {key}", line)
            pdq = extra.get(pdq_fields.PDQ)
        if (
            md5 is None
            and sha1 is None
            and sha256 is None
            and phash is None
            and dhash is None
            and pdq is None
        ):
            if excluded:
                self.report.records += 1
                self.report.dropped += 1
                self._dropped.add(line)
            else:
                reason = "no MD5, SHA-1, SHA-256, pHash, dHash or PDQ to match on"
                if photodna is not None or extra:
                    reason += " (PhotoDNA and other hashes are kept but never matched)"
                self.reject(line, reason, record)
            return None
        if (
            (category is not None and "\ufffd" in category)
            or (name is not None and "\ufffd" in name)
            or (note is not None and "\ufffd" in note)
        ):
            self._replaced.add(line)
        report = self.report
        report.records += 1
        report.loaded += 1
        pending = self._pending
        pending.append(
            f"{md5 or ''}|{sha1 or ''}|{sha256 or ''}|{phash or ''}|{dhash or ''}|"
            f"{category or ''}{'|' + pdq if pdq else ''}\n"
        )
        if len(pending) >= _FLUSH_EVERY:
            self._hasher.update("".join(pending).encode("utf-8"))
            pending.clear()
        if extra is None:
            extra = {}
        return new_entry(
            md5, sha1, sha256, phash, dhash, category, name, note, photodna, extra, line
        )

    def finish(self) -> None:
        """Write the summary warnings and the fingerprint into the report."""
        if self._pending:
            self._hasher.update("".join(self._pending).encode("utf-8"))
            self._pending.clear()
        report = self.report
        for kind, tally in self._excluded.items():
            report.add_warning(
                f"excluded the {kind} from {_entries(tally.count)} (line {tally.where()})"
            )
        if report.dropped:
            report.add_warning(
                f"dropped {_entries(report.dropped)} left with no matchable hash after "
                f"exclusions (line {self._dropped.where()})"
            )
        for problem, tally in self._pdq_problems.items():
            report.add_warning(f"{problem} in {_entries(tally.count)} (line {tally.where()})")
        if self._replaced.count:
            report.add_warning(
                "undecodable bytes were replaced by U+FFFD in names, notes or categories "
                f"(line {self._replaced.where()}); check the file's encoding"
            )
        report.fingerprint = self._hasher.hexdigest()
        report.complete = True
