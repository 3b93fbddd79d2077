"""The import rules every parser shares: rejected lines kept, exclusions, replaced bytes."""

from __future__ import annotations

import random
from pathlib import Path

from hashsets.helpers import (
    EMPTY_MD5,
    EMPTY_SHA1,
    EMPTY_SHA256,
    hexstr,
    key,
    load,
    product_csv,
    vics_document,
    vics_media,
    write,
    write_json,
)
from triage_app.hashsets.model import REJECTED_KEPT


def test_rejected_lines_are_all_counted_but_only_some_kept(tmp_path: Path) -> None:
    count = REJECTED_KEPT + 500
    text = "".join(f"{'x' * 500}\n" for _ in range(count)) + f"{hexstr(random.Random(9), 32)}\n"
    entries, report = load(write(tmp_path / "l.txt", text), "plain")
    assert len(entries) == 1
    assert report.rejected_count == count
    assert len(report.rejected) == REJECTED_KEPT
    assert all(len(r.text) <= 200 for r in report.rejected)


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
