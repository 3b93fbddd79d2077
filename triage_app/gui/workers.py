"""Background work: job queues on their own threads, results handed back to the GUI thread.

Following Picard's ``run_task(func, callback)``: a job is a plain callable run
on a worker thread; its result (or exception) comes back to the GUI thread,
where the callbacks given with the job run. A queue with one thread runs its
jobs strictly in order: the case's single SQLite *writer* (sign-in, grading,
reveal logging, ingest, matching, closing) is such a queue. Readers get
queues of their own.

Workers are plain ``threading`` threads (joined on shutdown). A finished
job's result is emitted with a signal of the queue, which lives in the GUI
thread, so Qt queues the call and the callbacks always run on the GUI thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from triage_app.gui.qt import QObject, Signal, Slot

#: Name prefixes of the threads this package starts (tests check none is left running).
THREAD_PREFIXES = ("writer", "reader", "thumbnails")

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


@dataclass(slots=True)
class _Job:
    job_id: int
    fn: Callable[[], Any]


def our_threads() -> list[threading.Thread]:
    """Worker threads of this package that are still alive."""
    return [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIXES)]


def start_threads(target: Callable[[], None], name: str, count: int) -> list[threading.Thread]:
    """Start ``count`` daemon threads ``NAME-0``, ``NAME-1``, ... each running ``target``."""
    threads = [
        threading.Thread(target=target, name=f"{name}-{i}", daemon=True) for i in range(count)
    ]
    for thread in threads:
        thread.start()
    return threads


class JobQueue(QObject):
    """Jobs run on ``threads`` worker threads; one thread means strictly in order.

    Signals:
        busy_changed(bool): jobs are (no longer) pending or running.
        error(str): a job without an error callback failed.
    """

    busy_changed = Signal(bool)
    error = Signal(str)
    _finished = Signal(int, bool, object)

    def __init__(self, name: str, threads: int = 1, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._callbacks: dict[int, tuple[Done | None, Failed | None]] = {}
        self._next_id = 0
        self._closed = False
        self._finished.connect(self._deliver)
        self._threads = start_threads(self._run, name, threads)

    @property
    def pending(self) -> int:
        """Jobs submitted whose callbacks have not run yet."""
        return len(self._callbacks)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
    ) -> int:
        """Queue ``fn``; return the job's id. Callbacks run on the GUI thread."""
        if self._closed:
            raise RuntimeError(f"{self.objectName()} is shut down")
        self._next_id += 1
        self._callbacks[self._next_id] = (on_done, on_error)
        if len(self._callbacks) == 1:
            self.busy_changed.emit(True)
        self._jobs.put(_Job(self._next_id, fn))
        return self._next_id

    def _run(self) -> None:
        """Worker thread: run jobs until the stop marker, emitting each outcome."""
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                result = job.fn()
            except BaseException as exc:  # handed to the GUI thread, never lost
                self._finished.emit(job.job_id, False, exc)
            else:
                self._finished.emit(job.job_id, True, result)

    @Slot(int, bool, object)
    def _deliver(self, job_id: int, ok: bool, value: Any) -> None:
        """Run a finished job's callback (GUI thread, queued from the worker)."""
        if job_id not in self._callbacks:
            return  # shut down meanwhile
        on_done, on_error = self._callbacks.pop(job_id)
        try:
            if ok:
                if on_done is not None:
                    on_done(value)
            elif on_error is not None:
                on_error(value)
            else:
                self.error.emit(str(value) or type(value).__name__)
        finally:
            if not self._callbacks:
                self.busy_changed.emit(False)

    def shutdown(self) -> None:
        """Let queued jobs finish, stop the threads and wait; late callbacks are dropped."""
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()
        self._callbacks.clear()
