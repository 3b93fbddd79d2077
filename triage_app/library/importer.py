"""Import a hash list into the library: parse (streaming), store, index."""

from __future__ import annotations

import itertools
import json
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from triage_app.config.schemes import load_scheme
from triage_app.domain.options import HASH_SET_ROLES
from triage_app.files.digest import file_sha256
from triage_app.hashsets import HashListError, ParseReport, check_usable, parse, pdq_fields
from triage_app.hashsets.frame_hashes import FRAME_HASHES, parse_frames
from triage_app.library.set_index import (
    EXACT_KINDS,
    NEAR_KINDS,
    SetIndex,
    index_folder,
    pdq_arrays,
)
from triage_app.matching.hex64 import parse_hex64, to_signed64
from triage_app.storage.library_store import HashSetInfo, LibraryError, LibraryStore
from triage_app.storage.library_video import add_entry_frames

ROLES = HASH_SET_ROLES
BATCH = 50_000
#: Distinct category codes remembered while importing (to infer the list's scheme).
_CATEGORY_SAMPLE = 64


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The stored set and the parser's report."""

    info: HashSetInfo
    report: ParseReport
    seconds: float


class _KeyCollector:
    """Index keys gathered while a list streams in: 8 bytes per hash and per id."""

    def __init__(self) -> None:
        self.exact = {k: (array("Q"), array("q")) for k in EXACT_KINDS}
        self.near = {k: (array("Q"), array("q")) for k in NEAR_KINDS}
        #: PDQ hashes, 32 bytes each (most significant first), and their entry ids.
        self.pdq = (bytearray(), array("q"))

    def arrays(self) -> tuple[dict[str, tuple[Any, Any]], dict[str, tuple[Any, Any]]]:
        """Hand the keys over as numpy arrays (moved: the collector keeps no reference)."""

        def pack(pairs: dict[str, tuple[array[int], array[int]]]) -> dict[str, tuple[Any, Any]]:
            out = {}
            for kind in list(pairs):
                values, ids = pairs.pop(kind)
                out[kind] = (
                    np.frombuffer(values, dtype=np.uint64),
                    np.frombuffer(ids, dtype=np.int64),
                )
            return out

        return pack(self.exact), pack(self.near)


def infer_scheme(fmt: str, profile: str | None, categories: set[str]) -> str | None:
    """Which scheme a list's category codes are written in, when it can be told."""
    if fmt == "vics":
        return {"UK": "uk", "US": "projectvic"}.get(profile or "")
    if not categories:
        return None
    for scheme_id in ("uk", "projectvic"):
        scheme = load_scheme(scheme_id)
        if all(scheme.normalise(code) is not None for code in categories):
            return scheme_id
    return None


