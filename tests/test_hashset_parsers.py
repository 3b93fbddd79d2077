"""Hash-list parsers: every format, encodings, bad lines, exclusions, bounded memory.

All fixtures are generated here from random hex: no real hash list is used.
"""

from __future__ import annotations

import ast
import codecs
import collections
import csv
import gc
import gzip
import hashlib
import io
import json
import pickle
import random
import string
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_app.domain.errors import TriageError
from triage_app.hashsets import (
    FORMATS,
    HashEntry,
    HashListError,
    ParseReport,
    check_usable,
    detect_format,
    fingerprint,
    formats_vics,
    parse,
)
from triage_app.hashsets.model import REJECTED_KEPT, new_entry
from triage_app.hashsets.normalise import LINE_LIMIT, normalise_category

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "triage_app" / "hashsets"

EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"
EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
EXCLUDED = {EMPTY_MD5, EMPTY_SHA1, EMPTY_SHA256, "0" * 16, "f" * 16}

ICSE_HEADER = (
    "MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;"
    "Series name;Number of submissions;File Available;Media Type;Baseline"
)
NSRL_COLUMNS = [
    "SHA-1",
    "MD5",
    "CRC32",
    "FileName",
    "FileSize",
    "ProductCode",
    "OpSystemCode",
    "SpecialCode",
]
V13_CONTEXT = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media"


def v20_context(profile: str, root: str) -> str:
    return (
        f"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{profile}/$metadata#{root}"
    )


# --------------------------------------------------------------------- helpers

Key = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


def hexstr(rnd: random.Random, digits: int) -> str:
    """Random lower-case hex that is never one of the excluded values."""
    while True:
        value = f"{rnd.getrandbits(digits * 4):0{digits}x}"
        if value not in EXCLUDED:
            return value


def key(entry: HashEntry) -> Key:
    return (entry.md5, entry.sha1, entry.sha256, entry.phash, entry.dhash, entry.category)


def load(path: Path, fmt: str = "auto") -> tuple[list[HashEntry], ParseReport]:
    """Parse fully and check the accounting that every parse must satisfy."""
    report = ParseReport()
    entries = list(parse(path, fmt, report))
    assert report.complete
    assert report.loaded == len(entries)
    assert report.records == report.loaded + report.rejected_count + report.dropped
    assert len(report.rejected) == min(report.rejected_count, REJECTED_KEPT)
    assert report.fingerprint == canonical_fingerprint(entries)
    return entries, report


def canonical_fingerprint(entries: Iterable[HashEntry]) -> str:
    """The documented fingerprint, computed independently of the package."""
    digest = hashlib.sha256()
    for e in entries:
        fields = (e.md5, e.sha1, e.sha256, e.phash, e.dhash, e.category)
        digest.update(("|".join(f or "" for f in fields) + "\n").encode("utf-8"))
    return digest.hexdigest()


BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
}


def write(
    path: Path,
    text: str,
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    newline: str = "\n",
) -> Path:
    """Write ``text`` (with ``\\n`` line ends) in a given encoding and line-ending style."""
    data = text.replace("\n", newline).encode(encoding)
    path.write_bytes((BOMS[encoding] if bom else b"") + data)
    return path


