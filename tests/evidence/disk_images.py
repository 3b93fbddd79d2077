"""Builders of disk images for the evidence tests: no root, no mounting.

Debian packages (``apt-get install -y ...``)::

    fdisk dosfstools mtools e2fsprogs ewf-tools sleuthkit

``fdisk`` gives ``sfdisk`` (the partition table, written into a plain file),
``dosfstools`` ``mkfs.vfat --offset`` (FAT32 inside the file), ``mtools``
(``mmd``/``mcopy``/``mdel -i image@@offset``: files in, and deleted files that the
FAT still describes), ``e2fsprogs`` ``mke2fs -d`` (an ext4 partition image from a
folder, copied into place), ``ewf-tools`` ``ewfacquire``/``ewfverify`` (E01 sets)
and ``sleuthkit`` ``fls``/``icat``/``mmls`` (to check what was built).

:func:`require_tools` skips a test when one of them is missing (CI installs them,
so a skip there is a failure of the CI script, not of the product).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The Debian packages the builders need, as ``apt-get install -y`` takes them.
DEBIAN_PACKAGES = ("fdisk", "dosfstools", "mtools", "e2fsprogs", "ewf-tools", "sleuthkit")
#: Each tool the builders or their checks run, with the Debian package that has it.
TOOLS = {
    "sfdisk": "fdisk",
    "mkfs.vfat": "dosfstools",
    "mmd": "mtools",
    "mcopy": "mtools",
    "mdel": "mtools",
    "mke2fs": "e2fsprogs",
    "ewfacquire": "ewf-tools",
    "ewfverify": "ewf-tools",
    "fls": "sleuthkit",
    "icat": "sleuthkit",
    "mmls": "sleuthkit",
}

SECTOR = 512
MIB = 1 << 20
#: Where the first partition starts (sectors), as partitioning tools align it.
FIRST_SECTOR = 2048
#: FAT32 needs at least 65,525 clusters: 40 MiB with 512-byte clusters is enough.
FAT_SIZE = 40 * MIB
EXT4_SIZE = 8 * MIB
#: MBR partition types.
MBR_FAT32_LBA = "0c"
MBR_LINUX = "83"
#: libewf's default chunk: 64 sectors.
EWF_CHUNK = 64 * SECTOR


def _tool_path(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def require_tools(*names: str) -> None:
    """Skip the calling test, naming what is missing, unless every tool is installed
    (all of :data:`TOOLS` when no names are given)."""
    missing = [n for n in (names or TOOLS) if _tool_path(n) is None]
    if missing:
        packages = sorted({TOOLS.get(n, n) for n in missing})
        why = f"missing {', '.join(missing)} (Debian: {' '.join(packages)})"
        if os.environ.get("TRIAGE_REQUIRE_DISK_TOOLS") == "1":  # CI: a skip is a failure
            pytest.fail(why)
        pytest.skip(why)


def _run(*args: str | Path) -> str:
    cmd = [str(a) for a in args]
    tool = _tool_path(cmd[0])
    if tool is None:
        raise FileNotFoundError(f"{cmd[0]} is not installed (Debian: {TOOLS.get(cmd[0])})")
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1", "LC_ALL": "C", "TZ": "UTC"}
    done = subprocess.run(
        [tool, *cmd[1:]],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


@dataclass(frozen=True, slots=True)
class Entry:
    """A file put into a file system: its path there ("/"-separated, no leading "/")."""

    path: str
    data: bytes

    @property
    def md5(self) -> str:
        return hashlib.md5(self.data).hexdigest()

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]


@dataclass(frozen=True, slots=True)
class Partition:
    """One partition of a built image."""

    index: int  # 1-based, as in the partition table
    offset: int  # bytes from the start of the image
    size: int  # bytes
    fs_type: str  # "FAT32" or "ext4"
    mbr_type: str  # hex, e.g. "0c"
    files: tuple[Entry, ...]
    deleted: tuple[Entry, ...] = ()

    @property
    def sector(self) -> int:
        """Start sector (what ``fls -o`` takes)."""
        return self.offset // SECTOR


@dataclass(frozen=True, slots=True)
class Card:
    """A raw image of a partitioned card and what each partition holds."""

    raw: Path
    size: int
    md5: str  # of the whole image (what an E01 of it stores)
    sha1: str
    partitions: tuple[Partition, ...]

    @property
    def files(self) -> list[tuple[Partition, Entry]]:
        """Every live file, with its partition."""
        return [(p, e) for p in self.partitions for e in p.files]

    @property
    def deleted(self) -> list[tuple[Partition, Entry]]:
        """Every deleted file (still described by its file system), with its partition."""
        return [(p, e) for p in self.partitions for e in p.deleted]


def _dirs(paths: list[str]) -> list[str]:
    found: set[str] = set()
    for path in paths:
        parts = path.split("/")[:-1]
        found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(found, key=lambda d: (d.count("/"), d))


def _fat_put(image: Path, offset: int, entries: list[Entry], staging: Path) -> None:
    target = f"{image}@@{offset}"
    for folder in _dirs([e.path for e in entries]):
        try:
            _run("mmd", "-i", target, f"::/{folder}")
        except RuntimeError as exc:
            if "exists" not in str(exc).lower():
                raise
    for n, entry in enumerate(entries):
        source = staging / f"f{n}"
        source.write_bytes(entry.data)
        _run("mcopy", "-i", target, source, f"::/{entry.path}")


def _ext4_image(folder: Path, files: dict[str, bytes], out: Path, size: int) -> None:
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    _run("mke2fs", "-q", "-F", "-t", "ext4", "-L", "DATA", "-d", folder, out, f"{size // 1024}k")


def _digests(path: Path) -> tuple[str, str]:
    md5, sha1 = hashlib.md5(), hashlib.sha1()
    with path.open("rb") as handle:
        while block := handle.read(MIB):
            md5.update(block)
            sha1.update(block)
    return md5.hexdigest(), sha1.hexdigest()


def build_fat32_card(
    folder: Path,
    files: dict[str, bytes],
    deleted: dict[str, bytes] | None = None,
    *,
    partitions: int = 1,
    ext4_files: dict[str, bytes] | None = None,
    name: str = "card.raw",
) -> Card:
    """Build ``folder/name``: an MBR image whose first partition is FAT32 holding
    ``files`` and the ``deleted`` ones (copied in last, then removed with ``mdel`` so
    that their directory entries and clusters are still there, unreused); with
    ``partitions=2`` a second, ext4 partition holds ``ext4_files``.

    Paths are "/"-separated inside the file system (``DCIM/100APPLE/IMG_0001.HEIC``).
    """
    if partitions not in (1, 2):
        raise ValueError("partitions must be 1 or 2")
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{name}.staging"
    staging.mkdir(exist_ok=True)
    image = folder / name
    fat_sectors = FAT_SIZE // SECTOR
    ext_start = FIRST_SECTOR + fat_sectors
    total = (ext_start + (EXT4_SIZE // SECTOR if partitions == 2 else 0)) * SECTOR + MIB
    with image.open("wb") as handle:
        handle.truncate(total)
    table = [f"start={FIRST_SECTOR}, size={fat_sectors}, type={MBR_FAT32_LBA}"]
    if partitions == 2:
        table.append(f"start={ext_start}, size={EXT4_SIZE // SECTOR}, type={MBR_LINUX}")
    script = "label: dos\nlabel-id: 0x7e57ca4d\nunit: sectors\n" + "\n".join(table) + "\n"
    tool = _tool_path("sfdisk")
    if tool is None:
        raise FileNotFoundError("sfdisk is not installed (Debian: fdisk)")
    subprocess.run(
        [tool, "-q", str(image)], input=script, text=True, check=True, capture_output=True
    )
    fat_offset = FIRST_SECTOR * SECTOR
    _run(
        "mkfs.vfat", "-F", "32", "-n", "CARD", "-i", "7E57CA4D", "--offset", str(FIRST_SECTOR),
        image, str(FAT_SIZE // 1024),
    )  # fmt: skip
    live = [Entry(p, d) for p, d in files.items()]
    gone = [Entry(p, d) for p, d in (deleted or {}).items()]
    _fat_put(image, fat_offset, live + gone, staging)
    for entry in gone:
        _run("mdel", "-i", f"{image}@@{fat_offset}", f"::/{entry.path}")
    parts = [Partition(1, fat_offset, FAT_SIZE, "FAT32", MBR_FAT32_LBA, tuple(live), tuple(gone))]
    if partitions == 2:
        ext_files = ext4_files or {}
        ext_image = staging / "p2.ext4"
        _ext4_image(staging / "p2", ext_files, ext_image, EXT4_SIZE)
        with image.open("r+b") as handle:
            handle.seek(ext_start * SECTOR)
            handle.write(ext_image.read_bytes())
        entries = tuple(Entry(p, d) for p, d in ext_files.items())
        parts.append(Partition(2, ext_start * SECTOR, EXT4_SIZE, "ext4", MBR_LINUX, entries))
    shutil.rmtree(staging)
    md5, sha1 = _digests(image)
    return Card(image, total, md5, sha1, tuple(parts))


def segments(first: Path) -> list[Path]:
    """The segment files of the E01 set whose first segment is ``first`` (E01, E02...)."""
    found = []
    for n in range(1, 100):
        path = first.with_suffix(f"{first.suffix[:2]}{n:02d}")
        if not path.exists():
            break
        found.append(path)
    return found


def make_e01(
    raw: Path, out_base: Path, segment_size: int | None = None, *, compression: str = "none"
) -> Path:
    """Acquire ``raw`` into an EnCase 6 E01 set at ``out_base`` (no extension), storing
    its MD5 and SHA-1; return the first segment. ``segment_size`` (bytes, at least
    1 MiB) splits the set into several segments. Uncompressed by default, so that each
    chunk's bytes sit in the segment as they are in the media (see :func:`damage_e01`)."""
    args: list[str | Path] = ["ewfacquire", "-u", "-q", "-t", out_base, "-f", "encase6"]
    args += ["-c", compression, "-d", "sha1", "-b", str(EWF_CHUNK // SECTOR)]
    args += ["-C", "CASE-1", "-D", "test card", "-e", "Test Examiner", "-E", "EX-1"]
    args += ["-N", "built by tests/evidence/disk_images.py", "-m", "removable", "-M", "physical"]
    if segment_size is not None:
        args += ["-S", str(segment_size)]
    _run(*args, raw)
    first = out_base.with_name(out_base.name + ".E01")
    if not first.exists():
        raise RuntimeError(f"ewfacquire made no {first.name}")
    return first


def split_raw(raw: Path, part_size: int) -> list[Path]:
    """Split ``raw`` into ``raw.001``, ``raw.002``... of ``part_size`` bytes (the last
    shorter) beside it, as ``split -d -a 3 --numeric-suffixes=1`` does."""
    parts = []
    with raw.open("rb") as handle:
        while block := handle.read(part_size):
            part = raw.with_name(f"{raw.stem}.{len(parts) + 1:03d}")
            part.write_bytes(block)
            parts.append(part)
    return parts


def _copy_set(e01: Path, out: Path) -> list[Path]:
    copies = []
    for segment in segments(e01):
        copy = out.with_suffix(segment.suffix)
        shutil.copyfile(segment, copy)
        copies.append(copy)
    return copies


def damage_e01(
    e01: Path, out: Path, *, raw: Path | None = None, media_offset: int | None = None
) -> Path:
    """Copy the E01 set of ``e01`` to ``out`` (its first segment, e.g. ``bad.E01``) and
    invert 64 bytes inside one chunk, so that the chunk's checksum fails.

    With ``raw`` and ``media_offset`` the chunk holding that media offset is damaged
    (found by its bytes: :func:`make_e01` stores chunks uncompressed); otherwise the
    chunk in the middle of the first segment. Return ``out``.
    """
    copies = _copy_set(e01, out)
    target, at = copies[0], copies[0].stat().st_size // 2
    if raw is not None and media_offset is not None:
        start = media_offset // EWF_CHUNK * EWF_CHUNK
        with raw.open("rb") as handle:
            handle.seek(start)
            chunk = handle.read(EWF_CHUNK)
        for copy in copies:
            found = copy.read_bytes().find(chunk)
            if found >= 0:
                target, at = copy, found + (media_offset - start)
                break
        else:
            raise ValueError(f"chunk at media offset {start} not found stored as is")
    with target.open("r+b") as handle:
        handle.seek(at)
        original = handle.read(64)
        handle.seek(at)
        handle.write(bytes(b ^ 0xFF for b in original))
    return out


def truncate_segment(e01: Path, out: Path, *, keep: float = 0.5) -> Path:
    """Copy the E01 set of ``e01`` to ``out`` and cut its last segment to ``keep`` of
    its size (a copy that stopped early). Return ``out``."""
    last = _copy_set(e01, out)[-1]
    with last.open("r+b") as handle:
        handle.truncate(int(last.stat().st_size * keep))
    return out
