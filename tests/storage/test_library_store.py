"""The hash library store: opening a damaged file."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_a_corrupt_hash_library_is_a_clear_error(tmp_path: Path) -> None:
    from triage_app.storage.library_store import LibraryError, LibraryStore

    bad = tmp_path / "library.db"
    bad.write_bytes(b"garbage" * 1000)
    with pytest.raises(LibraryError, match="cannot open the hash library"):
        LibraryStore.open(bad)
