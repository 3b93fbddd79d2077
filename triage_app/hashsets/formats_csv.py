"""Delimited formats with a header: the product's CSV, Interpol ICSE CSV and NSRL RDS v2."""

from __future__ import annotations

import binascii
import csv
import itertools
import operator
from collections.abc import Callable, Iterator
from typing import TextIO

from triage_app.hashsets.collect import Collector
from triage_app.hashsets.model import HashEntry, HashListError
from triage_app.hashsets.normalise import (
    HASH_STRIP,
    LINE_LIMIT,
    BadRecord,
    bounded_lines,
    clean_text,
    drain_line,
    hex_cell,
    is_hex,
    normalise_category,
)

#: Columns of the product's own CSV.
PRODUCT_COLUMNS = (
    "md5",
    "sha1",
    "sha256",
    "phash",
    "dhash",
    "category",
    "name",
    "note",
    "photodna",
)
PRODUCT_HASH_COLUMNS = frozenset({"md5", "sha1", "sha256", "phash", "dhash"})
_PRODUCT_ALIASES = {
    "sha-1": "sha1",
    "sha_1": "sha1",
    "sha-256": "sha256",
    "sha_256": "sha256",
    "photo dna": "photodna",
    "photo_dna": "photodna",
}
#: Extra columns kept as hashes: these names, or any name containing "hash".
_EXTRA_HASH_NAMES = frozenset({"pdq", "sha512", "sha384", "sha224", "sha3_256", "sha3-256"})

_NSRL_COLUMNS = ("sha-1", "md5", "crc32", "filename")

_LINES_NAMED = 5
#: Hex digits of md5, sha1, sha256, phash, dhash.
_SIZES = (32, 40, 64, 16, 16)


def header_name(cell: str) -> str:
    """Lower-case column name without quotes or surrounding whitespace."""
    return " ".join(cell.strip(HASH_STRIP).lower().split())


def product_column(name: str) -> str:
    """The product column a header name stands for (aliases resolved)."""
    return _PRODUCT_ALIASES.get(name, name)


def is_extra_hash_column(name: str) -> bool:
    """True for an unknown column whose name says it holds a hash (e.g. ``pdq``)."""
    return "hash" in name or name in _EXTRA_HASH_NAMES


def is_icse_header(names: list[str]) -> bool:
    """True for the Interpol ICSE export header (already passed through :func:`header_name`)."""
    return {"md5", "sha1", "photodna", "image id"} <= set(names)


def is_nsrl_header(names: list[str]) -> bool:
    """True for the NSRL RDS v2 ``NSRLFile.txt`` header."""
    return set(_NSRL_COLUMNS) <= set(names)


def is_product_header(names: list[str]) -> bool:
    """True if the names include a product hash column and none of them is a hash value."""
    columns = {product_column(n) for n in names}
    if not columns & PRODUCT_HASH_COLUMNS:
        return False
    return not any(len(n) >= 16 and is_hex(n) for n in names)


class CsvRows:
    """Records of a delimited file with their first line number, in bounded memory.

    Over-long lines are skipped (not held in memory) and reported; CSV syntax
    errors such as a field over the size limit reject that record and parsing
    goes on with the next line.
    """

    def __init__(self, stream: TextIO, delimiter: str, collector: Collector) -> None:
        self._stream = stream
        self._collector = collector
        collector.delimiter = delimiter
        self._overlong: list[int] = []
        self._reader = csv.reader(self._lines(), delimiter=delimiter)
        self._prev = 0

    def _lines(self) -> Iterator[str]:
        for number, raw in enumerate(bounded_lines(self._stream), 1):
            if len(raw) >= LINE_LIMIT and raw[-1] not in "\r\n":
                drain_line(self._stream)
                self._overlong.append(number)
                yield "\n"
            else:
                yield raw

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        overlong = self._overlong
        while True:
            try:
                for row in reader:
                    start = self._prev + 1
                    self._prev = reader.line_num
                    if overlong:
                        self._collector.reject(
                            start, f"line {overlong[0]} longer than {LINE_LIMIT} characters", ""
                        )
                        overlong.clear()
                        continue
                    yield start, row
                return
            except csv.Error as exc:
                start = self._prev + 1
                self._prev = reader.line_num
                overlong.clear()
                span = f" (lines {start}-{self._prev})" if self._prev > start else ""
                self._collector.reject(start, f"malformed CSV{span}: {exc}", "")


def _is_blank(row: list[str]) -> bool:
    return not "".join(row).strip()


def _is_comment(row: list[str]) -> bool:
    return row[0].lstrip().startswith("#")


