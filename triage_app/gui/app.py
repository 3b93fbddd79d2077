"""Entry point of ``triage-app``."""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from triage_app.gui import qt_compat
from triage_app.gui.main_window import MainWindow

#: How often Python gets control to notice Ctrl+C or SIGTERM while Qt runs the loop.
SIGNAL_POLL_MS = 250


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI, opening the case folder given as the first argument.

    ``TRIAGE_USER`` and ``TRIAGE_PASSWORD`` sign in without asking (the demo
    uses them); otherwise a sign-in dialog asks. Ctrl+C and SIGTERM close the
    window as the Quit action would: any reveal is blurred and logged, and the
    case is closed in the audit trail.
    """
    args = list(sys.argv if argv is None else argv)
    try:
        qt_compat.check_binding()
    except RuntimeError as exc:
        print(f"triage-app: error: {exc}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(args)
    app.setApplicationName("Triage workstation")
    if isinstance(app, QApplication):
        app.setStyle("Fusion")
    window = MainWindow()
    window.show()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: window.close())
    poll = QTimer()
    poll.timeout.connect(lambda: None)
    poll.start(SIGNAL_POLL_MS)
    if len(args) > 1:
        window.open_case(Path(args[1]))
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
