"""Re-hash a disk image's whole media, in a process of its own, to verify it.

Run beside the ingest's workers: in the parent's own thread its Python loop
would hold the GIL the parent needs to feed the workers and write the case.
The result travels back over a pipe: the media hashes computed and the ranges
that could not be read.
"""

from __future__ import annotations

import hashlib
from multiprocessing.connection import Connection
from typing import Any

from triage_app.evidence.media import open_media

STEP = 4 << 20


def hash_media(first: bytes, kind: str) -> dict[str, Any]:
    """MD5 (and SHA-1 when the image stores one) of the media, and its unreadable ranges."""
    media = open_media(first, kind)
    try:
        md5 = hashlib.md5(usedforsecurity=False)
        # SHA-1 only when the image stores one to compare with (it costs as much again).
        sha1 = hashlib.sha1(usedforsecurity=False) if "sha1" in media.stored_hashes() else None
        for offset in range(0, media.size, STEP):
            block = media.read(offset, STEP)
            md5.update(block)
            if sha1 is not None:
                sha1.update(block)
        found: dict[str, Any] = {"md5": md5.hexdigest()}
        if sha1 is not None:
            found["sha1"] = sha1.hexdigest()
        found["unreadable"] = [[start, length] for start, length in media.unreadable]
        return found
    finally:
        media.close()


def run(first: bytes, kind: str, conn: Connection) -> None:
    """The verification process: send :func:`hash_media`'s result, or why it failed."""
    try:
        conn.send(hash_media(first, kind))
    except Exception as exc:
        conn.send({"error": " ".join(str(exc).split())[:300] or type(exc).__name__})
    finally:
        conn.close()