def csv_text(
    rows: Iterable[Sequence[object]], delimiter: str = ",", quote_all: bool = False
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator="\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return buffer.getvalue()


def product_csv(rows: Iterable[dict[str, str | None]], columns: Sequence[str]) -> str:
    return csv_text([list(columns), *([r.get(c) or "" for c in columns] for r in rows)])


def icse_csv(rows: Iterable[dict[str, str]]) -> str:
    names = ICSE_HEADER.split(";")
    lines = [ICSE_HEADER]
    lines += [";".join(r.get(n, "") for n in names) for r in rows]
    return "\n".join(lines) + "\n"


def nsrl_txt(rows: Iterable[Sequence[object]]) -> str:
    return csv_text([NSRL_COLUMNS, *rows], quote_all=True)


def vics_document(
    media: list[dict[str, Any]],
    *,
    version: str = "2.0",
    profile: str = "US",
    root: str = "Media",
    cases: int = 2,
    context_last: bool = False,
) -> dict[str, Any]:
    """A VICS export holding ``media`` (split over ``cases`` Case records for Case roots)."""
    if root == "Cases":
        size = max(1, -(-len(media) // cases))
        value: list[dict[str, Any]] = []
        for number, start in enumerate(range(0, max(len(media), 1), size), 1):
            part = media[start : start + size]
            value.append(
                {
                    "CaseID": f"00000000-0000-0000-0000-{number:012d}",
                    "CaseNumber": f"ABC/{number}",
                    "ContactName": "Test Examiner",
                    "ContactEmail": "examiner@example.invalid",
                    "SourceApplicationName": "test generator",
                    "SourceApplicationVersion": "1.0",
                    "TotalMediaFiles": str(len(part)),
                    "TotalPrecategorized": "0",
                    "Media": part,
                }
            )
    else:
        value = media
    if version == "1.3":
        head = {"odata.metadata": V13_CONTEXT}
    else:
        head = {"@odata.context": v20_context(profile, root)}
    if context_last:
        return {"value": value, **head}
    return {**head, "value": value}


def vics_media(rnd: random.Random, number: int) -> tuple[dict[str, Any], Key, str | None]:
    """A realistic Media record with the entry key and name it must give."""
    md5, sha1 = hexstr(rnd, 32), hexstr(rnd, 40)
    phash, dhash, pdq = hexstr(rnd, 16), hexstr(rnd, 16), hexstr(rnd, 64)
    category: object = rnd.choice([None, 0, 1, 2, "3", " 4 ", 5, ""])
    expected_category = None if category in (None, "") else str(category).strip()
    name = f"IMG_{number:05d}.jpg"
    record = {
        "MediaID": number,
        "Category": category,
        "MD5": md5.upper() if number % 2 else md5,
        "SHA1": sha1,
        "PhotoDNA": "".join(rnd.choice(string.ascii_letters + "+/") for _ in range(40)),
        "Comments": f"comment {number}",
        "VictimIdentified": rnd.choice(["true", "false"]),
        "OffenderIdentified": rnd.choice(["true", "false"]),
        "IsDistributed": rnd.choice(["true", "false"]),
        "Series": "",
        "Tags": "",
        "DateUpdated": "2024-01-02T03:04:05Z",
        "MediaSize": rnd.randrange(1, 10**7),
        "RelativeFilePath": f"export\\{name}",
        "IsPrecategorized": "false",
        "PrecategorizationSource": None,
        "IsSuspected": "true",
        "MimeType": "image/jpeg",
        "MediaFiles": [
            {
                "MD5": md5,
                "FileName": name,
                "FilePath": f"C:\\Users\\x\\{name}",
                "Created": "2020-01-01T00:00:00Z",
                "Written": "2020-01-01T00:00:00Z",
                "Accessed": "2020-01-01T00:00:00Z",
                "Unallocated": "false",
                "Deleted": "false",
            }
        ],
        "AlternativeHashes": [
            {"MD5": md5, "HashName": rnd.choice(["pHash", "PHash", "phash"]), "HashValue": phash},
            {"MD5": md5, "HashName": "dHash", "HashValue": dhash.upper()},
            {"MD5": md5, "HashName": "PDQ", "HashValue": pdq},
        ],
        "Exifs": [],
        "Segments": [],
    }
    return record, (md5, sha1, None, phash, dhash, expected_category), name


def vics_corpus(seed: int, count: int) -> tuple[list[dict[str, Any]], list[Key]]:
    rnd = random.Random(seed)
    media, keys = [], []
    for number in range(count):
        record, expected, _ = vics_media(rnd, number)
        media.append(record)
        keys.append(expected)
    return media, keys


def write_json(path: Path, document: object, indent: int | None = None) -> Path:
    path.write_text(json.dumps(document, indent=indent), encoding="utf-8")
    return path


# ------------------------------------------------------------------- detection


def _plain_sample(rnd: random.Random) -> str:
    return f"{hexstr(rnd, 32)}\n{hexstr(rnd, 40)},1\n"


def _csv_sample(rnd: random.Random) -> str:
    return product_csv([{"md5": hexstr(rnd, 32), "category": "A"}], ["md5", "category"])


def _icse_sample(rnd: random.Random) -> str:
    return icse_csv([{"MD5": hexstr(rnd, 32), "SHA1": hexstr(rnd, 40)}])


def _nsrl_sample(rnd: random.Random) -> str:
    return nsrl_txt(
        [[hexstr(rnd, 40).upper(), hexstr(rnd, 32).upper(), "ABCD1234", "a.dll", 1, 2, "WIN", ""]]
    )


def _vics_sample(rnd: random.Random) -> str:
    media, _ = vics_corpus(rnd.randrange(1000), 2)
    return json.dumps(vics_document(media))


SAMPLES: dict[str, Callable[[random.Random], str]] = {
    "plain": _plain_sample,
    "csv": _csv_sample,
    "icse": _icse_sample,
    "nsrl": _nsrl_sample,
    "vics": _vics_sample,
}


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
@pytest.mark.parametrize("file_name", ["list.txt", "list.json", "NSRLFile.txt", "noext"])
def test_format_is_detected_from_content_not_name(tmp_path: Path, fmt: str, file_name: str) -> None:
    path = write(tmp_path / file_name, SAMPLES[fmt](random.Random(1)))
    assert detect_format(path) == fmt
    entries, report = load(path)
    assert report.format == fmt
    assert entries


def test_formats_constant_lists_every_format() -> None:
    assert sorted(FORMATS) == sorted(SAMPLES)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\r\n\t\n", "is empty"),
        (b"hello world\nthis is not a hash list\n", "unrecognised hash-list format"),
        (b"12345\n", "unrecognised hash-list format"),
        (b'{"foo": [1, 2, 3]}', "not a VICS export"),
        (b"[1, 2, 3]", "not a VICS export"),
        (b"SQLite format 3\x00" + bytes(100), "SQLite"),
        (gzip.compress(b"d41d8cd98f00b204e9800998ecf8427e\n"), "gzip"),
        (b"PK\x03\x04" + bytes(30), "ZIP"),
    ],
)
def test_unknown_or_unusable_files_are_refused_with_a_clear_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(content)
    with pytest.raises(HashListError, match=message):
        detect_format(path)
    with pytest.raises(HashListError, match=message):
        parse(path)  # refused at once, before iteration


def test_missing_file_and_unknown_format_name(tmp_path: Path) -> None:
    with pytest.raises(HashListError, match="cannot read hash list"):
        detect_format(tmp_path / "absent.txt")
    path = write(tmp_path / "l.txt", _plain_sample(random.Random(2)))
    with pytest.raises(HashListError, match="unknown hash-list format 'xml'"):
        parse(path, "xml")
    assert issubclass(HashListError, TriageError)


def test_explicit_format_overrides_detection(tmp_path: Path) -> None:
    rnd = random.Random(3)
    path = write(tmp_path / "l.csv", product_csv([{"md5": hexstr(rnd, 32)}], ["md5"]))
    assert detect_format(path) == "csv"
    entries, report = load(path, "plain")
    assert report.format == "plain"
    # "md5" on its own is a header word for a plain list too: skipped with a warning
    assert len(entries) == 1
    assert any("header line skipped" in w for w in report.warnings)


# ----------------------------------------------------------------- plain lists


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


def test_rejected_lines_are_all_counted_but_only_some_kept(tmp_path: Path) -> None:
    count = REJECTED_KEPT + 500
    text = "".join(f"{'x' * 500}\n" for _ in range(count)) + f"{hexstr(random.Random(9), 32)}\n"
    entries, report = load(write(tmp_path / "l.txt", text), "plain")
    assert len(entries) == 1
    assert report.rejected_count == count
    assert len(report.rejected) == REJECTED_KEPT
    assert all(len(r.text) <= 200 for r in report.rejected)


# ----------------------------------------------------------------- product CSV

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


def test_unterminated_quote_rejects_the_record_and_goes_on(tmp_path: Path) -> None:
    rnd = random.Random(15)
    good = hexstr(rnd, 32)
    filler = "".join(f"{hexstr(rnd, 32)},x\n" for _ in range(5000))  # > csv field limit
    text = f'md5,name\n{hexstr(rnd, 32)},"never closed\n{filler}'
    text += "".join(f"{hexstr(rnd, 32)},y\n" for _ in range(3)) + f"{good},z\n"
    _, report = load(write(tmp_path / "l.csv", text))
    assert report.rejected[0].line == 2
    assert "malformed CSV" in report.rejected[0].reason


# --------------------------------------------------------------- ICSE and NSRL


def test_icse_export(tmp_path: Path) -> None:
    rnd = random.Random(16)
    rows = [
        {
            "MD5": hexstr(rnd, 32).upper(),
            "SHA1": hexstr(rnd, 40).upper(),
            "PhotoDNA": ",".join(str(rnd.randrange(256)) for _ in range(144)),
            "Image ID": str(1000 + i),
            "Is distributed": "Yes",
            "Victim identified": "No",
            "Offender identified": "No",
            "Series name": rnd.choice(["Series One", ""]),
            "Number of submissions": "3",
            "File Available": "true",
            "Media Type": "Image",
            "Baseline": "false",
        }
        for i in range(20)
    ]
    rows[3]["SHA1"] = "zz"
    entries, report = load(write(tmp_path / "icse.csv", icse_csv(rows), bom=True, newline="\r\n"))
    assert report.format == "icse"
    assert len(entries) == 19
    kept = [r for i, r in enumerate(rows) if i != 3]
    for row, entry in zip(kept, entries, strict=True):
        assert entry.md5 == row["MD5"].lower()
        assert entry.sha1 == row["SHA1"].lower()
        assert entry.category is None
        assert entry.photodna == row["PhotoDNA"]
        assert entry.name == (row["Series name"] or None)
        assert entry.note == f"ICSE image ID {row['Image ID']}"
    assert [(r.line, r.reason.split(":")[0]) for r in report.rejected] == [(5, "SHA1")]


def test_nsrl_rds_v2(tmp_path: Path) -> None:
    rnd = random.Random(17)
    rows = [
        [
            hexstr(rnd, 40).upper(),
            hexstr(rnd, 32).upper(),
            "0A1B2C3D",
            f"file, {i}.dll",
            4096,
            1,
            "358",
            "",
        ]
        for i in range(25)
    ]
    rows[10] = rows[10][:5]  # 5 fields
    rows[11][1] = EMPTY_MD5.upper()  # empty-file MD5: excluded, SHA-1 kept
    entries, report = load(write(tmp_path / "NSRLFile.txt", nsrl_txt(rows), newline="\r\n"))
    assert report.format == "nsrl"
    assert len(entries) == 24
    assert entries[0].sha1 == str(rows[0][0]).lower()
    assert entries[0].md5 == str(rows[0][1]).lower()
    assert entries[0].name == "file, 0.dll"
    assert all(e.category is None for e in entries)
    assert [r.line for r in report.rejected] == [12]
    assert "5 fields, expected 8" in report.rejected[0].reason
    assert entries[10].md5 is None
    assert entries[10].sha1 == str(rows[11][0]).lower()


# ------------------------------------------------------------------- VICS JSON

VICS_VARIANTS = [("1.3", None, "Media")] + [
    ("2.0", profile, root) for profile in ("US", "UK", "CUSTOM") for root in ("Cases", "Media")
]


@pytest.mark.parametrize(("version", "profile", "root"), VICS_VARIANTS)
@pytest.mark.parametrize("indent", [None, 2])
def test_vics_versions_profiles_and_roots(
    tmp_path: Path, version: str, profile: str | None, root: str, indent: int | None
) -> None:
    media, keys = vics_corpus(18, 40)
    document = vics_document(media, version=version, profile=profile or "US", root=root, cases=3)
    entries, report = load(write_json(tmp_path / "export.json", document, indent))
    assert [key(e) for e in entries] == keys
    assert [e.line for e in entries] == list(range(1, 41))
    assert report.format == "vics"
    assert report.format_version == version
    assert report.profile == profile
    assert report.warnings == []


def test_vics_field_mapping(tmp_path: Path) -> None:
    rnd = random.Random(19)
    record, expected, name = vics_media(rnd, 7)
    pdq = record["AlternativeHashes"][2]["HashValue"]
    sha256 = hexstr(rnd, 64)
    record["AlternativeHashes"].append({"HashName": "SHA-256", "HashValue": sha256.upper()})
    record["AlternativeHashes"].append({"HashName": "Microsoft PhotoDNA v2", "HashValue": "AbC+"})
    record["Category"] = "  2 "
    without_name = dict(record, MediaFiles=[{"FilePath": "D:\\a\\b.png"}], MD5=None, SHA1=None)
    without_name["AlternativeHashes"] = [{"HashName": "phash", "HashValue": expected[3]}]
    null_category = dict(record, Category=None, Comments="", PhotoDNA=None)
    int_category = dict(record, Category=3, MediaFiles=[], RelativeFilePath=None)
    document = vics_document([record, without_name, null_category, int_category])
    entries, report = load(write_json(tmp_path / "v.json", document))
    first = entries[0]
    assert (first.md5, first.sha1, first.sha256) == (expected[0], expected[1], sha256)
    assert (first.phash, first.dhash, first.category) == (expected[3], expected[4], "2")
    assert first.name == name
    assert first.note == "comment 7"
    assert first.photodna == record["PhotoDNA"]
    assert first.extra == {"pdq": pdq, "microsoft photodna v2": "AbC+"}
    second = entries[1]
    assert (second.md5, second.sha1, second.phash) == (None, None, expected[3])
    assert second.name == "D:\\a\\b.png"
    assert second.extra == {}
    assert (entries[2].category, entries[2].note, entries[2].photodna) == (None, None, None)
    assert entries[3].category == "3"
    assert entries[3].name is None
    assert report.profile == "US"


def test_vics_bad_media_are_rejected_by_record_number(tmp_path: Path) -> None:
    media, keys = vics_corpus(20, 12)
    media[2]["MD5"] = "nothex"
    media[5]["Category"] = True
    media[7] = {"PhotoDNA": "AAAA", "Category": 1}  # nothing matchable
    media[9]["AlternativeHashes"].append(
        {"HashName": "MD5", "HashValue": hexstr(random.Random(1), 32)}
    )
    media.insert(11, "not an object")  # type: ignore[arg-type]
    document = vics_document(media, root="Cases", cases=4)
    entries, report = load(write_json(tmp_path / "v.json", document, indent=1))
    assert [key(e) for e in entries] == [k for i, k in enumerate(keys) if i not in (2, 5, 7, 9)]
    reasons = {r.line: r.reason for r in report.rejected}
    assert sorted(reasons) == [3, 6, 8, 10, 12]
    assert reasons[3].startswith("MD5: not hexadecimal")
    assert "Category" in reasons[6]
    assert "no MD5, SHA-1, SHA-256, pHash or dHash" in reasons[8]
    assert "PhotoDNA" in reasons[8]
    assert "disagrees" in reasons[10]
    assert "not a JSON object" in reasons[12]
    assert report.rejected[0].text.startswith("near line ")


@pytest.mark.parametrize("chunk", [1, 3, 17, 256, 4096])
@pytest.mark.parametrize("item_cap", [64, 256 * 1024])
@pytest.mark.parametrize("root", ["Cases", "Media"])
def test_vics_streaming_survives_every_chunk_boundary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, item_cap: int, root: str
) -> None:
    media, keys = vics_corpus(21, 15)
    media[3]["MediaSize"] = 1.5e3
    media[4]["MediaSize"] = -12345678901234567890
    media[5]["Comments"] = 'escapes \\ " \u00e9 \u4e2d \U0001f600 \n end'
    document = vics_document(media, root=root, cases=3, context_last=chunk == 17)
    document["odata.count"] = 12345.25
    path = write_json(tmp_path / "v.json", document, indent=None if chunk % 2 else 3)
    monkeypatch.setattr(formats_vics, "CHUNK", chunk)
    monkeypatch.setattr(formats_vics, "ITEM_CAP", item_cap)
    entries, report = load(path)
    assert [key(e) for e in entries] == keys
    assert entries[5].note == media[5]["Comments"].strip()
    assert report.profile == "US"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t[: len(t) // 2], "not valid VICS JSON at line"),
        (lambda t: t.replace('"MD5":', '"MD5"', 1), "not valid VICS JSON"),
        (lambda t: t.replace("[", "[,", 1), "not valid VICS JSON"),
        (lambda t: t.replace('"value"', '"values"'), "without a 'value' array"),
        (lambda t: t.replace('"value": [', '"value": {"a": [') + "}", "'value' is not an array"),
    ],
)
def test_vics_malformed_json_stops_with_a_clear_error(
    tmp_path: Path, mutate: Callable[[str], str], message: str
) -> None:
    media, _ = vics_corpus(22, 30)
    text = mutate(json.dumps(vics_document(media), indent=1))
    path = write(tmp_path / "v.json", text)
    with pytest.raises(HashListError, match=message):
        list(parse(path))


