"""Saving and loading a HammingIndex: round trips, clobbering, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matching.helpers import assert_same, planted_case
from triage_app.matching import FORMAT_VERSION, HammingIndex, IndexFormatError


def test_save_load_round_trip(tmp_path: Path) -> None:
    hashes, ids, queries = planted_case(8, seed=21, n_random=30_000)
    index = HammingIndex.build(hashes, ids)
    folder = tmp_path / "known.hidx"
    index.save(folder)
    loaded = HammingIndex.load(folder)
    assert isinstance(loaded.values, np.memmap)
    assert len(loaded) == len(index)
    assert loaded.widths == index.widths
    assert loaded.max_distance == index.max_distance
    assert loaded.nbytes == index.nbytes
    for t in (0, 4, 8, 12):
        assert_same(loaded.search_many(queries, t), index.search_many(queries, t))
    verified = HammingIndex.load(folder, verify=True)
    assert_same(verified.search_many(queries, 8), index.search_many(queries, 8))
    in_memory = HammingIndex.load(folder, mmap=False)
    assert not isinstance(in_memory.values, np.memmap)
    assert_same(in_memory.search_many(queries, 12), index.search_many(queries, 12))


def test_save_load_empty(tmp_path: Path) -> None:
    HammingIndex.build(np.zeros(0, dtype=np.uint64)).save(tmp_path / "empty")
    loaded = HammingIndex.load(tmp_path / "empty")
    assert len(loaded) == 0
    assert loaded.search(0, 64)[0].size == 0


def test_save_refuses_to_clobber_unless_asked(tmp_path: Path) -> None:
    folder = tmp_path / "idx"
    HammingIndex.build(np.arange(10, dtype=np.uint64)).save(folder)
    with pytest.raises(FileExistsError):
        HammingIndex.build(np.arange(5, dtype=np.uint64)).save(folder)
    HammingIndex.build(np.arange(5, dtype=np.uint64)).save(folder, overwrite=True)
    assert len(HammingIndex.load(folder)) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]
    # ``overwrite`` never deletes a folder that is not an index.
    precious = tmp_path / "evidence"
    precious.mkdir()
    (precious / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(FileExistsError, match="not a hash index"):
        HammingIndex.build(np.arange(5, dtype=np.uint64)).save(precious, overwrite=True)
    assert (precious / "photo.jpg").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence", "idx"]


def _rewrite_manifest(folder: Path, **changes: object) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(changes)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": FORMAT_VERSION + 1}, "version"),
        ({"version": "1"}, "version"),
        ({"format": "something-else"}, "not a"),
        ({"size": 11}, "size"),
        ({"tables": [{"shift": 0, "width": 5}]}, "table 0"),
    ],
)
def test_load_refuses_unknown_or_inconsistent(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    folder = tmp_path / "idx"
    HammingIndex.build(np.arange(10, dtype=np.uint64), widths=(4, 4)).save(folder)
    _rewrite_manifest(folder, **changes)
    with pytest.raises(IndexFormatError, match=message):
        HammingIndex.load(folder)


def test_load_refuses_missing_or_tampered(tmp_path: Path) -> None:
    with pytest.raises(IndexFormatError, match="no manifest"):
        HammingIndex.load(tmp_path)
    folder = tmp_path / "idx"
    HammingIndex.build(np.arange(1000, dtype=np.uint64)).save(folder)
    values = folder / "values.npy"
    raw = bytearray(values.read_bytes())
    raw[-1] ^= 0xFF
    values.write_bytes(bytes(raw))
    HammingIndex.load(folder)  # structure still fine: only ``verify`` notices
    with pytest.raises(IndexFormatError, match="SHA-256"):
        HammingIndex.load(folder, verify=True)
    (folder / "ids.npy").unlink()
    with pytest.raises((IndexFormatError, FileNotFoundError)):
        HammingIndex.load(folder)
