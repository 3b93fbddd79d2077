"""Videos through the ingest: facts in ``items --json``, frames stored, hostile files named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from media.video_helpers import write
from trust_helpers import tree_digest


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    evidence = tmp_path_factory.mktemp("evidence")
    original = write(evidence, "original.mp4")
    write(evidence, "unrelated2.avi")
    data = original.read_bytes()
    (evidence / "truncated.mp4").write_bytes(data[: len(data) // 3])
    (evidence / "header_only.mp4").write_bytes(data[:64])
    (evidence / "garbage.mp4").write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x5a" * 20000)
    (evidence / "empty.mp4").write_bytes(b"")
    before = tree_digest(evidence)
    case = tmp_path_factory.mktemp("case") / "c"
    run_cli("case", "create", case, "--ref", "VID/1", "--examiner", "E")
    run_cli("ingest", case, evidence, "--exhibit", "V1", "--no-progress")
    assert tree_digest(evidence) == before  # nothing written to the evidence
    listed = json.loads(run_cli("items", case, "--json").stdout)
    rows = listed if isinstance(listed, list) else listed["items"]
    return case, evidence, {i["path"]: i for i in rows}


def test_a_video_has_its_facts_in_the_items_json(ingested: tuple[Path, Path, Any]) -> None:
    _case, _evidence, items = ingested
    film = items["original.mp4"]
    assert film["media_type"] == "video" and film["decode_status"] == "decoded"
    assert film["codec"] == "h264" and film["fps"] == 25.0
    assert film["duration_s"] == pytest.approx(4.0, abs=0.1)
    assert film["frames_sampled"] >= 3
    assert (film["width"], film["height"]) == (640, 480)
    assert film["phash"] and film["dhash"]
    avi = items["unrelated2.avi"]
    assert avi["codec"] == "mpeg4" and avi["frames_sampled"] >= 2


def test_hostile_videos_are_hashed_and_say_why(ingested: tuple[Path, Path, Any]) -> None:
    _case, _evidence, items = ingested
    for name in ("truncated.mp4", "header_only.mp4", "garbage.mp4"):
        item = items[name]
        assert item["status"] == "hashed" and item["md5"], name
        if item["decode_status"] != "decoded":
            assert item["reason"] and "\n" not in item["reason"], name
    assert items["garbage.mp4"]["decode_status"] in ("failed", "not decoded")
    assert items["header_only.mp4"]["decode_status"] in ("failed", "not decoded")
    assert items["empty.mp4"]["status"] == "hashed"


def test_the_trail_still_verifies(ingested: tuple[Path, Path, Any]) -> None:
    case, _evidence, _items = ingested
    result = run_cli("audit", "verify", case)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_edited_frame_hash_fails_audit_verify(
    ingested: tuple[Path, Path, Any], tmp_path: Path
) -> None:
    import shutil
    import sqlite3

    case, _evidence, items = ingested
    copy = tmp_path / "copy"
    shutil.copytree(case, copy)
    with sqlite3.connect(copy / "case.db") as db:
        db.execute(
            "UPDATE video_frames SET phash = '0000000000000000' WHERE item_id = ? "
            "AND frame_index = 1",
            (items["original.mp4"]["id"],),
        )
    result = run_cli("audit", "verify", copy, check=False)
    assert result.returncode != 0
    assert "V1" in result.stdout + result.stderr or "item" in (result.stdout + result.stderr)
