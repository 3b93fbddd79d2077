"""The worker pool: a hanging or crashing task fails alone; the rest of the work goes on."""

from __future__ import annotations

import threading
import time

from pool_targets import behave

from triage_app.ingest.pool import CRASHED, ERROR, TIMEOUT, WorkerPool


def _run(tasks: list[tuple[str, object]], **kwargs: object) -> dict[object, object]:
    with WorkerPool(behave, 2, 0.5, **kwargs) as pool:  # type: ignore[arg-type]
        return {o.task: o for o in pool.run(tasks)}


def test_every_task_ends_once_whatever_happens() -> None:
    tasks: list[tuple[str, object]] = [("ok", i) for i in range(10)]
    tasks[2] = ("hang", 2)
    tasks[5] = ("crash", 5)
    tasks[7] = ("raise", 7)
    started = time.monotonic()
    outcomes = _run(tasks)
    assert time.monotonic() - started < 30
    assert set(outcomes) == set(tasks)
    hang, crash, boom = outcomes[("hang", 2)], outcomes[("crash", 5)], outcomes[("raise", 7)]
    assert hang.failure == TIMEOUT and hang.partial == "partial 2"  # type: ignore[attr-defined]
    assert crash.failure == CRASHED and "SIGSEGV" in crash.detail  # type: ignore[attr-defined]
    assert crash.partial == "partial 5"  # type: ignore[attr-defined]
    assert boom.failure == ERROR and "bad input 7" in boom.detail  # type: ignore[attr-defined]
    for i in (0, 1, 3, 4, 6, 8, 9):
        assert outcomes[("ok", i)].result == f"done {i}"  # type: ignore[attr-defined]


def test_queued_tasks_survive_their_worker_crashing() -> None:
    # With several tasks queued per worker, the ones behind a crash must be re-sent.
    tasks: list[tuple[str, object]] = [("crash", 0), *[("ok", i) for i in range(1, 12)]]
    outcomes = _run(tasks, depth=4)
    assert outcomes[("crash", 0)].failure == CRASHED  # type: ignore[attr-defined]
    assert all(outcomes[("ok", i)].result == f"done {i}" for i in range(1, 12))  # type: ignore[attr-defined]


def test_the_time_limit_starts_at_the_phase() -> None:
    outcomes = _run([("slow-before-phase", 1.0)])
    assert outcomes[("slow-before-phase", 1.0)].result == "finished"  # type: ignore[attr-defined]


def test_cancel_abandons_running_tasks_promptly() -> None:
    cancel = threading.Event()
    tasks = [("hang", i) for i in range(4)]
    with WorkerPool(behave, 2, 3600) as pool:
        timer = threading.Timer(1.0, cancel.set)
        timer.start()
        started = time.monotonic()
        outcomes = list(pool.run(tasks, cancel))
        elapsed = time.monotonic() - started
        timer.join()
    assert outcomes == []
    assert elapsed < 10


def test_workers_start_only_when_there_is_work_for_them() -> None:
    from pool_targets import report_pid

    with WorkerPool(report_pid, 4, 5.0, depth=2) as pool:  # type: ignore[arg-type]
        one = [o.result[1] for o in pool.run([("a", 1)])]  # type: ignore[index]
        assert len(pool._slots) == 1
        many = {o.result[1] for o in pool.run([("b", i) for i in range(40)])}  # type: ignore[index]
    assert len(one) == 1
    assert 2 <= len(many) <= 4


def test_workers_run_at_a_lower_priority_than_the_parent() -> None:
    import os

    from pool_targets import report_pid

    with WorkerPool(report_pid, 1, 5.0) as pool:  # type: ignore[arg-type]
        (outcome,) = list(pool.run([("x", 0)]))
    assert outcome.result[2] > os.getpriority(os.PRIO_PROCESS, 0)  # type: ignore[index]


def test_prefetched_tasks_are_taken_over_not_repeated_and_strays_dropped() -> None:
    from pool_targets import report_pid

    with WorkerPool(report_pid, 2, 5.0, depth=2) as pool:  # type: ignore[arg-type]
        sent = pool.prefetch([("p", 1), ("p", 2), ("p", 3)])
        assert sent == 2  # one worker, two queued
        tasks = [("p", 2), ("q", 1), ("q", 2)]  # ("p", 1) is no longer wanted
        outcomes = [o.task for o in pool.run(tasks)]
    assert sorted(outcomes) == sorted(tasks)  # each once; the stray was dropped
