"""The zlib chunk reader gives libewf's bytes exactly, and names the chunks it cannot trust."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from evidence.disk_images import Card, build_fat32_card, damage_e01, make_e01, require_tools
from triage_app.demo.synthetic import jpeg_bytes, scene
from triage_app.evidence.media import EWF, open_media


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Card:
    require_tools("sfdisk", "mkfs.vfat", "mcopy", "ewfacquire")
    rng = np.random.default_rng(3)
    files = {f"DCIM/P{i}.JPG": jpeg_bytes(scene(rng, (640, 480))) for i in range(3)}
    return build_fat32_card(tmp_path_factory.mktemp("card"), files)


def _pyewf_bytes(first: Path) -> bytes:
    import pyewf

    handle = pyewf.handle()
    handle.open(pyewf.glob(str(first)))
    try:
        return bytes(handle.read_buffer_at_offset(handle.get_media_size(), 0))
    finally:
        handle.close()


@pytest.mark.parametrize(("compression", "segment"), [("none", None), ("fast", None),
                                                      ("best", 8 << 20)])  # fmt: skip
def test_the_fast_reader_reads_what_libewf_reads(
    card: Card, tmp_path: Path, compression: str, segment: int | None
) -> None:
    e01 = make_e01(card.raw, tmp_path / "card", segment, compression=compression)
    media = open_media(bytes(e01), EWF)
    try:
        assert media._reader.fast is not None  # the set is laid out as the reader expects
        data = b"".join(media.read(o, 3 << 20) for o in range(0, media.size, 3 << 20))
    finally:
        media.close()
    assert data == _pyewf_bytes(e01) == card.raw.read_bytes()
    assert media.unreadable == []


def test_a_damaged_chunk_is_unreadable_and_only_it(card: Card, tmp_path: Path) -> None:
    e01 = make_e01(card.raw, tmp_path / "card")
    _part, victim = card.files[0]
    at = card.raw.read_bytes().find(victim.data[:4096]) + 1000
    bad = damage_e01(e01, tmp_path / "bad.E01", raw=card.raw, media_offset=at)
    media = open_media(bytes(bad), EWF)
    try:
        whole = media.read(0, media.size)
    finally:
        media.close()
    assert len(media.unreadable) == 1
    start, length = media.unreadable[0]
    assert start <= at < start + length and length == 32768
    raw = card.raw.read_bytes()
    assert whole[:start] == raw[:start] and whole[start + length :] == raw[start + length :]
    assert whole[start : start + length] == b"\x00" * length
