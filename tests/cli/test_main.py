"""The ``triage`` command line, run as a user would run it (real subprocesses)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from conftest import run_cli

from triage_app.demo import synthetic
from triage_app.demo.build import DEMO_EXAMINER, DEMO_PASSWORD, write_demo_source

ITEM_FIELDS = {
    "id", "exhibit", "path", "size", "md5", "sha1", "sha256", "media_type", "format", "width",
    "height", "phash", "dhash", "low_information", "status", "reason",
}  # fmt: skip


def _small_tree(folder: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(7)
    (folder / "a").mkdir()
    for i in range(6):
        (folder / "a" / f"img{i}.jpg").write_bytes(
            synthetic.jpeg_bytes(synthetic.scene(rng, (320, 240)))
        )
    (folder / "a" / "text.txt").write_text("hello\n")
    (folder / "link.jpg").symlink_to("a/img0.jpg")


def test_case_create_and_info(tmp_path: Path) -> None:
    case = tmp_path / "case"
    out = run_cli(
        "case", "create", case, "--ref", "OP-7", "--examiner", "Jo Smith", "--examiner-id", "PC1234"
    ).stdout
    assert "OP-7" in out
    info = json.loads(run_cli("case", "info", case, "--json", "--user", "PC1234").stdout)
    assert info["reference"] == "OP-7"
    assert info["scheme"] == "uk"
    assert info["totals"] == {"found": 0, "hashed": 0, "skipped": 0, "failed": 0}


def test_ingest_prints_balanced_totals_and_items_json(tmp_path: Path, source: Path) -> None:
    _small_tree(source)
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "OP-8", "--examiner", "E", "--scheme", "projectvic")
    out = run_cli("ingest", case, source, "--exhibit", "ABC/1", "--workers", "2").stdout
    assert "found 8 = hashed 7 + skipped 1 + failed 0" in out
    items = json.loads(run_cli("items", case, "--json").stdout)
    assert len(items) == 8
    for item in items:
        assert item.keys() >= ITEM_FIELDS
        assert item["exhibit"] == "ABC/1"
    by_path = {item["path"]: item for item in items}
    img = by_path["a/img0.jpg"]
    data = (source / "a" / "img0.jpg").read_bytes()
    assert img["sha256"] == hashlib.sha256(data).hexdigest()
    assert img["md5"] == hashlib.md5(data).hexdigest()
    assert img["media_type"] == "image" and img["format"] == "JPEG"
    assert (img["width"], img["height"]) == (320, 240)
    assert len(img["phash"]) == 16 and len(img["dhash"]) == 16
    assert by_path["a/text.txt"]["media_type"] == "other"
    assert by_path["link.jpg"]["status"] == "skipped"
    assert "link" in by_path["link.jpg"]["reason"]


def test_reingest_of_unchanged_exhibit_adds_nothing(tmp_path: Path, source: Path) -> None:
    _small_tree(source)
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "OP-9", "--examiner", "E")
    run_cli("ingest", case, source, "--exhibit", "ABC/1")
    first = json.loads(run_cli("items", case, "--json").stdout)
    out = run_cli("ingest", case, source, "--exhibit", "ABC/1").stdout
    assert "0 entries recorded this run" in out
    assert json.loads(run_cli("items", case, "--json").stdout) == first


def test_exhibit_is_bound_to_its_source(tmp_path: Path, source: Path) -> None:
    _small_tree(source)
    other = tmp_path / "other"
    other.mkdir()
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "OP-10", "--examiner", "E")
    run_cli("ingest", case, source, "--exhibit", "ABC/1")
    result = run_cli("ingest", case, other, "--exhibit", "ABC/1", check=False)
    assert result.returncode != 0
    assert "was ingested from" in result.stderr
    assert "Traceback" not in result.stderr


def test_case_inside_source_is_refused(source: Path) -> None:
    _small_tree(source)
    case = source / "case"
    run_cli("case", "create", case, "--ref", "OP-11", "--examiner", "E")
    result = run_cli("ingest", case, source, "--exhibit", "X/1", check=False)
    assert result.returncode != 0
    assert "inside the source" in result.stderr


def test_clear_errors_without_tracebacks(tmp_path: Path) -> None:
    for args in (
        ("case", "info", tmp_path / "nope"),
        ("ingest", tmp_path / "nope", tmp_path, "--exhibit", "X"),
        ("items", tmp_path, "--json"),
    ):
        result = run_cli(*args, check=False)
        assert result.returncode == 2, result
        assert result.stderr.startswith("triage: error:")
        assert "Traceback" not in result.stderr


def test_demo_builds_a_case(tmp_path: Path) -> None:
    case = tmp_path / "demo"
    out = run_cli("demo", case, "--images", "24").stdout
    assert "demo case ready" in out
    demo_user = {**os.environ, "TRIAGE_USER": DEMO_EXAMINER, "TRIAGE_PASSWORD": DEMO_PASSWORD}
    items = json.loads(run_cli("items", case, "--json", env=demo_user).stdout)
    statuses = {i["status"] for i in items}
    assert statuses == {"hashed", "skipped"}
    images = [i for i in items if i["media_type"] == "image" and i["phash"]]
    assert len(images) >= 24
    assert any(i["low_information"] for i in items)
    assert any(i["decode_status"] == "partial" for i in items)


def test_demo_source_has_near_duplicates(tmp_path: Path) -> None:
    count = write_demo_source(tmp_path / "src", images=40)
    files = [p for p in (tmp_path / "src").rglob("*") if p.is_file() or p.is_symlink()]
    assert len(files) == count
    assert list((tmp_path / "src").rglob("shared_*_resized.jpg"))
