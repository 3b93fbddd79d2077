"""The hash library as the front ends use it: list, import, remove, switch sets.

Each call opens the library (the per-user one, or ``library`` when given: a file,
or a lab library's PostgreSQL URL) for its own work and closes it again.
"""

from __future__ import annotations

from pathlib import Path

from triage_app.library.importer import ImportResult, import_hash_list, remove_hash_set
from triage_app.storage.library_store import HashSetInfo, LibraryStore

__all__ = ["HashSetInfo", "ImportResult", "import_list", "list_sets", "remove_set", "set_active"]


def list_sets(library: Path | str | None = None) -> list[HashSetInfo]:
    """Every complete set in the library."""
    with LibraryStore.open(library) as store:
        return store.sets()


def import_list(
    library: Path | str | None,
    path: Path,
    *,
    name: str | None = None,
    fmt: str = "auto",
    role: str | None = None,
    scheme: str | None = None,
) -> ImportResult:
    """Import a hash-list file into the library."""
    with LibraryStore.open(library) as store:
        return import_hash_list(store, path, name=name, fmt=fmt, role=role, scheme=scheme)


def remove_set(library: Path | str | None, name: str) -> HashSetInfo:
    """Remove a set and its index from the library."""
    with LibraryStore.open(library) as store:
        return remove_hash_set(store, name)


def set_active(library: Path | str | None, name: str, active: bool) -> HashSetInfo:
    """Switch a set on or off for matching."""
    with LibraryStore.open(library) as store:
        return store.set_active(name, active)
