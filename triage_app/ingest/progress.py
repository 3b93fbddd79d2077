"""Progress of a long job: counts, rate and ETA, shared by the CLI and the GUI."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    """A snapshot of an ingest's progress."""

    phase: str
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    elapsed: float
    files_per_second: float
    bytes_per_second: float
    eta_seconds: float | None
    already_done: int = 0

    @property
    def fraction(self) -> float:
        """Share of the work done, by bytes when there are any, else by files."""
        if self.bytes_total:
            return min(1.0, self.bytes_done / self.bytes_total)
        if self.files_total:
            return min(1.0, self.files_done / self.files_total)
        return 1.0


class RateMeter:
    """Turns running totals into rates over a sliding window and an ETA."""

    def __init__(self, files_total: int, bytes_total: int, window: float = 10.0) -> None:
        self.files_total = files_total
        self.bytes_total = bytes_total
        self._window = window
        self._start = time.monotonic()
        self._samples: deque[tuple[float, int, int]] = deque([(self._start, 0, 0)])

    def snapshot(self, phase: str, files_done: int, bytes_done: int, already: int = 0) -> Progress:
        """Record the current totals and return a progress snapshot."""
        now = time.monotonic()
        self._samples.append((now, files_done, bytes_done))
        while len(self._samples) > 2 and now - self._samples[1][0] > self._window:
            self._samples.popleft()
        t0, f0, b0 = self._samples[0]
        span = max(now - t0, 1e-6)
        fps = (files_done - f0) / span
        bps = (bytes_done - b0) / span
        eta: float | None = None
        if self.bytes_total and bps > 0:
            eta = max(0.0, (self.bytes_total - bytes_done) / bps)
        elif self.files_total and fps > 0:
            eta = max(0.0, (self.files_total - files_done) / fps)
        return Progress(
            phase=phase,
            files_done=files_done,
            files_total=self.files_total,
            bytes_done=bytes_done,
            bytes_total=self.bytes_total,
            elapsed=now - self._start,
            files_per_second=fps,
            bytes_per_second=bps,
            eta_seconds=eta,
            already_done=already,
        )


def format_bytes(n: float) -> str:
    """Human-readable byte count (binary units)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def format_duration(seconds: float | None) -> str:
    """Render seconds as H:MM:SS, or '--:--' when unknown."""
    if seconds is None:
        return "--:--"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
