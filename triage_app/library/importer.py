"""Import a hash list into the library: parse (streaming), store, index."""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage_app.hashsets import HashEntry, HashListError, ParseReport, check_usable, parse
from triage_app.library.set_index import SetIndex, index_folder, u64_to_signed
from triage_app.schemes import load_scheme
from triage_app.storage.library_store import HashSetInfo, LibraryError, LibraryStore

ROLES = ("known", "ignorable")
BATCH = 50_000
#: Distinct category codes remembered while importing (to infer the list's scheme).
_CATEGORY_SAMPLE = 64


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The stored set and the parser's report."""

    info: HashSetInfo
    report: ParseReport
    seconds: float


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _row(entry: HashEntry) -> tuple[Any, ...]:
    return (
        bytes.fromhex(entry.md5) if entry.md5 else None,
        bytes.fromhex(entry.sha1) if entry.sha1 else None,
        bytes.fromhex(entry.sha256) if entry.sha256 else None,
        u64_to_signed(int(entry.phash, 16)) if entry.phash else None,
        u64_to_signed(int(entry.dhash, 16)) if entry.dhash else None,
        entry.category,
        entry.name,
        entry.note,
        entry.photodna,
        json.dumps(entry.extra, sort_keys=True) if entry.extra else None,
        entry.line,
    )


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
            pending = [first] if first is not None else []
            for entry in itertools.chain(pending, entries):
                batch.append(_row(entry))
                if entry.category is not None and len(categories) < _CATEGORY_SAMPLE:
                    categories.add(entry.category)
                if len(batch) >= BATCH:
                    library.add_entries(set_id, batch)
                    batch = []
                    if progress is not None:
                        progress(report.loaded)
            library.add_entries(set_id, batch)
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
            SetIndex.build(library, set_id).save(index_folder(library, info))
        except BaseException:
            library.abort_import(set_id)
            raise
    return ImportResult(info=info, report=report, seconds=time.monotonic() - started)


def remove_hash_set(library: LibraryStore, name: str) -> HashSetInfo:
    """Remove a set, its entries and its index."""
    import shutil

    info = library.remove_set(name)
    folder = index_folder(library, info)
    if folder.exists():
        shutil.rmtree(folder)
    return info