def test_vics_context_problems_are_warned(tmp_path: Path) -> None:
    media, keys = vics_corpus(23, 3)
    no_context = {"value": media}
    entries, report = load(write_json(tmp_path / "a.json", no_context))
    assert [key(e) for e in entries] == keys
    assert any("no @odata.context" in w for w in report.warnings)
    odd = {"@odata.context": "http://example.invalid/$metadata#Things", "value": media}
    _, report = load(write_json(tmp_path / "b.json", odd))
    assert any("unrecognised VICS context" in w for w in report.warnings)
    assert report.profile is None
    mismatch = vics_document(media, root="Cases")
    mismatch["@odata.context"] = v20_context("UK", "Media")
    _, report = load(write_json(tmp_path / "c.json", mismatch))
    assert report.profile == "UK"
    assert any(
        "the context says Media but the file holds Case records" in w for w in report.warnings
    )


def test_vics_alternative_hash_oddities(tmp_path: Path) -> None:
    rnd = random.Random(24)
    record, expected, _ = vics_media(rnd, 1)
    record["AlternativeHashes"] = [
        {"HashName": "pHash", "HashValue": "12345"},  # not imagehash's 16 digits
        {"HashName": "dHash", "HashValue": expected[4]},
        {"HashName": "dHash", "HashValue": hexstr(rnd, 16)},  # second, different
        {"HashName": "", "HashValue": "abc"},
        "junk",
    ]
    entries, report = load(write_json(tmp_path / "v.json", vics_document([record])))
    entry = entries[0]
    assert entry.phash is None
    assert entry.dhash == expected[4]
    assert entry.extra["phash"] == "12345"
    assert "dhash (2)" in entry.extra
    joined = " | ".join(report.warnings)
    assert "pHash not 16 hex digits" in joined
    assert "second, different dHash" in joined
    assert "without HashName or HashValue" in joined
    assert "not an object" in joined


