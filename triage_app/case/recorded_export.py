"""The one way a file leaves the case: checked target, audit entry, then the file.

Every export (reports, hash lists, the audit trail, the supervisor's review):

1. checks the target (:mod:`triage_app.files.output_target`): never into an
   exhibit's source, never over the case's own files;
2. writes the whole content to a temporary file beside the target, flushed
   and fsynced;
3. appends an ``export`` entry (what, format, file, SHA-256, size and the
   caller's details) to the audit trail;
4. renames the temporary file onto the target, and reads it back to check
   its SHA-256.

If anything fails before the rename (the disk fills, the audit entry cannot
be written) the temporary file is removed and the target is left as it was;
an entry already written is followed by a "withdrawn" note. A file that exists
was therefore always recorded first.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage_app import audit
from triage_app.audit import AuditNote
from triage_app.case.session import CaseSession
from triage_app.domain.errors import ExportError
from triage_app.files.atomic import atomic_writer
from triage_app.files.digest import file_sha256
from triage_app.files.output_target import check_output_target

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


@dataclass(frozen=True, slots=True)
class RecordedFile:
    """A file written and recorded in the audit trail."""

    path: Path
    sha256: str
    size: int
    #: Sequence number of the ``export`` entry that records the file.
    audit_entry: int


def check_target(session: CaseSession, out: Path) -> Path:
    """Refuse an output path inside evidence or over the case's files (nothing written)."""
    return check_output_target(out, session.protected_outputs())


def write_recorded(
    session: CaseSession, out: Path, blob: bytes, payload: dict[str, Any]
) -> RecordedFile:
    """Write ``blob`` to ``out`` and record it (``payload`` gets file, sha256 and bytes)."""
    out = Path(out)
    check_target(session, out)
    digest = hashlib.sha256(blob).hexdigest()
    note = AuditNote(
        audit.EXPORT,
        f"file {out.name}",
        {**payload, "file": str(out.resolve()), "sha256": digest, "bytes": len(blob)},
    )
    recorded: int | None = None
    try:
        with atomic_writer(out) as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
            try:
                recorded, _ = session.record([note])
            except Exception as exc:
                raise ExportError(
                    f"the export could not be recorded in the audit trail ({exc}); "
                    f"{out} was not written"
                ) from exc
    except OSError as exc:
        if recorded is not None:
            _withdraw(session, out, digest, exc)
        raise _write_error(out, exc) from exc
    assert recorded is not None
    on_disk = file_sha256(out)
    if on_disk != digest:
        raise ExportError(
            f"{out} on disk has SHA-256 {on_disk}, not the {digest} that was written: do not use it"
        )
    return RecordedFile(out, digest, len(blob), recorded)


def _write_error(out: Path, exc: OSError) -> ExportError:
    reason = exc.strerror or str(exc)
    if exc.errno in _DISK_FULL:
        return ExportError(
            f"the disk is full: {out} could not be written ({reason}). Nothing was written "
            "and no partial file was left; free some space or choose another folder"
        )
    return ExportError(f"cannot write {out}: {reason}; nothing was written")


def _withdraw(session: CaseSession, out: Path, digest: str, exc: OSError) -> None:
    """Record that a file logged as exported never reached its name."""
    # The original error is what the user must see; this note is best effort.
    with contextlib.suppress(Exception):
        session.record(
            [
                AuditNote(
                    audit.EXPORT,
                    f"file {out.name}",
                    {"withdrawn": True, "sha256": digest, "reason": exc.strerror or str(exc)},
                )
            ]
        )
