"""Walk an exhibit's folder tree without following links.

Every entry below the root is reported: regular files (to hash), links and
special files (skipped with the rule that skipped them) and folders that could
not be listed (failed with the OS error). Folders that list fine are not
entries themselves. Paths are bytes relative to the root, so names that are
not valid UTF-8 survive unchanged.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass

from triage_app.evidence import readonly
from triage_app.evidence.media import DiskRef

FILE = "file"
DIRECTORY = "directory"

_SKIP_RULES = {
    "symlink": "symbolic link: links are never followed",
    "fifo": "named pipe (FIFO): special files are never opened",
    "socket": "socket: special files are never opened",
    "char-device": "character device: special files are never opened",
    "block-device": "block device: special files are never opened",
    "unknown": "not a regular file: never opened",
}


@dataclass(frozen=True, slots=True)
class WalkEntry:
    """One thing found under the root (or inside an image or archive).

    Entries of a disk image or archive also say whether the file system marks
    them deleted, the chain of containers they sit in and their file-system
    address, and how to read them: ``disk`` (by address) or ``data`` (bytes).
    """

    rel: bytes
    kind: str
    size: int | None = None
    skip_rule: str | None = None
    error: str | None = None
    deleted: bool | None = None
    container: str | None = None
    address: str | None = None
    disk: DiskRef | None = None
    data: bytes | None = None


def kind_of(mode: int) -> str:
    """Name the kind of file an ``st_mode`` describes."""
    if stat.S_ISREG(mode):
        return FILE
    if stat.S_ISDIR(mode):
        return DIRECTORY
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "char-device"
    if stat.S_ISBLK(mode):
        return "block-device"
    return "unknown"


def skip_rule(kind: str) -> str:
    """Return the recorded rule for skipping an entry of this kind."""
    return _SKIP_RULES.get(kind, _SKIP_RULES["unknown"])


def describe_os_error(exc: OSError) -> str:
    """Format an OS error as 'strerror (errno NAME)'."""
    name = os.strerror(exc.errno) if exc.errno else str(exc)
    code = f"errno {exc.errno}" if exc.errno else type(exc).__name__
    return f"{name} ({code})"


class Walker:
    """Depth-first, sorted walk of a root folder; remembers whether atime was kept."""

    def __init__(self, root: bytes) -> None:
        self.root = root.rstrip(b"/") or b"/"
        self.atime_preserved = True

    def _join(self, rel: bytes) -> bytes:
        return self.root + b"/" + rel if rel else self.root

    def _list(self, rel: bytes) -> list[tuple[bytes, os.stat_result | OSError]]:
        """List a folder: each child's raw name with its lstat (or the error)."""
        fd, kept = readonly.open_dir(self._join(rel))
        self.atime_preserved &= kept
        listed: list[tuple[bytes, os.stat_result | OSError]] = []
        try:
            with os.scandir(fd) as it:
                for entry in it:
                    # scandir on an fd yields str names; fsencode restores the exact bytes.
                    name = os.fsencode(entry.name)
                    try:
                        listed.append((name, entry.stat(follow_symlinks=False)))
                    except OSError as exc:
                        listed.append((name, exc))
        finally:
            os.close(fd)
        listed.sort(key=lambda pair: pair[0])
        return listed

    def __iter__(self) -> Iterator[WalkEntry]:
        stack: list[bytes] = [b""]
        while stack:
            rel = stack.pop()
            try:
                entries = self._list(rel)
            except OSError as exc:
                if not rel:
                    raise
                yield WalkEntry(
                    rel, DIRECTORY, error=f"folder unreadable: {describe_os_error(exc)}"
                )
                continue
            subdirs: list[bytes] = []
            for name, st in entries:
                child = rel + b"/" + name if rel else name
                if isinstance(st, OSError):
                    yield WalkEntry(child, "unknown", error=f"cannot stat: {describe_os_error(st)}")
                    continue
                kind = kind_of(st.st_mode)
                if kind == DIRECTORY:
                    subdirs.append(child)
                elif kind == FILE:
                    yield WalkEntry(child, FILE, size=st.st_size)
                else:
                    yield WalkEntry(child, kind, size=st.st_size, skip_rule=skip_rule(kind))
            stack.extend(reversed(subdirs))
