"""Persisted lookup indexes for one hash set.

Exact hashes (MD5, SHA-1, SHA-256) are indexed by their first 8 bytes as a
sorted ``uint64`` array with the entry ids beside it: a binary search finds
the candidates, and the full hash is checked against the entry afterwards.
64-bit perceptual hashes go into a :class:`HammingIndex`, 256-bit PDQ hashes
into a :class:`PdqIndex`. All are built once
when a list is imported and memory-mapped when a case is matched.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from triage_app.domain import safe_json
from triage_app.files.atomic import atomic_write_bytes
from triage_app.matching.bits import I64, U64
from triage_app.matching.hamming256 import PdqIndex
from triage_app.matching.hamming_index import HammingIndex
from triage_app.matching.hex64 import parse_hex64
from triage_app.matching.hexcodec import signed_to_u64
from triage_app.matching.matches import Matches
from triage_app.matching.ranges import equal_ranges
from triage_app.storage.library_store import HashSetInfo, LibraryStore

FORMAT_VERSION = 3
EXACT_KINDS = ("md5", "sha1", "sha256")
#: Largest near-match threshold the persisted indexes are laid out for.
MAX_NEAR_DISTANCE = 16
#: 64-bit perceptual columns with a Hamming index: the interoperable pHash,
#: and the centre-region pHash that lists made by this product carry.
NEAR_KINDS = ("phash", "cphash")
#: Largest PDQ distance the persisted PDQ index is laid out for (Meta's operating point).
PDQ_MAX_DISTANCE = 31


def prefix_u64(digests: list[bytes]) -> U64:
    """First 8 bytes of each digest as big-endian unsigned 64-bit integers."""
    if not digests:
        return np.zeros(0, dtype=np.uint64)
    joined = b"".join(d[:8] for d in digests)
    return np.frombuffer(joined, dtype=">u8").astype(np.uint64)


def pdq_arrays(raw: bytes, ids: I64) -> tuple[NDArray[np.uint64], I64] | None:
    """PDQ hashes given as 32 bytes each (most significant first) as ``(n, 4)`` words."""
    if not raw:
        return None
    words = np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, 4)
    return words, np.asarray(ids, dtype=np.int64)


def index_folder(library: LibraryStore, info: HashSetInfo) -> Path:
    """Where a set's index lives (named by id and fingerprint, so a stale one is never used)."""
    return library.index_dir / f"set-{info.id}-{(info.fingerprint or 'none')[:16]}"


