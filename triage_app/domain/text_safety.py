"""Making untrusted text safe to show and to hand to spreadsheets.

File names come from seized media and may hold anything: newlines, terminal
escape sequences, right-to-left overrides (U+202E turns ``gpj.exe`` into what
reads as ``exe.jpg``), bytes that are not UTF-8. They are stored and exported
losslessly (JSON keeps the raw value, ``path_hex`` the raw bytes); what is
*shown* goes through :func:`printable`, and every CSV cell through
:func:`csv_cell` (the OWASP rule against formula injection).
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from typing import TextIO

#: Characters that reorder or hide text: bidi embeddings, overrides, isolates, marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: A CSV cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogate escape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def needs_escape(ch: str) -> bool:
    """Control characters, bidi controls, separators and undecodable bytes."""
    if ch in BIDI_CONTROLS:
        return True
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def printable(text: str, *, double_backslashes: bool = True) -> str:
    """``text`` with every control, bidi and undecodable character written as an escape.

    Backslashes are doubled, so the escaped form reads back unambiguously;
    ``double_backslashes=False`` leaves them (for text that is escaped already).
    """
    plain = text.isprintable() and not BIDI_CONTROLS.intersection(text)
    if plain and (not double_backslashes or "\\" not in text):
        return text
    out = []
    for ch in text:
        if ch == "\\" and double_backslashes:
            out.append("\\\\")
        elif needs_escape(ch):
            out.append(_escape(ch))
        else:
            out.append(ch)
    return "".join(out)


def csv_cell(value: object) -> object:
    """A CSV cell value that no spreadsheet runs as a formula (prefixed with ``'``)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """A ``csv.writer`` whose every cell goes through :func:`csv_cell` (for every CSV
    this program writes: reports, hash lists, audit exports)."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row, its text cells neutralised."""
        self._writer.writerow([csv_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write rows, their text cells neutralised."""
        for row in rows:
            self.writerow(row)
