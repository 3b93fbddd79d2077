"""Ingest of disk images through the CLI: E01, raw and split raw of a partitioned FAT32 card.

The images are built with Debian tools (tests/evidence/disk_images.py); the
checks are the issue's: every file found with its MD5, the deleted one
recovered and flagged, verification verified; the raw image gives the same
paths and digests; a damaged copy says mismatch and names the file on the bad
chunk; a truncated one gives one line; nothing in the evidence changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import run_cli
from evidence.disk_images import (
    Card,
    build_fat32_card,
    damage_e01,
    make_e01,
    require_tools,
    split_raw,
    truncate_segment,
)
from trust_helpers import tree_digest

from triage_app.demo.synthetic import jpeg_bytes, scene


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Card:
    require_tools("sfdisk", "mkfs.vfat", "mcopy", "mdel", "mke2fs", "ewfacquire")
    rng = np.random.default_rng(15)
    files = {f"DCIM/100CANON/IMG_{i:04d}.JPG": jpeg_bytes(scene(rng)) for i in range(4)}
    files["notes.txt"] = b"shopping list\n"
    deleted = {"DCIM/100CANON/GONE.JPG": jpeg_bytes(scene(rng))}
    ext4 = {"home/user/pic.jpg": jpeg_bytes(scene(rng))}
    return build_fat32_card(tmp_path_factory.mktemp("media"), files, deleted, partitions=2,
                            ext4_files=ext4)  # fmt: skip


def _items(case: Path, exhibit: str) -> dict[str, dict[str, Any]]:
    listed = json.loads(run_cli("items", case, "--json").stdout)
    rows = listed if isinstance(listed, list) else listed["items"]
    return {i["path"]: i for i in rows if i["exhibit"] == exhibit}


def _source(case: Path, exhibit: str) -> dict[str, Any]:
    info = json.loads(run_cli("case", "info", case, "--json").stdout)
    found: dict[str, Any] = next(e["source"] for e in info["exhibits"] if e["ref"] == exhibit)
    return found


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _ingest(case: Path, source: Path, exhibit: str, check: bool = True) -> Any:
    if not (case / "case.json").exists():
        run_cli("case", "create", case, "--ref", "IMG/1", "--examiner", "E")
    return run_cli("ingest", case, source, "--exhibit", exhibit, "--no-progress", check=check)


def test_an_e01_of_a_partitioned_card_is_ingested_and_verified(card: Card, tmp_path: Path) -> None:
    e01 = make_e01(card.raw, _folder(tmp_path / "set") / "card", segment_size=16 << 20)
    assert e01.with_suffix(".E02").exists()  # several segments, found beside the first
    before = tree_digest(e01.parent)
    case = tmp_path / "case"
    out = _ingest(case, e01, "CARD/1").stdout
    assert "failed 0" in out
    items = _items(case, "CARD/1")
    for part, entry in card.files:
        item = items[f"p{part.index}/{entry.path}"]
        assert item["md5"] == entry.md5 and item["status"] == "hashed"
        assert item["deleted"] is None and item["fs_address"]
        assert item["container"].startswith(f"card.E01 > partition {part.index} (")
    labels = [i for p, i in items.items() if p.endswith("(Volume Label Entry)")]
    assert labels and all(i["status"] == "skipped" for i in labels)  # the FAT's name
    assert all(i["status"] == "skipped" for p, i in items.items() if "$FAT" in p)
    gone = [i for i in items.values() if i["deleted"]]
    assert [g["md5"] for g in gone] == [card.deleted[0][1].md5]
    assert any("may be partly overwritten" in n for n in gone[0]["notes"])
    source = _source(case, "CARD/1")
    assert source["kind"] == "ewf" and source["verification"] == "verified"
    assert source["stored_md5"] == source["computed_md5"] == card.md5
    assert len(source["segments"]) >= 2
    assert tree_digest(e01.parent) == before  # nothing written, renamed or added
    assert run_cli("audit", "verify", case).returncode == 0


def test_raw_and_split_raw_give_the_same_paths_and_digests(card: Card, tmp_path: Path) -> None:
    case = tmp_path / "case"
    _ingest(case, card.raw, "RAW/1")
    parts = split_raw(card.raw, 10 << 20)
    _ingest(case, parts[0], "SPLIT/1")
    whole, split = _items(case, "RAW/1"), _items(case, "SPLIT/1")
    assert {p: i["md5"] for p, i in whole.items()} == {p: i["md5"] for p, i in split.items()}
    assert {f"p{p.index}/{e.path}" for p, e in card.files} <= set(whole)
    raw_source, split_source = _source(case, "RAW/1"), _source(case, "SPLIT/1")
    assert raw_source["verification"] == "unavailable"  # a raw image stores no hash
    assert raw_source["computed_md5"] == split_source["computed_md5"] == card.md5
    assert len(split_source["segments"]) == len(parts)


def test_a_damaged_e01_is_ingested_as_far_as_it_reads_and_says_mismatch(
    card: Card, tmp_path: Path
) -> None:
    e01 = make_e01(card.raw, _folder(tmp_path / "set") / "card")
    victim_part, victim = card.files[1]
    at = card.raw.read_bytes().find(victim.data[:4096])
    out = _folder(tmp_path / "bad") / "bad.E01"
    bad = damage_e01(e01, out, raw=card.raw, media_offset=at + 5000)
    case = tmp_path / "case"
    result = _ingest(case, bad, "BAD/1")
    assert "Traceback" not in result.stderr
    source = _source(case, "BAD/1")
    assert source["verification"] == "mismatch"
    assert source["unreadable"], source
    named = f"p{victim_part.index}/{victim.path}"
    assert named in source["affected_files"]
    item = _items(case, "BAD/1")[named]
    assert any(n.startswith("damaged image") for n in item["notes"])
    assert item["md5"] != victim.md5  # the bad chunk reads as zeros: hashed as it reads


def test_a_truncated_e01_gives_one_line_and_no_traceback(card: Card, tmp_path: Path) -> None:
    e01 = make_e01(card.raw, _folder(tmp_path / "set") / "card", segment_size=16 << 20)
    cut = truncate_segment(e01, _folder(tmp_path / "cut") / "cut.E01", keep=0.3)
    case = tmp_path / "case"
    result = _ingest(case, cut, "CUT/1", check=False)
    assert "Traceback" not in result.stderr
    if result.returncode != 0:
        assert result.stderr.count("\n") <= 1 and "triage: error:" in result.stderr
    else:
        assert _source(case, "CUT/1")["verification"] == "mismatch"


def test_a_file_that_is_no_image_or_archive_is_refused_in_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.dd"
    junk.write_bytes(b"\x13" * 100_000)
    case = tmp_path / "case"
    result = _ingest(case, junk, "J/1", check=False)
    assert result.returncode == 2
    assert "not a folder, archive or disk image" in result.stderr
    info = json.loads(run_cli("case", "info", case, "--json").stdout)
    assert info["exhibits"] == []  # refused before anything was recorded


def test_outputs_never_land_beside_an_image(card: Card, tmp_path: Path) -> None:
    e01 = make_e01(card.raw, _folder(tmp_path / "set") / "card")
    case = tmp_path / "case"
    _ingest(case, e01, "CARD/2")
    result = run_cli("report", case, "--format", "csv", "--out", e01.parent / "card.E02",
                     check=False)  # fmt: skip
    assert result.returncode != 0 and "image or archive" in result.stderr
    assert not (e01.parent / "card.E02").exists()
