"""PDQ in hash lists: named columns only, checked alike in every format, never guessed."""

from __future__ import annotations

import random
from pathlib import Path

from hashsets.helpers import hexstr, load, vics_document, write, write_json


def test_a_list_may_carry_pdq_only(tmp_path: Path) -> None:
    rnd = random.Random(1)
    pdqs = [hexstr(rnd, 64) for _ in range(5)]
    text = "pdq,pdq_quality,category\n" + "".join(
        f"{p.upper()},{90 - i},A\n" for i, p in enumerate(pdqs)
    )
    entries, report = load(write(tmp_path / "pdq.csv", text))
    assert [e.extra for e in entries] == [
        {"pdq": p, "pdq_quality": str(90 - i)} for i, p in enumerate(pdqs)
    ]
    assert all(e.sha256 is None and e.md5 is None for e in entries)
    assert not any("not matched" in w for w in report.warnings)


def test_pdq_headers_have_aliases_and_a_quality_is_checked(tmp_path: Path) -> None:
    rnd = random.Random(2)
    a, b = hexstr(rnd, 64), hexstr(rnd, 64)
    text = f"PDQ Hash,PDQ Quality\n{a},100\n{b},high\n"
    entries, report = load(write(tmp_path / "l.csv", text))
    assert entries[0].extra == {"pdq": a, "pdq_quality": "100"}
    assert entries[1].extra == {"pdq": b}
    assert any(
        "PDQ quality not a whole number 0-100" in w and "line 3" in w for w in report.warnings
    )


def test_a_64_digit_value_is_sha256_unless_its_column_says_pdq(tmp_path: Path) -> None:
    value = hexstr(random.Random(3), 64)
    sha_entries, _ = load(write(tmp_path / "sha.csv", f"sha256\n{value}\n"))
    assert sha_entries[0].sha256 == value and "pdq" not in sha_entries[0].extra
    plain, _ = load(write(tmp_path / "plain.txt", f"{value}\n"))
    assert plain[0].sha256 == value and "pdq" not in plain[0].extra
    pdq_entries, _ = load(write(tmp_path / "pdq.csv", f"pdq\n{value}\n"))
    assert pdq_entries[0].sha256 is None and pdq_entries[0].extra == {"pdq": value}


def test_a_pdq_of_the_wrong_length_is_kept_but_never_matched(tmp_path: Path) -> None:
    rnd = random.Random(4)
    md5, short = hexstr(rnd, 32), hexstr(rnd, 40)
    entries, report = load(write(tmp_path / "l.csv", f"md5,pdq\n{md5},{short}\n,{short}\n"))
    assert len(entries) == 1 and entries[0].md5 == md5
    assert entries[0].extra == {"pdq (unusable)": short}
    assert any("PDQ not 64 hex digits" in w for w in report.warnings)
    assert report.rejected_count == 1  # the row with nothing else to match on


def test_vics_alternative_hashes_carry_pdq(tmp_path: Path) -> None:
    rnd = random.Random(5)
    value = hexstr(rnd, 64)
    media = [
        {
            "MediaID": 1,
            "Category": 1,
            "AlternativeHashes": [
                {"HashName": "PDQ", "HashValue": value.upper()},
                {"HashName": "PDQ Quality", "HashValue": "88"},
            ],
        }
    ]
    entries, _report = load(write_json(tmp_path / "v.json", vics_document(media)))
    assert entries[0].extra == {"pdq": value, "pdq_quality": "88"}
    assert entries[0].sha256 is None
