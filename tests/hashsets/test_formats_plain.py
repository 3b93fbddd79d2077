"""Plain lists: hash types by length, categories, comments, bad lines, line endings."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashsets.helpers import category_codes, hex_of, hexstr, key, load, write
from triage_app.hashsets import detect_format
from triage_app.hashsets.normalise import LINE_LIMIT, normalise_category


def test_plain_list_types_by_length_categories_and_comments(tmp_path: Path) -> None:
    rnd = random.Random(4)
    md5, sha1, sha256 = hexstr(rnd, 32), hexstr(rnd, 40), hexstr(rnd, 64)
    md5b, sha1b, sha256b = hexstr(rnd, 32), hexstr(rnd, 40), hexstr(rnd, 64)
    text = (
        "# exported 2024-01-01\n"
        "\n"
        f"{md5}\n"
        f"{sha1.upper()},1\n"
        f"{sha256}\tB\n"
        "   # indented comment\n"
        f"{md5b};  Cat  C  \n"
        f"{sha1b}  # trailing comment\n"
        f'"{sha256b}",""\n'
    )
    entries, report = load(write(tmp_path / "plain.txt", text))
    assert [key(e) for e in entries] == [
        (md5, None, None, None, None, None),
        (None, sha1, None, None, None, "1"),
        (None, None, sha256, None, None, "B"),
        (md5b, None, None, None, None, "Cat C"),
        (None, sha1b, None, None, None, None),
        (None, None, sha256b, None, None, None),
    ]
    assert [e.line for e in entries] == [3, 4, 5, 7, 8, 9]
    assert report.rejected_count == 0
    assert report.warnings == []


def test_plain_bad_lines_are_reported_by_number_and_parsing_goes_on(tmp_path: Path) -> None:
    rnd = random.Random(5)
    good = [hexstr(rnd, 32) for _ in range(4)]
    lines = [
        good[0],  # 1
        "g" * 32,  # 2 non-hex
        hexstr(rnd, 31),  # 3 wrong length
        f"{hexstr(rnd, 32)} {hexstr(rnd, 40)}",  # 4 two values in one field
        good[1],  # 5
        f"{hexstr(rnd, 32)},A,extra",  # 6 too many fields
        hexstr(rnd, 16),  # 7 a perceptual hash is not a plain-list hash
        "",  # 8 blank: not a record
        f",{good[2]}",  # 9 nothing before the separator
        f"{hexstr(rnd, 32)}{hexstr(rnd, 40)}",  # 10 two hashes run together
        good[2],  # 11
        good[3] + ",B,",  # 12 trailing empty field is fine
    ]
    entries, report = load(write(tmp_path / "plain.txt", "\n".join(lines) + "\n"))
    assert [e.md5 for e in entries] == good
    assert [e.line for e in entries] == [1, 5, 11, 12]
    assert entries[-1].category == "B"
    rejected = {r.line: r.reason for r in report.rejected}
    assert sorted(rejected) == [2, 3, 4, 6, 7, 9, 10]
    assert "not hexadecimal" in rejected[2]
    assert "31 hex digits" in rejected[3]
    assert "more than one value" in rejected[4]
    assert "too many fields" in rejected[6]
    assert "16 hex digits" in rejected[7]
    assert "no hash" in rejected[9]
    assert "72 hex digits" in rejected[10]
    assert report.rejected[0].text == "g" * 32
    assert report.records == 11


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_numbers_hold_for_every_line_ending(tmp_path: Path, newline: str) -> None:
    rnd = random.Random(6)
    text = f"# c\n{hexstr(rnd, 32)}\nbad\n\n{hexstr(rnd, 40)}\n"
    entries, report = load(write(tmp_path / "l.txt", text, newline=newline))
    assert [e.line for e in entries] == [2, 5]
    assert [r.line for r in report.rejected] == [3]


def test_plain_header_line_is_skipped_with_a_warning(tmp_path: Path) -> None:
    rnd = random.Random(7)
    path = write(tmp_path / "l.txt", f"Hash,Category\n{hexstr(rnd, 32)},2\n")
    assert detect_format(path) == "plain"
    entries, report = load(path)
    assert [e.category for e in entries] == ["2"]
    assert report.warnings == ["line 1: header line skipped"]


def test_over_long_line_is_rejected_and_counting_goes_on(tmp_path: Path) -> None:
    rnd = random.Random(8)
    good = hexstr(rnd, 32)
    text = f"{hexstr(rnd, 32)}\n{'a' * (3 * LINE_LIMIT)}\n{good}\n"
    entries, report = load(write(tmp_path / "l.txt", text))
    assert [(e.md5, e.line) for e in entries[1:]] == [(good, 3)]
    assert [r.line for r in report.rejected] == [2]
    assert "longer than" in report.rejected[0].reason
    assert len(report.rejected[0].text) <= 200


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.tuples(st.sampled_from([32, 40, 64]).flatmap(hex_of), category_codes),
        min_size=1,
        max_size=30,
    ),
    separator=st.sampled_from([",", "\t", ";"]),
    quoted=st.booleans(),
)
def test_plain_round_trip(
    values: list[tuple[str, str | None]], separator: str, quoted: bool
) -> None:
    lines = []
    for value, category in values:
        cell = f' "{value}" ' if quoted else value
        lines.append(f"{cell}{separator}{category}" if category else cell)
    with tempfile.TemporaryDirectory() as folder:
        entries, report = load(write(Path(folder) / "l.txt", "\n".join(lines)))
    slots = {32: 0, 40: 1, 64: 2}
    expected = []
    for value, category in values:
        row: list[str | None] = [None] * 5
        row[slots[len(value)]] = value
        expected.append((*row, normalise_category(category or "")))
    assert [key(e) for e in entries] == expected
    assert report.rejected_count == 0
