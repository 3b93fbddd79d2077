"""Ingest an exhibit folder into a case: walk, hash and decode in parallel, record.

The parent process walks the tree, hands files to worker processes and is the
only writer to the database, committing results in batches. Whatever was
committed stays committed: a killed ingest resumes from there, and running the
same ingest again on an unchanged folder adds nothing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from triage_app.domain.errors import IngestError
from triage_app.domain.records import STATUS_FAILED, STATUS_SKIPPED, FileRecord, Totals
from triage_app.evidence.folder import FILE, Walker
from triage_app.ingest.examine import KEEP_LIMIT, ExamineTask, examine
from triage_app.ingest.pool import CRASHED, TIMEOUT, Outcome, WorkerPool
from triage_app.ingest.progress import Progress, RateMeter
from triage_app.media import image_decode
from triage_app.storage.case_store import CaseStore

ProgressFn = Callable[[Progress], None]


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


@dataclass(frozen=True, slots=True)
class IngestResult:
    """How an ingest ended and the exhibit's totals afterwards."""

    exhibit: str
    run_id: int
    state: str
    added: int
    resumed_from: int
    totals: Totals
    atime_preserved: bool | None
    elapsed: float


def tool_versions() -> dict[str, str]:
    """Versions of the libraries whose output the case records."""
    return {"pillow": version("pillow"), "imagehash": version("imagehash")}


def _record_for_failure(outcome: Outcome) -> FileRecord:
    task: ExamineTask = outcome.task
    what = {
        TIMEOUT: f"decoder timed out ({outcome.detail})",
        CRASHED: f"decoder crashed ({outcome.detail})",
    }.get(outcome.failure or "", f"internal error: {outcome.detail}")
    partial: FileRecord | None = outcome.partial
    if partial is not None:
        partial.decode_status = image_decode.FAILED
        partial.reason = f"not decodable: {what}"
        return partial
    return FileRecord(
        path=task.rel, entry_kind=FILE, status=STATUS_FAILED, reason=f"could not read: {what}"
    )


def _check_paths(case_dir: Path, source: Path) -> bytes:
    if not source.exists():
        raise IngestError(f"source folder {source} does not exist")
    if not source.is_dir():
        raise IngestError(f"source {source} is not a folder")
    real_source = Path(os.path.realpath(source))
    real_case = Path(os.path.realpath(case_dir))
    if real_case == real_source or real_source in real_case.parents:
        raise IngestError(
            f"the case folder {case_dir} is inside the source {source}: the case would write "
            "into the evidence. Put the case somewhere else."
        )
    if real_case in real_source.parents:
        raise IngestError(f"the source {source} is inside the case folder {case_dir}")
    return os.fsencode(real_source)


def ingest(
    store: CaseStore,
    source: Path,
    exhibit: str,
    options: IngestOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    *,
    actor: str,
) -> IngestResult:
    """Ingest ``source`` as exhibit ``exhibit``; resume if it was partly ingested.

    ``actor`` is the signed-in account's audit label; the start and end of the
    run (with its totals) go to the audit log.
    """
    options = options or IngestOptions()
    if not exhibit.strip():
        raise IngestError("an exhibit reference is required")
    root = _check_paths(store.case_dir, Path(source))
    started = time.monotonic()
    with store.ingest_lock():
        exhibit_id = store.exhibit_for_ingest(exhibit.strip(), root)
        run_id = store.start_run(
            exhibit_id,
            workers=options.workers,
            versions=tool_versions(),
            actor=actor,
            source=os.fsdecode(root),
        )
        run = _Run(store, exhibit_id, run_id, options, progress)
        state = "interrupted"
        try:
            finished = run.execute(root, cancel)
            state = "finished" if finished else "cancelled"
        finally:
            run.flush()
            store.finish_run(run_id, state=state, atime_preserved=run.atime_preserved, actor=actor)
        return IngestResult(
            exhibit=exhibit.strip(),
            run_id=run_id,
            state=state,
            added=run.added,
            resumed_from=run.already,
            totals=store.exhibit_totals(exhibit_id),
            atime_preserved=run.atime_preserved,
            elapsed=time.monotonic() - started,
        )


