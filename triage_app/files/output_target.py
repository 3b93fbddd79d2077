"""Where an output file may go: never into evidence, never over the case's own files.

Every file the program hands out (reports, hash lists, audit exports) passes
:func:`check_output_target` before anything is written.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from triage_app.domain.errors import ExportError


@dataclass(frozen=True, slots=True)
class ProtectedNames:
    """Names in one folder an output must not take: exact names and name prefixes."""

    folder: Path
    names: tuple[str, ...]
    prefixes: tuple[str, ...]
    why: str


@dataclass(frozen=True, slots=True)
class Protected:
    """What an output must stay out of, each with the words used when it is refused."""

    #: Folders (evidence sources) nothing is written into, with what they are.
    folders: tuple[tuple[Path, str], ...] = ()
    #: Names (the case's own files) nothing is written over.
    names: tuple[ProtectedNames, ...] = ()


#: The first bytes of every SQLite database file (a case, a hash library, anything else).
SQLITE_HEADER = b"SQLite format 3\x00"
CASE_MARKER = "case.json"


def _refuse_existing(out: Path, target: Path) -> None:
    """Refuse replacing anything but an ordinary file that is not a database."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise ExportError(
            f"{out} is a symbolic link: outputs never follow links; give another name"
        )
    if stat.S_ISDIR(info.st_mode):
        raise ExportError(f"{out} is a folder; give a file name")
    if not stat.S_ISREG(info.st_mode):
        raise ExportError(
            f"{out} is not a regular file (a pipe, socket or device): nothing is written to it"
        )
    try:
        with open(target, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ExportError(
            f"cannot check {out}: {exc.strerror or exc}; nothing was written"
        ) from None
    if head == SQLITE_HEADER:
        raise ExportError(
            f"{out} is a database (a case or a hash library?): it is never overwritten; "
            "choose another name"
        )


def check_output_target(out: Path, protected: Protected) -> Path:
    """Refuse ``out`` unless it is a new name, or an ordinary file, in a writable folder
    outside everything protected; nothing is written while checking.

    Returns the target with its folder resolved (the name kept as given).
    """
    out = Path(out)
    if not out.name or out.name in (".", ".."):
        raise ExportError(f"{out} names no file; give a file name")
    folder = out.parent if str(out.parent) else Path()
    if not folder.is_dir():
        raise ExportError(f"the folder {folder} does not exist")
    target = folder.resolve() / out.name
    for root, what in protected.folders:  # first: never even read evidence
        root = root.resolve()
        if target == root or root in target.parents:
            raise ExportError(
                f"{out} is inside {what}: nothing is ever written into evidence; "
                "choose another folder"
            )
    for names in protected.names:
        if target.parent == names.folder.resolve() and (
            out.name in names.names or out.name.startswith(names.prefixes)
        ):
            raise ExportError(f"{out} would overwrite {names.why}; choose another name")
    in_a_case = (target.parent / CASE_MARKER).exists()
    if out.name == CASE_MARKER or (in_a_case and out.name.startswith("case.db")):
        raise ExportError(f"{out} would overwrite a case's own files; choose another name")
    _refuse_existing(out, target)
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write into the folder {folder}; nothing was written")
    return target
