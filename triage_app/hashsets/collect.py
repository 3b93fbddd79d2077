"""Bookkeeping shared by all parsers: exclusions, rejections, counts and the fingerprint."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from triage_app.hashsets.model import (
    REJECTED_KEPT,
    REJECTED_TEXT_CHARS,
    HashEntry,
    ParseReport,
    Rejected,
    new_entry,
)
from triage_app.hashsets.normalise import EMPTY_MD5, EMPTY_SHA1, EMPTY_SHA256

#: Perceptual hashes of blank or uniform images: they match everything alike.
DEGENERATE_PERCEPTUAL = frozenset({"0" * 16, "f" * 16})

_LINES_NAMED = 5

#: A record as read: its text, its CSV fields, or a function giving its text.
Record = str | list[str] | Callable[[], str]
_FLUSH_EVERY = 8192


def _is_degenerate_extra(value: str) -> bool:
    """All-zero or all-one value of another hash (e.g. a blank image's PDQ)."""
    first = value[0]
    return first in "0f" and value.count(first) == len(value)


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def _where(lines: list[int], count: int) -> str:
    text = ", ".join(str(n) for n in lines)
    return text + ", …" if count > len(lines) else text


class Collector:
    """Applies the import rules to candidate entries and keeps the report up to date.

    The fingerprint is the SHA-256 of one canonical line per accepted entry, in
    file order: ``md5|sha1|sha256|phash|dhash|category`` plus ``\\n``, each hash
    lower-case hex or empty, the category as normalised (empty when ``None``),
    all UTF-8. Excluded hashes are left out; names, notes, PhotoDNA and extra
    hashes do not count.
    """

    __slots__ = (
        "_dropped_lines",
        "_excluded_lines",
        "_hasher",
        "_pending",
        "_replaced",
        "_replaced_count",
        "delimiter",
        "report",
    )

    def __init__(self, report: ParseReport) -> None:
        self.report = report
        self._hasher = hashlib.sha256()
        self._pending: list[str] = []
        self._excluded_lines: dict[str, list[int]] = {}
        self._dropped_lines: list[int] = []
        self._replaced: list[int] = []
        self._replaced_count = 0
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
        lines = self._excluded_lines.setdefault(kind, [])
        if len(lines) < _LINES_NAMED:
            lines.append(line)

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
        if extra:
            for key in [k for k, v in extra.items() if v and _is_degenerate_extra(v)]:
                del extra[key]
                excluded = True
                self._exclude(f"all-zero/all-one {key}", line)
        if md5 is None and sha1 is None and sha256 is None and phash is None and dhash is None:
            if excluded:
                self.report.records += 1
                self.report.dropped += 1
                if len(self._dropped_lines) < _LINES_NAMED:
                    self._dropped_lines.append(line)
            else:
                reason = "no MD5, SHA-1, SHA-256, pHash or dHash to match on"
                if photodna is not None or extra:
                    reason += " (PhotoDNA and other hashes are kept but never matched)"
                self.reject(line, reason, record)
            return None
        if (
            (category is not None and "\ufffd" in category)
            or (name is not None and "\ufffd" in name)
            or (note is not None and "\ufffd" in note)
        ):
            self._replaced_count += 1
            if len(self._replaced) < _LINES_NAMED:
                self._replaced.append(line)
        report = self.report
        report.records += 1
        report.loaded += 1
        pending = self._pending
        pending.append(
            f"{md5 or ''}|{sha1 or ''}|{sha256 or ''}|{phash or ''}|{dhash or ''}|"
            f"{category or ''}\n"
        )
        if len(pending) >= _FLUSH_EVERY:
            self._hasher.update("".join(pending).encode("utf-8"))
            pending.clear()
        return new_entry(
            md5,
            sha1,
            sha256,
            phash,
            dhash,
            category,
            name,
            note,
            photodna,
            {} if extra is None else extra,
            line,
        )

    def finish(self) -> None:
        """Write the summary warnings and the fingerprint into the report."""
        if self._pending:
            self._hasher.update("".join(self._pending).encode("utf-8"))
            self._pending.clear()
        report = self.report
        for kind, lines in self._excluded_lines.items():
            count = report.excluded[kind]
            report.add_warning(
                f"excluded the {kind} from {_entries(count)} (line {_where(lines, count)})"
            )
        if report.dropped:
            report.add_warning(
                f"dropped {_entries(report.dropped)} left with no matchable hash after "
                f"exclusions (line {_where(self._dropped_lines, report.dropped)})"
            )
        if self._replaced:
            report.add_warning(
                "undecodable bytes were replaced by U+FFFD in names, notes or categories "
                f"(line {_where(self._replaced, self._replaced_count)}); check the file's encoding"
            )
        report.fingerprint = self._hasher.hexdigest()
        report.complete = True