class _Run:
    """State of one ingest run: the write batch and the progress counters."""

    def __init__(
        self,
        store: CaseStore,
        exhibit_id: int,
        run_id: int,
        options: IngestOptions,
        progress: ProgressFn | None,
    ) -> None:
        self.store = store
        self.exhibit_id = exhibit_id
        self.run_id = run_id
        self.options = options
        self.progress = progress
        self.batch: list[FileRecord] = []
        self.last_flush = time.monotonic()
        self.last_report = 0.0
        self.added = 0
        self.already = 0
        self.atime_preserved: bool | None = None
        self.files_done = 0
        self.bytes_done = 0
        self.meter = RateMeter(0, 0)

    def flush(self) -> None:
        """Commit the pending batch."""
        if self.batch:
            self.added += self.store.add_records(self.exhibit_id, self.run_id, self.batch)
            self.batch = []
        self.last_flush = time.monotonic()

    def _add(self, record: FileRecord) -> None:
        self.batch.append(record)
        due = time.monotonic() - self.last_flush >= self.options.batch_seconds
        if len(self.batch) >= self.options.batch_size or due:
            self.flush()

    def _note_atime(self, kept: bool | None) -> None:
        if kept is None:
            return
        self.atime_preserved = (
            kept if self.atime_preserved is None else self.atime_preserved and kept
        )

    def _report(self, phase: str, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self.last_report >= self.options.progress_interval:
            self.last_report = now
            self.progress(
                self.meter.snapshot(phase, self.files_done, self.bytes_done, self.already)
            )

    def execute(self, root: bytes, cancel: threading.Event | None) -> bool:
        """Walk and process; return True if everything was processed.

        The worker processes start first, so their start-up overlaps the walk.
        """
        pool = WorkerPool(
            examine,
            max(1, self.options.workers),
            self.options.decode_timeout,
            memory_limit=self.options.memory_limit,
        )
        with pool:
            tasks, sizes = self._walk(root, cancel)
            if tasks is None:
                return False
            self.meter = RateMeter(len(tasks), sum(sizes.values()))
            self._report("hashing", force=True)
            for outcome in pool.run(tasks, cancel):
                record = outcome.result if outcome.failure is None else _record_for_failure(outcome)
                self._note_atime(record.atime_preserved)
                self._add(record)
                self.files_done += 1
                self.bytes_done += sizes.get(record.path, 0)
                self._report("hashing")
        finished = self.files_done == len(tasks)
        self._report("finished" if finished else "cancelled", force=True)
        return finished

    def _walk(
        self, root: bytes, cancel: threading.Event | None
    ) -> tuple[list[ExamineTask] | None, dict[bytes, int]]:
        """Record links, special files and folder errors; return the files to examine."""
        done = self.store.recorded_paths(self.exhibit_id)
        self.already = len(done)
        walker = Walker(root)
        tasks: list[ExamineTask] = []
        sizes: dict[bytes, int] = {}
        if self.progress is not None:
            self.progress(RateMeter(0, 0).snapshot("walking", 0, 0, self.already))
        entries = iter(walker)
        while True:
            try:
                entry = next(entries)
            except StopIteration:
                break
            except OSError as exc:  # only the root itself raises; deeper errors are entries
                raise IngestError(
                    f"cannot read the source folder {os.fsdecode(root)}: {exc.strerror or exc}"
                ) from None
            if cancel is not None and cancel.is_set():
                return None, sizes
            if entry.rel in done:
                continue
            if entry.kind == FILE:
                tasks.append(ExamineTask(root, entry.rel, self.options.keep_limit))
                sizes[entry.rel] = entry.size or 0
            elif entry.error is not None:
                self._add(FileRecord(entry.rel, entry.kind, STATUS_FAILED, reason=entry.error))
            else:
                self._add(
                    FileRecord(
                        entry.rel,
                        entry.kind,
                        STATUS_SKIPPED,
                        reason=entry.skip_rule,
                        size=entry.size,
                    )
                )
        self._note_atime(walker.atime_preserved)
        return tasks, sizes
