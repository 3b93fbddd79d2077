"""``triage-app --smoke``: prove the GUI comes up, then quit.

Opens the case, waits until the gallery has its rows and the window has
painted, checks that the painted window is not blank, and quits with status 0.
An error while opening the case, or no paint within the time limit, quits
with status 1. ``make run SMOKE=1`` and CI use it.
"""

from __future__ import annotations

import faulthandler
import sys

from triage_app.gui.qt import QApplication, QObject, QTimer
from triage_app.gui.window.main_window import MainWindow

SMOKE_ENV = "TRIAGE_SMOKE_EXIT"
TIME_LIMIT_MS = 60_000


class SmokeRun(QObject):
    """Watch a main window until it has painted a case (or failed to)."""

    def __init__(self, app: QApplication, window: MainWindow, *, with_case: bool) -> None:
        super().__init__(window)
        self.app = app
        self.window = window
        self.code: int | None = None
        window.error_shown.connect(lambda text: self._finish(1, f"error: {text}"))
        if with_case:
            window.panel.rows_loaded.connect(self._rows_loaded)
        else:
            QTimer.singleShot(0, self._painted)
        QTimer.singleShot(TIME_LIMIT_MS, self._timed_out)

    def _timed_out(self) -> None:
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        self._finish(1, f"no paint within {TIME_LIMIT_MS // 1000} s")

    def _rows_loaded(self, count: int) -> None:
        self.rows = count
        QTimer.singleShot(200, self._painted)  # let the first tiles load and paint

    def _painted(self) -> None:
        self.window.repaint()
        image = self.window.grab().toImage()
        if image.isNull() or image.width() == 0:
            self._finish(1, "the window did not paint")
            return
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37)
                   for y in range(0, image.height(), 37)}  # fmt: skip
        if len(colours) < 3:
            self._finish(1, "the window painted blank")
            return
        rows = getattr(self, "rows", None)
        shown = f"{rows} items in the gallery" if rows is not None else "no case"
        self._finish(0, f"painted {image.width()}x{image.height()}, {shown}")

    def _finish(self, code: int, text: str) -> None:
        if self.code is not None:
            return
        self.code = code
        print(f"triage-app: smoke: {text}", file=sys.stderr if code else sys.stdout)
        self.window.close()
        self.app.exit(code)