# --------------------------------------------------- encodings and fingerprint


def _four_encodings(tmp_path: Path, rows: list[tuple[str, str | None]]) -> list[Path]:
    def line(value: str, category: str | None, style: str) -> str:
        if style == "quoted":
            return f'  "{value}" , "{category}"  ' if category else f'  "{value}"  '
        if style == "upper":
            return f"{value.upper()},{category}" if category else value.upper()
        return f"{value},{category}" if category else value

    plain = "".join(line(v, c, "plain") + "\n" for v, c in rows)
    upper = "# upper-case, CRLF, BOM\n" + "".join(line(v, c, "upper") + "\n" for v, c in rows)
    quoted = "".join(line(v, c, "quoted") + "\n" for v, c in rows)
    return [
        write(tmp_path / "a.txt", plain),
        write(tmp_path / "b.txt", upper, bom=True, newline="\r\n"),
        write(tmp_path / "c.txt", quoted, newline="\r"),
        write(tmp_path / "d.txt", "\n" + plain, encoding="utf-16-le", bom=True, newline="\r\n"),
        write(tmp_path / "e.txt", plain, encoding="utf-16-be", bom=True),
        write(tmp_path / "f.txt", plain, encoding="utf-16-le"),  # no BOM
    ]


def test_same_list_in_four_encodings_has_the_same_fingerprint(tmp_path: Path) -> None:
    rnd = random.Random(25)
    rows = [
        (hexstr(rnd, rnd.choice((32, 40, 64))), rnd.choice(["1", "2", "Cat A", None]))
        for _ in range(200)
    ]
    paths = _four_encodings(tmp_path, rows)
    assert len({p.read_bytes() for p in paths}) == len(paths)
    prints = {fingerprint(p) for p in paths}
    assert len(prints) == 1
    expected = hashlib.sha256()
    for value, category in rows:
        slots = {32: 0, 40: 1, 64: 2}
        fields = ["", "", "", "", "", category or ""]
        fields[slots[len(value)]] = value
        expected.update(("|".join(fields) + "\n").encode())
    assert prints == {expected.hexdigest()}
    encodings = [load(p)[1].encoding for p in paths]
    assert encodings == [
        "utf-8",
        "utf-8 (BOM)",
        "utf-8",
        "utf-16-le (BOM)",
        "utf-16-be (BOM)",
        "utf-16-le",
    ]


