"""Reading an item's original back from its exhibit: folders, disk images, archives, nesting."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.evidence import disk_images as di
from triage_app.evidence.folder import FILE
from triage_app.evidence.originals import Location, OriginalUnavailableError, read_original
from triage_app.evidence.sources import open_source

FILES = {
    "DCIM/100APPLE/IMG_0001.JPG": b"\xff\xd8\xff\xe0" + b"first " * 5000,
    "Notes/read me.txt": b"a long file name with a space\n",
}
EXT4_FILES = {"media/0/DCIM/IMG_0100.JPG": b"\xff\xd8\xff" + b"second partition " * 2000}


def _every_file_reads_back(root: Path, expected: dict[bytes, bytes]) -> None:
    """Each file entry the source lists reads back through its location as ``expected``."""
    source = open_source(os.fsencode(root))
    try:
        entries = [e for e in source.entries() if e.kind == FILE and e.error is None]
        kind = source.kind
    finally:
        source.close()
    found = {}
    for entry in entries:
        where = Location(os.fsencode(root), kind, entry.rel, entry.address, entry.container)
        found[entry.rel] = read_original(where).data
    assert found == expected


def test_a_folder_file_is_read_by_its_path_keeping_the_access_time(tmp_path: Path) -> None:
    (tmp_path / "DCIM").mkdir()
    photo = tmp_path / "DCIM" / "a.jpg"
    data = b"\xff\xd8\xff" + b"x" * 1000
    photo.write_bytes(data)
    os.utime(photo, (1_000_000_000, 1_000_000_000))
    original = read_original(Location(os.fsencode(tmp_path), "folder", b"DCIM/a.jpg"))
    assert original.data == data
    if original.atime_preserved:  # O_NOATIME was allowed (the file is ours)
        assert photo.stat().st_atime == 1_000_000_000


def test_a_missing_or_oversized_original_says_why(tmp_path: Path) -> None:
    root = os.fsencode(tmp_path)
    with pytest.raises(OriginalUnavailableError, match="no longer at"):
        read_original(Location(root, None, b"gone.jpg"))
    (tmp_path / "big.bin").write_bytes(b"0" * 2000)
    with pytest.raises(OriginalUnavailableError, match="over the 1,000 viewed"):
        read_original(Location(root, "folder", b"big.bin"), limit=1000)


def test_zip_and_tar_members_and_nested_ones_read_back(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("DCIM/inner.jpg", b"\xff\xd8\xff inner")
    with tarfile.open(tmp_path / "phone.tar", "w") as tar:
        for name, data in {"DCIM/a.jpg": b"\xff\xd8 a", "inner.zip": inner.getvalue()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    _every_file_reads_back(tmp_path / "phone.tar", {
        b"DCIM/a.jpg": b"\xff\xd8 a",
        b"inner.zip": inner.getvalue(),
        b"inner.zip!/DCIM/inner.jpg": b"\xff\xd8\xff inner",
    })  # fmt: skip
    with zipfile.ZipFile(tmp_path / "phone.zip", "w") as z:
        z.writestr("DCIM/b.jpg", b"\xff\xd8 b")
    _every_file_reads_back(tmp_path / "phone.zip", {b"DCIM/b.jpg": b"\xff\xd8 b"})
    with pytest.raises(OriginalUnavailableError, match="no member"):
        read_original(Location(os.fsencode(tmp_path / "phone.zip"), "zip", b"DCIM/c.jpg"))


def test_files_in_both_partitions_of_a_disk_image_read_back(tmp_path: Path) -> None:
    di.require_tools()
    card = di.build_fat32_card(tmp_path, FILES, partitions=2, ext4_files=EXT4_FILES)
    expected = {f"p1/{k}".encode(): v for k, v in FILES.items()}
    expected |= {f"p2/{k}".encode(): v for k, v in EXT4_FILES.items()}
    _every_file_reads_back(card.raw, expected)
