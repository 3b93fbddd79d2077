"""``examine()`` on real files: byte hashes, content typing, safe decoding, files that change.

Every input is generated here (Pillow, numpy, raw bytes) and written to a real
file; nothing is mocked. Rows of the "Bad inputs and faults" table in
docs/reliability.md are named in the test docstrings.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ingest.helpers import (
    EPS,
    MIB,
    PDF,
    PSD,
    assert_hashes_of,
    examine_in_child,
    png_chunk_offsets,
    put,
    run,
    scene,
    zip_bytes,
)
from triage_app.demo import synthetic
from triage_app.domain.records import STATUS_FAILED, STATUS_HASHED, FileRecord
from triage_app.evidence.folder import FILE, Walker
from triage_app.ingest.examine import examine
from triage_app.ingest.examine_task import KEEP_LIMIT, ExamineTask
from triage_app.media import image_decode


def test_zero_byte_file(tmp_path: Path) -> None:
    """zero-byte file: hashed (d41d8.../e3b0...), "not an image", listed."""
    record = run(tmp_path, "empty.jpg", b"")
    assert record.status == STATUS_HASHED
    assert record.size == 0
    assert record.md5 == "d41d8cd98f00b204e9800998ecf8427e"
    assert record.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert record.reason is not None and "not an image" in record.reason
    assert record.phash is None and record.width is None
    assert record.path == b"empty.jpg"


# ---------------------------------------------------------------------------- content typing


def test_png_named_jpg_is_typed_by_content(tmp_path: Path) -> None:
    """PNG named .jpg: type decided by content; mismatch noted; still hashed."""
    data = synthetic.png_bytes(scene(2))
    record = run(tmp_path, "holiday.jpg", data)
    assert_hashes_of(record, data)
    assert (record.media_type, record.format) == ("image", "PNG")
    assert "extension .jpg does not match content (PNG)" in record.notes
    assert record.decode_status == image_decode.DECODED
    assert record.phash is not None


def test_random_bytes_named_jpg(tmp_path: Path) -> None:
    """random bytes named .jpg: type decided by content; mismatch noted; still hashed."""
    data = b"\x01" + np.random.default_rng(3).bytes(50_000)
    record = run(tmp_path, "noise.jpg", data)
    assert_hashes_of(record, data)
    assert (record.media_type, record.format) == ("other", None)
    assert "extension .jpg does not match content (unrecognised content)" in record.notes
    assert record.phash is None and record.decode_status is None


@pytest.mark.parametrize("keep_limit", [KEEP_LIMIT, 4096], ids=["in-memory", "streamed"])
def test_jpeg_with_zip_appended(tmp_path: Path, keep_limit: int) -> None:
    """JPEG with a ZIP appended: whole file hashed; trailing data noted (also when the
    file is too big to keep in memory and is streamed)."""
    jpeg = synthetic.jpeg_bytes(scene(4))
    archive = zip_bytes(np.random.default_rng(4).bytes(20_000))
    data = jpeg + archive
    record = run(tmp_path, "cover.jpg", data, keep_limit=keep_limit)
    assert_hashes_of(record, data)
    assert f"trailing data after end of image: {len(archive)} bytes (ZIP archive)" in record.notes
    plain = run(tmp_path, "plain.jpg", jpeg)
    assert record.decode_status == plain.decode_status == image_decode.DECODED
    assert record.phash == plain.phash
    assert not [n for n in plain.notes if "trailing" in n]


# ---------------------------------------------------------------------------- damaged files


def test_truncated_jpeg(tmp_path: Path) -> None:
    """truncated JPEG: byte hashes present; decode failure recorded; hash marked partial."""
    jpeg = synthetic.jpeg_bytes(scene(5))
    cut = jpeg[: len(jpeg) // 2]
    record = run(tmp_path, "cut.jpg", cut)
    assert_hashes_of(record, cut)
    assert record.decode_status == image_decode.PARTIAL
    assert record.reason is not None and "truncated" in record.reason

    header_only = jpeg[:300]
    record = run(tmp_path, "header.jpg", header_only)
    assert_hashes_of(record, header_only)
    assert record.decode_status == image_decode.FAILED
    assert record.reason and record.phash is None


def test_truncated_png(tmp_path: Path) -> None:
    """truncated PNG: hashes present; the decode is marked partial, never plain 'decoded'."""
    png = synthetic.png_bytes(scene(6))
    cut = png[: len(png) // 2]
    record = run(tmp_path, "cut.png", cut)
    assert_hashes_of(record, cut)
    assert record.decode_status == image_decode.PARTIAL
    assert record.reason is not None


@pytest.mark.parametrize("chunk", [b"IHDR", b"IDAT", b"IEND"])
def test_png_with_bad_crc(tmp_path: Path, chunk: bytes) -> None:
    """PNG with a bad CRC: byte hashes present; decode failure recorded; no perceptual
    hash, or one marked partial."""
    png = bytearray(synthetic.png_bytes(scene(7)))
    offset, length = png_chunk_offsets(bytes(png))[chunk]
    png[offset + 8 + length] ^= 0xFF  # first byte of the chunk's CRC
    data = bytes(png)
    record = run(tmp_path, f"bad-{chunk.decode()}.png", data)
    assert_hashes_of(record, data)
    assert record.decode_status in (image_decode.FAILED, image_decode.PARTIAL)
    assert record.reason is not None and "CRC" in record.reason
    if record.decode_status == image_decode.FAILED:
        assert record.phash is None


# ---------------------------------------------------------------------------- never decoded


def test_psd_is_a_real_psd_that_pillow_could_decode() -> None:
    """Control for the next test: Pillow would decode this PSD if it were asked to."""
    with Image.open(io.BytesIO(PSD)) as img:
        img.load()
        assert (img.format, img.size, img.getpixel((0, 0))) == ("PSD", (4, 4), (200, 50, 10))


@pytest.mark.parametrize(("data", "fmt"), [(EPS, "POSTSCRIPT"), (PDF, "PDF"), (PSD, "PSD")])
def test_eps_pdf_psd_named_jpg_are_never_decoded(tmp_path: Path, data: bytes, fmt: str) -> None:
    """EPS/PDF/PSD named .jpg: never decoded (the no-child-process half is proved with a
    fake Ghostscript in ingest/test_pipeline.py)."""
    record = run(tmp_path, "picture.jpg", data)
    assert_hashes_of(record, data)
    assert record.format == fmt
    assert record.decode_status == image_decode.NOT_DECODED
    assert record.reason is not None and "format not decoded" in record.reason
    assert f"extension .jpg does not match content ({fmt})" in record.notes
    assert record.phash is None and record.width is None and record.thumbnail is None


# ---------------------------------------------------------------------------- duplicates


def test_duplicates_and_hard_links(tmp_path: Path) -> None:
    """duplicates and hard links: same sha256; hard links noted on every name."""
    data = synthetic.jpeg_bytes(scene(60))
    first = put(tmp_path, "a.jpg", data)
    put(tmp_path, "copy.jpg", data)
    os.link(tmp_path / "a.jpg", tmp_path / "link.jpg")
    records = {
        rel: examine(ExamineTask(first.root, rel)) for rel in (b"a.jpg", b"copy.jpg", b"link.jpg")
    }
    assert len({r.sha256 for r in records.values()}) == 1
    for rel in (b"a.jpg", b"link.jpg"):
        assert records[rel].nlink == 2
        assert "hard link: 2 names share this file's content" in records[rel].notes
    assert records[b"copy.jpg"].nlink == 1
    assert not [n for n in records[b"copy.jpg"].notes if "hard link" in n]


# ---------------------------------------------------------------------------- changing files


def _changing(tmp_path: Path, change: str) -> FileRecord:
    """Examine a 4 MiB file and apply ``change`` from another thread once the first
    1 MiB chunk has been hashed (the ``on_chunk`` hook makes the timing deterministic)."""
    data = np.random.default_rng(70).bytes(4 * MIB)
    task = put(tmp_path, "moving.bin", data)
    path = tmp_path / "moving.bin"
    old = 1_000_000_000 * 10**9  # an old mtime: any write gives a different one
    os.utime(path, ns=(old, old))

    def act() -> None:
        if change == "truncated":
            os.truncate(path, MIB + 10)
        elif change == "appended":
            with open(path, "ab") as handle:
                handle.write(b"more")
        elif change == "rewritten":
            with open(path, "r+b") as handle:
                handle.seek(2 * MIB)
                handle.write(bytes(16))
        elif change == "deleted":
            path.unlink()
        elif change == "replaced":
            (tmp_path / "other.bin").write_bytes(data)
            (tmp_path / "other.bin").replace(path)

    go, done = threading.Event(), threading.Event()

    def worker() -> None:
        assert go.wait(30)
        act()
        done.set()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    seen: list[int] = []

    def on_chunk(read_so_far: int) -> None:
        seen.append(read_so_far)
        if len(seen) == 1:
            go.set()
            assert done.wait(30)

    record = examine(task, on_chunk=on_chunk)
    thread.join(30)
    assert seen[0] == MIB  # the change happened mid-read, after the first chunk
    return record


@pytest.mark.parametrize("change", ["truncated", "appended", "rewritten", "replaced"])
def test_file_changed_while_being_hashed_is_unstable(tmp_path: Path, change: str) -> None:
    """file changed during hashing: marked unstable, with no hashes recorded."""
    record = _changing(tmp_path, change)
    assert record.status == STATUS_FAILED
    assert record.reason is not None and record.reason.startswith("unstable"), record.reason
    assert record.sha256 is None


def test_file_deleted_while_being_hashed_is_vanished(tmp_path: Path) -> None:
    """file deleted during hashing: marked vanished."""
    record = _changing(tmp_path, "deleted")
    assert record.status == STATUS_FAILED
    assert record.reason is not None and record.reason.startswith("vanished"), record.reason


@pytest.mark.parametrize("change", ["rewritten", "replaced"])
def test_big_file_changed_between_hashing_and_decoding(tmp_path: Path, change: str) -> None:
    """A file too big to keep in memory is reopened to be decoded: if it changed after it
    was hashed, no perceptual hash of other bytes is recorded next to the byte hashes."""
    data = synthetic.png_bytes(scene(73))
    task = put(tmp_path, "big.png", data, keep_limit=4096)
    path = tmp_path / "big.png"
    old = 1_000_000_000 * 10**9
    os.utime(path, ns=(old, old))
    control = examine(task)  # unchanged: decoded from the reopened file
    assert control.decode_status == image_decode.DECODED and control.phash is not None

    def change_it(_: FileRecord) -> None:  # called after hashing, before decoding
        other = synthetic.png_bytes(scene(74))
        if change == "rewritten":
            path.write_bytes(other)
        else:
            (tmp_path / "other.png").write_bytes(other)
            (tmp_path / "other.png").replace(path)

    record = examine(task, change_it)
    assert_hashes_of(record, data)
    assert record.decode_status == image_decode.FAILED
    assert record.reason is not None and "changed since it was hashed" in record.reason
    assert record.phash is None and record.thumbnail is None


@pytest.mark.parametrize("change", ["deleted", "symlink", "fifo", "directory", "other file"])
def test_file_replaced_between_walk_and_hashing(tmp_path: Path, change: str) -> None:
    """A file that is deleted or replaced after the walk listed it: never followed, never
    blocks (a FIFO), recorded as failed with what happened; a different regular file is
    hashed as what the path now holds."""
    data = synthetic.jpeg_bytes(scene(71))
    put(tmp_path, "x.jpg", data)
    root = os.fsencode(tmp_path)
    (entry,) = [e for e in Walker(root) if e.rel == b"x.jpg"]
    assert entry.kind == FILE
    path = tmp_path / "x.jpg"
    path.unlink()
    replacement = b""
    if change == "symlink":
        path.symlink_to("/etc/hostname")
    elif change == "fifo":
        os.mkfifo(path)
    elif change == "directory":
        path.mkdir()
    elif change == "other file":
        replacement = synthetic.png_bytes(scene(72))
        path.write_bytes(replacement)
    result: list[FileRecord] = []
    thread = threading.Thread(
        target=lambda: result.append(examine(ExamineTask(root, entry.rel))), daemon=True
    )
    thread.start()
    thread.join(20)
    assert result, "examine blocked"
    (record,) = result
    expected = {
        "deleted": "vanished",
        "symlink": "changed during ingest: now a symbolic link",
        "fifo": "changed during ingest: no longer a regular file (fifo)",
        "directory": "changed during ingest: no longer a regular file (directory)",
    }
    if change == "other file":
        assert_hashes_of(record, replacement)
        assert record.format == "PNG"
    else:
        assert record.status == STATUS_FAILED
        assert record.reason is not None and record.reason.startswith(expected[change])


# ---------------------------------------------------------------------------- huge files


def _sparse(path: Path, size: int) -> str:
    """Make a sparse file of ``size`` bytes (a short text line, then zeros); return its
    SHA-256, computed independently here."""
    head = b"not an image\n"
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)
    digest, zeros, remaining = hashlib.sha256(head), bytes(8 * MIB), size - len(head)
    while remaining:
        take = min(remaining, len(zeros))
        digest.update(zeros[:take])
        remaining -= take
    return digest.hexdigest()


def _check_sparse_streams_in_constant_memory(tmp_path: Path, size: int) -> None:
    expected = _sparse(tmp_path / "huge.bin", size)
    steps = examine_in_child(tmp_path, ["huge.bin"])
    huge = steps["huge.bin"]
    assert (huge["status"], huge["size"], huge["sha256"]) == (STATUS_HASHED, size, expected)
    assert huge["growth_kib"] < 32 * 1024, huge  # the file is 10 to 100 times larger


def test_sparse_file_bigger_than_keep_limit_streams_in_constant_memory(tmp_path: Path) -> None:
    """huge sparse file (300 MiB, beyond KEEP_LIMIT): streamed in constant memory; the same
    probe sees a 64 MiB file, which is within KEEP_LIMIT and so kept in memory."""
    assert 64 * MIB < KEEP_LIMIT < 300 * MIB
    _check_sparse_streams_in_constant_memory(tmp_path, 300 * MIB)
    _sparse(tmp_path / "kept.bin", 64 * MIB)
    kept = examine_in_child(tmp_path, ["kept.bin"])["kept.bin"]
    assert kept["growth_kib"] > 64 * 1024, kept  # the probe works


@pytest.mark.stress
def test_3_gib_sparse_file_streams_in_constant_memory(tmp_path: Path) -> None:
    """huge sparse file: 3 GiB streamed in constant memory (about 20 s of hashing)."""
    _check_sparse_streams_in_constant_memory(tmp_path, 3 << 30)
