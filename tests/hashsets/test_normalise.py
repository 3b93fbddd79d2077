"""Text normalisation: category codes, and files that are not UTF-8."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hashsets.helpers import hexstr, load
from triage_app.hashsets.normalise import normalise_category


def test_windows_1252_file_is_read_as_such_with_a_warning(tmp_path: Path) -> None:
    rnd = random.Random(28)
    md5 = hexstr(rnd, 32)
    path = tmp_path / "l.csv"
    path.write_bytes(f"md5,name\n{md5},Caf\u00e9 \u20ac\n".encode("cp1252"))
    entries, report = load(path)
    assert entries[0].name == "Caf\u00e9 \u20ac"
    assert report.encoding == "windows-1252"
    assert any("Windows-1252" in w for w in report.warnings)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", "1"),
        (" 1 ", "1"),
        ("\tB\t", "B"),
        ("Cat   A", "Cat A"),
        ('"A"', "A"),
        ("", None),
        ("   ", None),
        ("null", None),
        ("NULL", None),
        ("nulls", "nulls"),
        ("Uncategorized", "Uncategorized"),
        ("0", "0"),
    ],
)
def test_category_codes_are_kept_as_given_with_whitespace_normalised(
    raw: str, expected: str | None
) -> None:
    assert normalise_category(raw) == expected