def import_hash_list(
    library: LibraryStore,
    path: Path,
    *,
    name: str | None = None,
    fmt: str = "auto",
    role: str | None = None,
    scheme: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the list at ``path`` as a new set; refuse a list with no valid entry."""
    started = time.monotonic()
    path = Path(path)
    if not path.is_file():
        raise HashListError(f"{path} is not a readable file")
    if role is not None and role not in ROLES:
        raise LibraryError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    set_name = (name or path.stem).strip()
    if not set_name:
        raise LibraryError("a hash set needs a name (--name)")
    source_sha256 = file_sha256(path)
    report = ParseReport()
    with library.import_lock():
        entries = parse(path, fmt, report)
        first = next(entries, None)  # detects the format before the set is created
        detected = report.format
        chosen_role = role or ("ignorable" if detected == "nsrl" else "known")
        set_id = library.begin_import(
            name=set_name,
            role=chosen_role,
            fmt=detected,
            source_name=path.name,
            source_sha256=source_sha256,
            profile=report.profile,
            scheme=scheme,
        )
        try:
            categories: set[str] = set()
            batch: list[tuple[Any, ...]] = []
            frames: list[tuple[int, str]] = []
            pending = [first] if first is not None else []
            keys = _KeyCollector()
            md5_k, md5_i = keys.exact["md5"]
            sha1_k, sha1_i = keys.exact["sha1"]
            sha256_k, sha256_i = keys.exact["sha256"]
            ph_k, ph_i = keys.near["phash"]
            cph_k, cph_i = keys.near["cphash"]
            pdq_k, pdq_i = keys.pdq
            entry_id = library.next_entry_id()
            fromhex, dumps = bytes.fromhex, json.dumps
            for entry in itertools.chain(pending, entries):
                md5, sha1, sha256, phash = entry.md5, entry.sha1, entry.sha256, entry.phash
                if md5:
                    md5_k.append(int(md5[:16], 16))
                    md5_i.append(entry_id)
                if sha1:
                    sha1_k.append(int(sha1[:16], 16))
                    sha1_i.append(entry_id)
                if sha256:
                    sha256_k.append(int(sha256[:16], 16))
                    sha256_i.append(entry_id)
                phash_int = int(phash, 16) if phash else None
                if phash_int is not None:
                    ph_k.append(phash_int)
                    ph_i.append(entry_id)
                extra = entry.extra
                if extra:
                    centre = parse_hex64(extra.get("cphash"), exact_digits=True)
                    if centre is not None:
                        cph_k.append(centre)
                        cph_i.append(entry_id)
                    if FRAME_HASHES in extra:
                        frames.append((entry_id, extra[FRAME_HASHES]))
                pdq_hex = extra.pop(pdq_fields.PDQ, None) if extra else None
                pdq_quality = pdq_fields.quality_of(extra) if extra else None
                if extra:
                    extra.pop(pdq_fields.PDQ_QUALITY, None)
                pdq_bytes = fromhex(pdq_hex) if pdq_hex else None
                if pdq_bytes is not None:
                    pdq_k += pdq_bytes
                    pdq_i.append(entry_id)
                batch.append(
                    (
                        entry_id,
                        fromhex(md5) if md5 else None,
                        fromhex(sha1) if sha1 else None,
                        fromhex(sha256) if sha256 else None,
                        to_signed64(phash_int) if phash_int is not None else None,
                        to_signed64(int(entry.dhash, 16)) if entry.dhash else None,
                        entry.category,
                        entry.name,
                        entry.note,
                        entry.photodna,
                        dumps(extra, sort_keys=True) if extra else None,
                        entry.line,
                        pdq_bytes,
                        pdq_quality,
                    )
                )
                entry_id += 1
                if entry.category is not None and len(categories) < _CATEGORY_SAMPLE:
                    categories.add(entry.category)
                if len(batch) >= BATCH:
                    library.add_entries(set_id, batch)
                    frames = _add_frames(library, set_id, frames, report)
                    batch = []
                    if progress is not None:
                        progress(report.loaded)
            library.add_entries(set_id, batch)
            _add_frames(library, set_id, frames, report)
            check_usable(report)
            info = library.finish_import(
                set_id,
                loaded=report.loaded,
                rejected=report.rejected_count,
                excluded=report.excluded_count,
                fingerprint=report.fingerprint or "",
                warnings=list(report.warnings),
                profile=report.profile,
                scheme=scheme or infer_scheme(detected, report.profile, categories),
            )
            del md5_k, md5_i, sha1_k, sha1_i, sha256_k, sha256_i, ph_k, ph_i, cph_k, cph_i
            exact, near = keys.arrays()
            pdq = pdq_arrays(bytes(pdq_k), np.frombuffer(pdq_i, dtype=np.int64))
            del pdq_k, pdq_i, keys
            SetIndex.from_arrays(exact, near, pdq).save(index_folder(library, info))
        except BaseException:
            library.abort_import(set_id)
            raise
    return ImportResult(info=info, report=report, seconds=time.monotonic() - started)


def _add_frames(
    library: LibraryStore, set_id: int, frames: list[tuple[int, str]], report: ParseReport
) -> list[tuple[int, str]]:
    """Store the frame hashes of the video entries just added; an empty list to go on with."""
    parsed = []
    for entry_id, text in frames:
        try:
            parsed.append((entry_id, parse_frames(text)))
        except ValueError as exc:
            report.add_warning(f"entry {entry_id}: frame hashes ignored ({exc})")
    add_entry_frames(library, set_id, parsed)
    return []


def remove_hash_set(library: LibraryStore, name: str) -> HashSetInfo:
    """Remove a set, its entries and its index."""
    import shutil

    info = library.remove_set(name)
    folder = index_folder(library, info)
    if folder.exists():
        shutil.rmtree(folder)
    return info
