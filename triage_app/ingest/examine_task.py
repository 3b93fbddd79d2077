"""What a worker is given to examine: one file of an exhibit, and how much of it to keep.

Kept light (no imaging code), so the parent can hand work out without loading
the decoders.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Files up to this size are kept in memory after hashing, so images decode
#: from the same read. Larger ones are streamed and reopened for decoding.
KEEP_LIMIT = 256 * 1024 * 1024
#: For a JPEG or PNG too big to keep, how much of its start is read again to find where
#: the image stream ends (and so whether data was appended after it).
TRAILER_SCAN_LIMIT = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ExamineTask:
    """One file to examine: the exhibit root and the path relative to it."""

    root: bytes
    rel: bytes
    keep_limit: int = KEEP_LIMIT

    @property
    def path(self) -> bytes:
        """Absolute path of the file."""
        return self.root.rstrip(b"/") + b"/" + self.rel
