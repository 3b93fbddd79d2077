"""MD5, SHA-1 and SHA-256 of a file in one streaming read."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Digests:
    """The three byte hashes of a file, lower-case hex, and the bytes hashed."""

    md5: str
    sha1: str
    sha256: str
    size: int


class MultiHasher:
    """Feed bytes once, get MD5, SHA-1 and SHA-256."""

    def __init__(self) -> None:
        # usedforsecurity=False keeps MD5/SHA-1 available on FIPS-mode hosts.
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._sha1 = hashlib.sha1(usedforsecurity=False)
        self._sha256 = hashlib.sha256(usedforsecurity=False)
        self._size = 0

    def update(self, chunk: bytes | bytearray | memoryview) -> None:
        """Add bytes to all three digests."""
        self._md5.update(chunk)
        self._sha1.update(chunk)
        self._sha256.update(chunk)
        self._size += len(chunk)

    def result(self) -> Digests:
        """Return the digests of everything fed so far."""
        return Digests(
            self._md5.hexdigest(), self._sha1.hexdigest(), self._sha256.hexdigest(), self._size
        )


def digest_chunks(
    chunks: Iterable[bytes], on_chunk: Callable[[int], None] | None = None
) -> Digests:
    """Hash an iterable of byte chunks; ``on_chunk`` gets each chunk's length."""
    hasher = MultiHasher()
    for chunk in chunks:
        hasher.update(chunk)
        if on_chunk is not None:
            on_chunk(len(chunk))
    return hasher.result()


def digest_bytes(data: bytes) -> Digests:
    """Hash a byte string (tests and small inputs)."""
    return digest_chunks([data])


class Intake:
    """A file read once: its digests, its first ``head_bytes`` and, while it stays within
    ``keep_limit``, its whole content (so an image decodes from the same read)."""

    def __init__(self, keep_limit: int, head_bytes: int, *, keep: bool = True) -> None:
        self.hasher = MultiHasher()
        self.kept: list[bytes] | None = [] if keep else None
        self.head = b""
        self.total = 0
        self._limit, self._head_bytes = keep_limit, head_bytes

    def add(self, chunk: bytes) -> None:
        """Take the next chunk."""
        self.hasher.update(chunk)
        self.total += len(chunk)
        if len(self.head) < self._head_bytes:
            self.head += chunk[: self._head_bytes - len(self.head)]
        if self.kept is not None:
            self.kept.append(chunk)
            if self.total > self._limit:  # bigger than allowed (or it grew while read)
                self.kept = None

    def content(self) -> bytes | None:
        """The whole content if it was kept (handed over: not held twice)."""
        kept, self.kept = self.kept, None
        return b"".join(kept) if kept is not None else None
