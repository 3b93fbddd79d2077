"""Making a case folder: private permissions, a checked database URL, nothing left on failure.

A case holds unblurred thumbnails and password hashes, so its folder is made
``0700`` and its SQLite database ``0600`` before SQLite first opens it (SQLite
gives the ``-wal`` and ``-shm`` files the database's own permissions). A
creation that fails removes what it made, so a failed ``case create`` leaves
no half-made case behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from triage_app.domain.errors import CaseError

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def check_database_url(url: str) -> str:
    """A lab database URL, checked and normalised; a one-line CaseError if not usable."""
    from triage_app.storage.lab_url import lab_url

    return lab_url(url)


@contextlib.contextmanager
def new_case_folder(case_dir: Path) -> Iterator[Path]:
    """Make ``case_dir`` (it may exist if empty) private; remove what was made on failure."""
    if case_dir.exists() and (not case_dir.is_dir() or any(case_dir.iterdir())):
        raise CaseError(f"{case_dir} already exists and is not an empty folder")
    existed = case_dir.exists()
    try:
        case_dir.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        case_dir.chmod(FOLDER_MODE)
    except OSError as exc:
        raise CaseError(f"cannot make the case folder {case_dir}: {exc.strerror or exc}") from None
    try:
        yield case_dir
    except BaseException:
        if existed:
            for child in case_dir.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        else:
            shutil.rmtree(case_dir, ignore_errors=True)
        raise


def private_file(path: Path) -> None:
    """Create ``path`` empty with owner-only permissions (or tighten an existing one)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    os.close(fd)
    path.chmod(FILE_MODE)


def tighten(case_dir: Path, names: tuple[str, ...]) -> None:
    """Best effort: an older case's folder and database files made private on open."""
    with contextlib.suppress(OSError):
        if case_dir.stat().st_mode & 0o077:
            case_dir.chmod(FOLDER_MODE)
    for name in names:
        for suffix in ("", "-wal", "-shm"):
            path = case_dir / f"{name}{suffix}"
            with contextlib.suppress(OSError):
                if path.stat().st_mode & 0o077:
                    path.chmod(FILE_MODE)
