"""Worker processes with a per-task time limit.

``concurrent.futures`` cannot stop a task that hangs inside C code, and a
crashing decoder breaks the whole pool. This pool runs one task at a time per
worker process, watches each worker, and when a worker overruns its time limit
or dies, kills it, reports that task as failed and starts a fresh worker. The
rest of the work goes on.

A task may call its ``phase`` callback with a partial result; from then on the
time limit applies (hashing a large file is allowed to take as long as it
takes, decoding is not).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

TaskFn = Callable[[Any, Callable[[Any], None]], Any]
#: A task function, or where to find it (``"package.module:function"``): the
#: parent then never loads the module, each worker loads it as it starts.
Target = TaskFn | str


def resolve(target: Target) -> TaskFn:
    """The function a :data:`Target` names."""
    if not isinstance(target, str):
        return target
    module, _, name = target.partition(":")
    found: TaskFn = getattr(importlib.import_module(module), name)
    return found


#: How much lower than the parent the workers' scheduling priority is.
WORKER_NICENESS = 10

TIMEOUT = "timeout"
CRASHED = "crashed"
ERROR = "error"


@dataclass(slots=True)
class Outcome:
    """How one task ended: a result, or a failure with the last partial result."""

    task: Any
    result: Any = None
    failure: str | None = None
    detail: str | None = None
    partial: Any = None


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


def _quiet_stderr() -> int:
    """Send fd 2 to a private temp file (decoder chatter); return its fd."""
    import tempfile

    with tempfile.TemporaryFile(prefix="triage-decoder-") as handle:
        fd = os.dup(handle.fileno())
    os.dup2(fd, 2)
    return fd


def _worker_main(conn: Connection, target: Target, memory_limit: int | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)  # background work: the parent (or the GUI) comes first
    stderr_fd = _quiet_stderr()
    if memory_limit:
        import resource

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    run = resolve(target)  # loads its module now, while the parent is still busy
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task_id, task = message
        os.lseek(stderr_fd, 0, os.SEEK_SET)
        os.ftruncate(stderr_fd, 0)

        def phase(partial: Any, _task_id: int = task_id) -> None:
            conn.send(("phase", _task_id, partial))

        try:
            result = run(task, phase)
        except BaseException as exc:
            detail = "".join(traceback.format_exception_only(exc)).strip()
            conn.send(("error", task_id, detail))
            continue
        chatter = _read_chatter(stderr_fd)
        if chatter and hasattr(result, "notes"):
            result.notes.append(f"decoder messages: {chatter}")
        conn.send(("done", task_id, result))


def _read_chatter(fd: int) -> str:
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0:
        return ""
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 2000).decode("utf-8", "replace")
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())[:500]


@dataclass(slots=True)
class _Slot:
    """A worker and the tasks sent to it, oldest (the one it is working on) first."""

    process: BaseProcess
    conn: Connection
    queue: deque[tuple[int, Any]] = field(default_factory=deque)
    partial: Any = None
    deadline: float | None = None

    def reset_head(self) -> None:
        """Forget the partial result and deadline of the task just finished."""
        self.partial, self.deadline = None, None


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "did not exit"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by signal {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exited with status {code}"


class WorkerPool:
    """A fixed number of worker processes running ``target(task, phase)``."""

    def __init__(
        self,
        target: Target,
        workers: int,
        time_limit: float,
        *,
        memory_limit: int | None = None,
        start_method: str = "spawn",
        depth: int = 2,
    ) -> None:
        """``depth`` tasks are queued per worker, so it never waits for the next one."""
        if workers < 1 or depth < 1:
            raise ValueError("workers and depth must be at least 1")
        self._depth = depth
        self._target = target
        self._n = workers
        self._time_limit = time_limit
        self._memory_limit = memory_limit
        self._ctx: Any = multiprocessing.get_context(start_method)
        self._slots: list[_Slot] = []
        self._next_id = 0
        self._early: set[Any] = set()
        self.respawned = 0

    def _spawn(self) -> _Slot:
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_worker_main,
            args=(child_conn, self._target, self._memory_limit),
            daemon=True,
            name="triage-worker",
        )
        process.start()
        child_conn.close()
        return _Slot(process=process, conn=parent_conn)

    def __enter__(self) -> WorkerPool:
        """Start the first worker; the others start as soon as there is work for them."""
        self._slots = [self._spawn()]
        return self

    def _grow(self) -> _Slot | None:
        """Start one more worker if the pool is below its size; None when it is full."""
        if len(self._slots) >= self._n:
            return None
        slot = self._spawn()
        self._slots.append(slot)
        return slot

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop all workers.

        A worker holds nothing worth keeping between tasks (it writes nothing
        and its results have been received), so all are stopped at once rather
        than each waited for while its interpreter tears itself down.
        """
        for slot in self._slots:
            slot.process.kill()
        for slot in self._slots:
            slot.process.join(timeout=5)
            slot.conn.close()
        self._slots = []

    def _replace(self, slot: _Slot, resend: list[tuple[int, Any]]) -> None:
        """Kill a worker and start another, handing it the tasks it had not begun."""
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        slot.conn.close()
        index = self._slots.index(slot)
        fresh = self._spawn()
        self._slots[index] = fresh
        self.respawned += 1
        for item in resend:
            self._send(fresh, item)

    @staticmethod
    def _send(slot: _Slot, item: tuple[int, Any]) -> None:
        slot.queue.append(item)
        # If the worker died, its sentinel reports it in _wait.
        with contextlib.suppress(OSError, ValueError):
            slot.conn.send(item)

    def prefetch(self, tasks: Iterable[Any]) -> int:
        """Give the first worker up to ``depth`` tasks now, before :meth:`run`.

        Tasks must be hashable. :meth:`run` takes them over: one it is also
        given is not sent twice, and one it is not given is done and dropped.
        Returns how many were sent. Not thread-safe with :meth:`run`: finish
        prefetching before running.
        """
        if not self._slots:
            raise RuntimeError("use the pool as a context manager")
        slot = self._slots[0]
        sent = 0
        for task in tasks:
            if len(slot.queue) >= self._depth:
                break
            self._send(slot, (self._next_id, task))
            self._next_id += 1
            self._early.add(task)
            sent += 1
        return sent

    def run(self, tasks: Iterable[Any], cancel: threading.Event | None = None) -> Iterator[Outcome]:
        """Run tasks, yielding outcomes as they finish (in no particular order).

        When ``cancel`` is set, tasks still running are abandoned (their
        workers are killed) and no further tasks start. ``tasks`` is read lazily
        (as workers need them) unless some were prefetched.
        """
        if not self._slots:
            raise RuntimeError("use the pool as a context manager")
        early, self._early = self._early, set()
        if early:
            tasks = list(tasks)
        claimed = early.intersection(tasks) if early else set()
        dropped = early - claimed
        pending = iter([t for t in tasks if t not in claimed] if claimed else tasks)
        exhausted = False
        while True:
            if cancel is not None and cancel.is_set():
                for slot in list(self._slots):
                    if slot.queue:
                        slot.queue.clear()
                        self._replace(slot, [])
                return
            for slot in self._feedable():
                while len(slot.queue) < self._depth and not exhausted:
                    try:
                        task = next(pending)
                    except StopIteration:
                        exhausted = True
                        break
                    self._send(slot, (self._next_id, task))
                    self._next_id += 1
                if exhausted:
                    break
            busy = [s for s in self._slots if s.queue]
            if not busy:
                if exhausted:
                    return
                continue
            for outcome in self._wait(busy):
                if dropped and outcome.task in dropped:
                    dropped.discard(outcome.task)
                    continue
                yield outcome

    def _feedable(self) -> Iterator[_Slot]:
        """Workers to hand tasks to: every running one, then new ones while tasks remain."""
        yield from list(self._slots)
        while (slot := self._grow()) is not None:
            yield slot

    def _wait(self, busy: list[_Slot]) -> Iterator[Outcome]:
        now = time.monotonic()
        deadlines = [s.deadline - now for s in busy if s.deadline is not None]
        timeout = max(0.0, min([0.25, *deadlines]))
        waitables: list[Any] = [s.conn for s in busy] + [s.process.sentinel for s in busy]
        ready = set(multiprocessing.connection.wait(waitables, timeout))
        for slot in busy:
            if slot.conn in ready or slot.conn.poll():
                outcome = self._receive(slot)
                if outcome is not None:
                    yield outcome
                continue
            if slot.process.sentinel in ready or not slot.process.is_alive():
                slot.process.join(timeout=1)
                yield self._fail(
                    slot, CRASHED, f"worker process {_describe_exit(slot.process.exitcode)}"
                )
                continue
            if slot.deadline is not None and time.monotonic() > slot.deadline:
                yield self._fail(slot, TIMEOUT, f"no result within {self._time_limit:g} s")

    def _receive(self, slot: _Slot) -> Outcome | None:
        try:
            kind, task_id, payload = slot.conn.recv()
        except (EOFError, OSError):
            slot.process.join(timeout=1)
            return self._fail(
                slot, CRASHED, f"worker process {_describe_exit(slot.process.exitcode)}"
            )
        if not slot.queue or task_id != slot.queue[0][0]:
            return None
        if kind == "phase":
            slot.partial = payload
            slot.deadline = time.monotonic() + self._time_limit
            return None
        _, task = slot.queue.popleft()
        partial = slot.partial
        slot.reset_head()
        if kind == "done":
            return Outcome(task=task, result=payload)
        return Outcome(task=task, failure=ERROR, detail=str(payload), partial=partial)

    def _fail(self, slot: _Slot, failure: str, detail: str) -> Outcome:
        """The worker's current task failed: report it, restart the worker with the rest."""
        _, task = slot.queue.popleft()
        outcome = Outcome(task=task, failure=failure, detail=detail, partial=slot.partial)
        rest = list(slot.queue)
        slot.queue.clear()
        slot.reset_head()
        self._replace(slot, rest)
        return outcome
