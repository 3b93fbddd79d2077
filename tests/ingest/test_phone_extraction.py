"""A phone extraction (tar.gz of the file system, HEIC photos) is decoded, hashed and matched.

The known list is made from the original pictures (as JPEGs ingested into a
reference case); the phone holds HEIC re-encodings of them, which must come
out as near suggestions, and an unrelated HEIC must not.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

import numpy as np
from conftest import run_cli
from media.heif_encode import heif_bytes

from triage_app.demo.synthetic import jpeg_bytes, scene

PHONE_DIR = "private/var/mobile/Media/DCIM/100APPLE"


def test_heic_photos_in_a_phone_tar_are_decoded_and_matched(tmp_path: Path) -> None:
    rng = np.random.default_rng(17)
    pictures = [scene(rng, (480, 360)) for _ in range(4)]
    stranger = scene(np.random.default_rng(99), (480, 360))
    known = tmp_path / "known"
    known.mkdir()
    for i, pic in enumerate(pictures):
        (known / f"orig{i}.jpg").write_bytes(jpeg_bytes(pic))
    ref = tmp_path / "ref"
    run_cli("case", "create", ref, "--ref", "REF", "--examiner", "E")
    run_cli("ingest", ref, known, "--exhibit", "K/1", "--no-match", "--no-progress")
    lines = ["phash,dhash,category,name"]
    for item in json.loads(run_cli("items", ref, "--json").stdout):
        lines.append(f"{item['phash']},{item['dhash']},A,{item['path']}")
    (tmp_path / "known.csv").write_text("\n".join(lines) + "\n")

    phone = tmp_path / "extraction" / "phone.tar.gz"
    phone.parent.mkdir()
    with tarfile.open(phone, "w:gz") as tar:
        photos = [*pictures, stranger]
        for i, pic in enumerate(photos):
            data = heif_bytes(pic, quality=80)
            info = tarfile.TarInfo(f"{PHONE_DIR}/IMG_{i:04d}.HEIC")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    before = phone.stat()

    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "PHONE", "--examiner", "E")
    out = run_cli("ingest", case, phone, "--exhibit", "PH/1", "--no-progress").stdout
    assert "found 5 = hashed 5 + skipped 0 + failed 0" in out
    run_cli("hashset", "import", tmp_path / "known.csv", "--name", "originals")
    run_cli("match", case)
    items = {i["path"]: i for i in json.loads(run_cli("items", case, "--json").stdout)}
    for i in range(len(pictures)):
        item = items[f"{PHONE_DIR}/IMG_{i:04d}.HEIC"]
        assert item["format"] == "HEIF" and item["decode_status"] == "decoded", item["reason"]
        assert item["container"] == "phone.tar.gz"
        assert item["match"] is not None and item["match"]["kind"] == "near", item["match"]
    assert items[f"{PHONE_DIR}/IMG_0004.HEIC"]["match"] is None  # the unrelated photo
    info = json.loads(run_cli("case", "info", case, "--json").stdout)
    source = info["exhibits"][0]["source"]
    assert source["kind"] == "tar" and source["verification"] == "not applicable"
    after = phone.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert os.listdir(phone.parent) == ["phone.tar.gz"]
