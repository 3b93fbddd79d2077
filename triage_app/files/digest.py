"""SHA-256 of a file, streamed in constant memory, and the digests of the empty file."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 1 << 20

#: The digests of zero bytes: every empty file has them, so they identify nothing.
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"
EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path``, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
