"""The disk-image builders build what they say: checked with The Sleuth Kit (``fls``,
``icat``, ``mmls`` and pytsk3), libewf (``ewfverify`` and pyewf).

Also pins how pyewf behaves on a damaged or truncated set, which the E01 evidence
source relies on: a chunk whose checksum fails reads back as zeros without any error,
and a read past the end of a truncated set raises ``OSError``.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.evidence import disk_images as di

pytsk3 = pytest.importorskip("pytsk3")
pyewf = pytest.importorskip("pyewf")
VIRTUAL = (pytsk3.TSK_FS_META_TYPE_VIRT, pytsk3.TSK_FS_META_TYPE_VIRT_DIR)

FILES = {
    "DCIM/100APPLE/IMG_0001.HEIC": b"\x00\x00\x00\x18ftypheic" + bytes(range(256)) * 300,
    "DCIM/100APPLE/IMG_0002.JPG": b"\xff\xd8\xff\xe0" + b"jpeg-ish " * 9000,
    "Notes/read me.txt": b"a long file name with a space\n",
    "empty.bin": b"",
}
DELETED = {"DCIM/deleted photo.jpg": b"\xff\xd8\xff\xdb" + b"gone but not forgotten " * 3000}
EXT4_FILES = {"media/0/DCIM/IMG_0100.JPG": b"\xff\xd8\xff" + b"second partition " * 2000}


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> di.Card:
    di.require_tools()
    folder = tmp_path_factory.mktemp("card")
    return di.build_fat32_card(folder, FILES, DELETED, partitions=2, ext4_files=EXT4_FILES)


@pytest.fixture(scope="module")
def e01(card: di.Card) -> Path:
    return di.make_e01(card.raw, card.raw.with_name("card"), segment_size=16 * di.MIB)


def _walk(fs: object, path: str = "/") -> Iterator[tuple[str, object]]:
    for entry in fs.open_dir(path=path):
        name = entry.info.name.name.decode("utf-8")
        meta = entry.info.meta
        if name in (".", "..") or meta is None or meta.type in VIRTUAL:
            continue  # "$MBR", "$FAT1", "$OrphanFiles"...: The Sleuth Kit's own
        if name.endswith("(Volume Label Entry)"):
            continue  # a FAT volume label, listed as a regular file of size 0
        full = f"{path.rstrip('/')}/{name}"
        if entry.info.meta.type == pytsk3.TSK_FS_META_TYPE_DIR:
            if name != "lost+found":
                yield from _walk(fs, full)
        else:
            yield full.lstrip("/"), entry


def _content(entry: object) -> bytes:
    size = entry.info.meta.size
    return entry.read_random(0, size) if size else b""


def _unallocated(entry: object) -> bool:
    return bool(entry.info.name.flags & pytsk3.TSK_FS_NAME_FLAG_UNALLOC)


class EwfImage(pytsk3.Img_Info):
    """pytsk3 reading through pyewf: how an E01 is handed to The Sleuth Kit."""

    def __init__(self, handle: object) -> None:
        self._handle = handle
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def read(self, offset: int, size: int) -> bytes:
        return self._handle.read_buffer_at_offset(size, offset)

    def get_size(self) -> int:
        return self._handle.get_media_size()


def _tree(img: object, card: di.Card) -> dict[tuple[int, str], tuple[str, bool]]:
    """Every file of every partition: (partition, path) -> (md5, deleted)."""
    found = {}
    for part in card.partitions:
        fs = pytsk3.FS_Info(img, offset=part.offset)
        for path, entry in _walk(fs):
            found[(part.index, path)] = (
                hashlib.md5(_content(entry)).hexdigest(),
                _unallocated(entry),
            )
    return found


def _expected(card: di.Card) -> dict[tuple[int, str], tuple[str, bool]]:
    live = {(p.index, e.path): (e.md5, False) for p, e in card.files}
    return live | {(p.index, e.path): (e.md5, True) for p, e in card.deleted}


def test_partition_table(card: di.Card) -> None:
    assert [(p.index, p.sector, p.fs_type) for p in card.partitions] == [
        (1, 2048, "FAT32"),
        (2, 2048 + di.FAT_SIZE // di.SECTOR, "ext4"),
    ]
    volume = pytsk3.Volume_Info(pytsk3.Img_Info(str(card.raw)))
    allocated = [
        (part.start, part.len, part.desc.decode())
        for part in volume
        if part.flags == pytsk3.TSK_VS_PART_FLAG_ALLOC
    ]
    assert allocated == [
        (2048, di.FAT_SIZE // di.SECTOR, "Win95 FAT32 (0x0c)"),
        (card.partitions[1].sector, di.EXT4_SIZE // di.SECTOR, "Linux (0x83)"),
    ]
    mmls = subprocess.run(["mmls", str(card.raw)], capture_output=True, text=True, check=True)
    assert "Win95 FAT32 (0x0c)" in mmls.stdout and "Linux (0x83)" in mmls.stdout


def test_every_file_and_the_deleted_one_are_found_with_their_md5(card: di.Card) -> None:
    img = pytsk3.Img_Info(str(card.raw))
    assert _tree(img, card) == _expected(card)
    fat = pytsk3.FS_Info(img, offset=card.partitions[0].offset)
    assert fat.info.ftype == pytsk3.TSK_FS_TYPE_FAT32
    ext = pytsk3.FS_Info(img, offset=card.partitions[1].offset)
    assert ext.info.ftype == pytsk3.TSK_FS_TYPE_EXT4


def test_fls_lists_the_deleted_file_and_icat_recovers_it(card: di.Card) -> None:
    part, entry = card.deleted[0]
    offset = str(part.sector)
    listing = subprocess.run(
        ["fls", "-r", "-d", "-p", "-o", offset, str(card.raw)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    line = next(row for row in listing.splitlines() if row.endswith(f"\t{entry.path}"))
    assert line.startswith("r/r * "), line  # "*": deleted
    inode = line.split()[2].rstrip(":")
    data = subprocess.run(
        ["icat", "-o", offset, str(card.raw), inode], capture_output=True, check=True
    ).stdout
    assert hashlib.md5(data).hexdigest() == entry.md5


def test_the_e01_is_verified_and_pyewf_reads_the_media(card: di.Card, e01: Path) -> None:
    assert [p.name for p in di.segments(e01)] == ["card.E01", "card.E02", "card.E03", "card.E04"]
    verify = subprocess.run(["ewfverify", "-q", str(e01)], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "ewfverify: SUCCESS" in verify.stdout
    handle = pyewf.handle()
    names = pyewf.glob(str(e01))
    assert [Path(n).name for n in names] == [p.name for p in di.segments(e01)]
    handle.open(names)
    try:
        assert handle.get_media_size() == card.size
        assert handle.get_hash_value("MD5") == card.md5
        assert handle.get_hash_value("SHA1") == card.sha1
        assert handle.get_header_value("case_number") == "CASE-1"
        assert handle.get_chunk_size() == di.EWF_CHUNK
        digest = hashlib.md5()
        offset = 0
        while offset < card.size:
            block = handle.read_buffer_at_offset(min(di.MIB, card.size - offset), offset)
            digest.update(block)
            offset += len(block)
        assert digest.hexdigest() == card.md5
        # The Sleuth Kit reads the same tree through it.
        assert _tree(EwfImage(handle), card) == _expected(card)
    finally:
        handle.close()


def test_a_damaged_chunk_fails_ewfverify_and_reads_as_zeros(card: di.Card, e01: Path) -> None:
    part, entry = next((p, e) for p, e in card.files if e.name == "IMG_0001.HEIC")
    with card.raw.open("rb") as handle:
        media = handle.read()
    where = media.find(entry.data[:4096])
    assert where > part.offset
    bad = di.damage_e01(e01, e01.with_name("bad.E01"), raw=card.raw, media_offset=where + 100)
    verify = subprocess.run(["ewfverify", "-q", str(bad)], capture_output=True, text=True)
    assert verify.returncode != 0
    assert "ewfverify: FAILURE" in verify.stdout and "validation errors" in verify.stdout
    handle = pyewf.handle()
    handle.open(pyewf.glob(str(bad)))
    try:
        assert handle.get_hash_value("MD5") == card.md5  # the stored hash is untouched
        chunk = (where + 100) // di.EWF_CHUNK * di.EWF_CHUNK
        # No error: the chunk whose checksum fails comes back as zeros.
        assert handle.read_buffer_at_offset(di.EWF_CHUNK, chunk) == bytes(di.EWF_CHUNK)
        assert media[chunk : chunk + di.EWF_CHUNK] != bytes(di.EWF_CHUNK)
        nxt = chunk + di.EWF_CHUNK
        assert handle.read_buffer_at_offset(4096, nxt) == media[nxt : nxt + 4096]
        digest = hashlib.md5(handle.read_buffer_at_offset(card.size, 0)).hexdigest()
        assert digest != card.md5
    finally:
        handle.close()


def test_the_default_damage_also_fails_verification(e01: Path) -> None:
    bad = di.damage_e01(e01, e01.with_name("middle.E01"))
    verify = subprocess.run(["ewfverify", "-q", str(bad)], capture_output=True, text=True)
    assert verify.returncode != 0


def test_a_truncated_set_opens_then_fails_reading_past_the_cut(card: di.Card, e01: Path) -> None:
    cut = di.truncate_segment(e01, e01.with_name("cut.E01"))
    verify = subprocess.run(["ewfverify", "-q", str(cut)], capture_output=True, text=True)
    assert verify.returncode != 0
    handle = pyewf.handle()
    handle.open(pyewf.glob(str(cut)))
    try:
        assert handle.get_media_size() == card.size  # from the first segment's volume section
        assert handle.get_hash_value("MD5") is None  # the hash section was in the lost tail
        assert handle.read_buffer_at_offset(4096, 0) == card.raw.read_bytes()[:4096]
        with pytest.raises(OSError, match="missing segment file for offset"):
            handle.read_buffer_at_offset(4096, card.size - 4096)
    finally:
        handle.close()


def test_split_raw_parts_concatenate_to_the_image(card: di.Card) -> None:
    parts = di.split_raw(card.raw, 20 * di.MIB)
    assert [p.name for p in parts] == ["card.001", "card.002", "card.003"]
    assert [p.stat().st_size for p in parts[:-1]] == [20 * di.MIB] * 2
    assert b"".join(p.read_bytes() for p in parts) == card.raw.read_bytes()


def test_a_single_partition_card(tmp_path: Path) -> None:
    di.require_tools()
    one = di.build_fat32_card(tmp_path, {"a.jpg": b"\xff\xd8\xff one"})
    assert [p.fs_type for p in one.partitions] == ["FAT32"]
    assert _tree(pytsk3.Img_Info(str(one.raw)), one) == _expected(one)
    first = di.make_e01(one.raw, tmp_path / "one")
    assert [p.name for p in di.segments(first)] == ["one.E01"]