def read_header(rows: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]] | None:
    """Skip blank lines, ``#`` comments and an Excel ``sep=`` line; return the header row."""
    for start, row in rows:
        if not row or _is_blank(row) or _is_comment(row):
            continue
        if row[0].strip().lower().startswith("sep=") and _is_blank(row[1:]):
            continue
        return start, row
    return None


def _index(names: list[str], wanted: str) -> int:
    return names.index(wanted) if wanted in names else -1


class _ExtraColumns:
    """Hash-like extra columns of a product CSV and their non-hex values."""

    def __init__(self, columns: list[tuple[int, str]]) -> None:
        self.columns = columns
        self.bad: dict[str, list[int]] = {}
        self.bad_count: dict[str, int] = {}

    def values(self, row: list[str], line: int) -> dict[str, str] | None:
        found: dict[str, str] = {}
        size = len(row)
        for index, key in self.columns:
            if index >= size:
                continue
            value = row[index].strip(HASH_STRIP).lower()
            if not value:
                continue
            if is_hex(value):
                found[key] = value
            else:
                self.bad_count[key] = self.bad_count.get(key, 0) + 1
                lines = self.bad.setdefault(key, [])
                if len(lines) < _LINES_NAMED:
                    lines.append(line)
        return found or None

    def warnings(self) -> Iterator[str]:
        for key, lines in self.bad.items():
            count = self.bad_count[key]
            where = ", ".join(map(str, lines)) + (", …" if count > len(lines) else "")
            yield f"column {key!r}: {count} value(s) not hexadecimal, ignored (line {where})"


def parse_product_csv(stream: TextIO, delimiter: str, collector: Collector) -> Iterator[HashEntry]:
    """Yield entries of the product's CSV (header-named columns, any subset)."""
    rows = iter(CsvRows(stream, delimiter, collector))
    header = read_header(rows)
    if header is None:
        return
    header_line, header_row = header
    names = [product_column(header_name(c)) for c in header_row]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise HashListError(
                f"{collector.report.source}: line {header_line}: column {name!r} appears twice"
            )
        seen.add(name)
    if not seen & PRODUCT_HASH_COLUMNS:
        raise HashListError(
            f"{collector.report.source}: line {header_line}: the header names no hash column "
            f"(expected some of {', '.join(sorted(PRODUCT_HASH_COLUMNS))})"
        )
    ncols = len(names)
    i_md5, i_sha1, i_sha256, i_phash, i_dhash, i_cat, i_name, i_note, i_pdna = (
        _index(names, c) for c in PRODUCT_COLUMNS
    )
    hash_indices = (i_md5, i_sha1, i_sha256, i_phash, i_dhash)
    extra_cols = _ExtraColumns(
        [
            (i, n)
            for i, n in enumerate(names)
            if n and n not in PRODUCT_COLUMNS and is_extra_hash_column(n)
        ]
    )
    ignored = [
        header_row[i].strip()
        for i, n in enumerate(names)
        if n and n not in PRODUCT_COLUMNS and not is_extra_hash_column(n)
    ]
    if ignored:
        collector.report.add_warning(f"ignored column(s) that hold no hash: {', '.join(ignored)}")
    if extra_cols.columns:
        kept = ", ".join(n for _, n in extra_cols.columns)
        collector.report.add_warning(f"extra hash column(s) kept but not matched: {kept}")

    # Fast path for well-formed rows: one C call picks the five hash cells (a missing
    # column reads an empty cell appended to the row), their lengths are checked as a
    # tuple and their digits by a single unhexlify. Anything else takes the slow path,
    # which strips quotes and whitespace and explains what is wrong.
    pick = operator.itemgetter(*(i if i >= 0 else -1 for i in hash_indices))
    good_lengths = frozenset(
        itertools.product(
            *((0, size) if i >= 0 else (0,) for i, size in zip(hash_indices, _SIZES, strict=True))
        )
    )
    accept = collector.accept
    md5: str | None
    sha1: str | None
    sha256: str | None
    phash: str | None
    dhash: str | None
    for start, row in rows:
        n = len(row)
        if n == 0 or (n == 1 and not row[0].strip()):
            continue
        cells: tuple[str, ...] | None = None
        if n == ncols:
            row.append("")
            cells = pick(row)
            del row[-1]
            if tuple(map(len, cells)) in good_lengths:
                try:
                    binascii.unhexlify("".join(cells))
                except ValueError:
                    cells = None
            else:
                cells = None
        if cells is not None:
            a, b, c, d, e = map(str.lower, cells)
            md5, sha1, sha256, phash, dhash = a or None, b or None, c or None, d or None, e or None
        elif _is_comment(row):
            continue
        else:
            try:
                if n > ncols and not _is_blank(row[ncols:]):
                    raise BadRecord(f"too many fields ({n}; the header has {ncols})")
                md5 = hex_cell(row[i_md5], 32, "md5") if 0 <= i_md5 < n else None
                sha1 = hex_cell(row[i_sha1], 40, "sha1") if 0 <= i_sha1 < n else None
                sha256 = hex_cell(row[i_sha256], 64, "sha256") if 0 <= i_sha256 < n else None
                phash = hex_cell(row[i_phash], 16, "phash") if 0 <= i_phash < n else None
                dhash = hex_cell(row[i_dhash], 16, "dhash") if 0 <= i_dhash < n else None
            except BadRecord as bad:
                collector.reject(start, bad.reason, row)
                continue
        if not (md5 or sha1 or sha256 or phash or dhash) and _is_blank(row):
            continue
        entry = accept(
            start,
            row,
            md5,
            sha1,
            sha256,
            phash,
            dhash,
            normalise_category(row[i_cat]) if 0 <= i_cat < n else None,
            clean_text(row[i_name]) if 0 <= i_name < n else None,
            clean_text(row[i_note]) if 0 <= i_note < n else None,
            clean_text(row[i_pdna]) if 0 <= i_pdna < n else None,
            extra_cols.values(row, start) if extra_cols.columns else None,
        )
        if entry is not None:
            yield entry
    for warning in extra_cols.warnings():
        collector.report.add_warning(warning)


