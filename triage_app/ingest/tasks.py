"""An ingest's tunables and its workers: the pool, the function it runs, the first tasks.

Kept light (no imaging code), so the parent can hand work out without loading
the decoders; each worker loads them when it starts (see :data:`EXAMINE`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from triage_app.domain.errors import IngestError
from triage_app.ingest.examine_task import KEEP_LIMIT, TRAILER_SCAN_LIMIT, ExamineTask
from triage_app.ingest.pool import WorkerPool

__all__ = [
    "EXAMINE", "KEEP_LIMIT", "TRAILER_SCAN_LIMIT", "ExamineTask", "IngestOptions",
    "first_tasks", "source_root", "start_workers",
]  # fmt: skip


@dataclass(slots=True)
class IngestOptions:
    """Tunables of an ingest run."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    decode_timeout: float = 30.0
    batch_size: int = 200
    batch_seconds: float = 1.0
    keep_limit: int = KEEP_LIMIT
    memory_limit: int | None = 4 * 1024**3
    progress_interval: float = 0.2


#: The workers' task function (``examine``), named so the parent never loads the decoders.
EXAMINE = "triage_app.ingest.examine:examine"


def start_workers(options: IngestOptions) -> WorkerPool:
    """The ingest's worker pool, to use as a context manager.

    A caller may start it before signing in, so the workers load their decoders
    while the case is being opened; :func:`ingest` then uses it.
    """
    return WorkerPool(
        EXAMINE,
        max(1, options.workers),
        options.decode_timeout,
        memory_limit=options.memory_limit,
    )


def source_root(case_dir: Path, source: Path) -> bytes:
    """The real path of an exhibit's source (a folder, or a disk image's first segment or
    an archive), refused if it and the case folder lie one inside the other."""
    if not source.exists():
        raise IngestError(f"the source {source} does not exist")
    if not source.is_dir() and not source.is_file():
        raise IngestError(f"the source {source} is neither a folder nor a file")
    real_source = Path(os.path.realpath(source))
    real_case = Path(os.path.realpath(case_dir))
    if source.is_file():
        if real_case in real_source.parents:
            raise IngestError(f"the source {source} is inside the case folder {case_dir}")
        return os.fsencode(real_source)
    if real_case == real_source or real_source in real_case.parents:
        raise IngestError(
            f"the case folder {case_dir} is inside the source {source}: the case would write "
            "into the evidence. Put the case somewhere else."
        )
    if real_case in real_source.parents:
        raise IngestError(f"the source {source} is inside the case folder {case_dir}")
    return os.fsencode(real_source)


def first_tasks(case_dir: Path, source: Path, keep_limit: int, count: int) -> list[ExamineTask]:
    """The first ``count`` files the ingest's walk of ``source`` will meet, as tasks.

    For :meth:`WorkerPool.prefetch`: the workers can start on them while the
    case is being opened. Anything unusual (the source refused, unreadable)
    gives no tasks; the ingest itself then reports it.
    """
    from triage_app.evidence.folder import FILE, Walker

    try:
        root = source_root(case_dir, source)
        if not source.is_dir():  # images and archives are opened by the ingest itself
            return []
        found: list[ExamineTask] = []
        for entry in Walker(root):
            if entry.kind == FILE:
                found.append(ExamineTask(root, entry.rel, keep_limit))
                if len(found) >= count:
                    break
    except (OSError, IngestError):
        return []
    return found