def test_fingerprint_changes_with_content_order_and_category(tmp_path: Path) -> None:
    rnd = random.Random(26)
    values = [hexstr(rnd, 32) for _ in range(5)]
    base = fingerprint(write(tmp_path / "a.txt", "".join(f"{v},1\n" for v in values)))
    reordered = fingerprint(write(tmp_path / "b.txt", "".join(f"{v},1\n" for v in values[::-1])))
    recategorised = values[:4]
    changed = "".join(f"{v},1\n" for v in recategorised) + f"{values[4]},2\n"
    assert len({base, reordered, fingerprint(write(tmp_path / "c.txt", changed))}) == 3
    # ...but not with comments, blank lines or rejected lines
    noisy = "# x\n\nnot a hash\n" + "".join(f"{v} , 1\n" for v in values)
    assert fingerprint(write(tmp_path / "d.txt", noisy)) == base


def test_same_content_in_another_format_has_the_same_fingerprint(tmp_path: Path) -> None:
    rnd = random.Random(27)
    rows = [(hexstr(rnd, 32), rnd.choice(["1", "2", None])) for _ in range(50)]
    plain = write(tmp_path / "a.txt", "".join(f"{v},{c or ''}\n" for v, c in rows))
    product = write(
        tmp_path / "b.csv",
        product_csv(
            ({"md5": v, "category": c, "name": "n"} for v, c in rows), ["name", "md5", "category"]
        ),
    )
    media = [{"MD5": v.upper(), "Category": int(c) if c else None} for v, c in rows]
    vics = write_json(tmp_path / "c.json", vics_document(media))
    assert fingerprint(plain) == fingerprint(product) == fingerprint(vics)


def test_windows_1252_file_is_read_as_such_with_a_warning(tmp_path: Path) -> None:
    rnd = random.Random(28)
    md5 = hexstr(rnd, 32)
    path = tmp_path / "l.csv"
    path.write_bytes(f"md5,name\n{md5},Caf\u00e9 \u20ac\n".encode("cp1252"))
    entries, report = load(path)
    assert entries[0].name == "Caf\u00e9 \u20ac"
    assert report.encoding == "windows-1252"
    assert any("Windows-1252" in w for w in report.warnings)


def test_bytes_that_do_not_decode_later_in_the_file_are_flagged(tmp_path: Path) -> None:
    rnd = random.Random(29)
    head = "md5,name\n" + "".join(f"{hexstr(rnd, 32)},ok\n" for _ in range(3000))  # > 64 KiB
    bad = hexstr(rnd, 32).encode() + b",caf\xe9\n"
    path = tmp_path / "l.csv"
    path.write_bytes(head.encode() + bad)
    entries, report = load(path)
    assert report.encoding == "utf-8"
    assert entries[-1].name == "caf\ufffd"
    assert any("U+FFFD" in w and "line 3002" in w for w in report.warnings)


# ---------------------------------------------------------------- import rules


def _all_bad_plain(rnd: random.Random) -> tuple[str, str]:
    lines = [hexstr(rnd, 31) for _ in range(8)] + ["not-a-hash", hexstr(rnd, 32) + "q"]
    return "bad.txt", "# cut-short export\n" + "\n".join(lines) + "\n"


