"""Where an output file may go: never into evidence, never over the case's own files.

Every file the program hands out (reports, hash lists, audit exports) passes
:func:`check_output_target` before anything is written.
"""

from __future__ import annotations

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


def check_output_target(out: Path, protected: Protected) -> Path:
    """Refuse ``out`` if it is a folder, lacks a folder, or touches a protected path.

    Returns the target with its folder resolved (the name kept as given).
    """
    out = Path(out)
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name")
    folder = out.parent if str(out.parent) else Path()
    if not folder.is_dir():
        raise ExportError(f"the folder {folder} does not exist")
    target = folder.resolve() / out.name
    for root, what in protected.folders:
        root = root.resolve()
        if target == root or root in target.parents:
            raise ExportError(
                f"{out} is inside {what}: nothing is ever written into evidence; "
                "choose another folder"
            )
    for names in protected.names:
        if target.parent != names.folder.resolve():
            continue
        if out.name in names.names or out.name.startswith(names.prefixes):
            raise ExportError(f"{out} would overwrite {names.why}; choose another name")
    return target
