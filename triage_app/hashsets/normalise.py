"""Text-level normalisation shared by the parsers: encodings, cells, hex, categories."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TextIO

from triage_app.hashsets.model import HashListError

#: Bytes read to recognise the encoding and the format.
SNIFF_BYTES = 64 * 1024
#: Longest line (in characters) a line-based parser accepts; longer lines are rejected
#: without being held in memory.
LINE_LIMIT = 1024 * 1024
#: Read buffer of the underlying binary file.
READ_BUFFER = 1024 * 1024

_LABEL_BY_LENGTH = {32: "an MD5", 40: "a SHA-1", 64: "a SHA-256", 16: "a 64-bit perceptual hash"}

#: Characters stripped around a hash cell: whitespace, quotes and stray BOMs.
HASH_STRIP = " \t\r\n\f\v\xa0\ufeff\"'"
_TEXT_QUOTES = "\"'"

HEX_RE = re.compile(r"[0-9a-f]+")
_NOT_HEX_RE = re.compile(r"[^0-9a-f]")
_SEPARATOR_RE = re.compile(r"[\s,;|]")


class BadRecord(Exception):  # noqa: N818 - control flow, never leaves the package
    """Raised inside a parser for a record that must be rejected."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TextEncoding:
    """How to decode a hash-list file."""

    codec: str
    label: str
    warning: str | None = None


def sniff_encoding(head: bytes, whole_file: bool) -> TextEncoding:
    """Pick the codec for a file from its first bytes.

    A BOM decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE). Without one, NUL bytes
    in alternate positions mean BOM-less UTF-16; otherwise UTF-8, falling back
    to Windows-1252 (what Excel writes on Windows) when the start of the file
    is not valid UTF-8.
    """
    if head.startswith(codecs.BOM_UTF8):
        return TextEncoding("utf-8-sig", "utf-8 (BOM)")
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return TextEncoding("utf-32", "utf-32 (BOM)")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        label = "utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        return TextEncoding("utf-16", f"{label} (BOM)")
    sample = head[:4096]
    if len(sample) >= 4 and b"\x00" in sample:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
            return TextEncoding("utf-16-le", "utf-16-le", "no BOM: read as UTF-16 LE")
        if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
            return TextEncoding("utf-16-be", "utf-16-be", "no BOM: read as UTF-16 BE")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=whole_file)
    except UnicodeDecodeError:
        return TextEncoding(
            "cp1252", "windows-1252", "not valid UTF-8: read as Windows-1252 (Western European)"
        )
    return TextEncoding("utf-8", "utf-8")


def read_head(path: Path) -> tuple[bytes, bool]:
    """Return the first :data:`SNIFF_BYTES` of ``path`` and whether that is the whole file."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES + 1)
    except OSError as exc:
        raise HashListError(f"cannot read hash list {path}: {exc.strerror or exc}") from exc
    return head[:SNIFF_BYTES], len(head) <= SNIFF_BYTES


def decode_head(head: bytes, encoding: TextEncoding, whole_file: bool) -> str:
    """Decode the sniffed bytes (an incomplete last character is dropped)."""
    decoder = codecs.getincrementaldecoder(encoding.codec)(errors="replace")
    return decoder.decode(head, final=whole_file)


def open_text(path: Path, encoding: TextEncoding, newline: str | None) -> TextIO:
    """Open ``path`` for streaming text reads; undecodable bytes become U+FFFD."""
    try:
        raw = open(path, "rb", buffering=READ_BUFFER)  # noqa: SIM115 - handed to the caller
    except OSError as exc:
        raise HashListError(f"cannot read hash list {path}: {exc.strerror or exc}") from exc
    return io.TextIOWrapper(raw, encoding=encoding.codec, errors="replace", newline=newline)


def bounded_lines(stream: TextIO) -> Iterator[str]:
    """Lines of at most :data:`LINE_LIMIT` characters.

    A longer line comes out as its first :data:`LINE_LIMIT` characters with no
    line ending; skip the rest of it with :func:`drain_line`.
    """
    return iter(partial(stream.readline, LINE_LIMIT), "")


def drain_line(stream: TextIO) -> None:
    """Skip the rest of an over-long line without keeping it."""
    while True:
        piece = stream.readline(LINE_LIMIT)
        if not piece or piece[-1] in "\r\n":
            return


def clean_text(value: str) -> str | None:
    """Strip whitespace and one pair of surrounding quotes; empty becomes ``None``."""
    text = value.strip()
    if not text:
        return None
    if text[0] in _TEXT_QUOTES and len(text) >= 2 and text[-1] == text[0]:
        text = text[1:-1].strip()
    return text or None


def normalise_category(value: str) -> str | None:
    """A category code as given, whitespace collapsed; empty or ``null`` becomes ``None``."""
    if value.isalnum():  # the usual case: "1", "A", "CatB"
        return None if len(value) == 4 and value.lower() == "null" else value
    text = clean_text(value)
    if text is None:
        return None
    text = " ".join(text.split())
    if not text or text.lower() == "null":
        return None
    return text


def explain_bad_hex(label: str, value: str, expected: tuple[int, ...]) -> str:
    """The reason a (stripped, lower-cased) value is not a valid hash of ``expected`` lengths."""
    if _SEPARATOR_RE.search(value):
        return f"{label}: field holds more than one value ({value[:80]!r})"
    bad = _NOT_HEX_RE.search(value)
    if bad is not None:
        return f"{label}: not hexadecimal (character {bad.group()!r})"
    wanted = " or ".join(str(n) for n in expected)
    reason = f"{label}: {len(value)} hex digits, expected {wanted}"
    other = _LABEL_BY_LENGTH.get(len(value))
    if other is not None:
        reason += f" (looks like {other} value in the wrong field)"
    return reason


def hex_cell(value: str, length: int, label: str) -> str | None:
    """Validate one hash cell: stripped, lower-cased, exactly ``length`` hex digits.

    Empty cells give ``None``; anything else that is not valid raises
    :class:`BadRecord`.
    """
    text = value.strip(HASH_STRIP)
    if not text:
        return None
    text = text.lower()
    if len(text) == length and HEX_RE.fullmatch(text):
        return text
    raise BadRecord(explain_bad_hex(label, text, (length,)))


def is_hex(value: str) -> bool:
    """True for a non-empty string of lower-case hex digits."""
    return HEX_RE.fullmatch(value) is not None
