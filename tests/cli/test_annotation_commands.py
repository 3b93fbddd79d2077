"""``triage note``, ``tag``, ``mark-frame``, ``notes``, ``remove-note`` on a real case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import run_cli

from triage_app.demo.synthetic import png_bytes, scene
from triage_app.demo.synthetic_video import Scene, write_video


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A case holding one picture and one 2-second film; ``name -> item id``."""
    evidence = tmp_path_factory.mktemp("evidence")
    (evidence / "pic.png").write_bytes(png_bytes(scene(np.random.default_rng(5), (96, 72))))
    write_video(evidence / "film.mp4", Scene(seed=3, width=160, height=120), seconds=2.0)
    case = tmp_path_factory.mktemp("case") / "c"
    run_cli("case", "create", case, "--ref", "NOTES/1", "--examiner", "E")
    run_cli("ingest", case, evidence, "--exhibit", "EX/1", "--no-progress")
    return case, {i["path"]: i["id"] for i in _items(case)}


def _items(case: Path) -> list[dict[str, Any]]:
    return list(json.loads(run_cli("items", case, "--json").stdout))


def test_notes_tags_and_frames_round_trip_through_the_cli(
    case: tuple[Path, dict[str, int]],
) -> None:
    folder, ids = case
    pic, film = str(ids["pic.png"]), str(ids["film.mp4"])
    added = run_cli("note", folder, pic, "found in the cache folder")
    assert "note by E at" in added.stdout and "found in the cache folder" in added.stdout
    tagged = run_cli("tag", folder, pic, "Cache", "cache", "thumbs")
    assert "tagged: Cache, thumbs" in tagged.stdout
    again = run_cli("tag", folder, pic, "THUMBS", "--remove")
    assert "untagged: thumbs" in again.stdout and "item " + pic + " tags: Cache" in again.stdout
    marked = run_cli("mark-frame", folder, film, "1.5", "--note", "worst frame")
    assert "frame at 1.5 s" in marked.stdout
    shown = json.loads(run_cli("notes", folder, pic, "--json", "--removed").stdout)
    assert [n["text"] for n in shown["examiner_notes"]] == ["found in the cache folder"]
    assert shown["tags"] == ["Cache"] and shown["marked_frames"] == []
    assert [r["text"] for r in shown["removed"]] == ["thumbs"]
    listed = {i["id"]: i for i in _items(folder)}
    assert listed[int(pic)]["tags"] == ["Cache"]
    assert listed[int(pic)]["examiner_notes"][0]["examiner"] == "E"
    (frame,) = listed[int(film)]["marked_frames"]
    assert (frame["seconds"], frame["note"]) == (1.5, "worst frame")
    note_id = str(shown["examiner_notes"][0]["id"])
    gone = run_cli("remove-note", folder, note_id, "--reason", "wrong item")
    assert "removed" in gone.stdout and "wrong item" in gone.stdout
    plain = run_cli("notes", folder, pic).stdout
    assert "tags: Cache" in plain and "found in the cache folder" not in plain
    assert run_cli("audit", "verify", folder).returncode == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("note", "{pic}", ""), "a note needs some text"),
        (("tag", "{pic}", "x" * 41), "a tag is 1 to 40 printable characters"),
        (("mark-frame", "{pic}", "1"), "is not a video"),
        (("mark-frame", "{film}", "60"), "there is no frame at 60 s"),
        (("mark-frame", "{film}", "-1"), "out of range"),
        (("note", "999", "x"), "no such item: 999"),
        (("remove-note", "999", "--reason", "x"), "no note, tag or frame mark 999"),
        (("remove-note", "1"), "--reason"),
    ],
)
def test_refusals_take_one_line(
    case: tuple[Path, dict[str, int]], args: tuple[str, ...], said: str
) -> None:
    folder, ids = case
    given = [a.format(pic=ids["pic.png"], film=ids["film.mp4"]) for a in args]
    result = run_cli(given[0], folder, *given[1:], check=False)
    assert result.returncode == 2, result.stderr
    assert said in result.stderr and result.stderr.count("\n") == 1, result.stderr
