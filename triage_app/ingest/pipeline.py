"""Ingest an exhibit folder into a case: walk, hash and decode in parallel, record.

The parent process walks the tree, hands files to worker processes and is the
only writer to the database, committing results in batches. Whatever was
committed stays committed: a killed ingest resumes from there, and running the
same ingest again on an unchanged folder adds nothing.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.domain.errors import IngestError
from triage_app.domain.records import (
    DECODE_FAILED,
    STATUS_FAILED,
    STATUS_SKIPPED,
    FileRecord,
    Totals,
)
from triage_app.evidence.folder import FILE, WalkEntry
from triage_app.evidence.sources import TAR, ZIP, Source, SourceFacts, open_source
from triage_app.ingest.examine_task import ExamineTask
from triage_app.ingest.pool import CRASHED, TIMEOUT, Outcome, WorkerPool
from triage_app.ingest.progress import Progress, RateMeter
from triage_app.ingest.tasks import IngestOptions, source_root, start_workers
from triage_app.media.versions import tool_versions
from triage_app.storage.case_store import CaseStore
from triage_app.storage.ingest_store import RunStart

__all__ = ["IngestOptions", "IngestResult", "ingest", "ingest_exhibit", "start_workers"]

ProgressFn = Callable[[Progress], None]
ARCHIVES = (TAR, ZIP)


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


def _record_for_failure(outcome: Outcome) -> FileRecord:
    task: ExamineTask = outcome.task
    what = {
        TIMEOUT: f"decoder timed out ({outcome.detail})",
        CRASHED: f"decoder crashed ({outcome.detail})",
    }.get(outcome.failure or "", f"internal error: {outcome.detail}")
    partial: FileRecord | None = outcome.partial
    if partial is not None:
        partial.decode_status = DECODE_FAILED
        partial.reason = f"not decodable: {what}"
        return partial
    return FileRecord(
        path=task.rel, entry_kind=FILE, status=STATUS_FAILED, reason=f"could not read: {what}",
        deleted=task.deleted, container=task.container, fs_address=task.address,
    )  # fmt: skip


def ingest_exhibit(
    session: CaseSession,
    source: Path,
    exhibit: str,
    options: IngestOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    *,
    pool: WorkerPool | None = None,
) -> IngestResult:
    """Ingest ``source`` as exhibit ``exhibit`` of the signed-in session's case.

    ``pool`` is a worker pool already started with :func:`start_workers`.
    """
    return ingest(
        session.store, source, exhibit, options, progress, cancel, actor=session.actor, pool=pool
    )


def ingest(
    store: CaseStore,
    source: Path,
    exhibit: str,
    options: IngestOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    *,
    actor: str,
    pool: WorkerPool | None = None,
) -> IngestResult:
    """Ingest ``source`` as exhibit ``exhibit``; resume if it was partly ingested.

    ``actor`` is the signed-in account's audit label; the start and end of the
    run (with its totals) go to the audit log.
    """
    options = options or IngestOptions()
    if not exhibit.strip():
        raise IngestError("an exhibit reference is required")
    root = source_root(store.case_dir, Path(source))
    started = time.monotonic()
    with store.ingest_lock(), contextlib.closing(open_source(root)) as evidence:
        start = store.begin_run(
            exhibit.strip(),
            root,
            workers=options.workers,
            versions=tool_versions(),
            actor=actor,
            source=os.fsdecode(root),
            source_kind=evidence.kind,
        )
        run = _Run(store, start, options, progress)
        state = "interrupted"
        facts = None
        try:
            finished = run.execute(evidence, cancel, pool)
            state = "finished" if finished else "cancelled"
            facts = evidence.facts()
        finally:
            last, totals = store.end_run(
                start.run_id,
                run.take_batch(),
                state=state,
                atime_preserved=run.atime_preserved,
                actor=actor,
                source_facts=run.source_facts(facts),
            )
        return IngestResult(
            exhibit=exhibit.strip(),
            run_id=start.run_id,
            state=state,
            added=run.added + last,
            resumed_from=run.already,
            totals=totals,
            atime_preserved=run.atime_preserved,
            elapsed=time.monotonic() - started,
        )


class _Run:
    """State of one ingest run: the write batch and the progress counters."""

    def __init__(
        self, store: CaseStore, start: RunStart, options: IngestOptions, progress: ProgressFn | None
    ) -> None:
        self.store = store
        self.start = start
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
        #: Files of a damaged image whose bytes were partly unreadable (zero-filled).
        self.damaged: list[str] = []

    def source_facts(self, facts: SourceFacts | None) -> dict[str, Any] | None:
        """The source's facts with the files this run found on unreadable ranges."""
        if facts is None:
            return None
        out = facts.as_json()
        if self.damaged:
            out["affected_files"] = self.damaged[:1000]
            out["affected_count"] = len(self.damaged)
        return out

    def flush(self) -> None:
        """Commit the pending batch."""
        batch = self.take_batch()
        if batch:
            self.added += self.store.add_records(self.start.exhibit_id, self.start.run_id, batch)
        self.last_flush = time.monotonic()

    def take_batch(self) -> list[FileRecord]:
        """The pending records, handed over (the run's end commits the last of them)."""
        batch, self.batch = self.batch, []
        return batch

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

    def execute(
        self, evidence: Source, cancel: threading.Event | None, pool: WorkerPool | None
    ) -> bool:
        """Walk and process; return True if everything was processed.

        The worker processes start first (or were started by the caller, see
        :func:`start_workers`), so their start-up overlaps the walk.
        """
        with (
            contextlib.nullcontext(pool)
            if pool is not None
            else start_workers(self.options) as pool
        ):
            tasks, sizes = self._walk(evidence, cancel)
            if tasks is None:
                return False
            self.meter = RateMeter(len(tasks), sum(sizes.values()))
            self._report("hashing", force=True)
            evidence.start_verification(cancel)
            feed = tasks if evidence.kind not in ARCHIVES else self._contents(evidence, tasks)
            for outcome in pool.run(feed, cancel):
                record = outcome.result if outcome.failure is None else _record_for_failure(outcome)
                self._note_atime(record.atime_preserved)
                if any(n.startswith("damaged image") for n in record.notes):
                    self.damaged.append(os.fsdecode(record.path))
                self._add(record)
                self.files_done += 1
                self.bytes_done += sizes.get(record.path, 0)
                self._report("hashing")
        self._note_atime(evidence.atime_preserved)
        finished = self.files_done == len(tasks)
        self._report("finished" if finished else "cancelled", force=True)
        return finished

    def _contents(self, evidence: Source, tasks: list[ExamineTask]) -> Iterator[ExamineTask]:
        """An archive's files with their bytes, read in a second pass; a member that
        could not be read this time is recorded failed (and counted as done)."""
        wanted = {t.rel: t for t in tasks}
        for entry in evidence.contents(set(wanted)):
            task = wanted.pop(entry.rel, None)
            if task is None:
                continue
            if entry.data is None:
                reason = entry.error or "the member could not be read again"
                self._done(FileRecord(entry.rel, FILE, STATUS_FAILED, reason=reason,
                                      container=entry.container))  # fmt: skip
                continue
            yield ExamineTask(task.root, task.rel, task.keep_limit, data=entry.data,
                              container=entry.container)  # fmt: skip
        for task in wanted.values():
            self._done(FileRecord(task.rel, FILE, STATUS_FAILED, container=task.container,
                                  reason="the archive ended before this member on a second "
                                  "read (damaged or changed)"))  # fmt: skip

    def _done(self, record: FileRecord) -> None:
        self._add(record)
        self.files_done += 1

    def _task(self, root: bytes, entry: WalkEntry) -> ExamineTask:
        return ExamineTask(
            root, entry.rel, self.options.keep_limit, disk=entry.disk,
            deleted=entry.deleted, container=entry.container, address=entry.address,
        )  # fmt: skip

    def _walk(
        self, evidence: Source, cancel: threading.Event | None
    ) -> tuple[list[ExamineTask] | None, dict[bytes, int]]:
        """Record links, special files and failures; return the files to examine."""
        done = self.start.recorded
        self.already = len(done)
        root = evidence.root
        tasks: list[ExamineTask] = []
        sizes: dict[bytes, int] = {}
        if self.progress is not None:
            self.progress(RateMeter(0, 0).snapshot("walking", 0, 0, self.already))
        entries = evidence.entries()
        while True:
            try:
                entry = next(entries)
            except StopIteration:
                break
            except OSError as exc:  # only the root itself raises; deeper errors are entries
                raise IngestError(
                    f"cannot read the source{' folder' if evidence.kind == 'folder' else ''} "
                    f"{os.fsdecode(root)}: {exc.strerror or exc}"
                ) from None
            if cancel is not None and cancel.is_set():
                return None, sizes
            if entry.rel in done:
                continue
            where: dict[str, Any] = {"deleted": entry.deleted, "container": entry.container,
                     "fs_address": entry.address}  # fmt: skip
            if entry.kind == FILE and entry.error is None and entry.skip_rule is None:
                tasks.append(self._task(root, entry))
                sizes[entry.rel] = entry.size or 0
            elif entry.error is not None:
                self._add(FileRecord(entry.rel, entry.kind, STATUS_FAILED, reason=entry.error,
                                     size=entry.size, **where))  # fmt: skip
            else:
                self._add(FileRecord(entry.rel, entry.kind, STATUS_SKIPPED,
                                     reason=entry.skip_rule, size=entry.size, **where))  # fmt: skip
        return tasks, sizes