def _all_bad_csv(rnd: random.Random) -> tuple[str, str]:
    rows = [[hexstr(rnd, 40), "A"] for _ in range(10)]  # SHA-1 values in the md5 column
    return "bad.csv", csv_text([["md5", "category"], *rows])


def _all_bad_vics(rnd: random.Random) -> tuple[str, str]:
    media = [{"MD5": hexstr(rnd, 30), "Category": 1} for _ in range(10)]
    return "bad.json", json.dumps(vics_document(media))


@pytest.mark.parametrize("maker", [_all_bad_plain, _all_bad_csv, _all_bad_vics])
def test_zero_valid_entries_parse_completes_but_is_refused(
    tmp_path: Path, maker: Callable[[random.Random], tuple[str, str]]
) -> None:
    name, text = maker(random.Random(35))
    entries, report = load(write(tmp_path / name, text))
    assert entries == []
    assert report.loaded == 0
    assert report.rejected_count == 10
    with pytest.raises(HashListError) as caught:
        check_usable(report)
    message = str(caught.value)
    first = report.rejected[0]
    assert message.startswith(
        f"no valid entries in {name}; first problems: line {first.line}: {first.reason}; "
    )
    assert f"line {report.rejected[1].line}:" in message
    assert message.endswith("; and 5 more")


def test_check_usable_accepts_a_list_with_entries_and_refuses_empty_ones(tmp_path: Path) -> None:
    rnd = random.Random(30)
    _, good = load(write(tmp_path / "good.txt", f"bad\n{hexstr(rnd, 32)}\n"))
    check_usable(good)
    _, comments = load(write(tmp_path / "comments.txt", "# nothing here\n"))
    with pytest.raises(
        HashListError, match=r"no valid entries in comments\.txt; .*holds no hashes"
    ):
        check_usable(comments)
    _, only_empty = load(write(tmp_path / "empty.txt", f"{EMPTY_MD5}\n{EMPTY_SHA1}\n"))
    with pytest.raises(HashListError, match="only excluded hashes"):
        check_usable(only_empty)


def test_empty_file_and_blank_image_hashes_are_excluded_with_warnings(tmp_path: Path) -> None:
    rnd = random.Random(31)
    md5, sha1, phash, dhash = hexstr(rnd, 32), hexstr(rnd, 40), hexstr(rnd, 16), hexstr(rnd, 16)
    rows: list[dict[str, str | None]] = [
        {"md5": EMPTY_MD5.upper(), "sha1": sha1},  # 2: md5 dropped, sha1 kept
        {"md5": md5, "sha256": EMPTY_SHA256},  # 3: sha256 dropped
        {"sha1": EMPTY_SHA1},  # 4: nothing left: entry dropped
        {"phash": "0" * 16, "dhash": dhash},  # 5: phash dropped
        {"phash": phash, "dhash": "F" * 16},  # 6: dhash dropped
        {"phash": "0" * 16, "dhash": "f" * 16},  # 7: entry dropped
        {"md5": md5, "pdq": "0" * 64},  # 8: all-zero extra dropped
    ]
    columns = ["md5", "sha1", "sha256", "phash", "dhash", "pdq"]
    entries, report = load(write(tmp_path / "l.csv", product_csv(rows, columns)))
    assert [(e.line, key(e)[:5]) for e in entries] == [
        (2, (None, sha1, None, None, None)),
        (3, (md5, None, None, None, None)),
        (5, (None, None, None, None, dhash)),
        (6, (None, None, None, phash, None)),
        (8, (md5, None, None, None, None)),
    ]
    assert entries[-1].extra == {}
    assert report.dropped == 2
    assert report.rejected_count == 0
    assert report.excluded == {
        "empty-file MD5": 1,
        "empty-file SHA-256": 1,
        "empty-file SHA-1": 1,
        "blank-image pHash 0000000000000000": 2,
        "blank-image dHash ffffffffffffffff": 2,
        "all-zero/all-one pdq": 1,
    }
    assert report.excluded_count == 8
    assert "excluded the empty-file MD5 from 1 entry (line 2)" in report.warnings
    assert (
        "excluded the blank-image pHash 0000000000000000 from 2 entries (line 5, 7)"
        in report.warnings
    )
    assert any(w.startswith("dropped 2 entries") and "(line 4, 7)" in w for w in report.warnings)


def test_exclusions_apply_to_vics_alternative_hashes(tmp_path: Path) -> None:
    rnd = random.Random(32)
    record, expected, _ = vics_media(rnd, 1)
    record["AlternativeHashes"][0]["HashValue"] = "0" * 16
    record["AlternativeHashes"][2]["HashValue"] = "f" * 64
    empty = {"MD5": EMPTY_MD5, "Category": 1}
    entries, report = load(write_json(tmp_path / "v.json", vics_document([record, empty])))
    assert len(entries) == 1
    assert entries[0].phash is None
    assert entries[0].dhash == expected[4]
    assert entries[0].extra == {}
    assert report.dropped == 1


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


def test_report_is_filled_while_iterating_and_reset_on_reuse(tmp_path: Path) -> None:
    rnd = random.Random(33)
    path = write(tmp_path / "l.txt", "".join(f"{hexstr(rnd, 32)}\n" for _ in range(10)) + "bad\n")
    report = ParseReport()
    iterator = parse(path, report=report)
    next(iterator)
    next(iterator)
    assert report.loaded == 2
    assert not report.complete
    assert report.fingerprint is None
    collections.deque(iterator, maxlen=0)
    assert (report.loaded, report.rejected_count, report.complete) == (10, 1, True)
    collections.deque(parse(path, report=report), maxlen=0)
    assert (report.loaded, report.rejected_count) == (10, 1)


