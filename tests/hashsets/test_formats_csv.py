"""The product's CSV: any subset of columns, extra hash columns, quoting, bad rows and headers."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashsets.helpers import csv_text, entry_rows, hexstr, key, load, write
from triage_app.hashsets import HashListError, parse

PRODUCT_ALL = ["md5", "sha1", "sha256", "phash", "dhash", "category", "name", "note"]


def _product_row(rnd: random.Random, columns: Iterable[str]) -> dict[str, str | None]:
    sizes = {"md5": 32, "sha1": 40, "sha256": 64, "phash": 16, "dhash": 16}
    row: dict[str, str | None] = {c: hexstr(rnd, sizes[c]) for c in columns if c in sizes}
    row["category"] = rnd.choice(["A", "B", "C", "1", None])
    row["name"] = rnd.choice(["photo, 1.jpg", 'quote "x".png', "plain.gif", None])
    row["note"] = rnd.choice(["seen before", None])
    return row


@pytest.mark.parametrize(
    "columns",
    [
        PRODUCT_ALL,
        ["md5"],
        ["sha256", "category"],
        ["phash", "dhash", "name"],
        ["name", "category", "sha1", "md5"],
    ],
)
def test_product_csv_any_subset_of_columns(tmp_path: Path, columns: list[str]) -> None:
    rnd = random.Random(10)
    rows = [_product_row(rnd, columns) for _ in range(50)]
    header = [c.upper() if i % 2 else c.capitalize() for i, c in enumerate(columns)]
    text = csv_text([header, *([r.get(c) or "" for c in columns] for r in rows)])
    entries, report = load(write(tmp_path / "l.csv", text))
    assert report.format == "csv"
    assert len(entries) == len(rows)
    for row, entry in zip(rows, entries, strict=True):
        for column in ("md5", "sha1", "sha256", "phash", "dhash", "category", "name", "note"):
            want = row.get(column) if column in columns else None
            assert getattr(entry, column) == want, column
        assert entry.extra == {}
        assert entry.photodna is None
    assert [e.line for e in entries] == list(range(2, 52))


def test_product_csv_extra_hash_columns_kept_other_columns_ignored_once(tmp_path: Path) -> None:
    rnd = random.Random(11)
    rows = [
        [hexstr(rnd, 32), hexstr(rnd, 64).upper(), str(rnd.randrange(10**6)), "x", hexstr(rnd, 16)]
        for _ in range(30)
    ]
    rows[5][1] = "not-a-pdq"
    text = csv_text([["md5", "PDQ", "size", "source", "aHash", ""], *rows])
    entries, report = load(write(tmp_path / "l.csv", text))
    assert len(entries) == 30  # a bad extra hash does not cost the row its MD5
    assert entries[0].extra == {"pdq": rows[0][1].lower(), "ahash": rows[0][4]}
    assert entries[5].extra == {"ahash": rows[5][4]}
    ignored = [w for w in report.warnings if "ignored column" in w]
    assert ignored == ["ignored column(s) that hold no hash: size, source"]
    assert any("'pdq': 1 value(s) not hexadecimal" in w and "line 7" in w for w in report.warnings)


def test_product_csv_quoting_and_multi_line_records_keep_line_numbers(tmp_path: Path) -> None:
    rnd = random.Random(12)
    a, b, c = hexstr(rnd, 32), hexstr(rnd, 32), hexstr(rnd, 32)
    text = (
        "md5,name,note\n"
        f'{a},"a, b","line one\nline two\nline three"\n'
        f"{hexstr(rnd, 30)},bad,\n"
        f'" {b.upper()} ", " spaced " ,\n'
        f"{c},,\n"
    )
    entries, report = load(write(tmp_path / "l.csv", text, newline="\r\n"))
    assert [(e.md5, e.line) for e in entries] == [(a, 2), (b, 6), (c, 7)]
    assert entries[0].name == "a, b"
    assert entries[0].note == "line one\r\nline two\r\nline three"
    assert entries[1].name == "spaced"
    assert [r.line for r in report.rejected] == [5]


def test_product_csv_bad_rows_name_the_column(tmp_path: Path) -> None:
    rnd = random.Random(13)
    rows = [
        [hexstr(rnd, 32), hexstr(rnd, 40), hexstr(rnd, 16)],  # 2 good
        [hexstr(rnd, 40), "", ""],  # 3 a SHA-1 in the md5 column
        [hexstr(rnd, 32), hexstr(rnd, 40), "xyz"],  # 4 bad phash
        [hexstr(rnd, 32), "", "", "surplus"],  # 5 too many fields
        ["", "", ""],  # 6 empty row: skipped
        [hexstr(rnd, 32)],  # 7 short row: missing cells are empty
        ["", "", "", ""],  # 8 empty with trailing separator: skipped
    ]
    text = csv_text([["md5", "sha1", "phash"], *rows])
    entries, report = load(write(tmp_path / "l.csv", text))
    assert [e.line for e in entries] == [2, 7]
    reasons = {r.line: r.reason for r in report.rejected}
    assert sorted(reasons) == [3, 4, 5]
    assert reasons[3].startswith("md5: 40 hex digits, expected 32")
    assert "SHA-1" in reasons[3]
    assert reasons[4].startswith("phash:")
    assert "too many fields (4; the header has 3)" in reasons[5]


def test_product_csv_semicolons_tabs_and_excel_sep_line(tmp_path: Path) -> None:
    rnd = random.Random(14)
    md5 = hexstr(rnd, 32)
    for delimiter in (";", "\t"):
        text = f"sep={delimiter}\nmd5{delimiter}category\n{md5}{delimiter}A\n"
        entries, _ = load(write(tmp_path / "l.csv", text))
        assert [key(e) for e in entries] == [(md5, None, None, None, None, "A")]


@pytest.mark.parametrize(
    ("header", "message"),
    [("md5,sha1,MD5", "column 'md5' appears twice"), ("name,category", "names no hash column")],
)
def test_product_csv_bad_header_is_refused(tmp_path: Path, header: str, message: str) -> None:
    path = write(tmp_path / "l.csv", f"{header}\n")
    with pytest.raises(HashListError, match=message):
        list(parse(path, "csv"))


@settings(max_examples=60, deadline=None)
@given(
    rows=entry_rows(),
    encoding=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be"]),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    upper=st.booleans(),
)
def test_product_csv_round_trip(
    rows: list[tuple[str | None, ...]], encoding: str, bom: bool, newline: str, upper: bool
) -> None:
    columns = ["md5", "sha1", "sha256", "phash", "dhash", "category"]
    text = csv_text(
        [
            columns,
            *([*((v.upper() if upper and v else v) or "" for v in r[:5]), r[5]] for r in rows),
        ]
    )
    with tempfile.TemporaryDirectory() as folder:
        path = write(
            Path(folder) / "l.csv",
            text,
            encoding=encoding,
            bom=bom or encoding == "utf-16-be",
            newline=newline,
        )
        entries, report = load(path)
    assert [key(e) for e in entries] == rows
    assert report.rejected_count == 0
