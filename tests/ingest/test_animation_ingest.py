"""Animated images through the ingest: frames sampled and stored, still counted as images."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from media.animation_helpers import animation, many_frames_gif, still_gif

from triage_app.ingest.examine import examine
from triage_app.ingest.examine_task import ExamineTask
from triage_app.storage.case_store import CaseStore
from triage_app.storage.video_frames_store import read_frames


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    evidence = tmp_path_factory.mktemp("evidence")
    for fmt, name in (("GIF", "anim.gif"), ("WEBP", "anim.webp"), ("PNG", "anim.png")):
        (evidence / name).write_bytes(animation(fmt))
    (evidence / "still.gif").write_bytes(still_gif())
    (evidence / "many.gif").write_bytes(many_frames_gif(2300))
    case = tmp_path_factory.mktemp("case") / "c"
    run_cli("case", "create", case, "--ref", "ANIM/1", "--examiner", "E")
    run_cli("ingest", case, evidence, "--exhibit", "A1", "--no-progress")
    listed = json.loads(run_cli("items", case, "--json").stdout)
    rows = listed if isinstance(listed, list) else listed["items"]
    return case, {i["path"]: i for i in rows}


def test_animations_have_frames_and_stay_images(ingested: tuple[Path, dict[str, Any]]) -> None:
    case, items = ingested
    ids = [items[n]["id"] for n in ("anim.gif", "anim.webp", "anim.png")]
    with CaseStore.open(case) as store:
        frames = read_frames(store, [*ids, items["still.gif"]["id"]])
    for name, item_id in zip(("anim.gif", "anim.webp", "anim.png"), ids, strict=True):
        item = items[name]
        assert item["media_type"] == "image" and item["decode_status"] == "decoded", name
        assert item["frames_sampled"] == 6 and item["duration_s"] == 6.0 and item["fps"] == 2.0
        assert item["phash"] and item["pdq"]
        assert [f.t for f in frames[item_id]] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    still = items["still.gif"]
    assert still["frames_sampled"] is None and still["duration_s"] is None
    assert still["id"] not in frames


def test_a_capped_animation_says_so(ingested: tuple[Path, dict[str, Any]]) -> None:
    _case, items = ingested
    many = items["many.gif"]
    assert many["decode_status"] == "decoded" and many["frames"] == 2300
    assert any("more than 2000 frames" in n for n in many["notes"])
    assert many["frames_sampled"] == 40  # 2000 frames of 20 ms, one a second


def test_the_trail_still_verifies(ingested: tuple[Path, dict[str, Any]]) -> None:
    case, _items = ingested
    result = run_cli("audit", "verify", case)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_animation_too_big_to_keep_is_read_again(tmp_path: Path) -> None:
    (tmp_path / "big.webp").write_bytes(animation("WEBP"))
    record = examine(ExamineTask(os.fsencode(tmp_path), b"big.webp", keep_limit=100))
    assert record.media_type == "image" and record.frames_sampled == 6
    assert len(record.video_frames) == 6
