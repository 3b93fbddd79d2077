"""Streaming MD5/SHA-1/SHA-256: reference vectors, agreement with hashlib and coreutils."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from ingest.helpers import (
    MIB,
    assert_hashes_of,
    run,
)
from triage_app.domain.records import FileRecord
from triage_app.ingest.digests import Digests, digest_bytes, digest_chunks

# Published reference vectors: RFC 1321 (MD5), FIPS 180-2 appendix examples (SHA-1, SHA-256).
VECTORS = [
    (
        b"",
        "d41d8cd98f00b204e9800998ecf8427e",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
    (
        b"abc",
        "900150983cd24fb0d6963f7d28e17f72",
        "a9993e364706816aba3e25717850c26c9cd0d89d",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ),
    (
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "8215ef0796a20bcaaae116d3876c664a",
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ),
    (
        b"a" * 1_000_000,
        "7707d6ae4e027c70eea2a935c2296f21",
        "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    ),
]


@pytest.mark.parametrize(("data", "md5", "sha1", "sha256"), VECTORS, ids=lambda v: str(v)[:12])
def test_reference_vectors(tmp_path: Path, data: bytes, md5: str, sha1: str, sha256: str) -> None:
    """Hashes are right: published vectors, in one piece, in odd chunks and from a file."""
    expected = Digests(md5, sha1, sha256, len(data))
    assert digest_bytes(data) == expected
    pieces = [data[i : i + 7919] for i in range(0, len(data), 7919)]
    assert digest_chunks(pieces) == expected
    record = run(tmp_path, "vector.bin", data)
    assert (record.md5, record.sha1, record.sha256, record.size) == (md5, sha1, sha256, len(data))


def test_hashes_agree_with_hashlib_and_coreutils(tmp_path: Path) -> None:
    """Hashes are right: around the 1 MiB read-chunk boundaries, against md5sum & co."""
    rng = np.random.default_rng(11)
    sizes = [0, 1, 55, 56, 64, MIB - 1, MIB, MIB + 1, 3 * MIB + 7]
    records: dict[str, FileRecord] = {}
    for size in sizes:
        name = f"f{size}.bin"
        data = rng.bytes(size)
        records[name] = rec = run(tmp_path, name, data)
        assert_hashes_of(rec, data)
    for tool, field in (("md5sum", "md5"), ("sha1sum", "sha1"), ("sha256sum", "sha256")):
        exe = shutil.which(tool)
        assert exe is not None, f"coreutils {tool} is needed for this test"
        out = subprocess.run(
            [exe, "--", *records], cwd=tmp_path, capture_output=True, text=True, check=True
        ).stdout
        listed = dict(reversed(line.split(maxsplit=1)) for line in out.splitlines())
        assert listed.keys() == records.keys()
        for name, rec in records.items():
            assert listed[name] == getattr(rec, field), (tool, name)
