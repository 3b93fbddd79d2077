"""Recognise a hash list's format and text encoding from its content (never its name)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from triage_app.hashsets.csv_rows import header_name
from triage_app.hashsets.formats_csv import is_product_header
from triage_app.hashsets.formats_icse_nsrl import is_icse_header, is_nsrl_header
from triage_app.hashsets.formats_plain import split_plain, strip_comment
from triage_app.hashsets.model import FORMATS, HashListError
from triage_app.hashsets.normalise import (
    HASH_STRIP,
    TextEncoding,
    decode_head,
    is_hex,
    read_head,
    sniff_encoding,
)

#: Data lines looked at when deciding whether a file is a plain list.
_PLAIN_PROBE_LINES = 50
#: Hex digits that make a line look like a plain-list line.
_PLAIN_MIN_DIGITS = 8

_MAGIC = (
    (
        b"SQLite format 3\x00",
        "an SQLite database (NSRL RDS v3 is not supported; use the RDS v2 NSRLFile.txt)",
    ),
    (b"\x1f\x8b", "gzip-compressed: decompress it first"),
    (b"PK\x03\x04", "a ZIP archive: extract the hash list first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: extract the hash list first"),
    (b"\xfd7zXZ\x00", "xz-compressed: decompress it first"),
)

_EXPECTED = (
    "expected the product's CSV, VICS JSON, Interpol ICSE CSV, NSRL RDS v2 NSRLFile.txt "
    "or a plain list of MD5/SHA-1/SHA-256 hashes"
)


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What the start of a file says about how to parse it."""

    format: str
    encoding: TextEncoding
    delimiter: str = ","


def _data_lines(text: str, limit: int) -> list[str]:
    """The first non-blank lines that are not ``#`` comments or an Excel ``sep=`` line."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#") or line.lower().startswith("sep="):
            continue
        lines.append(line)
        if len(lines) >= limit:
            break
    return lines


def _product_delimiter(header: str) -> str | None:
    for delimiter in (",", ";", "\t"):
        if is_product_header([header_name(c) for c in header.split(delimiter)]):
            return delimiter
    return None


def _looks_plain(line: str) -> bool:
    """A line whose first field is hex: a plain list, even if the length is wrong.

    A list of cut-short hashes is then parsed and refused with the reason for
    each line, which helps more than "unrecognised format".
    """
    value = split_plain(strip_comment(line))[0].strip(HASH_STRIP).lower()
    return len(value) >= _PLAIN_MIN_DIGITS and is_hex(value)


def _classify(name: str, text: str, whole: bool) -> tuple[str, str]:
    """Return (format, delimiter) for the decoded start of a file."""
    body = text.lstrip("\ufeff \t\r\n")
    if not body:
        if whole:
            raise HashListError(f"{name} is empty")
        raise HashListError(f"{name} starts with 64 KiB of blank space; {_EXPECTED}")
    if body[0] in "{[":
        if body[0] == "{" and ('"value"' in text or "odata" in text):
            return "vics", ","
        raise HashListError(
            f"{name} is JSON but not a VICS export (no 'value' array or OData context)"
        )
    if not whole and "\n" in text:
        text = text[: text.rindex("\n")]  # the last line may be cut short
    lines = _data_lines(text, _PLAIN_PROBE_LINES)
    if not lines:
        return "plain", ","  # comments only: parses to nothing and is refused as empty
    first = lines[0]
    if is_icse_header([header_name(c) for c in first.split(";")]):
        return "icse", ";"
    if is_nsrl_header([header_name(c) for c in first.split(",")]):
        return "nsrl", ","
    delimiter = _product_delimiter(first)
    if delimiter is not None:
        return "csv", delimiter
    if any(_looks_plain(line) for line in lines):
        return "plain", ","
    raise HashListError(
        f"{name}: unrecognised hash-list format (first line {first[:80]!r}); {_EXPECTED}"
    )


def sniff(path: Path, fmt: str = "auto") -> Sniffed:
    """Read the start of ``path`` and decide its encoding and (unless given) its format.

    Raises:
        HashListError: unreadable, empty, compressed or of no known format.
    """
    if fmt != "auto" and fmt not in FORMATS:
        raise HashListError(f"unknown hash-list format {fmt!r}; use one of {', '.join(FORMATS)}")
    head, whole = read_head(path)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise HashListError(f"{path.name} is {what}")
    encoding = sniff_encoding(head, whole)
    text = decode_head(head, encoding, whole)
    if fmt == "auto":
        found, delimiter = _classify(path.name, text, whole)
        return Sniffed(found, encoding, delimiter)
    delimiter = {"icse": ";"}.get(fmt, ",")
    if fmt == "csv":
        lines = _data_lines(text, 1)
        delimiter = (_product_delimiter(lines[0]) if lines else None) or ","
    return Sniffed(fmt, encoding, delimiter)


def detect_format(path: Path) -> str:
    """Return ``'csv'``, ``'vics'``, ``'icse'``, ``'plain'`` or ``'nsrl'`` from the content.

    Raises:
        HashListError: the file cannot be read or is of no known format.
    """
    return sniff(Path(path)).format
