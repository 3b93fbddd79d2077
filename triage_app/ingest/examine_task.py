"""What a worker is given to examine: one file of an exhibit, and how much of it to keep.

Kept light (no imaging code), so the parent can hand work out without loading
the decoders.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage_app.evidence.media import DiskRef

#: Files up to this size are kept in memory after hashing, so images decode
#: from the same read. Larger ones are streamed and reopened for decoding.
KEEP_LIMIT = 256 * 1024 * 1024
#: For a JPEG or PNG too big to keep, how much of its start is read again to find where
#: the image stream ends (and so whether data was appended after it).
TRAILER_SCAN_LIMIT = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ExamineTask:
    """One file to examine: the exhibit root and the path relative to it.

    A file of a folder is read at ``root/rel``. One inside a disk image names
    it in ``disk``; one inside an archive comes with its bytes in ``data``.
    ``deleted``, ``container`` and ``address`` go into the file's record.
    """

    root: bytes
    rel: bytes
    keep_limit: int = KEEP_LIMIT
    disk: DiskRef | None = None
    data: bytes | None = None
    deleted: bool | None = None
    container: str | None = None
    address: str | None = None

    @property
    def in_container(self) -> bool:
        """Whether the file is read from inside an image or archive, not a folder."""
        return self.disk is not None or self.data is not None

    @property
    def path(self) -> bytes:
        """Absolute path of the file."""
        return self.root.rstrip(b"/") + b"/" + self.rel
