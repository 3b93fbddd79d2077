"""Partitions and file systems of a disk image through The Sleuth Kit (``pytsk3``).

Nothing is mounted and nothing written: TSK reads the image through
:class:`TskImage`, which asks :class:`~triage_app.evidence.media.Media` for
bytes. :func:`volumes` finds the partitions (MBR, GPT, ...) or, with no table,
one file system over the whole image; :func:`walk` lists one file system's
entries, deleted ones included (their names still in a directory, or under
TSK's ``$OrphanFiles``); :func:`read_file` reads one by its address.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytsk3  # type: ignore[import-not-found]

from triage_app.evidence.media import Media

#: TSK's names of file-system types, shortened for display (``TSK_FS_TYPE_FAT32`` -> FAT32).
_FS_NAMES = {
    getattr(pytsk3, name): name.removeprefix("TSK_FS_TYPE_")
    for name in dir(pytsk3)
    if name.startswith("TSK_FS_TYPE_") and not name.endswith(("DETECT", "ENUM"))
}
_CHUNK = 1 << 20


class TskImage(pytsk3.Img_Info):  # type: ignore[misc]
    """A :class:`Media` as TSK's image (an external image type: TSK only calls ``read``)."""

    def __init__(self, media: Media) -> None:
        self._media = media
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def read(self, offset: int, size: int) -> bytes:
        return self._media.read(offset, size)

    def get_size(self) -> int:
        return self._media.size

    def close(self) -> None:
        """The media is closed by its owner."""


@dataclass(frozen=True, slots=True)
class Volume:
    """A partition (or the whole image) holding a file system TSK may read."""

    number: int | None  # 1-based among the table's partitions; None: no partition table
    offset: int
    length: int
    description: str


@dataclass(frozen=True, slots=True)
class DiskEntry:
    """One entry of a file system: a file to hash, or something skipped or failed."""

    rel: bytes
    kind: str  # "file", "directory", "symlink", "virtual", "unknown"
    size: int | None
    address: int | None
    deleted: bool
    error: str | None = None


def volumes(image: TskImage) -> list[Volume]:
    """The allocated partitions of the image, or one volume over all of it."""
    try:
        table = pytsk3.Volume_Info(image)
    except OSError:
        return [Volume(None, 0, image.get_size(), "no partition table")]
    block = table.info.block_size
    found: list[Volume] = []
    for part in table:
        if not int(part.flags) & int(pytsk3.TSK_VS_PART_FLAG_ALLOC):
            continue
        text = part.desc.decode("utf-8", "replace") if isinstance(part.desc, bytes) else part.desc
        found.append(Volume(len(found) + 1, part.start * block, part.len * block, text))
    return found


def open_fs(image: TskImage, offset: int) -> tuple[Any, str]:
    """The file system at ``offset`` and its type name (FAT32, NTFS, Ext4, ...); raises
    OSError when TSK finds none it can read."""
    fs = pytsk3.FS_Info(image, offset=offset)
    return fs, _FS_NAMES.get(fs.info.ftype, str(fs.info.ftype))


def _kind(meta: Any) -> str:
    if meta is None:
        return "unknown"
    kinds = {
        pytsk3.TSK_FS_META_TYPE_REG: "file",
        pytsk3.TSK_FS_META_TYPE_DIR: "directory",
        pytsk3.TSK_FS_META_TYPE_LNK: "symlink",
        pytsk3.TSK_FS_META_TYPE_VIRT: "virtual",
        pytsk3.TSK_FS_META_TYPE_VIRT_DIR: "directory",
        pytsk3.TSK_FS_META_TYPE_FIFO: "fifo",
        pytsk3.TSK_FS_META_TYPE_CHR: "char-device",
        pytsk3.TSK_FS_META_TYPE_BLK: "block-device",
        pytsk3.TSK_FS_META_TYPE_SOCK: "socket",
    }
    return kinds.get(meta.type, "unknown")