def _headed_rows(
    stream: TextIO,
    delimiter: str,
    collector: Collector,
    check: Callable[[list[str]], bool],
    what: str,
) -> tuple[Iterator[tuple[int, list[str]]], list[str]] | None:
    rows = iter(CsvRows(stream, delimiter, collector))
    header = read_header(rows)
    if header is None:
        return None
    line, row = header
    names = [header_name(c) for c in row]
    if not check(names):
        raise HashListError(
            f"{collector.report.source}: line {line}: not the {what} header "
            f"(found {delimiter.join(row)[:120]!r})"
        )
    return rows, names


def parse_icse(stream: TextIO, collector: Collector) -> Iterator[HashEntry]:
    """Yield entries of an Interpol ICSE export (``;``-separated, no category)."""
    headed = _headed_rows(stream, ";", collector, is_icse_header, "ICSE export")
    if headed is None:
        return
    rows, names = headed
    ncols = len(names)
    i_md5, i_sha1, i_pdna = names.index("md5"), names.index("sha1"), names.index("photodna")
    i_id, i_series = names.index("image id"), _index(names, "series name")
    for start, row in rows:
        n = len(row)
        if n == 0 or _is_blank(row):
            continue
        try:
            if n > ncols and not _is_blank(row[ncols:]):
                raise BadRecord(f"too many fields ({n}; the header has {ncols})")
            md5 = hex_cell(row[i_md5], 32, "MD5") if i_md5 < n else None
            sha1 = hex_cell(row[i_sha1], 40, "SHA1") if i_sha1 < n else None
        except BadRecord as bad:
            collector.reject(start, bad.reason, row)
            continue
        image_id = clean_text(row[i_id]) if i_id < n else None
        entry = collector.accept(
            start,
            row,
            md5,
            sha1,
            None,
            None,
            None,
            None,
            clean_text(row[i_series]) if 0 <= i_series < n else None,
            f"ICSE image ID {image_id}" if image_id else None,
            clean_text(row[i_pdna]) if i_pdna < n else None,
        )
        if entry is not None:
            yield entry


def parse_nsrl(stream: TextIO, collector: Collector) -> Iterator[HashEntry]:
    """Yield entries of an NSRL RDS v2 ``NSRLFile.txt`` (known software files)."""
    headed = _headed_rows(stream, ",", collector, is_nsrl_header, "NSRL RDS v2 NSRLFile.txt")
    if headed is None:
        return
    rows, names = headed
    ncols = len(names)
    i_sha1, i_md5, i_name = names.index("sha-1"), names.index("md5"), names.index("filename")
    for start, row in rows:
        n = len(row)
        if n == 0 or _is_blank(row):
            continue
        try:
            if n != ncols:
                raise BadRecord(f"{n} fields, expected {ncols}")
            sha1 = hex_cell(row[i_sha1], 40, "SHA-1")
            md5 = hex_cell(row[i_md5], 32, "MD5")
        except BadRecord as bad:
            collector.reject(start, bad.reason, row)
            continue
        entry = collector.accept(
            start, row, md5, sha1, None, None, None, None, clean_text(row[i_name])
        )
        if entry is not None:
            yield entry
