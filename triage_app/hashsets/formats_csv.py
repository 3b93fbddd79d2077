"""The product's own CSV: header-named columns, any subset, extra hash columns kept."""

from __future__ import annotations

import binascii
import itertools
import operator
from collections.abc import Iterator
from typing import TextIO

import triage_app.hashsets.pdq_fields as pdq_fields
from triage_app.hashsets.collect import Collector, LineTally
from triage_app.hashsets.csv_rows import (
    CsvRows,
    column_index,
    header_name,
    is_blank,
    is_comment,
    read_header,
)
from triage_app.hashsets.frame_hashes import FRAME_HASHES, encode_frames, parse_frames
from triage_app.hashsets.model import HashEntry, HashListError
from triage_app.hashsets.normalise import (
    HASH_STRIP,
    BadRecord,
    clean_text,
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
#: Columns that make a header a hash list's even without a product hash column.
_HEADER_HASH_COLUMNS = PRODUCT_HASH_COLUMNS | {pdq_fields.PDQ}
#: Extra columns that are matched (the others are kept for the record).
_MATCHED_EXTRA = frozenset({FRAME_HASHES, pdq_fields.PDQ, pdq_fields.PDQ_QUALITY})
_PRODUCT_ALIASES = {
    "sha-1": "sha1",
    "sha_1": "sha1",
    "sha-256": "sha256",
    "sha_256": "sha256",
    "photo dna": "photodna",
    "photo_dna": "photodna",
    **pdq_fields.ALIASES,
}
#: Extra columns kept as hashes: these names, or any name containing "hash".
_EXTRA_HASH_NAMES = frozenset(
    {"pdq", "pdq_quality", "sha512", "sha384", "sha224", "sha3_256", "sha3-256"}
)

#: Hex digits of md5, sha1, sha256, phash, dhash.
_SIZES = (32, 40, 64, 16, 16)


def product_column(name: str) -> str:
    """The product column a header name stands for (aliases resolved)."""
    return _PRODUCT_ALIASES.get(name, name)


def is_extra_hash_column(name: str) -> bool:
    """True for an unknown column whose name says it holds a hash (e.g. ``pdq``)."""
    return "hash" in name or name in _EXTRA_HASH_NAMES


def is_product_header(names: list[str]) -> bool:
    """True if the names include a product hash column and none of them is a hash value."""
    columns = {product_column(n) for n in names}
    if not columns & _HEADER_HASH_COLUMNS:
        return False
    return not any(len(n) >= 16 and is_hex(n) for n in names)


class _ExtraColumns:
    """Hash-like extra columns of a product CSV and their non-hex values."""

    def __init__(self, columns: list[tuple[int, str]]) -> None:
        self.columns = columns
        self.bad: dict[str, LineTally] = {}

    def values(self, row: list[str], line: int) -> dict[str, str] | None:
        found: dict[str, str] = {}
        size = len(row)
        for index, key in self.columns:
            if index >= size:
                continue
            value = row[index].strip(HASH_STRIP).lower()
            if not value:
                continue
            if key == FRAME_HASHES:
                try:
                    found[key] = encode_frames(parse_frames(value))
                except ValueError:
                    self.bad.setdefault(key, LineTally()).add(line)
            elif key == pdq_fields.PDQ_QUALITY:
                found[key] = value  # checked with the PDQ (pdq_fields.settle)
            elif is_hex(value):
                found[key] = value
            else:
                self.bad.setdefault(key, LineTally()).add(line)
        return found or None

    def warnings(self) -> Iterator[str]:
        for key, tally in self.bad.items():
            yield (
                f"column {key!r}: {tally.count} value(s) not hexadecimal, ignored "
                f"(line {tally.where()})"
            )


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
    if not seen & _HEADER_HASH_COLUMNS:
        raise HashListError(
            f"{collector.report.source}: line {header_line}: the header names no hash column "
            f"(expected some of {', '.join(sorted(_HEADER_HASH_COLUMNS))})"
        )
    ncols = len(names)
    i_md5, i_sha1, i_sha256, i_phash, i_dhash, i_cat, i_name, i_note, i_pdna = (
        column_index(names, c) for c in PRODUCT_COLUMNS
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
    if any(n not in _MATCHED_EXTRA for _, n in extra_cols.columns):
        kept = ", ".join(n for _, n in extra_cols.columns if n not in _MATCHED_EXTRA)
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
        elif is_comment(row):
            continue
        else:
            try:
                if n > ncols and not is_blank(row[ncols:]):
                    raise BadRecord(f"too many fields ({n}; the header has {ncols})")
                md5 = hex_cell(row[i_md5], 32, "md5") if 0 <= i_md5 < n else None
                sha1 = hex_cell(row[i_sha1], 40, "sha1") if 0 <= i_sha1 < n else None
                sha256 = hex_cell(row[i_sha256], 64, "sha256") if 0 <= i_sha256 < n else None
                phash = hex_cell(row[i_phash], 16, "phash") if 0 <= i_phash < n else None
                dhash = hex_cell(row[i_dhash], 16, "dhash") if 0 <= i_dhash < n else None
            except BadRecord as bad:
                collector.reject(start, bad.reason, row)
                continue
        if not (md5 or sha1 or sha256 or phash or dhash) and is_blank(row):  # PDQ too
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
