"""An exhibit's source, whatever it is: a folder, an E01 or raw disk image, a tar or zip.

:func:`open_source` tells them apart by content (never by extension) and
returns a :class:`Source`: its entries (every file, link, special file and
failure, each accounted for), a second pass that hands out the files' bytes
(archives: :meth:`Source.contents`), the verification of a disk image
against the hash stored at acquisition, and the facts to keep about it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from triage_app.domain.errors import IngestError
from triage_app.evidence import readonly
from triage_app.evidence.folder import FILE, WalkEntry, Walker, skip_rule
from triage_app.evidence.media import EWF, RAW, DiskRef, Media, is_ewf, open_media

FOLDER = "folder"
TAR, ZIP = "tar", "zip"  # as evidence.archives names them (loaded only for archives)
VERIFIED, MISMATCH, UNAVAILABLE, NOT_APPLICABLE = (
    "verified", "mismatch", "unavailable", "not applicable",
)  # fmt: skip
_RULES = {
    "virtual": "virtual file made by The Sleuth Kit for file-system metadata: not user content",
    "volume-label": "FAT volume label entry: the file system's name, not a file",
}


@dataclass(slots=True)
class SourceFacts:
    """What reading a source established (``case info --json``'s ``source``)."""

    kind: str
    path: str
    verification: str = NOT_APPLICABLE
    stored_md5: str | None = None
    computed_md5: str | None = None
    stored_sha1: str | None = None
    computed_sha1: str | None = None
    segments: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    unreadable: list[list[int]] = field(default_factory=list)
    note: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The facts as JSON values."""
        return asdict(self)


class Source:
    """A folder: its walk is the entries; the files are read where they lie."""

    kind = FOLDER

    def __init__(self, root: bytes) -> None:
        self.root = root
        self._walker = Walker(root)

    @property
    def atime_preserved(self) -> bool:
        """Whether every read so far kept the access times."""
        return self._walker.atime_preserved

    def entries(self) -> Iterator[WalkEntry]:
        """Every entry of the source, in a stable order."""
        return iter(self._walker)

    def contents(self, wanted: set[bytes]) -> Iterator[WalkEntry]:
        """The wanted files again, with their bytes, for sources whose files the workers
        cannot open themselves (archives); others yield nothing."""
        return iter(())

    def start_verification(self, cancel: threading.Event | None = None) -> None:
        """Begin checking the source against its stored hash (disk images)."""

    def facts(self) -> SourceFacts:
        """What reading the source established (waits for the verification)."""
        return SourceFacts(FOLDER, os.fsdecode(self.root))

    def close(self) -> None:
        """Release what the source holds open."""


class DiskSource(Source):
    """An E01 set or a raw image: partitions and file systems through TSK."""

    def __init__(self, root: bytes, kind: str) -> None:
        from triage_app.evidence.disk import TskImage

        self.root = root
        self.kind = kind
        self.media: Media = open_media(root, kind)
        self.image = TskImage(self.media)
        self._volumes: list[str] = []
        self._verify: Any = None  # the verification process, and its pipe
        self._conn: Any = None
        self._cancel: threading.Event | None = None
        self._computed: dict[str, str] = {}
        self._verify_note: str | None = None
        try:
            self._systems = self._probe()
        except BaseException:
            self.media.close()
            raise

    def _probe(self) -> list[tuple[Any, Any, str | None]]:
        """Each volume with its file system (None where TSK reads none); refused when
        there is no file system at all, before anything is recorded."""
        from triage_app.evidence.disk import open_fs, volumes

        found: list[tuple[Any, Any, str | None]] = []
        for volume in volumes(self.image):
            try:
                fs, fs_name = open_fs(self.image, volume.offset)
            except OSError:
                fs, fs_name = None, None
            found.append((volume, fs, fs_name))
        if not any(fs is not None for _v, fs, _n in found):
            if self.media.unreadable:
                start, length = self.media.unreadable[0]
                raise IngestError(
                    f"{os.fsdecode(self.root)}: the {self.kind.upper()} image cannot be read "
                    f"(bytes {start}..{start + length} unreadable: a damaged or truncated "
                    "segment?) and no file system was found in what could be read"
                )
            raise IngestError(
                f"{os.fsdecode(self.root)} is not a folder, archive or disk image this program "
                "can read: no partition table or file system that The Sleuth Kit knows was found"
            )
        return found

    @property
    def atime_preserved(self) -> bool:
        return self.media.atime_preserved

    def entries(self) -> Iterator[WalkEntry]:
        from triage_app.evidence.disk import walk

        name = os.fsdecode(self.root.rpartition(b"/")[2])
        several = len(self._systems) > 1
        for volume, fs, fs_name in self._systems:
            label = f"partition {volume.number}" if volume.number is not None else "the image"
            if fs is None:
                self._volumes.append(f"{label} ({volume.description}): no file system read")
                yield WalkEntry(b"p%d" % (volume.number or 0), "partition", error=(
                    f"{label} ({volume.description}, {volume.length} bytes): no file "
                    "system The Sleuth Kit can read; its content is not examined"))  # fmt: skip
                continue
            self._volumes.append(f"{label} ({fs_name})")
            container = f"{name} > {label} ({fs_name})"
            prefix = b"p%d/" % volume.number if several and volume.number else b""
            for entry in walk(fs):
                yield self._entry(entry, prefix, container, volume.offset)

    def _entry(self, entry: Any, prefix: bytes, container: str, offset: int) -> WalkEntry:
        rel = prefix + entry.rel
        address = None if entry.address is None else str(entry.address)
        common: dict[str, Any] = {
            "deleted": entry.deleted or None, "container": container, "address": address,
        }  # fmt: skip
        if entry.error is not None:
            return WalkEntry(rel, entry.kind, entry.size, error=entry.error, **common)
        if entry.kind == FILE:
            ref = DiskRef(self.kind, self.media.segments, offset, entry.address)
            return WalkEntry(rel, FILE, entry.size, disk=ref, **common)
        rule = _RULES.get(entry.kind) or skip_rule(entry.kind)
        return WalkEntry(rel, entry.kind, entry.size, skip_rule=rule, **common)

    def start_verification(self, cancel: threading.Event | None = None) -> None:
        import multiprocessing

        from triage_app.evidence import verify

        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe(duplex=False)
        self._verify = context.Process(
            target=verify.run, args=(self.root, self.kind, child), daemon=True
        )
        self._verify.start()
        child.close()
        self._cancel = cancel

    def _verification(self) -> dict[str, Any]:
        """Wait for the verification process's answer (stopping it if cancelled)."""
        process, conn = self._verify, self._conn
        if process is None or conn is None:
            return {"error": "the image was not verified"}
        try:
            while not conn.poll(0.2):
                if self._cancel is not None and self._cancel.is_set():
                    return {"error": "the ingest was cancelled before the image was verified"}
                if not process.is_alive() and not conn.poll(0):
                    return {"error": f"the verification stopped (exit {process.exitcode})"}
            answer: dict[str, Any] = conn.recv()
            return answer
        except (EOFError, OSError):
            return {"error": "the verification process ended without an answer"}
        finally:
            if process.is_alive():
                process.kill()
            process.join(5)
            conn.close()
            self._verify = self._conn = None

    def facts(self) -> SourceFacts:
        answer = self._verification()
        self._computed = {k: answer[k] for k in ("md5", "sha1") if k in answer}
        self._verify_note = answer.get("error")
        stored = self.media.stored_hashes()
        facts = SourceFacts(self.kind, os.fsdecode(self.root),
                            segments=[os.fsdecode(s) for s in self.media.segments],
                            volumes=list(self._volumes), note=self._verify_note)  # fmt: skip
        facts.stored_md5, facts.stored_sha1 = stored.get("md5"), stored.get("sha1")
        facts.computed_md5 = self._computed.get("md5")
        facts.computed_sha1 = self._computed.get("sha1")
        seen = answer.get("unreadable") or [[s, n] for s, n in self.media.unreadable]
        facts.unreadable = [list(pair) for pair in seen]
        facts.verification = _verdict(stored, self._computed, bool(facts.unreadable))
        return facts

    def close(self) -> None:
        if self._verify is not None:
            self._verify.kill()
            self._verify.join(5)
        self.media.close()


def _verdict(stored: dict[str, str], computed: dict[str, str], unreadable: bool) -> str:
    pairs = [(stored[k], computed[k]) for k in ("md5", "sha1") if k in stored and k in computed]
    if pairs:
        return VERIFIED if all(a == b for a, b in pairs) and not unreadable else MISMATCH
    return MISMATCH if unreadable else UNAVAILABLE


class ArchiveSource(Source):
    """A tar or zip: members listed in one pass and read in a second."""

    def __init__(self, root: bytes, kind: str) -> None:
        self.root = root
        self.kind = kind
        fd, self._atime = readonly.open_file(root)
        self._handle = os.fdopen(fd, "rb")
        self._label = os.fsdecode(root.rpartition(b"/")[2])
        if kind == ZIP:  # a damaged central directory is refused before anything is recorded
            import zipfile

            try:
                zipfile.ZipFile(self._handle).close()
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                self._handle.close()
                raise IngestError(f"the zip archive cannot be read: {exc}") from None

    @property
    def atime_preserved(self) -> bool:
        return self._atime

    def _scan(self, with_data: bool) -> Iterator[Any]:
        from triage_app.evidence import archives

        self._handle.seek(0)
        return archives.scan(self.root, self._handle, self.kind, with_data=with_data,
                             label=self._label)  # fmt: skip

    def entries(self) -> Iterator[WalkEntry]:
        for member in self._scan(with_data=False):
            yield _member_entry(member)

    def contents(self, wanted: set[bytes]) -> Iterator[WalkEntry]:
        for member in self._scan(with_data=True):
            if member.rel in wanted:
                yield _member_entry(member)

    def facts(self) -> SourceFacts:
        self._handle.seek(0)
        md5 = hashlib.md5(usedforsecurity=False)
        while block := self._handle.read(4 << 20):
            md5.update(block)
        return SourceFacts(self.kind, os.fsdecode(self.root), computed_md5=md5.hexdigest())

    def close(self) -> None:
        self._handle.close()


def _member_entry(member: Any) -> WalkEntry:
    if member.error is not None:
        return WalkEntry(member.rel, member.kind, member.size, error=member.error,
                         container=member.container)  # fmt: skip
    if member.rule is not None:
        return WalkEntry(member.rel, member.kind, member.size, skip_rule=member.rule,
                         container=member.container)  # fmt: skip
    return WalkEntry(member.rel, FILE, member.size, container=member.container, data=member.data)


def detect(path: bytes) -> str:
    """The kind of source at ``path``, by its content; raises IngestError if none."""
    try:
        st = os.stat(path)  # noqa: PTH116 (bytes path)
    except OSError as exc:
        raise IngestError(
            f"the source {os.fsdecode(path)} cannot be read: {exc.strerror}"
        ) from None
    if stat.S_ISDIR(st.st_mode):
        return FOLDER
    if not stat.S_ISREG(st.st_mode) or st.st_size == 0:
        raise IngestError(
            f"the source {os.fsdecode(path)} is not a folder, disk image or archive "
            "(an empty or special file)"
        )
    try:
        fd, _kept = readonly.open_file(path)
    except OSError as exc:
        raise IngestError(
            f"the source {os.fsdecode(path)} cannot be opened: {exc.strerror}"
        ) from None
    with os.fdopen(fd, "rb") as handle:
        head = handle.read(4096)
        if is_ewf(head):
            return EWF
        handle.seek(0)
        from triage_app.evidence import archives

        kind = archives.detect(head, handle)
    return kind if kind is not None else RAW


def open_source(path: bytes) -> Source:
    """Open the source at ``path`` (a folder's real path, or an image's first segment)."""
    kind = detect(path)
    if kind == FOLDER:
        return Source(path)
    if kind in (EWF, RAW):
        return DiskSource(path, kind)
    return ArchiveSource(path, kind)


__all__ = [
    "FOLDER", "MISMATCH", "NOT_APPLICABLE", "UNAVAILABLE", "VERIFIED",
    "ArchiveSource", "DiskSource", "Source", "SourceFacts", "detect", "open_source",
]  # fmt: skip
