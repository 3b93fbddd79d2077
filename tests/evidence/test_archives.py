"""tar and zip members: listed, read, nested one level, hostile members refused with a reason."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from triage_app.domain.errors import IngestError
from triage_app.evidence import archives


def _tar(path: Path, members: dict[str, bytes], mode: str = "w") -> Path:
    with tarfile.open(path, mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _scan(path: Path, with_data: bool = True) -> dict[bytes, archives.Member]:
    head = path.read_bytes()[:4096]
    with path.open("rb") as handle:
        kind = archives.detect(head, handle)
        assert kind is not None
        handle.seek(0)
        return {
            m.rel: m
            for m in archives.scan(bytes(path), handle, kind, with_data=with_data, label=path.name)
        }


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
def test_every_compression_of_tar_is_read(tmp_path: Path, mode: str) -> None:
    path = _tar(tmp_path / "x.tar", {"DCIM/a.jpg": b"a" * 100, "./b.txt": b"bee"}, mode)
    found = _scan(path)
    assert found[b"DCIM/a.jpg"].data == b"a" * 100
    assert found[b"b.txt"].data == b"bee"  # "./" is not part of the path
    listed = _scan(path, with_data=False)
    assert set(listed) == set(found) and all(m.data is None for m in listed.values())


def test_a_nested_zip_is_opened_one_level_deep(tmp_path: Path) -> None:
    inner = _zip({"Media/p.jpg": b"picture", "deeper.zip": _zip({"x.jpg": b"x"})})
    path = _tar(tmp_path / "phone.tar", {"var/backup.zip": inner})
    found = _scan(path)
    assert found[b"var/backup.zip"].data == inner  # the archive itself is a file too
    member = found[b"var/backup.zip!/Media/p.jpg"]
    assert member.data == b"picture" and member.container == "phone.tar > backup.zip"
    deeper = found[b"var/backup.zip!/deeper.zip"]  # two levels down: hashed, not opened
    assert deeper.kind == "file" and deeper.rule is None
    assert not any(rel.startswith(b"var/backup.zip!/deeper.zip!/") for rel in found)


def test_path_traversal_and_bombs_are_refused_and_the_rest_goes_on(tmp_path: Path) -> None:
    bomb = b"\0" * (archives.BOMB_FLOOR + 1)
    data = _zip({"../../etc/evil": b"x", "/abs.jpg": b"y", "bomb.bin": bomb, "ok.jpg": b"ok"})
    path = tmp_path / "x.zip"
    path.write_bytes(data)
    found = _scan(path)
    assert "climbs out" in (found[b"../../etc/evil"].rule or "")
    assert "absolute" in (found[b"/abs.jpg"].rule or "")
    assert "decompression bomb" in (found[b"bomb.bin"].rule or "")
    assert found[b"bomb.bin"].data is None
    assert found[b"ok.jpg"].data == b"ok"


def test_links_in_a_tar_are_skipped_with_their_rule(tmp_path: Path) -> None:
    path = tmp_path / "l.tar"
    with tarfile.open(path, "w") as tar:
        link = tarfile.TarInfo("link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    found = _scan(path)
    assert found[b"link"].kind == "symlink" and "never followed" in (found[b"link"].rule or "")


def test_a_truncated_compressed_tar_reports_where_it_broke(tmp_path: Path) -> None:
    whole = _tar(tmp_path / "x.tgz", {f"f{i}.bin": bytes([i]) * 50_000 for i in range(5)}, "w:gz")
    cut = tmp_path / "cut.tgz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    found = _scan(cut)
    assert any(m.error for m in found.values()), found
    assert found[b"f0.bin"].data == bytes([0]) * 50_000


def test_a_name_stored_twice_keeps_both(tmp_path: Path) -> None:
    path = tmp_path / "d.tar"
    with tarfile.open(path, "w") as tar:
        for data in (b"one", b"two"):
            info = tarfile.TarInfo("same.jpg")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    found = _scan(path)
    assert found[b"same.jpg"].data == b"one"
    assert found[b"same.jpg (stored again, copy 2)"].data == b"two"


def test_a_damaged_zip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with path.open("rb") as handle, pytest.raises(IngestError, match="zip archive cannot be read"):
        list(archives.scan(bytes(path), handle, archives.ZIP, with_data=True, label="bad.zip"))


def test_detect_tells_archives_from_other_files(tmp_path: Path) -> None:
    assert archives.detect(b"\xff\xd8\xff" + b"\0" * 600, io.BytesIO()) is None
    assert archives.detect(b"\x1f\x8b" + b"\0" * 50, io.BytesIO(b"\x1f\x8b" + b"\0" * 50)) is None