def test_abandoned_iteration_closes_the_file(tmp_path: Path) -> None:
    rnd = random.Random(34)
    path = write(tmp_path / "l.txt", "".join(f"{hexstr(rnd, 32)}\n" for _ in range(10)))
    iterator = parse(path)
    next(iterator)
    del iterator
    gc.collect()  # an unclosed file would raise ResourceWarning -> error under filterwarnings
    never_started = parse(path)
    del never_started
    gc.collect()


def test_fast_entries_are_ordinary_frozen_hash_entries() -> None:
    args: tuple[Any, ...] = (
        "a" * 32,
        None,
        None,
        "1" * 16,
        None,
        "A",
        "n",
        None,
        None,
        {"pdq": "00"},
        7,
    )
    fast = new_entry(*args)
    slow = HashEntry(*args)
    assert type(fast) is HashEntry
    assert fast == slow
    assert repr(fast) == repr(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    with pytest.raises(FrozenInstanceError):
        fast.md5 = "b"  # type: ignore[misc]


def test_package_imports_no_gui_database_or_storage() -> None:
    banned = ("PySide6", "sqlalchemy", "alembic", "triage_app.storage", "triage_app.gui")
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not [n for n in names if n.startswith(banned)], (path.name, names)
    code = (
        "import sys, triage_app.hashsets\n"
        f"bad = [m for m in sys.modules if m.startswith({banned!r})]\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------- round trips (hypothesis)

_hex = st.sampled_from("0123456789abcdef")


def _hex_of(digits: int) -> st.SearchStrategy[str]:
    return st.text(_hex, min_size=digits, max_size=digits).filter(lambda v: v not in EXCLUDED)


_category = st.one_of(
    st.none(),
    st.integers(0, 99).map(str),
    st.text(string.ascii_letters + string.digits + "-_/ ", min_size=1, max_size=12),
)


@st.composite
def _entries(draw: st.DrawFn) -> list[tuple[str | None, ...]]:
    rows = []
    for _ in range(draw(st.integers(1, 25))):
        row = [draw(st.one_of(st.none(), _hex_of(n))) for n in (32, 40, 64, 16, 16)]
        if all(v is None for v in row):
            row[0] = draw(_hex_of(32))
        rows.append((*row, normalise_category(draw(_category) or "")))
    return rows


@settings(max_examples=60, deadline=None)
@given(
    rows=_entries(),
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


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.tuples(st.sampled_from([32, 40, 64]).flatmap(_hex_of), _category),
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


@settings(max_examples=40, deadline=None)
@given(
    rows=_entries(),
    root=st.sampled_from(["Cases", "Media"]),
    profile=st.sampled_from(["US", "UK", "CUSTOM"]),
    indent=st.sampled_from([None, 0, 2]),
    chunk=st.integers(1, 300),
)
def test_vics_round_trip(
    rows: list[tuple[str | None, ...]], root: str, profile: str, indent: int | None, chunk: int
) -> None:
    media = []
    for md5, sha1, sha256, phash, dhash, category in rows:
        alternatives = [
            {"HashName": name, "HashValue": value}
            for name, value in (("SHA256", sha256), ("pHash", phash), ("dHash", dhash))
            if value
        ]
        media.append(
            {"MD5": md5, "SHA1": sha1, "Category": category, "AlternativeHashes": alternatives}
        )
    document = vics_document(media, root=root, profile=profile, cases=3)
    original = formats_vics.CHUNK
    formats_vics.CHUNK = chunk
    try:
        with tempfile.TemporaryDirectory() as folder:
            entries, report = load(write_json(Path(folder) / "v.json", document, indent))
    finally:
        formats_vics.CHUNK = original
    assert [key(e) for e in entries] == rows
    assert report.profile == profile


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(_hex_of(32), _hex_of(40), st.text(min_size=0, max_size=20)),
        min_size=1,
        max_size=20,
    )
)
def test_icse_and_nsrl_round_trip(rows: list[tuple[str, str, str]]) -> None:
    icse = icse_csv({"MD5": m.upper(), "SHA1": s, "Series name": "S"} for m, s, _ in rows)
    nsrl = nsrl_txt([s.upper(), m.upper(), "00000000", n, 1, 1, "1", ""] for m, s, n in rows)
    with tempfile.TemporaryDirectory() as folder:
        icse_entries, _ = load(write(Path(folder) / "i.csv", icse))
        nsrl_entries, _ = load(write(Path(folder) / "n.txt", nsrl))
    assert [(e.md5, e.sha1) for e in icse_entries] == [(m, s) for m, s, _ in rows]
    assert [(e.md5, e.sha1, e.name) for e in nsrl_entries] == [
        (m, s, n.strip() or None) for m, s, n in rows
    ]


# ---------------------------------------------------- bounded memory and speed


def write_plain_rows(path: Path, rows: int, seed: int = 0) -> Path:
    rnd = random.Random(seed)
    with open(path, "w", encoding="ascii", newline="\n") as handle:
        for start in range(0, rows, 50_000):
            count = min(50_000, rows - start)
            blob = f"{rnd.getrandbits(128 * count):0{32 * count}x}"
            handle.write("".join(f"{blob[i * 32 : i * 32 + 32]},{i % 6}\n" for i in range(count)))
    return path


def write_product_rows(path: Path, rows: int, seed: int = 0) -> Path:
    rnd = random.Random(seed)
    with open(path, "w", encoding="ascii", newline="\n") as handle:
        handle.write("md5,sha1,sha256,phash,dhash,category,name\n")
        for start in range(0, rows, 20_000):
            count = min(20_000, rows - start)
            blob = f"{rnd.getrandbits(672 * count):0{168 * count}x}"
            handle.write(
                "".join(
                    f"{blob[o : o + 32]},{blob[o + 32 : o + 72]},{blob[o + 72 : o + 136]},"
                    f"{blob[o + 136 : o + 152]},{blob[o + 152 : o + 168]},"
                    f"{i % 6},f{start + i}.jpg\n"
                    for i, o in ((i, i * 168) for i in range(count))
                )
            )
    return path


def write_vics_rows(path: Path, rows: int, root: str, seed: int = 0) -> Path:
    """A VICS export written record by record (the test never holds it whole)."""
    rnd = random.Random(seed)
    context = v20_context("UK", root)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f'{{"@odata.context": "{context}", "value": [')
        if root == "Cases":
            handle.write('{"CaseID": "1", "CaseNumber": "ABC/1", "Media": [')
        for number in range(rows):
            record, _, _ = vics_media(rnd, number)
            handle.write(("," if number else "") + json.dumps(record))
        handle.write("]}]}" if root == "Cases" else "]}")
    return path


