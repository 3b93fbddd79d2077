"""Lab exports with a fixed header: Interpol ICSE CSV and NSRL RDS v2 ``NSRLFile.txt``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TextIO

from triage_app.hashsets.collect import Collector
from triage_app.hashsets.csv_rows import CsvRows, column_index, header_name, is_blank, read_header
from triage_app.hashsets.model import HashEntry, HashListError
from triage_app.hashsets.normalise import BadRecord, clean_text, hex_cell

_NSRL_COLUMNS = ("sha-1", "md5", "crc32", "filename")


def is_icse_header(names: list[str]) -> bool:
    """True for the Interpol ICSE export header (already passed through :func:`header_name`)."""
    return {"md5", "sha1", "photodna", "image id"} <= set(names)


def is_nsrl_header(names: list[str]) -> bool:
    """True for the NSRL RDS v2 ``NSRLFile.txt`` header."""
    return set(_NSRL_COLUMNS) <= set(names)


#: What a header-checked format reads from a row: the fields of ``Collector.accept``
#: after the record (md5, sha1, sha256, phash, dhash, category, name, note, photodna).
_Fields = tuple[
    str | None, str | None, str | None, str | None, str | None,
    str | None, str | None, str | None, str | None,
]  # fmt: skip


def _parse_headed(
    stream: TextIO,
    delimiter: str,
    collector: Collector,
    what: str,
    check: Callable[[list[str]], bool],
    reader: Callable[[list[str]], Callable[[list[str]], _Fields]],
) -> Iterator[HashEntry]:
    """Entries of a delimited format with a fixed header.

    ``check`` recognises the header; ``reader(names)`` gives the function that
    turns one non-blank row into its fields, raising :class:`BadRecord` for a
    row to reject.
    """
    rows = iter(CsvRows(stream, delimiter, collector))
    header = read_header(rows)
    if header is None:
        return
    line, head = header
    names = [header_name(c) for c in head]
    if not check(names):
        raise HashListError(
            f"{collector.report.source}: line {line}: not the {what} header "
            f"(found {delimiter.join(head)[:120]!r})"
        )
    fields_of = reader(names)
    for start, row in rows:
        if not row or is_blank(row):
            continue
        try:
            fields = fields_of(row)
        except BadRecord as bad:
            collector.reject(start, bad.reason, row)
            continue
        entry = collector.accept(start, row, *fields)
        if entry is not None:
            yield entry


def _icse_reader(names: list[str]) -> Callable[[list[str]], _Fields]:
    ncols = len(names)
    i_md5, i_sha1, i_pdna = names.index("md5"), names.index("sha1"), names.index("photodna")
    i_id, i_series = names.index("image id"), column_index(names, "series name")

    def fields(row: list[str]) -> _Fields:
        n = len(row)
        if n > ncols and not is_blank(row[ncols:]):
            raise BadRecord(f"too many fields ({n}; the header has {ncols})")
        md5 = hex_cell(row[i_md5], 32, "MD5") if i_md5 < n else None
        sha1 = hex_cell(row[i_sha1], 40, "SHA1") if i_sha1 < n else None
        image_id = clean_text(row[i_id]) if i_id < n else None
        return (
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

    return fields


def _nsrl_reader(names: list[str]) -> Callable[[list[str]], _Fields]:
    ncols = len(names)
    i_sha1, i_md5, i_name = names.index("sha-1"), names.index("md5"), names.index("filename")

    def fields(row: list[str]) -> _Fields:
        n = len(row)
        if n != ncols:
            raise BadRecord(f"{n} fields, expected {ncols}")
        sha1 = hex_cell(row[i_sha1], 40, "SHA-1")
        md5 = hex_cell(row[i_md5], 32, "MD5")
        return md5, sha1, None, None, None, None, clean_text(row[i_name]), None, None

    return fields


def parse_icse(stream: TextIO, collector: Collector) -> Iterator[HashEntry]:
    """Yield entries of an Interpol ICSE export (``;``-separated, no category)."""
    return _parse_headed(stream, ";", collector, "ICSE export", is_icse_header, _icse_reader)


def parse_nsrl(stream: TextIO, collector: Collector) -> Iterator[HashEntry]:
    """Yield entries of an NSRL RDS v2 ``NSRLFile.txt`` (known software files)."""
    return _parse_headed(
        stream, ",", collector, "NSRL RDS v2 NSRLFile.txt", is_nsrl_header, _nsrl_reader
    )
