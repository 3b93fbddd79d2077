"""A list carrying only one picture's PDQ finds that picture's copies in a case, nothing else."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli
from PIL import Image, ImageEnhance

from triage_app.demo import synthetic
from triage_app.media import pdq

T = Image.Transpose
TURNS = {
    "rot90": T.ROTATE_90, "rot180": T.ROTATE_180, "rot270": T.ROTATE_270,
    "flip_lr": T.FLIP_LEFT_RIGHT, "flip_tb": T.FLIP_TOP_BOTTOM, "transpose": T.TRANSPOSE,
    "transverse": T.TRANSVERSE,
}  # fmt: skip


def _encoded(img: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def _copies(orig: Image.Image) -> dict[str, bytes]:
    grey16 = Image.fromarray(np.asarray(orig.convert("L"), dtype=np.uint16) * 257)
    copies = {
        "recompressed.jpg": _encoded(orig, "JPEG", quality=15),
        "half.jpg": _encoded(orig.resize((320, 240)), "JPEG", quality=80),
        "one_bit.png": _encoded(orig.convert("1"), "PNG"),
        "palette.gif": _encoded(orig.convert("P", palette=Image.Palette.ADAPTIVE), "GIF"),
        "cmyk.jpg": _encoded(orig.convert("CMYK"), "JPEG", quality=85),
        "lab.tif": _encoded(orig.convert("LAB"), "TIFF"),
        "sixteen_bit.png": _encoded(grey16, "PNG"),
        "brighter.jpg": _encoded(ImageEnhance.Brightness(orig).enhance(1.25), "JPEG"),
        "caption.jpg": _encoded(synthetic.caption(orig), "JPEG", quality=80),
    }
    for name, turn in TURNS.items():
        copies[f"{name}.jpg"] = _encoded(orig.transpose(turn), "JPEG", quality=80)
    return copies


@pytest.fixture(scope="module")
def pdq_case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("pdq")
    env = {**os.environ, "TRIAGE_HOME": str(root / "home"), "TRIAGE_USER": "E",
           "TRIAGE_PASSWORD": "test-password"}  # fmt: skip
    rng = np.random.default_rng(2026)
    orig = synthetic.scene(rng, (640, 480))
    evidence = root / "evidence"
    evidence.mkdir()
    copies = _copies(orig)
    for name, data in copies.items():
        (evidence / name).write_bytes(data)
    for i in range(12):
        (evidence / f"other{i}.jpg").write_bytes(synthetic.jpeg_bytes(synthetic.scene(rng)))
    (evidence / "flat.png").write_bytes(synthetic.png_bytes(Image.new("RGB", (300, 200), "grey")))
    # The list: one line, only the original's PDQ (as a programme would send it).
    listed = pdq.pdq_hash(orig)
    Path(root / "pdq.csv").write_text(
        f"pdq,pdq_quality,category\n{listed.hex},{listed.quality},A\n"
    )
    run_cli("hashset", "import", root / "pdq.csv", "--name", "programme", env=env)
    case = root / "case"
    run_cli("case", "create", case, "--ref", "OP-PDQ", "--examiner", "E", env=env)
    run_cli("ingest", case, evidence, "--exhibit", "EV/1", env=env)
    items = {i["path"]: i for i in json.loads(run_cli("items", case, "--json", env=env).stdout)}
    return {"items": items, "copies": sorted(copies), "listed": listed}


def test_items_carry_pdq_and_quality(pdq_case: dict) -> None:  # type: ignore[type-arg]
    item = pdq_case["items"]["recompressed.jpg"]
    assert len(item["pdq"]) == 64 and int(item["pdq"], 16) >= 0
    assert 50 <= item["pdq_quality"] <= 100
    assert pdq_case["items"]["flat.png"]["pdq_quality"] < 50


@pytest.mark.parametrize(
    "name", sorted(_copies(synthetic.scene(np.random.default_rng(0), (64, 48))))
)
def test_every_copy_is_a_pdq_near_suggestion(pdq_case: dict, name: str) -> None:  # type: ignore[type-arg]
    match = pdq_case["items"][name]["match"]
    assert match is not None, name
    assert match["kind"] == "near" and match["hash_set"] == "programme"
    assert match["matched_on"] == "pdq" and match["distance"] <= 31
    hit = match["details"]["hits"][0]
    assert hit["agreed"]["pdq"] == match["distance"]
    if name.split(".")[0] in TURNS:
        assert match["details"]["variant"] != "whole"


def test_nothing_else_matches(pdq_case: dict) -> None:  # type: ignore[type-arg]
    others = [i for path, i in pdq_case["items"].items() if path not in pdq_case["copies"]]
    assert len(others) == 13
    assert all(i["match"] is None for i in others)