def _is_deleted(entry: Any, inside_orphans: bool) -> bool:
    if inside_orphans:
        return True
    if int(entry.info.name.flags) & int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC):
        return True
    meta = entry.info.meta
    return meta is not None and bool(int(meta.flags) & int(pytsk3.TSK_FS_META_FLAG_UNALLOC))


def walk(fs: Any) -> Iterator[DiskEntry]:
    """Every entry of a file system, depth first in name order; folders are walked, not
    reported (one that cannot be opened is a failed entry)."""
    stack: list[tuple[bytes, int | None, bool]] = [(b"", None, False)]
    seen: set[int] = set()
    while stack:
        rel, address, orphans = stack.pop()
        try:
            folder = fs.open_dir(path="/") if address is None else fs.open_dir(inode=address)
        except OSError as exc:
            yield DiskEntry(rel, "directory", None, address, orphans, f"folder unreadable: {exc}")
            continue
        children: list[tuple[bytes, Any]] = []
        for entry in folder:
            name = entry.info.name.name
            if name in (b".", b"..") or not name:
                continue
            children.append((bytes(name), entry))
        children.sort(key=lambda pair: pair[0])
        subdirs: list[tuple[bytes, int | None, bool]] = []
        for name, entry in children:
            child = rel + b"/" + name if rel else name
            meta = entry.info.meta
            deleted = _is_deleted(entry, orphans)
            kind = _kind(meta)
            addr = int(meta.addr) if meta is not None else int(entry.info.name.meta_addr)
            if kind == "directory":
                if addr in seen or (deleted and meta is None):
                    continue
                seen.add(addr)
                is_orphans = meta.type == pytsk3.TSK_FS_META_TYPE_VIRT_DIR
                subdirs.append((child, addr, orphans or deleted or is_orphans))
                continue
            if kind == "file" and name.endswith(b"(Volume Label Entry)"):
                kind = "volume-label"  # how TSK shows a FAT volume's name
            size = int(meta.size) if meta is not None else None
            if meta is None and deleted:
                gone = "deleted entry whose metadata is gone: nothing to recover"
                yield DiskEntry(child, "file", None, addr, True, gone)
                continue
            yield DiskEntry(child, kind, size, addr, deleted)
        stack.extend(reversed(subdirs))


def read_file(fs: Any, address: int) -> tuple[int, Iterator[bytes]]:
    """A file's size and its content in chunks (raises OSError when TSK cannot open it)."""
    handle = fs.open_meta(inode=address)
    size = int(handle.info.meta.size)

    def chunks() -> Iterator[bytes]:
        offset = 0
        while offset < size:
            want = min(_CHUNK, size - offset)
            data = handle.read_random(offset, want)
            if not data:
                raise OSError(f"no data at offset {offset} of {size}")
            yield bytes(data)
            offset += len(data)

    return size, chunks()


class OpenImages:
    """Disk images opened once each: their media, TSK image and file systems by offset.

    A worker reading many files of one image (the ingest) and the reveal reading
    originals back both keep one of these, so an image is opened and its file
    systems are mounted by TSK once, not per file.
    """

    def __init__(self) -> None:
        self._open: dict[tuple[str, bytes], tuple[Media, TskImage, dict[int, Any]]] = {}

    def image(self, kind: str, root: bytes) -> tuple[Media, TskImage]:
        """The media and TSK image of the disk image at ``root`` (its first segment)."""
        from triage_app.evidence.media import open_media

        key = (kind, root)
        if key not in self._open:
            media = open_media(root, kind)
            self._open[key] = (media, TskImage(media), {})
        media, image, _systems = self._open[key]
        return media, image

    def file_system(self, kind: str, root: bytes, offset: int) -> tuple[Media, Any]:
        """The media and the file system at ``offset`` of the disk image at ``root``."""
        media, image = self.image(kind, root)
        systems = self._open[(kind, root)][2]
        if offset not in systems:
            systems[offset] = open_fs(image, offset)[0]
        return media, systems[offset]
