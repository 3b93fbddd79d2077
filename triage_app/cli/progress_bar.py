"""A one-line progress bar for terminals (silent when stderr is not a TTY)."""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

from triage_app.ingest.progress import Progress, format_bytes, format_duration


class ProgressBar:
    """Renders ``Progress`` snapshots on one terminal line."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        given = stream or sys.stderr
        # The bar redraws its line with a carriage return: it writes to the raw stream.
        self.stream: TextIO = getattr(given, "raw", given)
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._shown = False

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        if p.phase == "walking":
            line = "walking the source folder..."
        else:
            width = max(10, min(30, shutil.get_terminal_size((80, 20)).columns - 70))
            filled = round(p.fraction * width)
            bar = "#" * filled + "." * (width - filled)
            line = (
                f"[{bar}] {p.fraction * 100:5.1f}%  {p.files_done:,}/{p.files_total:,} files  "
                f"{format_bytes(p.bytes_per_second)}/s  {p.files_per_second:,.1f} files/s  "
                f"ETA {format_duration(p.eta_seconds)}"
            )
        self.stream.write("\r\x1b[2K" + line)
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """End the progress line."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False