_CHILD = textwrap.dedent(
    """
    import collections, itertools, json, sys, time
    from pathlib import Path
    from triage_app.hashsets import ParseReport, parse

    path = Path(sys.argv[1])
    control_rows = int(sys.argv[2])

    def peak_kib():
        # VmHWM: peak RSS of this program. (ru_maxrss would also count the parent's
        # pages before exec: Linux carries the peak across fork and exec.)
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmHWM")

    warm = parse(path)
    collections.deque(itertools.islice(warm, 20000), maxlen=0)
    warm.close()
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # reset the peak to the current RSS
    except OSError:
        pass
    base = peak_kib()
    report = ParseReport()
    started, cpu = time.perf_counter(), time.process_time()
    collections.deque(parse(path, report=report), maxlen=0)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    grown = peak_kib() - base
    kept = list(itertools.islice(parse(path), control_rows))
    control = peak_kib() - base
    print(json.dumps({
        "loaded": report.loaded, "rejected": report.rejected_count, "seconds": seconds,
        "cpu": cpu, "base_kib": base, "grown_kib": grown, "control_kib": control,
        "kept": len(kept),
    }))
    """
)


def measure_in_child(path: Path, control_rows: int) -> dict[str, float]:
    """Parse ``path`` in a fresh process; report time and peak-RSS growth.

    As a control, the child then keeps ``control_rows`` entries in a list, which
    must show up as growth: this proves the measurement can see a parser that
    holds its entries.
    """
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(control_rows)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr
    measured: dict[str, float] = json.loads(result.stdout)
    rate = measured["loaded"] / measured["seconds"]
    sys.stderr.write(
        f"\n{path.name}: {measured['loaded']:,.0f} entries in {measured['seconds']:.1f} s "
        f"({rate:,.0f}/s wall, {measured['loaded'] / measured['cpu']:,.0f}/s cpu), "
        f"peak RSS {measured['base_kib'] / 1024:.1f} MiB + {measured['grown_kib'] / 1024:.1f} MiB "
        f"(control: +{measured['control_kib'] / 1024:.1f} MiB)\n"
    )
    return measured


GROWTH_LIMIT_KIB = 24 * 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("writer", "rows"),
    [(write_plain_rows, 1_000_000), (write_product_rows, 600_000)],
    ids=["plain", "product-csv"],
)
def test_memory_does_not_grow_with_the_file(
    tmp_path: Path, writer: Callable[[Path, int], Path], rows: int
) -> None:
    path = writer(tmp_path / "big.txt", rows)
    measured = measure_in_child(path, control_rows=300_000)
    assert measured["loaded"] == rows
    assert measured["grown_kib"] < GROWTH_LIMIT_KIB
    assert measured["control_kib"] > 2 * GROWTH_LIMIT_KIB


@pytest.mark.parametrize("root", ["Cases", "Media"])
def test_vics_is_streamed_not_loaded(tmp_path: Path, root: str) -> None:
    rows = 20_000
    path = write_vics_rows(tmp_path / "v.json", rows, root)
    assert path.stat().st_size > 20 * 1024 * 1024
    tracemalloc.start()
    try:
        report = ParseReport()
        collections.deque(parse(path, report=report), maxlen=0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.loaded == rows
    assert report.profile == "UK"
    assert peak < 12 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


def test_traced_memory_does_not_scale_with_rows(tmp_path: Path) -> None:
    peaks = []
    for rows in (10_000, 100_000):
        path = write_product_rows(tmp_path / f"{rows}.csv", rows, seed=rows)
        tracemalloc.start()
        try:
            collections.deque(parse(path), maxlen=0)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5 + 512 * 1024, peaks


@pytest.mark.stress
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("writer", "rows", "budget_seconds"),
    [
        (write_plain_rows, 10_000_000, 60),
        (write_product_rows, 10_000_000, 60),
        (lambda p, n: write_vics_rows(p, n, "Cases"), 2_000_000, 60),
    ],
    ids=["plain-10M", "product-csv-10M", "vics-2M"],
)
def test_stress_ten_million_rows(
    tmp_path: Path, writer: Callable[[Path, int], Path], rows: int, budget_seconds: float
) -> None:
    # The import budget is 10M rows in 2 minutes including the database: the parser
    # must take well under half of it.
    started = time.perf_counter()
    path = writer(tmp_path / "big", rows)
    size = path.stat().st_size / 2**20
    sys.stderr.write(f"\nwrote {size:,.0f} MiB in {time.perf_counter() - started:.0f} s")
    measured = measure_in_child(path, control_rows=300_000)
    assert measured["loaded"] == rows
    assert measured["rejected"] == 0
    assert measured["grown_kib"] < GROWTH_LIMIT_KIB
    # CPU time, not wall time: the machine may be shared with other jobs
    assert measured["cpu"] < budget_seconds
