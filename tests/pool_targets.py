"""Task functions for the worker-pool tests (importable by spawned workers)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from typing import Any


def behave(task: tuple[str, Any], phase: Callable[[Any], None]) -> Any:
    """Do what the task says: ok, hang, crash, raise, or slow hashing then a decode."""
    kind, value = task
    if kind == "ok":
        return f"done {value}"
    if kind == "hang":
        phase(f"partial {value}")
        time.sleep(3600)
    if kind == "crash":
        phase(f"partial {value}")
        os.kill(os.getpid(), signal.SIGSEGV)
    if kind == "raise":
        raise ValueError(f"bad input {value}")
    if kind == "slow-before-phase":
        time.sleep(float(value))  # no time limit before the phase (hashing a big file)
        phase("hashed")
        return "finished"
    raise AssertionError(kind)


def report_pid(task: tuple[str, Any], phase: Callable[[Any], None]) -> Any:
    """Return the worker's process id and its scheduling priority with the task."""
    return task, os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)