@dataclass(slots=True)
class SetIndex:
    """The lookup structures of one set."""

    exact: dict[str, tuple[U64, I64]] = field(default_factory=dict)
    near: dict[str, HammingIndex] = field(default_factory=dict)
    pdq: PdqIndex | None = None

    @classmethod
    def build(cls, library: LibraryStore, set_id: int) -> SetIndex:
        """Read a set's entries (streaming) and build its indexes."""
        prefixes: dict[str, list[U64]] = {k: [] for k in EXACT_KINDS}
        exact_ids: dict[str, list[I64]] = {k: [] for k in EXACT_KINDS}
        near_values: dict[str, list[U64]] = {k: [] for k in NEAR_KINDS}
        near_ids: dict[str, list[I64]] = {k: [] for k in NEAR_KINDS}
        columns = (*EXACT_KINDS, "phash", "extra", "pdq")
        pdq_raw = bytearray()
        pdq_ids: list[int] = []
        for rows in library.iter_columns(set_id, columns):
            for r in rows:
                if r[6] is not None:
                    pdq_raw += bytes(r[6])
                    pdq_ids.append(int(r[0]))
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            for pos, kind in enumerate(EXACT_KINDS, start=1):
                present = [i for i, r in enumerate(rows) if r[pos] is not None]
                if present:
                    prefixes[kind].append(prefix_u64([rows[i][pos] for i in present]))
                    exact_ids[kind].append(ids[present])
            with_phash = [i for i, r in enumerate(rows) if r[4] is not None]
            if with_phash:
                near_values["phash"].append(signed_to_u64([rows[i][4] for i in with_phash]))
                near_ids["phash"].append(ids[with_phash])
            for i, r in enumerate(rows):
                if r[5] is None:
                    continue
                extra = json.loads(r[5])
                for kind in NEAR_KINDS[1:]:
                    value = parse_hex64(extra.get(kind), exact_digits=True)
                    if value is not None:
                        near_values[kind].append(np.array([value], dtype=np.uint64))
                        near_ids[kind].append(ids[i : i + 1])
        return cls.from_arrays(
            {k: (np.concatenate(prefixes[k]), np.concatenate(exact_ids[k]))
             for k in EXACT_KINDS if prefixes[k]},
            {k: (np.concatenate(near_values[k]), np.concatenate(near_ids[k]))
             for k in NEAR_KINDS if near_values[k]},
            pdq_arrays(bytes(pdq_raw), np.asarray(pdq_ids, dtype=np.int64)),
        )  # fmt: skip

    @classmethod
    def from_arrays(
        cls,
        exact: dict[str, tuple[U64, I64]],
        near: dict[str, tuple[U64, I64]],
        pdq: tuple[NDArray[np.uint64], I64] | None = None,
    ) -> SetIndex:
        """Build from (8-byte prefix or 64-bit hash, entry id) arrays per kind.

        The dicts are emptied as each kind is indexed, so the caller's arrays
        can be freed one by one and peak memory stays near one kind's worth.
        """
        index = cls()
        for kind in list(exact):
            keys, owners = exact.pop(kind)
            if keys.size:
                order = np.argsort(keys, kind="stable")
                index.exact[kind] = (keys[order], owners[order])
            del keys, owners
        for kind in list(near):
            values, owners = near.pop(kind)
            if values.size:
                index.near[kind] = HammingIndex.build(values, owners, MAX_NEAR_DISTANCE)
            del values, owners
        if pdq is not None:
            index.pdq = PdqIndex.build(pdq[0], pdq[1], PDQ_MAX_DISTANCE)
        return index

    def save(self, folder: Path) -> None:
        """Write the index to ``folder`` (replaced as a whole)."""
        tmp = folder.with_name(folder.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        manifest: dict[str, Any] = {"version": FORMAT_VERSION, "exact": {}, "near": []}
        for kind, (keys, owners) in self.exact.items():
            np.save(tmp / f"{kind}_keys.npy", keys)
            np.save(tmp / f"{kind}_ids.npy", owners)
            manifest["exact"][kind] = int(keys.size)
        for kind, hindex in self.near.items():
            hindex.save(tmp / f"{kind}_hamming")
            manifest["near"].append(kind)
        if self.pdq is not None:
            self.pdq.save(tmp / "pdq_index")
            manifest["pdq"] = len(self.pdq)
        atomic_write_bytes(tmp / "manifest.json", json.dumps(manifest).encode())
        if folder.exists():
            shutil.rmtree(folder)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path) -> SetIndex:
        """Memory-map an index written by :meth:`save`."""
        manifest = safe_json.loads((folder / "manifest.json").read_text())
        if manifest.get("version") != FORMAT_VERSION:
            raise ValueError(f"{folder}: index format {manifest.get('version')} is not supported")
        index = cls()
        for kind in manifest["exact"]:
            keys = np.load(folder / f"{kind}_keys.npy", mmap_mode="r")
            owners = np.load(folder / f"{kind}_ids.npy", mmap_mode="r")
            index.exact[kind] = (keys, owners)
        for kind in manifest["near"]:
            index.near[kind] = HammingIndex.load(folder / f"{kind}_hamming")
        if manifest.get("pdq"):
            index.pdq = PdqIndex.load(folder / "pdq_index")
        return index

    @classmethod
    def for_set(cls, library: LibraryStore, info: HashSetInfo) -> SetIndex:
        """Load a set's index, rebuilding it if it is missing or unreadable."""
        folder = index_folder(library, info)
        try:
            return cls.load(folder)
        except (OSError, ValueError, KeyError):
            index = cls.build(library, info.id)
            index.save(folder)
            return index

    def exact_candidates(self, kind: str, digests: list[bytes]) -> tuple[I64, I64]:
        """Pairs (query position, entry id) whose first 8 bytes agree; verify afterwards."""
        if kind not in self.exact or not digests:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        keys, owners = self.exact[kind]
        qpos, pos = equal_ranges(keys, prefix_u64(digests))
        return qpos, np.asarray(owners[pos], dtype=np.int64)

    def near_candidates(self, kind: str, queries: U64, t: int) -> Matches | None:
        """All entries within ``t`` bits of each query, or None if the set has no such hashes."""
        hindex = self.near.get(kind)
        if hindex is None or queries.size == 0:
            return None
        return hindex.search_many(queries, t)

    def pdq_candidates(self, queries: NDArray[np.uint64], t: int) -> Matches | None:
        """All PDQ entries within ``t`` bits of ``(n, 4)`` queries (None: the set has no PDQ)."""
        if self.pdq is None or queries.shape[0] == 0:
            return None
        return self.pdq.search_many(queries, t)
