"""Showing untrusted names safely, and CSV cells that no spreadsheet runs."""

from __future__ import annotations

import io
import os

import pytest

from triage_app.domain.text_safety import SafeCsvWriter, csv_cell, printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("photo.jpg", "photo.jpg"),
        ("café.jpg", "café.jpg"),
        ("a\nb", "a\\x0ab"),
        ("esc\x1b[31m", "esc\\x1b[31m"),
        ("invoice\u202egpj.exe", "invoice\\u202egpj.exe"),
        ("iso\u2066late\u2069", "iso\\u2066late\\u2069"),
        ("back\\slash", "back\\\\slash"),
        (os.fsdecode(b"caf\xe9"), "caf\\xe9"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
    ],
)
def test_printable_escapes_what_could_mislead(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_already_escaped_text_is_not_escaped_twice() -> None:
    assert printable("a\\x0ab", double_backslashes=False) == "a\\x0ab"
    assert printable("x\u202e", double_backslashes=False) == "x\\u202e"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_prefixed(start: str) -> None:
    assert csv_cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


def test_other_cells_and_numbers_pass() -> None:
    assert csv_cell("ok") == "ok" and csv_cell(-5) == -5 and csv_cell(None) is None
    out = io.StringIO()
    SafeCsvWriter(out).writerows([["name", "size"], ["=cmd|' /C calc'!A0", 12]])
    assert out.getvalue() == "name,size\n'=cmd|' /C calc'!A0,12\n"
